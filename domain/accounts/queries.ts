/**
 * The agent's read side: accounts list, account summary, the account timeline (every event of
 * the account and of its cards, authorisations, invoices, payment methods, plans, refund ledgers
 * and orders), card and global search, the review queue.
 */
import type { SqlValue } from 'sql.js';
import type { Sql } from '../eventstore/sql.js';
import type { EventMetadata } from '../eventstore/types.js';
import { keysetPage, prefixRange, type ListParams, type Page, type TableSpec } from '../backend/paging.js';
import { accountStreamId, type PendingAuthorization } from './events.js';
import { authorizationStreamId } from '../authorizations/events.js';
import { cardStreamId } from '../cards/events.js';
import { invoiceStreamId } from '../invoices/events.js';
import { orderStreamId } from '../orders/events.js';
import { paymentMethodStreamId } from '../paymentmethods/events.js';
import { planStreamId } from '../plans/events.js';
import { refundStreamId } from '../refunds/events.js';

export interface AccountRow {
  readonly accountId: string;
  readonly holderName: string;
  readonly currency: string;
  readonly creditLimit: number;
  readonly balance: number;
  readonly availableCredit: number;
  readonly status: string;
  readonly version: number;
  readonly openedAt: string;
  readonly updatedAt: string;
}

export interface CardRow {
  readonly cardId: string;
  readonly accountId: string;
  readonly holderName: string;
  readonly last4: string;
  readonly brand: string;
  readonly expiryMonth: number;
  readonly expiryYear: number;
  readonly status: string;
  readonly statusReason: string | null;
  readonly statusAt: string;
  readonly statusBy: string;
  readonly replaces: string | null;
  readonly replacedBy: string | null;
}

export interface AuthorizationRow {
  readonly authorizationId: string;
  readonly accountId: string;
  readonly holderName: string | null;
  readonly chargeId: string;
  readonly amount: number;
  readonly currency: string;
  readonly overdraft: number;
  readonly description: string;
  readonly status: string;
  readonly reviewReason: string | null;
  readonly decidedBy: string | null;
  readonly decisionNote: string | null;
  readonly openedAt: string;
  readonly decidedAt: string | null;
}

export interface AccountSummary {
  readonly account: AccountRow;
  readonly pending: PendingAuthorization | null;
  readonly deniedCount: number;
  readonly cards: readonly CardRow[];
  readonly authorizations: readonly AuthorizationRow[];
}

export const TIMELINE_KINDS = ['account', 'posting', 'card', 'authorization', 'invoice', 'plans', 'refunds', 'orders'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineEntry {
  readonly position: number;
  readonly streamId: string;
  readonly eventId: string;
  readonly type: string;
  readonly kind: TimelineKind;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  readonly recordedAt: string;
  /** The operator's display name, when the operator is a person with an account here (not `system` or `seed`). */
  readonly operatorName: string | null;
}

const str = (v: SqlValue | undefined): string => (v === null || v === undefined ? '' : String(v));
const strOrNull = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));

export const mapAccount = (r: Record<string, SqlValue>): AccountRow => ({
  accountId: str(r.account_id),
  holderName: str(r.holder_name),
  currency: str(r.currency),
  creditLimit: Number(r.credit_limit),
  balance: Number(r.balance),
  availableCredit: Number(r.credit_limit) + Number(r.balance),
  status: str(r.status),
  version: Number(r.version),
  openedAt: str(r.opened_at),
  updatedAt: str(r.updated_at),
});

export const mapCard = (r: Record<string, SqlValue>): CardRow => ({
  cardId: str(r.card_id),
  accountId: str(r.account_id),
  holderName: str(r.holder_name),
  last4: str(r.last4),
  brand: str(r.brand),
  expiryMonth: Number(r.expiry_month),
  expiryYear: Number(r.expiry_year),
  status: str(r.status),
  statusReason: strOrNull(r.status_reason),
  statusAt: str(r.status_at),
  statusBy: str(r.status_by),
  replaces: strOrNull(r.replaces),
  replacedBy: strOrNull(r.replaced_by),
});

const mapAuthorization = (r: Record<string, SqlValue>): AuthorizationRow => ({
  authorizationId: str(r.authorization_id),
  accountId: str(r.account_id),
  holderName: strOrNull(r.holder_name),
  chargeId: str(r.charge_id),
  amount: Number(r.amount),
  currency: str(r.currency),
  overdraft: Number(r.overdraft),
  description: str(r.description),
  status: str(r.status),
  reviewReason: strOrNull(r.review_reason),
  decidedBy: strOrNull(r.decided_by),
  decisionNote: strOrNull(r.decision_note),
  openedAt: str(r.opened_at),
  decidedAt: strOrNull(r.decided_at),
});

const CARD_COLUMNS = 'card_id, account_id, holder_name, last4, brand, expiry_month, expiry_year, status, status_reason, status_at, status_by, replaces, replaced_by';
const ACCOUNT_COLUMNS = 'account_id, holder_name, currency, credit_limit, balance, status, version, opened_at, updated_at';

