/** Charge runs for the screens, the CLI and the reports. */
import type { SqlValue } from 'sql.js';
import type { Sql } from '../eventstore/sql.js';
import { keysetPage, type ListParams, type Page, type TableSpec } from '../backend/paging.js';
import type { Fees, Outcome, Preview } from './events.js';

export interface ChargeRunRow {
  readonly runId: string;
  readonly period: string;
  readonly feeKind: string;
  readonly status: string;
  readonly plannedBy: string;
  readonly plannedAt: string;
  readonly approvedBy: string | null;
  readonly approvedAt: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly batches: number;
  readonly counts: Partial<Record<Outcome, number>>;
  readonly totals: Record<string, number>;
  readonly preview: Preview;
  readonly fees: Fees;
  readonly firstPosition: number | null;
  readonly lastPosition: number | null;
  /** The preview as it was when the run was approved (null: not approved, or approved before it was recorded). */
  readonly approvedPreview: Preview | null;
  /** Accounts eligible when the run was approved: the accounts it may charge. */
  readonly eligibleAtApproval: number | null;
  /** Accounts the run charged so far (charged, and authorisations approved, also later by a supervisor). */
  readonly chargedAccounts: number;
}

export interface OutcomeRow {
  readonly accountId: string;
  readonly outcome: Outcome;
  readonly reason: string | null;
  readonly cardId: string | null;
  readonly amount: number | null;
  readonly currency: string | null;
  readonly chargeId: string | null;
  readonly position: number | null;
  readonly at: string;
}

const s = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));
const n = (v: SqlValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));

function mapRun(r: Record<string, SqlValue>): ChargeRunRow {
  const counts = JSON.parse(String(r.counts_json)) as Partial<Record<Outcome, number>>;
  const approvedPreview = r.approved_preview_json ? (JSON.parse(String(r.approved_preview_json)) as Preview) : null;
  return {
    runId: String(r.run_id),
    period: String(r.period),
    feeKind: String(r.fee_kind),
    status: String(r.status),
    plannedBy: String(r.planned_by),
    plannedAt: String(r.planned_at),
    approvedBy: s(r.approved_by),
    approvedAt: s(r.approved_at),
    startedAt: s(r.started_at),
    finishedAt: s(r.finished_at),
    batches: Number(r.batches),
    counts,
    totals: JSON.parse(String(r.totals_json)) as Record<string, number>,
    preview: JSON.parse(String(r.preview_json)) as Preview,
    fees: JSON.parse(String(r.fees_json)) as Fees,
    firstPosition: n(r.first_position),
    lastPosition: n(r.last_position),
    approvedPreview,
    eligibleAtApproval: approvedPreview ? approvedPreview.eligible : null,
    chargedAccounts: (counts.charged ?? 0) + (counts.auth_approved ?? 0),
  };
}

export const mapOutcome = (r: Record<string, SqlValue>): OutcomeRow => ({
  accountId: String(r.account_id),
  outcome: String(r.outcome) as Outcome,
  reason: s(r.reason),
  cardId: s(r.card_id),
  amount: n(r.amount),
  currency: s(r.currency),
  chargeId: s(r.charge_id),
  position: n(r.position),
  at: String(r.at),
});

const runsTable: TableSpec<ChargeRunRow> = {
  table: 'charge_runs',
  key: 'run_id',
  columns: { runId: 'run_id', period: 'period', status: 'status', plannedAt: 'planned_at' },
  search: ['run_id', 'period'],
  defaultSort: 'plannedAt',
  select: '*',
  map: mapRun,
};

export const listRuns = (sql: Sql, p: ListParams): Page<ChargeRunRow> => keysetPage(sql, runsTable, { direction: 'desc', ...p });

export function getRun(sql: Sql, runId: string): ChargeRunRow | null {
  const r = sql.get('SELECT * FROM charge_runs WHERE run_id = ?', [runId]);
  return r ? mapRun(r) : null;
}

const outcomesTable: TableSpec<OutcomeRow> = {
  table: 'charge_run_outcomes',
  key: 'account_id',
  columns: { runId: 'run_id', accountId: 'account_id', outcome: 'outcome' },
  // The outcome index leaves out the charged accounts (most of a run): it serves a filter by any
  // other outcome (SQLite's planner, without statistics, scanned the whole run instead); a filter
  // by 'charged' reads the run's rows in account order. No index gives the whole run in outcome
  // order, so the outcome filters but does not sort.
  unsortable: ['runId', 'outcome'],
  filterIndex: { outcome: (v) => (v === 'charged' ? null : { index: 'charge_run_outcomes_outcome', where: "outcome <> 'charged'" }) },
  search: ['account_id'],
  searchMode: 'prefix',
  defaultSort: 'accountId',
  // The account's card as it is now: its active card, else its latest one.
  select: "account_id, outcome, reason, (SELECT c.card_id FROM cards c WHERE c.account_id = charge_run_outcomes.account_id ORDER BY c.status = 'active' DESC, c.status_at DESC LIMIT 1) AS card_id, amount, currency, charge_id, position, at",
  map: mapOutcome,
};

/** The outcomes of one run, paged by keyset over (run, account); filter by outcome, search by account id prefix. */
export function listOutcomes(sql: Sql, runId: string, p: ListParams): Page<OutcomeRow> {
  return keysetPage(sql, outcomesTable, { ...p, filters: { ...(p.filters ?? {}), runId } });
}

export interface ControlTotals {
  /** Per currency and outcome: accounts and amount. */
  readonly rows: readonly { currency: string | null; outcome: string; accounts: number; amount: number }[];
  readonly minPosition: number | null;
  readonly maxPosition: number | null;
}

export function controlTotals(sql: Sql, runId: string): ControlTotals {
  const rows = sql
    .all<{ currency: string; outcome: string; accounts: number; amount: number }>('SELECT currency, outcome, accounts, amount FROM charge_run_totals WHERE run_id = ? ORDER BY currency, outcome', [runId])
    .map((r) => ({ ...r, currency: r.currency === '' ? null : r.currency }));
  const range = sql.get<{ lo: number | null; hi: number | null }>('SELECT outcome_min_position AS lo, outcome_max_position AS hi FROM charge_runs WHERE run_id = ?', [runId]);
  return { rows, minPosition: range?.lo ?? null, maxPosition: range?.hi ?? null };
}
