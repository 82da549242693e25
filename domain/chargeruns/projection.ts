/**
 * Charge runs and their per-account outcomes. Outcomes come from the events themselves: the
 * account and authorisation events a run wrote (their correlation id is the run id) and the
 * skipped and failed lists of each batch. The outcomes name no card: reports join the account's
 * cards when they are made, so a replay gives the same rows whatever order it applies in.
 */
import type { AccountEvent } from '../accounts/events.js';
import type { AuthorizationEvent } from '../authorizations/events.js';
import type { Projection } from '../eventstore/projection.js';
import type { Sql } from '../eventstore/sql.js';
import type { StoredEvent } from '../eventstore/types.js';
import { CHARGE_RUN_EVENT_TYPES, type ChargeRunEvent } from './events.js';

const SCHEMA = `
    CREATE TABLE charge_runs (
      run_id       TEXT PRIMARY KEY,
      period       TEXT NOT NULL,
      fee_kind     TEXT NOT NULL,
      fees_json    TEXT NOT NULL,
      preview_json TEXT NOT NULL,
      status       TEXT NOT NULL,
      planned_by   TEXT NOT NULL,
      planned_at   TEXT NOT NULL,
      approved_by  TEXT,
      approved_at  TEXT,
      started_at   TEXT,
      finished_at  TEXT,
      batches      INTEGER NOT NULL,
      counts_json  TEXT NOT NULL,
      totals_json  TEXT NOT NULL,
      first_position INTEGER,
      last_position  INTEGER
    ) STRICT;
    CREATE INDEX charge_runs_period ON charge_runs (period, planned_at);
    CREATE TABLE charge_run_outcomes (
      run_id     TEXT    NOT NULL,
      account_id TEXT    NOT NULL,
      outcome    TEXT    NOT NULL,
      reason     TEXT,
      amount     INTEGER,
      currency   TEXT,
      charge_id  TEXT,
      position   INTEGER,
      at         TEXT    NOT NULL,
      PRIMARY KEY (run_id, account_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX charge_run_outcomes_outcome ON charge_run_outcomes (run_id, outcome, account_id);`;

interface OutcomeUpsert {
  readonly runId: string;
  readonly accountId: string;
  readonly outcome: string;
  readonly reason: string | null;
  readonly amount: number | null;
  readonly currency: string | null;
  readonly chargeId: string | null;
  readonly position: number;
  readonly at: string;
}

const ON_CONFLICT = `ON CONFLICT (run_id, account_id) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason, position = excluded.position, at = excluded.at,
  amount = coalesce(excluded.amount, amount), currency = coalesce(excluded.currency, currency), charge_id = coalesce(excluded.charge_id, charge_id)`;

function upsertOne(sql: Sql, o: OutcomeUpsert): void {
  sql.run(`INSERT INTO charge_run_outcomes (run_id, account_id, outcome, reason, amount, currency, charge_id, position, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ${ON_CONFLICT}`, [
    o.runId,
    o.accountId,
    o.outcome,
    o.reason,
    o.amount,
    o.currency,
    o.chargeId,
    o.position,
    o.at,
  ]);
}

const OUTCOME_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
const OUTCOME_CHUNK = 64;
const UPSERT_CHUNK = `INSERT INTO charge_run_outcomes (run_id, account_id, outcome, reason, amount, currency, charge_id, position, at) VALUES ${OUTCOME_ROW}${`, ${OUTCOME_ROW}`.repeat(OUTCOME_CHUNK - 1)} ${ON_CONFLICT}`;

/**
 * Many upserts, merged per row first (so no two rows of one statement share a key), then 64 rows
 * per statement with bound values: one statement step per 64 rows costs far less in sql.js than
 * one per row, and far less than a JSON statement (SQLite parses the JSON again for every `->>`).
 */