export const accountsTable: TableSpec<AccountRow> = {
  table: 'accounts',
  key: 'account_id',
  columns: { accountId: 'account_id', holderName: 'holder_name', currency: 'currency', balance: 'balance', creditLimit: 'credit_limit', status: 'status', updatedAt: 'updated_at' },
  search: ['account_id', 'holder_name'],
  searchMode: 'prefix',
  defaultSort: 'accountId',
  select: ACCOUNT_COLUMNS,
  map: mapAccount,
};

export const cardsTable: TableSpec<CardRow> = {
  table: 'cards',
  key: 'card_id',
  columns: { cardId: 'card_id', accountId: 'account_id', holderName: 'holder_name', last4: 'last4', status: 'status', brand: 'brand' },
  search: ['card_id', 'account_id', 'holder_name', 'last4'],
  searchMode: 'prefix',
  defaultSort: 'cardId',
  select: CARD_COLUMNS,
  map: mapCard,
};

export const authorizationsTable: TableSpec<AuthorizationRow> = {
  table: 'authorizations a LEFT JOIN accounts ac ON ac.account_id = a.account_id',
  key: 'a.authorization_id',
  columns: { authorizationId: 'a.authorization_id', accountId: 'a.account_id', status: 'a.status', openedAt: 'a.opened_at', overdraft: 'a.overdraft', amount: 'a.amount' },
  search: ['a.authorization_id', 'a.account_id'],
  searchMode: 'prefix',
  defaultSort: 'openedAt',
  select: 'a.authorization_id, a.account_id, ac.holder_name, a.charge_id, a.amount, a.currency, a.overdraft, a.description, a.status, a.review_reason, a.decided_by, a.decision_note, a.opened_at, a.decided_at',
  map: mapAuthorization,
};

export const listAccounts = (sql: Sql, p: ListParams): Page<AccountRow> => keysetPage(sql, accountsTable, p);
export const listCards = (sql: Sql, p: ListParams): Page<CardRow> => keysetPage(sql, cardsTable, p);
export const listAuthorizations = (sql: Sql, p: ListParams): Page<AuthorizationRow> => keysetPage(sql, authorizationsTable, p);

export function accountSummary(sql: Sql, accountId: string): AccountSummary | null {
  const row = sql.get(`SELECT ${ACCOUNT_COLUMNS}, pending_json, denied_count FROM accounts WHERE account_id = ?`, [accountId]);
  if (!row) return null;
  return {
    account: mapAccount(row),
    pending: typeof row.pending_json === 'string' ? (JSON.parse(row.pending_json) as PendingAuthorization) : null,
    deniedCount: Number(row.denied_count),
    cards: sql.all(`SELECT ${CARD_COLUMNS} FROM cards WHERE account_id = ? ORDER BY status_at DESC, card_id`, [accountId]).map(mapCard),
    authorizations: sql
      .all(`SELECT a.*, NULL AS holder_name FROM authorizations a WHERE a.account_id = ? ORDER BY a.opened_at DESC LIMIT 50`, [accountId])
      .map(mapAuthorization),
  };
}

export function kindOf(type: string): TimelineKind {
  if (type.startsWith('Card')) return 'card';
  if (type.startsWith('Invoice') || type.startsWith('Recipient')) return 'invoice';
  if (type.startsWith('Credit') || type === 'AccountFrozen' || type === 'AccountUnfrozen') return 'authorization';
  if (type === 'AccountOpened' || type === 'AccountClosed') return 'account';
  if (type.startsWith('PaymentMethod') || type.startsWith('PaymentPlan') || type.startsWith('PlanCharge') || type === 'RenewalNoticeSent') return 'plans';
  if (type.startsWith('Refund') && type !== 'RefundPosted') return 'refunds';
  if (type.startsWith('Order')) return 'orders';
  return 'posting';
}

/**
 * The other kind a posting belongs to, so a chip shows the whole story: a refund's posting under
 * Refunds, a plan's charge under Plans, an order's prepaid credit under Orders.
 */
export function alsoKindOf(type: string, data: unknown): TimelineKind | null {
  if (type === 'RefundPosted') return 'refunds';
  const d = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  if (type === 'ChargePosted' && typeof d.chargeId === 'string' && d.chargeId.startsWith('plan-')) return 'plans';
  if (type === 'PrepaidCreditAdded' && typeof d.creditId === 'string' && d.creditId.startsWith('order:')) return 'orders';
  return null;
}

/** Every stream that belongs to the account's story (stream names as the deciders write them). */
export function accountStreams(sql: Sql, accountId: string): string[] {
  const ids = (q: string): string[] => sql.all<{ id: string }>(q, [accountId]).map((r) => r.id);
  return [
    accountStreamId(accountId),
    ...ids('SELECT card_id AS id FROM cards WHERE account_id = ?').map(cardStreamId),
    ...ids('SELECT authorization_id AS id FROM authorizations WHERE account_id = ?').map(authorizationStreamId),
    ...ids('SELECT invoice_id AS id FROM invoices WHERE account_id = ?').map(invoiceStreamId),
    ...ids('SELECT method_id AS id FROM payment_methods WHERE account_id = ?').map(paymentMethodStreamId),
    ...ids('SELECT plan_id AS id FROM plans WHERE account_id = ?').map(planStreamId),
    ...ids('SELECT DISTINCT charge_id AS id FROM refunds WHERE account_id = ?').map((chargeId) => refundStreamId(accountId, chargeId)),
    ...ids('SELECT order_id AS id FROM orders WHERE account_id = ?').map(orderStreamId),
  ];
}

