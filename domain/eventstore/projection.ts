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

export interface VerifyReport {
  readonly ok: boolean;
  readonly events: number;
  readonly projections: readonly { name: string; tables: readonly string[]; rows: number; differences: number }[];
  readonly differences: readonly ProjectionDifference[];
}

export type Progress = (done: number, total: number) => void;

const handled = new WeakMap<Projection, ReadonlySet<string>>();
export function handlesEvent(p: Projection, type: string): boolean {
  if (!p.handles) return true;
  let set = handled.get(p);
  if (!set) handled.set(p, (set = new Set(p.handles)));
  return set.has(type);
}
