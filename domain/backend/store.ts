import type { Progress, VerifyReport } from '../eventstore/projection.js';
import type { StoreStats } from '../eventstore/sqljs/store.js';
import type { Sql } from '../eventstore/sql.js';
import type { AppendResult, EventStore, StreamAppend } from '../eventstore/types.js';

/** What the backend needs of a store: the event store port plus its projections. */
export interface CardOpsStore extends EventStore {
  read<T>(fn: (sql: Sql) => T): Promise<T>;
  rebuild(names?: readonly string[], onProgress?: Progress): Promise<{ events: number; projections: string[] }>;
  verify(onProgress?: Progress): Promise<VerifyReport>;
  stats(): StoreStats;
  checkpoint(): Promise<void>;
  /** Appends many batches as one unit that is saved by a single checkpoint at its end (the demo seed). */
  bulkLoad<T>(fn: (append: (appends: readonly StreamAppend[]) => readonly AppendResult[]) => Promise<T>): Promise<T>;
}