function upsertMany(sql: Sql, rows: Iterable<OutcomeUpsert>): void {
  const all = [...rows];
  const params: (string | number | null)[] = new Array<string | number | null>(OUTCOME_CHUNK * 9);
  let i = 0;
  for (; i + OUTCOME_CHUNK <= all.length; i += OUTCOME_CHUNK) {
    for (let k = 0; k < OUTCOME_CHUNK; k++) {
      const o = all[i + k]!;
      const at = k * 9;
      params[at] = o.runId;
      params[at + 1] = o.accountId;
      params[at + 2] = o.outcome;
      params[at + 3] = o.reason;
      params[at + 4] = o.amount;
      params[at + 5] = o.currency;
      params[at + 6] = o.chargeId;
      params[at + 7] = o.position;
      params[at + 8] = o.at;
    }
    sql.run(UPSERT_CHUNK, params);
  }
  for (; i < all.length; i++) upsertOne(sql, all[i]!);
}

/** A later upsert of the same row folded into an earlier one, as the SQL upsert would. */
function merge(prev: OutcomeUpsert | undefined, next: OutcomeUpsert): OutcomeUpsert {
  if (!prev) return next;
  return { ...next, amount: next.amount ?? prev.amount, currency: next.currency ?? prev.currency, chargeId: next.chargeId ?? prev.chargeId };
}

/** The outcome rows an account or authorisation event gives; null for a run event. */
function outcomesOf(stored: StoredEvent, isRun: (runId: string) => boolean): OutcomeUpsert[] | null {
  const e = stored as unknown as ChargeRunEvent | AccountEvent | AuthorizationEvent;
  const runId = stored.metadata.correlationId;
  const base = { runId, position: stored.position, at: stored.recordedAt, reason: null, amount: null, currency: null, chargeId: null };
  // Events a run wrote carry the run id as correlation id; a plain command's correlation id is its own id.
  const fromRun = (): boolean => runId !== stored.metadata.commandId && isRun(runId);
  switch (e.type) {
    case 'ChargePosted':
      return fromRun() ? [{ ...base, accountId: e.data.accountId, outcome: e.data.authorizationId ? 'auth_approved' : 'charged', amount: e.data.amount, currency: e.data.currency, chargeId: e.data.chargeId }] : [];
    case 'CreditAuthorizationRequired':
      return fromRun() ? [{ ...base, accountId: e.data.accountId, outcome: 'auth_review', amount: e.data.amount, currency: e.data.currency, chargeId: e.data.chargeId }] : [];
    case 'CreditDenied':
      return fromRun() ? [{ ...base, accountId: e.data.accountId, outcome: 'auth_denied' }] : [];
    case 'CreditApproved':
    case 'CreditSentToReview':
      return [];
    default:
      return null;
  }
}

function batchOutcomes(stored: StoredEvent): OutcomeUpsert[] {
  const e = stored as unknown as ChargeRunEvent;
  if (e.type !== 'ChargeRunBatchCompleted') return [];
  const base = { runId: e.data.runId, position: stored.position, at: stored.recordedAt, amount: null, currency: null, chargeId: null };
  return [
    ...e.data.skipped.map((s) => ({ ...base, accountId: s.accountId, outcome: 'skipped', reason: s.reason })),
    ...e.data.failed.map((f) => ({ ...base, accountId: f.accountId, outcome: 'failed', reason: f.error })),
  ];
}

