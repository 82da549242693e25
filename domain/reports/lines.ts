/**
 * The lines of a reconciliation report: every account's outcome in one charge run, read from the
 * store in keyset pages over charge_run_outcomes (run_id, account_id), so a report of a million
 * lines never holds more than one page. Control totals are added up from the very lines written,
 * so a report always agrees with itself, whatever happens in the store while it is written.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { CardOpsStore } from '../backend/store.js';
import { controlTotals, getRun, listOutcomes, type ChargeRunRow, type ControlTotals, type OutcomeRow } from '../chargeruns/queries.js';
import { OUTCOMES, type Outcome } from '../chargeruns/events.js';
import { formatDecimal } from '../shared/money.js';

export const REPORT_FORMATS = ['csv', 'xlsx', 'pdf', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Outcomes that moved money: their amounts were posted to the accounts. */
export const POSTED_OUTCOMES: readonly Outcome[] = ['charged', 'auth_approved'];
/** Outcomes whose events are the charge and its authorisation (skipped and failed come from the batch event). */
const CHARGE_OUTCOMES: ReadonlySet<string> = new Set(['charged', 'auth_approved', 'auth_denied', 'auth_review']);

export const OUTCOME_LABELS: Readonly<Record<Outcome, string>> = {
  charged: 'charged',
  auth_approved: 'authorisation required: approved',
  auth_denied: 'authorisation required: denied',
  auth_review: 'authorisation required: in review',
  skipped: 'skipped',
  failed: 'failed',
};

export const SKIP_LABELS: Readonly<Record<string, string>> = {
  already_charged: 'already charged for this period and fee kind',
  no_active_card: 'no active card',
  account_frozen: 'account frozen',
  account_closed: 'account closed',
  no_fee_for_currency: 'no fee set for the currency',
  changed_after_approval: 'became eligible after the run was approved (a new run can charge it)',
};

/** Who asked for the report and when: printed on it. */
export interface ReportMeta {
  readonly generatedAt: string;
  readonly generatedBy: string;
}

export interface TotalsRow {
  readonly currency: string | null;
  readonly outcome: string;
  readonly accounts: number;
  /** Minor units. */
  readonly amount: number;
}

export interface ReportTotals {
  /** Per currency and outcome, sorted by currency then outcome order. */
  readonly rows: readonly TotalsRow[];
  /** Per currency: the amount posted (charged and approved authorisations), minor units. */
  readonly posted: Readonly<Record<string, number>>;
  readonly lines: number;
  readonly minPosition: number | null;
  readonly maxPosition: number | null;
}

/** By currency (no currency last), then in the order of OUTCOMES. */
function sortTotals(rows: TotalsRow[]): TotalsRow[] {
  const order = (o: string): number => {
    const i = OUTCOMES.indexOf(o as Outcome);
    return i < 0 ? OUTCOMES.length : i;
  };
  const byCurrency = (a: string | null, b: string | null): number => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
  return rows.sort((a, b) => byCurrency(a.currency, b.currency) || order(a.outcome) - order(b.outcome));
}

/** Adds up lines as they are written. */
export class TotalsAccumulator {
  private readonly groups = new Map<string, { currency: string | null; outcome: string; accounts: number; amount: number }>();
  private readonly postedBy: Record<string, number> = {};
  private count = 0;
  private lo: number | null = null;
  private hi: number | null = null;

