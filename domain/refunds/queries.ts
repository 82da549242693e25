/** The refunds list (with filters), the approval queue, and what is still refundable of a charge. */
import type { SqlValue } from 'sql.js';
import { keysetPage, type ListParams, type Page, type TableSpec } from '../backend/paging.js';
import type { Sql } from '../eventstore/sql.js';
import type { RefundReason } from './events.js';

export interface RefundRow {
  readonly refundId: string;
  readonly accountId: string;
  readonly holderName: string | null;
  readonly chargeId: string;
  readonly amount: number;
  readonly currency: string;
  readonly chargeAmount: number;
  readonly reason: RefundReason;
  readonly note: string | null;
  /** requested → awaiting_approval | approved → posted; or rejected. */
  readonly status: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly decisionNote: string | null;
  readonly postedAt: string | null;
}

export interface RefundableCharge {
  readonly accountId: string;
  readonly chargeId: string;
  readonly description: string;
  readonly chargeAmount: number;
  readonly currency: string;
  /** Refunded or waiting for approval. */
  readonly committed: number;
  readonly refundable: number;
  /** The limits of the charge's currency: over `agentLimit` for the charge's refunds together, a supervisor approves. */
  readonly agentLimit: number;
  readonly agentDailyLimit: number;
  /** What the operator asking has refunded today in this currency (not rejected). */
  readonly refundedToday: number;
  readonly refunds: readonly RefundRow[];
}

const s = (v: SqlValue | undefined): string => (v === null || v === undefined ? '' : String(v));
const sn = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));

export const mapRefund = (r: Record<string, SqlValue>): RefundRow => ({
  refundId: s(r.refund_id),
  accountId: s(r.account_id),
  holderName: sn(r.holder_name),
  chargeId: s(r.charge_id),
  amount: Number(r.amount),
  currency: s(r.currency),
  chargeAmount: Number(r.charge_amount),
  reason: s(r.reason) as RefundReason,
  note: sn(r.note),
  status: s(r.status),
  requestedBy: s(r.requested_by),
  requestedAt: s(r.requested_at),
  decidedBy: sn(r.decided_by),
  decidedAt: sn(r.decided_at),
  decisionNote: sn(r.decision_note),
  postedAt: sn(r.posted_at),
});

const SELECT = 'r.refund_id, r.account_id, a.holder_name, r.charge_id, r.amount, r.currency, r.charge_amount, r.reason, r.note, r.status, r.requested_by, r.requested_at, r.decided_by, r.decided_at, r.decision_note, r.posted_at';

export const refundsTable: TableSpec<RefundRow> = {
  table: 'refunds r LEFT JOIN accounts a ON a.account_id = r.account_id',
  key: 'r.refund_id',
  columns: {
    refundId: 'r.refund_id',
    accountId: 'r.account_id',
    chargeId: 'r.charge_id',
    amount: 'r.amount',
    currency: 'r.currency',
    reason: 'r.reason',
    status: 'r.status',
    requestedBy: 'r.requested_by',
    requestedAt: 'r.requested_at',
    decidedBy: 'r.decided_by',
  },
  search: ['r.refund_id', 'r.account_id', 'r.charge_id'],
  defaultSort: 'requestedAt',
  select: SELECT,
  map: mapRefund,
};

export const listRefunds = (sql: Sql, p: ListParams): Page<RefundRow> => keysetPage(sql, refundsTable, p);

export const refundLocation = (sql: Sql, refundId: string): { accountId: string; chargeId: string } | null => {
  const r = sql.get<{ account_id: string; charge_id: string }>('SELECT account_id, charge_id FROM refunds WHERE refund_id = ?', [refundId]);
  return r ? { accountId: r.account_id, chargeId: r.charge_id } : null;
};

export const refundsOfCharge = (sql: Sql, accountId: string, chargeId: string): RefundRow[] =>
  sql.all(`SELECT ${SELECT} FROM refunds r LEFT JOIN accounts a ON a.account_id = r.account_id WHERE r.account_id = ? AND r.charge_id = ? ORDER BY r.requested_at, r.refund_id`, [accountId, chargeId]).map(mapRefund);

/**
 * What `requestedBy` asked to refund on the UTC day `day` (YYYY-MM-DD) in `currency` and is not rejected (posted,
 * approved or waiting for approval): exact, a sum of integers in SQLite.
 */
export function refundedByOn(sql: Sql, requestedBy: string, currency: string, day: string): number {
  const next = new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
  const sum = sql.scalar("SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE requested_by = ? AND requested_at >= ? AND requested_at < ? AND currency = ? AND status <> 'rejected'", [requestedBy, day, next, currency]);
  return Number(sum);
}