/** The timeline, newest first, in pages (`before` = the last position of the previous page). */
export function accountTimeline(sql: Sql, accountId: string, opts: { kinds?: readonly TimelineKind[]; before?: number; limit?: number }): { entries: TimelineEntry[]; next: number | null } {
  const streams = accountStreams(sql, accountId);
  const limit = opts.limit ?? 100;
  const kinds = new Set(opts.kinds ?? []);
  const entries: TimelineEntry[] = [];
  let before = opts.before ?? Number.MAX_SAFE_INTEGER;
  const names = new Map<string, string | null>();
  const nameOf = (operatorId: string): string | null => {
    if (!names.has(operatorId)) names.set(operatorId, strOrNull(sql.scalar('SELECT display_name FROM operators WHERE operator_id = ?', [operatorId])));
    return names.get(operatorId) ?? null;
  };
  // Read in chunks until a page of the chosen kinds is full (kinds are derived from types).
  for (;;) {
    const rows = sql.all(
      `SELECT position, stream_id, event_id, type, data, metadata, recorded_at FROM events WHERE stream_id IN (${streams.map(() => '?').join(',')}) AND position < ? ORDER BY position DESC LIMIT ?`,
      [...streams, before, limit + 1],
    );
    for (const r of rows) {
      before = Number(r.position);
      const type = str(r.type);
      const kind = kindOf(type);
      let data: unknown;
      const parsed = (): unknown => (data ??= JSON.parse(str(r.data)) as unknown);
      if (kinds.size && !kinds.has(kind) && !kinds.has(alsoKindOf(type, type === 'ChargePosted' || type === 'PrepaidCreditAdded' ? parsed() : null) ?? kind)) continue;
      if (entries.length === limit) return { entries, next: entries[entries.length - 1]!.position };
      const metadata = JSON.parse(str(r.metadata)) as EventMetadata;
      entries.push({ position: Number(r.position), streamId: str(r.stream_id), eventId: str(r.event_id), type, kind, data: parsed(), metadata, recordedAt: str(r.recorded_at), operatorName: nameOf(metadata.operator) });
    }
    if (rows.length <= limit) return { entries, next: null };
  }
}

/** Card search for agents: exact last-4, or a prefix of card id, account id or holder name. Index lookups only. */
export function searchCards(sql: Sql, query: string, limit = 20): CardRow[] {
  const q = query.trim();
  if (!q) return [];
  const [lo, hi] = prefixRange(q);
  const found = new Map<string, CardRow>();
  const add = (rows: Record<string, SqlValue>[]): void => {
    for (const r of rows) if (found.size < limit) found.set(String(r.card_id), mapCard(r));
  };
  if (/^\d{4}$/.test(q)) add(sql.all(`SELECT ${CARD_COLUMNS} FROM cards WHERE last4 = ? ORDER BY card_id LIMIT ?`, [q, limit]));
  add(sql.all(`SELECT ${CARD_COLUMNS} FROM cards WHERE card_id = ?`, [q]));
  if (found.size < limit) add(sql.all(`SELECT ${CARD_COLUMNS} FROM cards WHERE account_id = ? LIMIT ?`, [q, limit]));
  if (found.size < limit) add(sql.all(`SELECT ${CARD_COLUMNS} FROM cards WHERE card_id >= ? AND card_id < ? ORDER BY card_id LIMIT ?`, [lo, hi, limit]));
  if (found.size < limit) add(sql.all(`SELECT ${CARD_COLUMNS} FROM cards WHERE holder_name >= ? AND holder_name < ? ORDER BY holder_name, card_id LIMIT ?`, [lo, hi, limit]));
  return [...found.values()];
}

export function searchAccounts(sql: Sql, query: string, limit = 20): AccountRow[] {
  const q = query.trim();
  if (!q) return [];
  const [lo, hi] = prefixRange(q);
  const found = new Map<string, AccountRow>();
  const add = (rows: Record<string, SqlValue>[]): void => {
    for (const r of rows) if (found.size < limit) found.set(String(r.account_id), mapAccount(r));
  };
  add(sql.all(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE account_id = ?`, [q]));
  if (found.size < limit) add(sql.all(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE account_id >= ? AND account_id < ? ORDER BY account_id LIMIT ?`, [lo, hi, limit]));
  if (found.size < limit) add(sql.all(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE holder_name >= ? AND holder_name < ? ORDER BY holder_name, account_id LIMIT ?`, [lo, hi, limit]));
  return [...found.values()];
}