  add(line: OutcomeRow): void {
    this.count++;
    const key = `${line.currency ?? ''}\u0000${line.outcome}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { currency: line.currency, outcome: line.outcome, accounts: 0, amount: 0 }));
    g.accounts++;
    g.amount += line.amount ?? 0;
    if (line.currency && line.amount !== null && POSTED_OUTCOMES.includes(line.outcome)) this.postedBy[line.currency] = (this.postedBy[line.currency] ?? 0) + line.amount;
    if (line.position !== null && CHARGE_OUTCOMES.has(line.outcome)) {
      this.lo = this.lo === null ? line.position : Math.min(this.lo, line.position);
      this.hi = this.hi === null ? line.position : Math.max(this.hi, line.position);
    }
  }

  result(): ReportTotals {
    const rows = sortTotals([...this.groups.values()]);
    const posted = Object.fromEntries(Object.entries(this.postedBy).sort(([a], [b]) => a.localeCompare(b)));
    return { rows, posted, lines: this.count, minPosition: this.lo, maxPosition: this.hi };
  }
}

/** The same totals from the store in one query (the PDF summary; chargeRuns.get has them too). */
export function totalsFromControl(c: ControlTotals): ReportTotals {
  const rows = sortTotals(c.rows.map((r) => ({ currency: r.currency, outcome: r.outcome, accounts: Number(r.accounts), amount: Number(r.amount) })));
  const posted: Record<string, number> = {};
  for (const r of rows) if (r.currency && POSTED_OUTCOMES.includes(r.outcome as Outcome)) posted[r.currency] = (posted[r.currency] ?? 0) + r.amount;
  return { rows, posted, lines: rows.reduce((n, r) => n + r.accounts, 0), minPosition: c.minPosition, maxPosition: c.maxPosition };
}

export const PAGE_SIZE = 5_000;

/** Every outcome of the run in account id order, page by page; the host answers other requests between pages. */
export async function* outcomePages(store: CardOpsStore, runId: string, pageSize = PAGE_SIZE): AsyncGenerator<readonly OutcomeRow[]> {
  let after: string | undefined;
  for (;;) {
    const page = await store.read((sql) => listOutcomes(sql, runId, { sort: 'accountId', direction: 'asc', limit: pageSize, ...(after ? { after } : {}) }));
    if (page.rows.length) yield page.rows;
    if (!page.next) return;
    after = page.next;
    await new Promise<void>((r) => setImmediate(r));
  }
}

export class ReportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function loadRun(store: CardOpsStore, runId: string): Promise<ChargeRunRow> {
  const run = await store.read((sql) => getRun(sql, runId));
  if (!run) throw new ReportError('NOT_FOUND', `there is no charge run ${runId}: check the run id (cardops charge-run status --run ID)`);
  return run;
}

export async function loadSummary(store: CardOpsStore, runId: string): Promise<{ run: ChargeRunRow; totals: ReportTotals }> {
  const r = await store.read((sql) => {
    const run = getRun(sql, runId);
    return run ? { run, totals: totalsFromControl(controlTotals(sql, runId)) } : null;
  });
  if (!r) throw new ReportError('NOT_FOUND', `there is no charge run ${runId}: check the run id (cardops charge-run status --run ID)`);
  return r;
}

/** "1500", "EUR" → "15.00": exact, ungrouped (a number a spreadsheet reads), without the code. */
export function decimal(minor: number, currency: string): string {
  return formatDecimal(minor, currency);
}

/** A file name for the report: reconciliation-<run>.<ext>. */
export function reportFileName(runId: string, format: ReportFormat): string {
  const safe = runId.replace(/[^A-Za-z0-9._-]/g, '_');
  return `reconciliation-${safe}.${format}`;
}

/** A run's status as the report prints it: an unfinished run makes a partial report. */
export function statusNote(run: ChargeRunRow): string {
  if (run.status === 'completed') return 'completed';
  if (run.status === 'cancelled') return 'cancelled (the lines are the accounts processed before the cancellation)';
  return `${run.status}: not finished, so this report is partial`;
}

/**
 * Waits for `source` to drain, unless `out` closes first (the reader went away): then it throws,
 * and the report stops instead of waiting forever.
 */
export async function drained(source: NodeJS.EventEmitter, out: Writable): Promise<void> {
  if (out.destroyed) throw new ReportError('ABORTED', 'the report was abandoned: its reader went away');
  const ac = new AbortController();
  try {
    const r = await Promise.race([once(source, 'drain', { signal: ac.signal }).then(() => 'drain'), once(out, 'close', { signal: ac.signal }).then(() => 'close')]);
    if (r === 'close') throw new ReportError('ABORTED', 'the report was abandoned: its reader went away');
  } finally {
    ac.abort();
  }
}