function applyRunEvent(stored: StoredEvent, sql: Sql): void {
  const e = stored as unknown as ChargeRunEvent;
  const at = stored.recordedAt;
  switch (e.type) {
    case 'ChargeRunPlanned':
      sql.run("INSERT INTO charge_runs VALUES (?, ?, ?, ?, ?, 'planned', ?, ?, NULL, NULL, NULL, NULL, 0, '{}', '{}', NULL, NULL)", [
        e.data.runId,
        e.data.period,
        e.data.fees.feeKind,
        JSON.stringify(e.data.fees),
        JSON.stringify(e.data.preview),
        stored.metadata.operator,
        at,
      ]);
      return;
    case 'ChargeRunApproved':
      sql.run("UPDATE charge_runs SET status = 'approved', approved_by = ?, approved_at = ? WHERE run_id = ?", [stored.metadata.operator, at, e.data.runId]);
      return;
    case 'ChargeRunStarted':
      sql.run("UPDATE charge_runs SET status = 'running', started_at = ? WHERE run_id = ?", [at, e.data.runId]);
      return;
    case 'ChargeRunResumed':
      sql.run("UPDATE charge_runs SET status = 'running' WHERE run_id = ?", [e.data.runId]);
      return;
    case 'ChargeRunPaused':
      sql.run("UPDATE charge_runs SET status = 'paused' WHERE run_id = ?", [e.data.runId]);
      return;
    case 'ChargeRunCancelled':
      sql.run("UPDATE charge_runs SET status = 'cancelled', finished_at = ? WHERE run_id = ?", [at, e.data.runId]);
      return;
    case 'ChargeRunCompleted':
      sql.run("UPDATE charge_runs SET status = 'completed', finished_at = ? WHERE run_id = ?", [at, e.data.runId]);
      return;
    case 'ChargeRunBatchCompleted': {
      const d = e.data;
      const row = sql.get<{ counts_json: string; totals_json: string }>('SELECT counts_json, totals_json FROM charge_runs WHERE run_id = ?', [d.runId]);
      if (!row) return;
      const counts = JSON.parse(row.counts_json) as Record<string, number>;
      // A retry decides the failed accounts again: they count under their new outcome.
      if (d.retry) counts.failed = 0;
      const totals = JSON.parse(row.totals_json) as Record<string, number>;
      for (const [k, v] of Object.entries(d.counts)) counts[k] = (counts[k] ?? 0) + v;
      for (const [k, v] of Object.entries(d.totals)) totals[k] = (totals[k] ?? 0) + v;
      sql.run('UPDATE charge_runs SET batches = batches + 1, counts_json = ?, totals_json = ?, first_position = coalesce(first_position, ?), last_position = ? WHERE run_id = ?', [
        JSON.stringify(counts),
        JSON.stringify(totals),
        stored.position,
        stored.position,
        d.runId,
      ]);
      return;
    }
    default:
      return;
  }
}

const runExists = (sql: Sql, runId: string): boolean => sql.scalar('SELECT 1 FROM charge_runs WHERE run_id = ?', [runId]) !== undefined;

export const chargeRunsProjection: Projection = {
  name: 'charge_runs',
  version: 1,
  tables: ['charge_runs', 'charge_run_outcomes'],
  handles: [...CHARGE_RUN_EVENT_TYPES, 'ChargePosted', 'CreditAuthorizationRequired', 'CreditApproved', 'CreditDenied', 'CreditSentToReview'],
  schema: SCHEMA,
  apply(stored, sql) {
    const rows = outcomesOf(stored, (runId) => runExists(sql, runId));
    if (rows) {
      for (const r of rows) upsertOne(sql, r);
      return;
    }
    applyRunEvent(stored, sql);
    for (const r of batchOutcomes(stored)) upsertOne(sql, r);
  },
  /** A charge-run batch: one upsert per account, however many of its events a batch holds. */
  applyMany(events, sql) {
    const known = new Map<string, boolean>();
    const isRun = (runId: string): boolean => {
      let k = known.get(runId);
      if (k === undefined) known.set(runId, (k = runExists(sql, runId)));
      return k;
    };
    const pending = new Map<string, OutcomeUpsert>();
    const add = (r: OutcomeUpsert): void => {
      const key = `${r.runId}\u0000${r.accountId}`;
      pending.set(key, merge(pending.get(key), r));
    };
    const flush = (): void => {
      upsertMany(sql, pending.values());
      pending.clear();
    };
    for (const e of events) {
      const rows = outcomesOf(e, isRun);
      if (rows) {
        rows.forEach(add);
        continue;
      }
      // A run event changes the runs table (which isRun reads): earlier rows go first.
      flush();
      known.clear();
      applyRunEvent(e, sql);
      batchOutcomes(e).forEach(add);
    }
    flush();
  },
};
