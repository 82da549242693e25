/**
 * Charge runs and their per-account outcomes. Outcomes come from the events themselves: the
 * account and authorisation events a run wrote (their correlation id is the run id) and the
 * skipped and failed lists of each batch. The outcomes name no card: reports join the account's
 * cards when they are made, so a replay gives the same rows whatever order it applies in.
 */
import { authorizationIdFor, type AccountEvent } from '../accounts/events.js';
import type { AuthorizationEvent } from '../authorizations/events.js';
import type { Projection } from '../eventstore/projection.js';
import { runValues, type Sql } from '../eventstore/sql.js';
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
      last_position  INTEGER,
      -- The positions its charged and authorisation outcomes span (the control totals' range).
      outcome_min_position INTEGER,
      outcome_max_position INTEGER,
      -- The approval's log position, and the preview as it was at the approval.
      approved_position INTEGER,
      approved_preview_json TEXT
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
    -- Most of a run's accounts are charged: the index holds the others, for the review's filters
    -- (a filter by 'charged' reads the run's rows in account order): one B-tree write less per charge.
    CREATE INDEX charge_run_outcomes_outcome ON charge_run_outcomes (run_id, outcome, account_id) WHERE outcome <> 'charged';
    -- The control totals of each run, kept as its outcome rows change: a run's review and its
    -- report read a few rows here rather than adding up a million outcome rows (1.5 s at 1M).
    -- currency '' stands for none (a skipped or failed account).
    CREATE TABLE charge_run_totals (
      run_id       TEXT    NOT NULL,
      currency     TEXT    NOT NULL,
      outcome      TEXT    NOT NULL,
      accounts     INTEGER NOT NULL,
      amount       INTEGER NOT NULL,
      PRIMARY KEY (run_id, currency, outcome)
    ) STRICT, WITHOUT ROWID;
    -- While a run is approved and not finished: the accounts that were opened or unfrozen and the
    -- cards that were activated or reactivated (outside a run's batches), at the last such position.
    -- A batch looks here for accounts that may have become eligible after its run's approval.
    -- Emptied when no run is approved, running or paused, so it holds only the changes of a run's span.
    CREATE TABLE charge_run_touches (
      kind     TEXT    NOT NULL,
      id       TEXT    NOT NULL,
      position INTEGER NOT NULL,
      PRIMARY KEY (kind, id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX charge_run_touches_position ON charge_run_touches (position);`;

/** One outcome row: run_id, account_id, outcome, reason, amount, currency, charge_id, position, at. */
type OutcomeRow = [string, string, string, string | null, number | null, string | null, string | null, number, string];

const ON_CONFLICT = `ON CONFLICT (run_id, account_id) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason, position = excluded.position, at = excluded.at,
  amount = coalesce(excluded.amount, amount), currency = coalesce(excluded.currency, currency), charge_id = coalesce(excluded.charge_id, charge_id)`;
const INSERT_OUTCOMES = 'INSERT INTO charge_run_outcomes (run_id, account_id, outcome, reason, amount, currency, charge_id, position, at)';
/** The run (?1), charge id (?2) and time (?3) are shared; each row gives the rest. */
const OUTCOME_TUPLE = '(?1, ?, ?, ?, ?, ?, ?2, ?, ?3)';

/** A later row for the same account folded into an earlier one, as the SQL upsert would. */
function merge(prev: OutcomeRow, next: OutcomeRow): void {
  prev[2] = next[2];
  prev[3] = next[3];
  if (next[4] !== null) prev[4] = next[4];
  if (next[5] !== null) prev[5] = next[5];
  if (next[6] !== null) prev[6] = next[6];
  prev[7] = next[7];
  prev[8] = next[8];
}

/** Upserts rows, merged per (run, account) first so that no two rows of one statement share a key. */
class OutcomeBuffer {
  // By run, then account (a batch's rows are nearly all of one run: no key is built per row).
  private readonly runs = new Map<string, Map<string, OutcomeRow>>();
  private size = 0;
  add(r: OutcomeRow): void {
    let byAccount = this.runs.get(r[0]);
    if (!byAccount) this.runs.set(r[0], (byAccount = new Map()));
    const prev = byAccount.get(r[1]);
    if (prev) merge(prev, r);
    else {
      byAccount.set(r[1], r);
      this.size++;
    }
  }
  flush(sql: Sql): void {
    if (!this.size) return;
    const rows: OutcomeRow[] = [];
    for (const byAccount of this.runs.values()) for (const r of byAccount.values()) rows.push(r);
    this.runs.clear();
    this.size = 0;
    const prior = priorOutcomes(sql, rows);
    // With no row there before, none can conflict: a plain INSERT, which would fail loudly if one did.
    // A batch's rows share their run, charge id and time: bound once per statement.
    type Group = { shared: [string, string | null, string]; rows: [string, string, string | null, number | null, string | null, number][] };
    const groups = new Map<string, Group>();
    let last: Group | undefined;
    for (const r of rows) {
      let g = last && last.shared[0] === r[0] && last.shared[1] === r[6] && last.shared[2] === r[8] ? last : undefined;
      if (!g) {
        const key = `${r[0]}\u0000${r[6] ?? ''}\u0000${r[8]}`;
        g = groups.get(key);
        if (!g) groups.set(key, (g = { shared: [r[0], r[6], r[8]], rows: [] }));
        last = g;
      }
      g.rows.push([r[1], r[2], r[3], r[4], r[5], r[7]]);
    }
    for (const g of groups.values()) runValues(sql, INSERT_OUTCOMES, g.rows, { shared: g.shared, tuple: OUTCOME_TUPLE, ...(prior.size ? { tail: ON_CONFLICT } : {}) });
    updateTotals(sql, rows, prior);
  }
}

/** What an outcome row held before a flush replaces it. */
interface PriorOutcome {
  readonly outcome: string;
  readonly amount: number | null;
  readonly currency: string | null;
  readonly position: number;
}

// JavaScript orders strings by UTF-16 unit and SQLite by UTF-8 byte: the two agree unless a
// string holds a surrogate or a character from U+E000 up.
const ORDER_MAY_DIFFER = /[\uD800-\uFFFF]/;

/**
 * Each listed account's outcome row in a run. CROSS JOIN keeps the list the outer loop: SQLite
 * otherwise reads the run's rows and looks each up in the list, as many rows as the run has for
 * every flush (a replay one event at a time stalled on a 1M run).
 */
export const PRIOR_OUTCOMES = 'SELECT o.account_id, o.outcome, o.amount, o.currency, o.position FROM json_each(?) j CROSS JOIN charge_run_outcomes o ON o.run_id = ? AND o.account_id = j.value';

/**
 * The stored outcome rows the flush's rows would replace, by `run\0account`. A batch of a run
 * writes accounts that have no row yet: one look at the range of its account ids shows it,
 * and only otherwise (a retry, a replay one event at a time) is each account looked up.
 */
function priorOutcomes(sql: Sql, rows: readonly OutcomeRow[]): Map<string, PriorOutcome> {
  const prior = new Map<string, PriorOutcome>();
  const byRun = new Map<string, string[]>();
  for (const r of rows) {
    let ids = byRun.get(r[0]);
    if (!ids) byRun.set(r[0], (ids = []));
    ids.push(r[1]);
  }
  for (const [runId, ids] of byRun) {
    let lo = ids[0]!;
    let hi = lo;
    let comparable = true;
    for (const id of ids) {
      if (id < lo) lo = id;
      if (id > hi) hi = id;
      if (ORDER_MAY_DIFFER.test(id)) comparable = false;
    }
    if (comparable && sql.scalar('SELECT 1 FROM charge_run_outcomes WHERE run_id = ? AND account_id BETWEEN ? AND ? LIMIT 1', [runId, lo, hi]) === undefined) continue;
    const found = sql.all<PriorOutcome & { account_id: string }>(PRIOR_OUTCOMES, [JSON.stringify(ids), runId]);
    for (const f of found) prior.set(`${runId}\u0000${f.account_id}`, f);
  }
  return prior;
}

/** The outcomes whose positions the control totals' range spans. */
const SPANNED: ReadonlySet<string> = new Set(['charged', 'auth_approved', 'auth_denied', 'auth_review']);
const SPANNED_SQL = "('charged', 'auth_approved', 'auth_denied', 'auth_review')";

/** What one flush changes in a run's control totals. */
interface RunChange {
  /** Per `currency\0outcome` ('' for no currency): accounts and amount added (negative: taken away). */
  readonly groups: Map<string, [accounts: number, amount: number]>;
  /** The smallest and largest position among its rows in SPANNED outcomes. */
  lo: number;
  hi: number;
  /** Positions of rows in SPANNED outcomes that were replaced. */
  readonly lost: number[];
  /** A row of the run was replaced: a group may be left with no account. */
  replaced: boolean;
}

/**
 * Keeps charge_run_totals equal to adding up charge_run_outcomes per (run, currency, outcome),
 * and each run's outcome_min/max_position equal to the span of its SPANNED rows' positions.
 * Accounts and amounts move by what was added and taken away. The span only widens while rows
 * are added; a replaced row at its edge (which no batch of a run replaces, only a replay one
 * event at a time, and then while the run has few rows) has it looked up again. Positions of
 * SPANNED rows are their own events', so no two rows share one.
 */
function updateTotals(sql: Sql, rows: readonly OutcomeRow[], prior: ReadonlyMap<string, PriorOutcome>): void {
  const runs = new Map<string, RunChange>();
  const runChange = (runId: string): RunChange => {
    let c = runs.get(runId);
    if (!c) runs.set(runId, (c = { groups: new Map(), lo: Infinity, hi: -Infinity, lost: [], replaced: false }));
    return c;
  };
  // Consecutive rows mostly fall in one group: it is kept at hand rather than looked up by a key built per row.
  let lastGroup: { c: RunChange; currency: string | null; outcome: string; g: [number, number] } | undefined;
  const add = (c: RunChange, currency: string | null, outcome: string, accounts: number, amount: number): void => {
    let g = lastGroup && lastGroup.c === c && lastGroup.currency === currency && lastGroup.outcome === outcome ? lastGroup.g : undefined;
    if (!g) {
      const key = `${currency ?? ''}\u0000${outcome}`;
      g = c.groups.get(key);
      if (!g) c.groups.set(key, (g = [0, 0]));
      lastGroup = { c, currency, outcome, g };
    }
    g[0] += accounts;
    g[1] += amount;
  };
  for (const r of rows) {
    const c = runChange(r[0]);
    const old = prior.size ? prior.get(`${r[0]}\u0000${r[1]}`) : undefined;
    if (old) {
      add(c, old.currency, old.outcome, -1, -(old.amount ?? 0));
      c.replaced = true;
      if (SPANNED.has(old.outcome)) c.lost.push(old.position);
    }
    // As the upsert does: a row without amount or currency keeps the ones it replaces.
    const amount = r[4] ?? old?.amount ?? null;
    add(c, r[5] ?? old?.currency ?? null, r[2], 1, amount ?? 0);
    if (SPANNED.has(r[2])) {
      if (r[7] < c.lo) c.lo = r[7];
      if (r[7] > c.hi) c.hi = r[7];
    }
  }
  for (const [runId, c] of runs) {
    const groups: (string | number)[][] = [];
    for (const [key, [accounts, amount]] of c.groups) {
      const [currency, outcome] = key.split('\u0000') as [string, string];
      if (accounts !== 0 || amount !== 0) groups.push([runId, currency, outcome, accounts, amount]);
    }
    runValues(sql, 'INSERT INTO charge_run_totals (run_id, currency, outcome, accounts, amount)', groups, {
      tail: 'ON CONFLICT (run_id, currency, outcome) DO UPDATE SET accounts = accounts + excluded.accounts, amount = amount + excluded.amount',
    });
    if (c.replaced) sql.run('DELETE FROM charge_run_totals WHERE run_id = ? AND accounts = 0', [runId]);
    if (!c.lost.length && c.lo > c.hi) continue;
    const span = sql.get<{ lo: number | null; hi: number | null }>('SELECT outcome_min_position AS lo, outcome_max_position AS hi FROM charge_runs WHERE run_id = ?', [runId]);
    if (!span) continue;
    let lo = Math.min(span.lo ?? Infinity, c.lo);
    let hi = Math.max(span.hi ?? -Infinity, c.hi);
    // A replaced row inside the span leaves its edges to other rows; one at an edge needs a new
    // edge, unless a row added here reaches past it.
    const lostEdge = c.lost.some((p) => (p === span.lo && c.lo > p) || (p === span.hi && c.hi < p));
    if (lostEdge) {
      const now = sql.get<{ lo: number | null; hi: number | null }>(`SELECT min(position) AS lo, max(position) AS hi FROM charge_run_outcomes WHERE run_id = ? AND outcome IN ${SPANNED_SQL}`, [runId]);
      lo = now?.lo ?? Infinity;
      hi = now?.hi ?? -Infinity;
    }
    sql.run('UPDATE charge_runs SET outcome_min_position = ?, outcome_max_position = ? WHERE run_id = ?', [lo === Infinity ? null : lo, hi === -Infinity ? null : hi, runId]);
  }
}

/**
 * Events a run's batch wrote carry the run id as correlation id and the batch's id
 * (`<run>:batch:<n>`) as command id; a plain command's correlation id is its own id, or one its
 * client chose (which may name a run: such an event is still not the run's own, so a decision
 * sent with a run's id as correlation id is a later decision like any other). (A function of its
 * own, not a closure made per event: at a million events a closure each is measurable, and more
 * so under tsx, which names every one; no string is made per event either.)
 */
function fromRun(stored: StoredEvent, isRun: (runId: string) => boolean): boolean {
  const runId = stored.metadata.correlationId;
  const commandId = stored.metadata.commandId;
  return commandId.length > runId.length && commandId.startsWith(runId) && commandId.startsWith(':batch:', runId.length) && isRun(runId);
}

/**
 * The outcome row an account or authorisation event gives (undefined: none), or null for an
 * event that is not an outcome (a run event).
 */
function outcomeOf(stored: StoredEvent, isRun: (runId: string) => boolean): OutcomeRow | undefined | null {
  const e = stored as unknown as ChargeRunEvent | AccountEvent | AuthorizationEvent;
  const runId = stored.metadata.correlationId;
  switch (e.type) {
    case 'ChargePosted':
      return fromRun(stored, isRun) ? [runId, e.data.accountId, e.data.authorizationId ? 'auth_approved' : 'charged', null, e.data.amount, e.data.currency, e.data.chargeId, stored.position, stored.recordedAt] : undefined;
    case 'CreditAuthorizationRequired':
      return fromRun(stored, isRun) ? [runId, e.data.accountId, 'auth_review', null, e.data.amount, e.data.currency, e.data.chargeId, stored.position, stored.recordedAt] : undefined;
    case 'CreditDenied':
      return fromRun(stored, isRun) ? [runId, e.data.accountId, 'auth_denied', null, null, null, null, stored.position, stored.recordedAt] : undefined;
    case 'CreditApproved':
    case 'CreditSentToReview':
      return undefined;
    default:
      return null;
  }
}

function batchOutcomes(stored: StoredEvent): OutcomeRow[] {
  const e = stored as unknown as ChargeRunEvent;
  if (e.type !== 'ChargeRunBatchCompleted') return [];
  const { runId } = e.data;
  const row = (accountId: string, outcome: string, reason: string): OutcomeRow => [runId, accountId, outcome, reason, null, null, null, stored.position, stored.recordedAt];
  return [...e.data.skipped.map((s) => row(s.accountId, 'skipped', s.reason)), ...e.data.failed.map((f) => row(f.accountId, 'failed', f.error))];
}

function applyRunEvent(stored: StoredEvent, sql: Sql): void {
  const e = stored as unknown as ChargeRunEvent;
  const at = stored.recordedAt;
  switch (e.type) {
    case 'ChargeRunPlanned':
      sql.run("INSERT INTO charge_runs VALUES (?, ?, ?, ?, ?, 'planned', ?, ?, NULL, NULL, NULL, NULL, 0, '{}', '{}', NULL, NULL, NULL, NULL, NULL, NULL)", [
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
      sql.run("UPDATE charge_runs SET status = 'approved', approved_by = ?, approved_at = ?, approved_position = ?, approved_preview_json = ? WHERE run_id = ?", [
        stored.metadata.operator,
        at,
        stored.position,
        e.data.preview ? JSON.stringify(e.data.preview) : null,
        e.data.runId,
      ]);
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

/** Events that can make an account eligible for a charge run: its opening, unfreezing, a card activated. */
const TOUCH_KIND: Readonly<Record<string, 'account' | 'card'>> = { AccountOpened: 'account', AccountUnfrozen: 'account', CardActivated: 'card', CardReactivated: 'card' };
const TOUCH_TYPES = Object.keys(TOUCH_KIND);

/** Runs that are approved and may still charge: while there is one, the changes that could make an account eligible are kept. */
const OPEN_RUNS = "SELECT 1 FROM charge_runs WHERE status IN ('approved', 'running', 'paused') LIMIT 1";

const runExists = (sql: Sql, runId: string): boolean => sql.scalar('SELECT 1 FROM charge_runs WHERE run_id = ?', [runId]) !== undefined;

export const chargeRunsProjection: Projection = {
  name: 'charge_runs',
  // 2: the outcome index leaves out the charged accounts. 3: control totals kept per run.
  // 4: outcomes follow later decisions of a run's authorisations; the approval's position and
  // preview; the changes since an approval (charge_run_touches).
  version: 4,
  tables: ['charge_runs', 'charge_run_outcomes', 'charge_run_totals', 'charge_run_touches'],
  handles: [...CHARGE_RUN_EVENT_TYPES, 'ChargePosted', 'CreditAuthorizationRequired', 'CreditApproved', 'CreditDenied', 'CreditSentToReview', ...TOUCH_TYPES],
  schema: SCHEMA,
  apply(stored, sql) {
    applyEvents([stored], sql);
  },
  applyMany: (events, sql) => applyEvents(events, sql),
};

/**
 * A run's authorisation in review decided later (by a supervisor, outside the run): the run's
 * outcome row of that account moves to approved (with the charge's amount and position) or
 * denied. The run is found by the account's outcome row in review whose charge the
 * authorisation is for. Undefined: no run queued this authorisation.
 */
function laterDecision(stored: StoredEvent, sql: Sql): OutcomeRow | undefined {
  const e = stored as unknown as AccountEvent | AuthorizationEvent;
  if (e.type !== 'CreditDenied' && e.type !== 'ChargePosted') return undefined;
  const { accountId, authorizationId } = e.data as { accountId: string; authorizationId: string };
  const rows = sql.all<{ run_id: string; charge_id: string | null }>(LATER_DECISION, [accountId]);
  const hit = rows.find((r) => r.charge_id !== null && authorizationIdFor(accountId, r.charge_id) === authorizationId && (e.type !== 'ChargePosted' || e.data.chargeId === r.charge_id));
  if (!hit) return undefined;
  return e.type === 'ChargePosted'
    ? [hit.run_id, accountId, 'auth_approved', null, e.data.amount, e.data.currency, e.data.chargeId, stored.position, stored.recordedAt]
    : [hit.run_id, accountId, 'auth_denied', null, null, null, null, stored.position, stored.recordedAt];
}

/** An account's outcome rows in review, in every run (there are few runs): the runs' list is the outer loop. */
const LATER_DECISION = "SELECT o.run_id, o.charge_id FROM charge_runs r CROSS JOIN charge_run_outcomes o ON o.run_id = r.run_id AND o.account_id = ? WHERE o.outcome = 'auth_review'";

/** The run's running counts and totals follow a later decision too (in review → approved or denied). */
function moveRunCounts(sql: Sql, row: OutcomeRow): void {
  const [, , outcome, , amount, currency] = row;
  const run = sql.get<{ counts_json: string; totals_json: string }>('SELECT counts_json, totals_json FROM charge_runs WHERE run_id = ?', [row[0]]);
  if (!run) return;
  const counts = JSON.parse(run.counts_json) as Record<string, number>;
  const totals = JSON.parse(run.totals_json) as Record<string, number>;
  counts.auth_review = (counts.auth_review ?? 0) - 1;
  counts[outcome] = (counts[outcome] ?? 0) + 1;
  if (outcome === 'auth_approved' && amount !== null && currency !== null) totals[currency] = (totals[currency] ?? 0) + amount;
  sql.run('UPDATE charge_runs SET counts_json = ?, totals_json = ? WHERE run_id = ?', [JSON.stringify(counts), JSON.stringify(totals), row[0]]);
}

/** Kept changes, written once per flush. */
class TouchBuffer {
  private readonly touches = new Map<string, [kind: string, id: string, position: number]>();
  add(kind: string, id: string, position: number): void {
    const key = `${kind}\u0000${id}`;
    const t = this.touches.get(key);
    if (t) t[2] = Math.max(t[2], position);
    else this.touches.set(key, [kind, id, position]);
  }
  flush(sql: Sql): void {
    if (!this.touches.size) return;
    runValues(sql, 'INSERT INTO charge_run_touches (kind, id, position)', [...this.touches.values()], { tail: 'ON CONFLICT (kind, id) DO UPDATE SET position = max(position, excluded.position)' });
    this.touches.clear();
  }
}

/**
 * A charge-run batch: one row per account, however many of its events a batch holds, written
 * 64 rows per statement (one statement step costs far more than a row in sql.js).
 */
function applyEvents(events: readonly StoredEvent[], sql: Sql): void {
  const known = new Map<string, boolean>();
  const isRun = (runId: string): boolean => {
    let k = known.get(runId);
    if (k === undefined) known.set(runId, (k = runExists(sql, runId)));
    return k;
  };
  let open: boolean | undefined;
  const pending = new OutcomeBuffer();
  const touches = new TouchBuffer();
  for (const e of events) {
    const kind = TOUCH_KIND[e.type];
    if (kind) {
      // Kept only while a run is approved, and not for a run's own batch (its accounts are done).
      if ((open ??= sql.scalar(OPEN_RUNS) !== undefined) && !fromRun(e, isRun)) touches.add(kind, kind === 'account' ? (e.data as { accountId: string }).accountId : (e.data as { cardId: string }).cardId, e.position);
      continue;
    }
    const row = outcomeOf(e, isRun);
    if (row) pending.add(row);
    if (row === undefined) {
      // Not a run's event: perhaps a later decision of an authorisation a run queued (rare).
      if (e.type === 'CreditDenied' || (e.type === 'ChargePosted' && (e.data as { authorizationId?: string }).authorizationId)) {
        // Earlier rows first: the run's row in review may be among them (a replay in one go).
        pending.flush(sql);
        const moved = laterDecision(e, sql);
        if (moved) {
          moveRunCounts(sql, moved);
          pending.add(moved);
        }
      }
      continue;
    }
    if (row !== null) continue;
    // A batch's skipped and failed accounts join its other outcomes in one write. Any other run
    // event may change which runs exist (which isRun reads) and which are open: earlier rows go first.
    if (e.type !== 'ChargeRunBatchCompleted') {
      pending.flush(sql);
      touches.flush(sql);
      known.clear();
    }
    applyRunEvent(e, sql);
    if (e.type !== 'ChargeRunBatchCompleted') {
      open = sql.scalar(OPEN_RUNS) !== undefined;
      // No run left that could charge: the changes kept for them go.
      if (!open) sql.run('DELETE FROM charge_run_touches');
    }
    for (const r of batchOutcomes(e)) pending.add(r);
  }
  pending.flush(sql);
  touches.flush(sql);
}
