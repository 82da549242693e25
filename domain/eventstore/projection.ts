/**
 * Projections are read models kept in the same transaction as the events they come from.
 * Each one owns a few tables, has a version (bump it when its schema or logic changes: the
 * store then rebuilds it on open), and a checkpoint: the global position it has seen.
 */
import type { Sql } from './sql.js';
import type { StoredEvent } from './types.js';

export interface Projection {
  readonly name: string;
  readonly version: number;
  /** The tables it owns, in creation order. */
  readonly tables: readonly string[];
  /** Views it defines over its tables (and the log); dropped and recreated with the tables. A name may have been a table in an older version. */
  readonly views?: readonly string[];
  /** DDL that creates its tables and indexes. */
  readonly schema: string;
  /** The event types it reads; all when absent. */
  readonly handles?: readonly string[];
  apply(event: StoredEvent, sql: Sql): void;
  /**
   * Optional: applies a transaction's events (those it handles, in order) at once, for speed on
   * large batches. It must leave the tables exactly as `apply` one by one would: rebuild and
   * verify replay with `apply`, so `verify` catches any difference.
   */
  applyMany?(events: readonly StoredEvent[], sql: Sql): void;
  /**
   * Optional: indexes (by name) that no projection's apply reads. A bulk load into a new store
   * drops them and builds each once at its end: sorting a million keys once costs far less than
   * inserting them one by one at random places in the index.
   */
  readonly deferrableIndexes?: readonly string[];
}

export interface ProjectionDifference {
  readonly projection: string;
  readonly table: string;
  /**
   * `missing`: in a replay, not in the live table; `extra`: in the live table only;
   * `integrity`: SQLite's `quick_check` found the database itself damaged (projection `store`).
   */
  readonly kind: 'missing' | 'extra' | 'checkpoint' | 'integrity';
  readonly row: string;
}

/** A problem a ledger check found in the log itself: which account or transfer, what was expected, what was found. */
export interface LedgerProblem {
  readonly check: string;
  /** A stable code: TRANSFER_ONE_LEG, BALANCE_MISMATCH, POSTING_ID_REUSED, AMOUNT_UNSAFE, … */
  readonly code: string;
  /** What it is about: `account A-1`, `transfer T-9`. */
  readonly subject: string;
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly events: number;
  readonly projections: readonly { name: string; tables: readonly string[]; rows: number; differences: number }[];
  readonly differences: readonly ProjectionDifference[];
  /** The ledger checks: how many streams they read, and the problems they found (the first ones, up to the limit). */
  readonly ledger: { readonly streams: number; readonly problems: number };
  readonly problems: readonly LedgerProblem[];
}

/** What a ledger check sees: the live database (log and projections) and the replay (projections rebuilt from the log, and its own scratch tables). */
export interface CheckContext {
  readonly live: Sql;
  readonly replay: Sql;
}

/**
 * A check of the log itself, beside the projections: verify reads every stream whose id starts
 * with `streamPrefix`, whole and in order (up to the position the verify started at), in
 * slices, and gives each to `checkStream`; then `finish` looks across streams (with the tables
 * it made in the replay from `schema`). The live read models have moved on by then if writes
 * came in meanwhile: a check compares a row with a stream only when their versions agree.
 */
export interface StreamCheck {
  readonly name: string;
  readonly streamPrefix: string;
  /** DDL of its scratch tables in the replay database. */
  readonly schema?: string;
  checkStream(streamId: string, events: readonly StoredEvent[], ctx: CheckContext): readonly LedgerProblem[];
  finish(ctx: CheckContext): readonly LedgerProblem[];
}

export type Progress = (done: number, total: number) => void;

const handled = new WeakMap<Projection, ReadonlySet<string>>();
export function handlesEvent(p: Projection, type: string): boolean {
  if (!p.handles) return true;
  let set = handled.get(p);
  if (!set) handled.set(p, (set = new Set(p.handles)));
  return set.has(type);
}
