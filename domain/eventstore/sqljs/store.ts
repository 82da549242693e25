/**
 * The sql.js event store.
 *
 * sql.js holds the database in memory. Durability comes from the journal: every transaction is
 * written to it and fsync'd before it commits in memory and before its caller is answered. A
 * checkpoint (the whole database, written to a temp file, fsync'd and renamed over the old one)
 * is taken after enough journaled events, when the store is idle, and on close; then the
 * journal segments it covers are deleted. Opening loads the checkpoint and replays the journal.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, statSync, unlinkSync, write, writeSync } from 'node:fs';
import { open as openFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from 'sql.js';
import { ROWS_PER_STATEMENT, runValues, StatementCache, type Sql } from '../sql.js';
import { handlesEvent, type CheckContext, type LedgerProblem, type Progress, type Projection, type ProjectionDifference, type StreamCheck, type VerifyReport } from '../projection.js';
import {
  ConcurrencyError,
  StoreError,
  matchesExpected,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadAllResult,
  type ReadStreamResult,
  type StoredEvent,
  type StreamAppend,
  type Unsubscribe,
} from '../types.js';
import { encodeRecord, JournalWriteError, listSegments, missingSegment, readSegment, SEAL, segmentPath, segmentsToReplay, SegmentWriter, toStoredEvent, type JournalEvent } from './journal.js';
import { chunkSums, encodeTrailer, readCheckpointFile, type CheckpointSums } from './checkpointFile.js';
import { acquireLock, type StoreLock } from './lock.js';
import { EVENT_COLUMNS, rowToEvent, type EventRow } from './rows.js';
import { migrate, PRAGMAS, SCHEMA_VERSION, userVersion } from './schema.js';

let sqlJs: Promise<SqlJsStatic> | undefined;
/** Loads sql.js once per process. `locateFile` lets a packaged app point at its unpacked wasm. */
export function loadSqlJs(locateFile?: (file: string) => string): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs(locateFile ? { locateFile } : undefined);
  return sqlJs;
}

export type StoreLog = (level: 'info' | 'warn', message: string) => void;

export interface OpenOptions {
  /** A file path, or undefined for a store that lives in memory only (tests, scratch). */
  readonly path?: string;
  readonly projections?: readonly Projection[];
  /** Checks of the log itself that `verify` runs besides comparing projections (each call makes a fresh one). */
  readonly checks?: readonly (() => StreamCheck)[];
  /**
   * Take a checkpoint once this many events were journaled since the last one. Without it, a
   * checkpoint is due when the journal since the last one reaches a quarter of the database
   * (at least 64 MB): writing the whole database costs in proportion to its size, so a big store
   * checkpoints less often, and the journal to replay on open stays a fraction of the store.
   */
  readonly checkpointEvery?: number;
  /** Take a checkpoint after this long without a write (ms); 0 turns it off. */
  readonly idleCheckpointMs?: number;
  readonly now?: () => string;
  readonly log?: StoreLog;
  readonly onProgress?: (phase: string, done: number, total: number) => void;
  /** Open without migrating past this version (tests of older stores). */
  readonly schemaVersion?: number;
}

export interface StoreStats {
  readonly path: string | null;
  readonly events: number;
  readonly streams: number;
  readonly headPosition: number;
  readonly schemaVersion: number;
  readonly databaseBytes: number;
  readonly checkpointBytes: number;
  readonly journalBytes: number;
  readonly journalSegments: number;
  readonly eventsSinceCheckpoint: number;
  readonly memory: { readonly rssBytes: number; readonly heapUsedBytes: number; readonly arrayBuffersBytes: number };
  readonly projections: readonly { name: string; version: number; position: number }[];
}

const WARN_BYTES = 2 * 1024 ** 3;
const READ_COLUMNS = EVENT_COLUMNS;
const READ_COLUMNS_OF_E = EVENT_COLUMNS.split(',').map((c) => `e.${c.trim()}`).join(', ');
// The data and metadata JSON are bound as UTF-8 bytes and cast back to TEXT: sql.js encodes a
// bound string to UTF-8 in a JavaScript loop, while Buffer.from is native and a blob is one
// memory copy. The stored value is the same TEXT (the bench's store inserts run about 2x faster).
const ROW = '(?,?,?,?,?,?,CAST(? AS TEXT),CAST(? AS TEXT),?)';
const INSERT_EVENT = `INSERT INTO events (position, stream_id, stream_position, event_id, type, schema_version, data, metadata, recorded_at) VALUES ${ROW}`;

/** A bulk load defers the projections' deferrable indexes when the store holds fewer events than this. */
const DEFER_INDEXES_BELOW = 10_000;

const CHUNK = ROWS_PER_STATEMENT;
const INSERT_MANY = `${INSERT_EVENT}${`,${ROW}`.repeat(CHUNK - 1)}`;
// The same, for a chunk whose events share their metadata, time and schema version (a command's
// events, a charge-run batch): those are bound once as ?1, ?2 and ?3, not 64 times.
const SHARED_ROW = (k: number): string => {
  const b = 4 + k * 6;
  return `(?${b},?${b + 1},?${b + 2},?${b + 3},?${b + 4},?3,CAST(?${b + 5} AS TEXT),CAST(?1 AS TEXT),?2)`;
};
const INSERT_MANY_SHARED = `INSERT INTO events (position, stream_id, stream_position, event_id, type, schema_version, data, metadata, recorded_at) VALUES ${Array.from({ length: CHUNK }, (_, k) => SHARED_ROW(k)).join(',')}`;

/** SQLite's refusal of an event id the events table already holds, or of a stream position taken. */
function isTakenByAnotherEvent(e: unknown): boolean {
  return e instanceof Error && /UNIQUE constraint failed: events\.(event_id|stream_id, events\.stream_position)/.test(e.message);
}

function isOutOfMemory(e: unknown): boolean {
  const m = e instanceof Error ? e.message : String(e);
  return /out of memory|Cannot enlarge memory|memory access out of bounds|Array buffer allocation failed|Invalid typed array length/i.test(m);
}

export class SqlJsEventStore implements EventStore {
  private readonly sql: StatementCache;
  private head = 0;
  private checkpointHead = 0;
  private segment: SegmentWriter | undefined;
  private segmentSeq = 0;
  private checkpointing: Promise<void> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private broken: string | undefined;
  private closed = false;
  /** Set while a bulk load runs: other appends wait for it (see bulkLoad). */
  private bulk: Promise<unknown> | undefined;
  private bulkAppending = false;
  /** The heavy read running (verify or rebuild), if any: one at a time. */
  private heavy: 'verify' | 'rebuild' | undefined;
  /** The database holds changes that are in no journal (a rebuild): the next checkpoint is due even without new events. */
  private unsaved = false;
  private readonly listeners = new Set<(events: readonly StoredEvent[]) => void>();
  private readonly projections: readonly Projection[];
  private readonly now: () => string;
  private readonly log: StoreLog;

  private constructor(
    private readonly db: Database,
    private readonly SQL: SqlJsStatic,
    private readonly opts: OpenOptions,
    private readonly lock: StoreLock | undefined,
  ) {
    this.sql = new StatementCache(db);
    this.projections = opts.projections ?? [];
    this.now = opts.now ?? (() => new Date().toISOString());
    this.log = opts.log ?? ((level, message) => process.stderr.write(`cardops store ${level}: ${message}\n`));
  }

  /** Opens (or creates) a store. Throws a StoreError that says what is wrong and what to do. */
  static async open(opts: OpenOptions = {}): Promise<SqlJsEventStore> {
    const SQL = await loadSqlJs();
    const path = opts.path;
    let lock: StoreLock | undefined;
    if (path) {
      mkdirSync(dirname(path), { recursive: true });
      lock = await acquireLock(path);
    }
    try {
      const loaded = path ? loadCheckpoint(SQL, path) : { db: new SQL.Database(), existed: false, sums: undefined };
      const store = new SqlJsEventStore(loaded.db, SQL, opts, lock);
      store.init(loaded);
      return store;
    } catch (e) {
      lock?.release();
      throw e;
    }
  }

  private init(loaded: Omit<OpenedCheckpoint, 'db'>): void {
    const { db } = this;
    db.exec(PRAGMAS);
    const found = userVersion(db);
    if (found > SCHEMA_VERSION) {
      throw new StoreError('STORE_TOO_NEW', `this store has schema version ${found}, and this CardOps knows up to ${SCHEMA_VERSION}: update CardOps to open it; nothing was changed`, { found, known: SCHEMA_VERSION });
    }
    const applied = migrate(db, this.opts.schemaVersion ?? SCHEMA_VERSION);
    if (applied.length && found > 0) this.log('info', `migrated the store from schema version ${found} to ${userVersion(db)}`);
    this.head = Number(this.sql.scalar('SELECT coalesce(max(position), 0) FROM events'));
    this.checkpointHead = this.head;
    if (userVersion(db) < 2) return; // an old layout opened for a test: no projections, no journal
    const stale = this.setupProjections();
    if (this.opts.path) this.replayJournal(this.opts.path, loaded);
    if (stale.length) this.rebuildSync(stale);
    const bytes = this.databaseBytes();
    if (bytes > WARN_BYTES) this.log('warn', `the store is ${(bytes / 1024 ** 3).toFixed(2)} GB; sql.js keeps it in memory and its limit is near 4 GB: archive old data or split the store`);
  }

  /** Creates the tables of new projections, and recreates those whose version changed. */
  private setupProjections(): Projection[] {
    const stale: Projection[] = [];
    for (const p of this.projections) {
      const row = this.sql.get<{ version: number }>('SELECT version FROM projection_state WHERE name = ?', [p.name]);
      if (row && row.version === p.version) continue;
      this.db.exec('BEGIN');
      for (const t of [...(p.views ?? []), ...[...p.tables].reverse()]) {
        // By what it is now: an older version may have had a table where this one has a view.
        const kind = this.sql.scalar('SELECT type FROM sqlite_master WHERE name = ?', [t]);
        if (kind === 'view') this.db.exec(`DROP VIEW "${t}"`);
        else if (kind === 'table') this.db.exec(`DROP TABLE "${t}"`);
      }
      this.db.exec(p.schema);
      this.sql.run('INSERT OR REPLACE INTO projection_state (name, version, position) VALUES (?, ?, 0)', [p.name, p.version]);
      this.db.exec('COMMIT');
      stale.push(p);
    }
    return stale;
  }

  private replayJournal(path: string, loaded: Omit<OpenedCheckpoint, 'db'>): void {
    const segments = segmentsToReplay(path, { existed: loaded.existed, continuesWith: loaded.sums?.continuesWith });
    let replayed = 0;
    const sizes = segments.map((s) => statSync(s.file).size);
    const cuts: { seq: number; file: string; length: number }[] = [];
    for (const [i, seg] of segments.entries()) {
      // Writes go on in a segment whose successor exists but holds nothing (a seal cut short by a
      // crash, or a rotation that failed): its end can be torn as the newest one's can.
      const read = readSegment(seg.file, sizes.slice(i + 1).every((n) => n === 0));
      // A segment is sealed once the next one exists: the newest one found sealed lost its successor.
      if (i === segments.length - 1 && read.sealed) throw missingSegment(path, seg.seq + 1, `${seg.file} was continued in it`);
      for (const record of read.records) {
        const first = record[0];
        const last = record[record.length - 1];
        if (!first || !last || last.position <= this.head) continue;
        if (first.position !== this.head + 1) {
          throw new StoreError('STORE_CORRUPT', `journal ${seg.file} continues at position ${first.position} but the store ends at ${this.head}: a segment is missing; nothing was changed`, { file: seg.file });
        }
        this.commitSync(record, record.map(toStoredEvent), 'replay');
        replayed += record.length;
      }
      if (read.tornTail) {
        this.log('warn', `dropped a torn record at the end of ${seg.file} (${read.tornWhy ?? 'a damaged last record'} at byte ${read.validLength}: a write cut short by a crash; it was never acknowledged)`);
        cuts.push({ ...seg, length: read.validLength });
      }
    }
    // Cut only once every segment has been read: a refusal above changes nothing.
    for (const cut of cuts) {
      const w = new SegmentWriter(cut.file, cut.seq);
      w.truncate(cut.length);
      w.close();
    }
    if (replayed) this.log('info', `replayed ${replayed} journaled events`);
    for (const tmp of [`${path}.tmp`]) if (existsSync(tmp)) unlinkSync(tmp);
    const lastSeg = segments[segments.length - 1];
    this.segmentSeq = lastSeg ? lastSeg.seq : 1;
    this.segment = new SegmentWriter(segmentPath(path, this.segmentSeq), this.segmentSeq);
    // Events replayed from the journal are not in the checkpoint yet.
    this.checkpointHead = this.head - replayed;
  }

  // ---------------------------------------------------------------- writes

  async append(streamId: string, events: readonly NewEvent[], options: { expectedVersion?: StreamAppend['expectedVersion'] } = {}): Promise<AppendResult> {
    while (this.bulk) await this.bulk.catch(() => undefined);
    const [r] = this.appendSync([{ streamId, events, expectedVersion: options.expectedVersion ?? 'any' }]);
    return r!;
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<readonly AppendResult[]> {
    while (this.bulk) await this.bulk.catch(() => undefined);
    return this.appendSync(appends);
  }

  /**
   * A bulk load (the demo seed): `fn` appends through the `append` it is given, which skips the
   * journal, and the load ends with one checkpoint. Nothing of it is acknowledged before that
   * checkpoint is durable, so a crash part way leaves the store as it was before the load. Other
   * appends wait until the load ends (a synchronous one is refused with STORE_BUSY). If the load
   * fails, the store stops taking writes: reopening it returns it to its state before the load.
   * Without a file (an in-memory store) this is a plain sequence of appends.
   */
  async bulkLoad<T>(fn: (append: (appends: readonly StreamAppend[]) => readonly AppendResult[]) => Promise<T>): Promise<T> {
    // Wait until no other load and no checkpoint runs, then take the store at once (no await between).
    for (;;) {
      const busy = this.bulk ?? this.checkpointing;
      if (!busy) break;
      await busy.catch(() => undefined);
    }
    this.ensureWritable();
    const append = (appends: readonly StreamAppend[]): readonly AppendResult[] => {
      this.bulkAppending = true;
      try {
        return this.appendSync(appends);
      } finally {
        this.bulkAppending = false;
      }
    };
    // Marked busy before fn runs a single line: its first appends happen synchronously.
    let release!: () => void;
    this.bulk = new Promise<void>((r) => (release = r));
    const headBefore = this.head;
    // Into a new store, the projections' deferrable indexes are built once, at the end.
    const deferred = this.head < DEFER_INDEXES_BELOW ? this.dropDeferrableIndexes() : [];
    try {
      const result = await fn(append);
      // The checkpoint's file writing runs while the indexes are built (see writeCheckpoint).
      if (this.head !== headBefore) await this.writeCheckpoint(() => this.createIndexesStepwise(deferred));
      this.createIndexes(deferred); // those left: no checkpoint was due (no file)
      return result;
    } catch (e) {
      if (this.head !== headBefore && this.opts.path) this.broken = `a bulk load stopped part way (${(e as Error).message}); none of it was saved. Reopen the store: it opens as it was before the load`;
      throw e;
    } finally {
      try {
        this.createIndexes(deferred);
      } catch (e) {
        this.broken ??= `the indexes dropped for a bulk load could not be built again (${(e as Error).message})`;
      }
      this.bulk = undefined;
      release();
    }
  }

  /** Drops the projections' deferrable indexes that exist; returns the SQL that creates them again. */
  private dropDeferrableIndexes(): string[] {
    const created: string[] = [];
    for (const p of this.projections) {
      for (const name of p.deferrableIndexes ?? []) {
        const ddl = this.sql.scalar("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", [name]);
        if (typeof ddl !== 'string') continue;
        this.db.exec(`DROP INDEX "${name}"`);
        created.push(ddl);
      }
    }
    return created;
  }

  /** Builds indexes a bulk load dropped, taking each off the list once it exists. */
  private createIndexes(ddl: string[]): void {
    while (ddl.length) {
      this.db.exec(ddl[0]!);
      ddl.shift();
    }
  }

  /** The same, giving the event loop a turn after each (the checkpoint's writes go on meanwhile). */
  private async createIndexesStepwise(ddl: string[]): Promise<void> {
    while (ddl.length) {
      this.db.exec(ddl[0]!);
      ddl.shift();
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  /**
   * The whole append runs synchronously, so no other call interleaves: checks first, then one
   * transaction, then the journal, then commit.
   */
  appendSync(appends: readonly StreamAppend[]): AppendResult[] {
    this.ensureWritable();
    if (this.bulk && !this.bulkAppending) throw new StoreError('STORE_BUSY', 'a bulk load (the demo seed) is writing to the store; try again when it has finished.');
    // Optimistic first. The events table's UNIQUE indexes refuse an event id it holds and a
    // stream position taken, so the append goes ahead without looking its ids up, and a stream
    // appended as 'no_stream' is taken to be new (if it is not, its position 1 is taken). If an
    // index refuses, or a stream's version does not match (a retried command whose events are
    // all stored would not be checked), nothing was written: the append runs again, looking
    // everything up first, and gives exactly what it always gives. A batch of 10,000 charges
    // saves 10,000 index look-ups; the demo seed, which writes only new streams, saves two per stream.
    try {
      return this.appendOnce(appends, true);
    } catch (e) {
      if (!(e instanceof ConcurrencyError) && !isTakenByAnotherEvent(e)) throw e;
      return this.appendOnce(appends, false);
    }
  }

  private appendOnce(appends: readonly StreamAppend[], optimistic: boolean): AppendResult[] {
    const recordedAt = this.now();
    const versions = this.streamVersions(appends, optimistic);
    const stored0 = optimistic ? undefined : this.existingEventIds(appends);
    const seen = new Set<string>();
    const results: AppendResult[] = [];
    const journal: JournalEvent[] = [];
    const stored: StoredEvent[] = [];
    let position = this.head;
    let lastMeta: unknown;
    let lastMetaJson = '';
    // An id already stored, or already earlier in this append (this stream's too), is skipped.
    // Optimistic: none is (the UNIQUE index says otherwise, and then the append runs again).
    const freshOf = optimistic
      ? appends.map((a) => a.events)
      : appends.map((a) =>
          a.events.filter((e) => {
            if (seen.has(e.eventId) || stored0?.has(e.eventId)) return false;
            seen.add(e.eventId);
            return true;
          }),
        );
    // A stream whose events are all stored already is a retry's, and is not checked, unless the
    // append writes something elsewhere: then it was decided together with that, and a stream
    // that moved on since makes the whole append conflict (a transfer's other leg is never
    // written alone because its first leg happens to be stored already).
    const writesAny = freshOf.some((f) => f.length > 0);
    for (let i = 0; i < appends.length; i++) {
      const a = appends[i]!;
      const fresh = freshOf[i]!;
      if (!a.streamId) throw new StoreError('INVALID_APPEND', 'an append needs a stream id');
      let version = versions.get(a.streamId) ?? 0;
      if (writesAny && a.events.length && !matchesExpected(a.expectedVersion, version)) throw new ConcurrencyError(a.streamId, a.expectedVersion, version);
      const written: StoredEvent[] = [];
      for (const e of fresh) {
        if (!e.eventId || !e.type) throw new StoreError('INVALID_APPEND', `an event of stream ${a.streamId} has no id or no type`);
        const ev: StoredEvent = {
          position: ++position,
          streamId: a.streamId,
          streamPosition: ++version,
          eventId: e.eventId,
          type: e.type,
          schemaVersion: e.schemaVersion ?? 1,
          data: e.data,
          metadata: e.metadata,
          recordedAt,
        };
        written.push(ev);
        stored.push(ev);
        journal.push({
          position: ev.position,
          streamId: ev.streamId,
          streamPosition: ev.streamPosition,
          eventId: ev.eventId,
          type: ev.type,
          schemaVersion: ev.schemaVersion,
          dataJson: JSON.stringify(e.data ?? null),
          metadataJson: e.metadata === lastMeta ? lastMetaJson : (lastMetaJson = JSON.stringify((lastMeta = e.metadata))),
          recordedAt,
        });
      }
      versions.set(a.streamId, version);
      results.push({ streamId: a.streamId, nextExpectedVersion: version, events: written });
    }
    if (journal.length) this.commitSync(journal, stored, this.bulkAppending ? 'bulk' : 'journal');
    return results;
  }

  /** Current versions of the streams of an append, in one query for a batch. */
  private streamVersions(appends: readonly StreamAppend[], newStreamsAreNew: boolean): Map<string, number> {
    const versions = new Map<string, number>();
    let toLookUp = appends;
    if (newStreamsAreNew) {
      // Streams whose every append here expects no stream start at 0; the rest are looked up.
      const lookUp = new Set<string>();
      for (const a of appends) if (a.expectedVersion !== 'no_stream') lookUp.add(a.streamId);
      toLookUp = appends.filter((a) => lookUp.has(a.streamId));
      for (const a of appends) if (!lookUp.has(a.streamId)) versions.set(a.streamId, 0);
    }
    if (toLookUp.length <= 8) {
      for (const a of toLookUp) if (!versions.has(a.streamId)) versions.set(a.streamId, this.streamVersion(a.streamId));
      return versions;
    }
    const ids = [...new Set(toLookUp.map((a) => a.streamId))];
    // A correlated max() is one seek to the end of each stream in the (stream_id, stream_position)
    // index; a join with GROUP BY read every event of every stream and sorted them.
    // The array index comes back rather than the id: reading a string out of sql.js costs.
    const s = this.sql.prepare('SELECT j.key, (SELECT max(stream_position) FROM events WHERE stream_id = j.value) FROM json_each(?) j');
    try {
      s.bind([JSON.stringify(ids)]);
      while (s.step()) {
        const [k, v] = s.get();
        versions.set(ids[Number(k)]!, v === null ? 0 : Number(v));
      }
    } finally {
      s.reset();
    }
    return versions;
  }

  /** The event ids of an append that the store already holds. */
  private existingEventIds(appends: readonly StreamAppend[]): Set<string> {
    const found = new Set<string>();
    const ids: string[] = [];
    for (const a of appends) for (const e of a.events) ids.push(e.eventId);
    if (ids.length <= 8) {
      for (const id of ids) if (this.sql.scalar('SELECT 1 FROM events WHERE event_id = ?', [id]) !== undefined) found.add(id);
      return found;
    }
    const s = this.sql.prepare('SELECT e.event_id FROM json_each(?) j JOIN events e ON e.event_id = j.value');
    try {
      s.bind([JSON.stringify(ids)]);
      while (s.step()) found.add(String(s.get()[0]));
    } finally {
      s.reset();
    }
    return found;
  }

  /** Inserts, projects, journals (when asked) and commits one transaction; all or nothing. */
  /** `journal`: a command, journaled before COMMIT; `bulk`: part of a bulk load; `replay`: read back from the journal at open. */
  private commitSync(journal: readonly JournalEvent[], stored: readonly StoredEvent[], mode: 'journal' | 'bulk' | 'replay'): void {
    const { db, sql } = this;
    db.exec('BEGIN');
    try {
      // Rows go in CHUNK at a time: one statement step for many rows costs less in sql.js.
      let i = 0;
      if (journal.length >= CHUNK) {
        const many = sql.prepare(INSERT_MANY);
        const shared = sql.prepare(INSERT_MANY_SHARED);
        const params: (string | number | Buffer)[] = new Array(CHUNK * 9);
        const sharedParams: (string | number | Buffer)[] = new Array(3 + CHUNK * 6);
        for (; i + CHUNK <= journal.length; i += CHUNK) {
          const first = journal[i]!;
          let same = true;
          for (let k = 1; k < CHUNK && same; k++) {
            const e = journal[i + k]!;
            same = e.metadataJson === first.metadataJson && e.recordedAt === first.recordedAt && e.schemaVersion === first.schemaVersion;
          }
          if (same) {
            sharedParams[0] = Buffer.from(first.metadataJson);
            sharedParams[1] = first.recordedAt;
            sharedParams[2] = first.schemaVersion;
            for (let k = 0; k < CHUNK; k++) {
              const e = journal[i + k]!;
              const o = 3 + k * 6;
              sharedParams[o] = e.position;
              sharedParams[o + 1] = e.streamId;
              sharedParams[o + 2] = e.streamPosition;
              sharedParams[o + 3] = e.eventId;
              sharedParams[o + 4] = e.type;
              sharedParams[o + 5] = Buffer.from(e.dataJson);
            }
            shared.run(sharedParams);
            continue;
          }
          for (let k = 0; k < CHUNK; k++) {
            const e = journal[i + k]!;
            const o = k * 9;
            params[o] = e.position;
            params[o + 1] = e.streamId;
            params[o + 2] = e.streamPosition;
            params[o + 3] = e.eventId;
            params[o + 4] = e.type;
            params[o + 5] = e.schemaVersion;
            params[o + 6] = Buffer.from(e.dataJson);
            params[o + 7] = Buffer.from(e.metadataJson);
            params[o + 8] = e.recordedAt;
          }
          many.run(params);
        }
      }
      const one = sql.prepare(INSERT_EVENT);
      for (; i < journal.length; i++) {
        const e = journal[i]!;
        one.run([e.position, e.streamId, e.streamPosition, e.eventId, e.type, e.schemaVersion, Buffer.from(e.dataJson), Buffer.from(e.metadataJson), e.recordedAt]);
      }
      this.project(stored);
      if (mode === 'journal' && this.segment) this.segment.appendDurable(encodeRecord(journal));
    } catch (e) {
      try {
        db.exec('ROLLBACK');
      } catch {
        this.broken = `the in-memory database could not roll back (${(e as Error).message})`;
      }
      if (e instanceof JournalWriteError) {
        if (e.cutBackFailed) this.broken = `a failed journal write could not be cut back from ${e.file}`;
        if (e.errno === 'ENOSPC') {
          throw new StoreError('STORE_DISK_FULL', `the disk holding ${e.file} is full: the command was not saved and nothing changed. Free some space, then try again.`, { file: e.file });
        }
        throw new StoreError('STORE_UNAVAILABLE', `the journal ${e.file} could not be written (${e.message}): the command was not saved and nothing changed.`, { file: e.file, errno: e.errno ?? null });
      }
      if (isOutOfMemory(e)) {
        throw new StoreError('STORE_OUT_OF_MEMORY', 'the store ran out of memory (sql.js keeps it in memory, up to about 4 GB); the command was not saved and nothing changed. Archive old data or split the store.', { cause: String(e) });
      }
      throw e;
    }
    try {
      db.exec('COMMIT');
    } catch (e) {
      // The journal already holds the transaction, so the disk is ahead of the memory. Refuse
      // writes until a reopen replays the journal.
      this.broken = `the in-memory commit failed after the journal write (${(e as Error).message})`;
      throw new StoreError('STORE_UNAVAILABLE', `the store stopped taking writes: ${this.broken}. Restart CardOps; it reopens from the journal.`);
    }
    this.head = journal[journal.length - 1]!.position;
    if (mode !== 'replay') {
      if (mode === 'journal') this.scheduleCheckpoint();
      for (const l of [...this.listeners]) {
        try {
          l(stored);
        } catch (e) {
          this.log('warn', `a subscriber failed: ${(e as Error).message}`);
        }
      }
    }
  }

  private project(events: readonly StoredEvent[]): void {
    if (!this.projections.length) return;
    const last = events[events.length - 1]!.position;
    // The types in this transaction, once: most projections handle none of them and are passed by.
    const types = new Set<string>();
    for (const e of events) types.add(e.type);
    for (const p of this.projections) {
      let any = !p.handles;
      if (!any) for (const t of types) if ((any = handlesEvent(p, t))) break;
      if (!any) {
        // Nothing to apply; its checkpoint still moves with the log.
      } else if (p.applyMany && events.length > 1) {
        const mine = p.handles ? events.filter((e) => handlesEvent(p, e.type)) : events;
        if (mine.length) p.applyMany(mine, this.sql);
      } else {
        for (const e of events) if (handlesEvent(p, e.type)) p.apply(e, this.sql);
      }
      this.sql.run('UPDATE projection_state SET position = ? WHERE name = ?', [last, p.name]);
    }
  }

  private ensureWritable(): void {
    if (this.closed) throw new StoreError('STORE_CLOSED', 'the store is closed');
    if (this.broken) throw new StoreError('STORE_UNAVAILABLE', `the store stopped taking writes: ${this.broken}. Restart CardOps; it reopens from the journal and loses nothing acknowledged.`);
  }

  // ---------------------------------------------------------------- reads

  async readStream(streamId: string, options: { fromVersion?: number } = {}): Promise<ReadStreamResult> {
    return this.readStreamSync(streamId, options.fromVersion ?? 1);
  }

  readStreamSync(streamId: string, fromVersion = 1): ReadStreamResult {
    const rows = this.sql.all<EventRow>(`SELECT ${READ_COLUMNS} FROM events WHERE stream_id = ? AND stream_position >= ? ORDER BY stream_position`, [streamId, fromVersion]);
    const version = rows.length ? rows[rows.length - 1]!.stream_position : Number(this.sql.scalar('SELECT coalesce(max(stream_position), 0) FROM events WHERE stream_id = ?', [streamId]));
    return { streamId, version, events: rows.map(rowToEvent) };
  }

  async readEvents(eventIds: readonly string[]): Promise<readonly StoredEvent[]> {
    if (!eventIds.length) return [];
    return this.sql.all<EventRow>(`SELECT ${READ_COLUMNS_OF_E} FROM json_each(?) j JOIN events e ON e.event_id = j.value ORDER BY e.position`, [JSON.stringify(eventIds)]).map(rowToEvent);
  }

  /** The current version of a stream (0 when it has no event). */
  streamVersion(streamId: string): number {
    return Number(this.sql.scalar('SELECT coalesce(max(stream_position), 0) FROM events WHERE stream_id = ?', [streamId]));
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    return this.readAllSync(options);
  }

  readAllSync(options: ReadAllOptions = {}): ReadAllResult {
    const after = options.after ?? 0;
    const limit = Math.max(1, Math.min(options.limit ?? 1000, 100_000));
    const types = options.types ?? [];
    const filter = types.length ? ` AND type IN (${types.map(() => '?').join(',')})` : '';
    const rows = this.sql.all<EventRow>(`SELECT ${READ_COLUMNS} FROM events WHERE position > ?${filter} ORDER BY position LIMIT ?`, [after, ...types, limit + 1]);
    const isEnd = rows.length <= limit;
    if (!isEnd) rows.pop();
    const events = rows.map(rowToEvent);
    return { events, lastPosition: events.length ? events[events.length - 1]!.position : after, isEnd };
  }

  subscribe(after: number, listener: (events: readonly StoredEvent[]) => void): Unsubscribe {
    let from = after;
    for (;;) {
      const page = this.readAllSync({ after: from, limit: 10_000 });
      if (page.events.length) listener(page.events);
      from = page.lastPosition;
      if (page.isEnd) break;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async headPosition(): Promise<number> {
    return this.head;
  }

  get position(): number {
    return this.head;
  }

  /** Runs a read against the projections (and the log) outside of any write. */
  async read<T>(fn: (sql: Sql) => T): Promise<T> {
    if (this.closed) throw new StoreError('STORE_CLOSED', 'the store is closed');
    return fn(this.sql);
  }

  readSync<T>(fn: (sql: Sql) => T): T {
    return fn(this.sql);
  }

  // ---------------------------------------------------------------- projections

  /**
   * Marks a heavy read (verify, rebuild) as running; a second one, while it runs, is refused with
   * STORE_BUSY. They replay the whole log, so one at a time keeps the store answering others.
   */
  private beginHeavy(what: 'verify' | 'rebuild'): () => void {
    if (this.heavy) {
      throw new StoreError('STORE_BUSY', `a ${this.heavy} is running on this store: one verify or rebuild runs at a time; run the ${what} again when it has finished.`, { running: this.heavy });
    }
    this.heavy = what;
    return () => {
      this.heavy = undefined;
    };
  }

  /**
   * Replays every event into the named projections (all by default) and saves the result with a
   * checkpoint. The replay runs into a scratch database in slices, giving other callers a turn
   * between them (writes go on meanwhile); then, in one step, it catches up with the log and
   * replaces the live tables in one transaction.
   */
  async rebuild(names?: readonly string[], onProgress?: Progress): Promise<{ events: number; projections: string[] }> {
    this.ensureWritable();
    if (this.bulk) throw new StoreError('STORE_BUSY', 'a bulk load (the demo seed) is writing to the store; rebuild when it has finished.');
    const chosen = names?.length ? this.projections.filter((p) => names.includes(p.name)) : [...this.projections];
    const unknown = (names ?? []).filter((n) => !this.projections.some((p) => p.name === n));
    if (unknown.length) throw new StoreError('INVALID_APPEND', `unknown projection ${unknown.join(', ')}; known: ${this.projections.map((p) => p.name).join(', ')}`);
    const end = this.beginHeavy('rebuild');
    const report = onProgress ?? ((done: number, all: number) => this.opts.onProgress?.('rebuild', done, all));
    const scratch = new this.SQL.Database();
    const scratchSql = new StatementCache(scratch);
    let events: number;
    try {
      scratch.exec(PRAGMAS);
      // Every projection is replayed (an apply may read another's tables); the chosen are kept.
      for (const p of this.projections) scratch.exec(p.schema);
      const total = this.head;
      let after = await this.replaySliced(scratchSql, 0, () => this.head, (done) => report(done, Math.max(total, done)));
      this.ensureWritable();
      if (this.bulk) throw new StoreError('STORE_BUSY', 'a bulk load (the demo seed) began while rebuilding; nothing was changed: rebuild when it has finished.');
      // From here on, no await: the log cannot move until the live tables are replaced.
      after = this.replayRange(scratchSql, after, this.head);
      events = after;
      this.db.exec('BEGIN');
      try {
        for (const p of chosen) {
          for (const t of p.tables) {
            this.db.exec(`DELETE FROM "${t}"`);
            copyRows(scratch, t, this.sql);
          }
          this.sql.run('UPDATE projection_state SET position = ? WHERE name = ?', [this.head, p.name]);
        }
        this.db.exec('COMMIT');
      } catch (e) {
        this.db.exec('ROLLBACK');
        throw e;
      }
      this.unsaved = true;
    } finally {
      scratchSql.clear();
      scratch.close();
      end();
    }
    // The rebuilt tables are not in the journal: a checkpoint saves them now.
    await this.checkpoint();
    return { events, projections: chosen.map((p) => p.name) };
  }

  /** At open: replays every event into stale projections, in place, in one transaction (nobody else calls yet). */
  private rebuildSync(chosen: readonly Projection[], onProgress?: Progress): number {
    if (!chosen.length) return 0;
    const total = this.head;
    const report = onProgress ?? ((done: number, all: number) => this.opts.onProgress?.('rebuild', done, all));
    this.db.exec('BEGIN');
    try {
      for (const p of chosen) for (const t of p.tables) this.db.exec(`DELETE FROM "${t}"`);
      const done = replayInto(this.sql, chosen, (after, limit) => this.readRowsAfter(after, limit), total, report);
      for (const p of chosen) this.sql.run('UPDATE projection_state SET position = ? WHERE name = ?', [this.head, p.name]);
      this.db.exec('COMMIT');
      // Not journaled: the next checkpoint (at the latest on close) saves it.
      if (done) this.unsaved = true;
      return done;
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
  }

  private readRowsAfter(after: number, limit: number, until = Number.MAX_SAFE_INTEGER): EventRow[] {
    return this.sql.all<EventRow>(`SELECT ${READ_COLUMNS} FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?`, [after, until, limit]);
  }

  /** Replays the events in (after, until] into `sql` (every projection), synchronously; returns the last position replayed. */
  private replayRange(sql: Sql, after: number, until: number): number {
    let at = after;
    for (;;) {
      const rows = this.readRowsAfter(at, HEAVY_SLICE, until);
      if (!rows.length) return at;
      applyRows(sql, this.projections, rows);
      at = rows[rows.length - 1]!.position;
    }
  }

  /** The same, a slice at a time with a turn for other callers after each, until `until()` (read after every slice) is reached. */
  private async replaySliced(sql: Sql, after: number, until: () => number, onProgress: (done: number) => void): Promise<number> {
    let at = after;
    for (;;) {
      this.ensureOpen();
      const rows = this.readRowsAfter(at, HEAVY_SLICE, until());
      if (!rows.length) return at;
      applyRows(sql, this.projections, rows);
      at = rows[rows.length - 1]!.position;
      onProgress(at);
      await turn();
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new StoreError('STORE_CLOSED', 'the store was closed while a verify or rebuild ran');
  }

  /**
   * Runs a stream check over the streams it reads, whole and in order, up to position `until`,
   * a slice at a time with a turn for other callers after each.
   */
  private async runCheck(check: StreamCheck, until: number, ctx: CheckContext, found: (p: readonly LedgerProblem[]) => void): Promise<number> {
    const from = check.streamPrefix;
    const to = `${from.slice(0, -1)}${String.fromCharCode(from.charCodeAt(from.length - 1) + 1)}`;
    let key: [string, number] = [from, 0];
    let current: { id: string; events: StoredEvent[] } | undefined;
    let streams = 0;
    for (;;) {
      this.ensureOpen();
      const rows = this.sql.all<EventRow>(
        `SELECT ${READ_COLUMNS} FROM events WHERE (stream_id, stream_position) > (?, ?) AND stream_id < ? AND position <= ? ORDER BY stream_id, stream_position LIMIT ?`,
        [key[0], key[1], to, until, HEAVY_SLICE],
      );
      for (const r of rows) {
        if (current && current.id !== r.stream_id) {
          found(check.checkStream(current.id, current.events, ctx));
          streams++;
          current = undefined;
        }
        current ??= { id: r.stream_id, events: [] };
        current.events.push(rowToEvent(r));
      }
      const last = rows[rows.length - 1];
      if (!last || rows.length < HEAVY_SLICE) break;
      key = [last.stream_id, last.stream_position];
      await turn();
    }
    if (current) {
      found(check.checkStream(current.id, current.events, ctx));
      streams++;
    }
    found(check.finish(ctx));
    return streams;
  }

  /**
   * Checks the store: the database's structure (SQLite's quick_check: the open checks the
   * checkpoint's checksums instead), replays the log into a scratch database and compares its
   * projections with the live ones, and runs the ledger checks over the log itself. A heavy read: it runs in
   * slices and gives other callers a turn between them (writes too: each table is compared once
   * the replay has caught up with the log, in one step), and one runs at a time (STORE_BUSY).
   */
  async verify(onProgress?: Progress, maxDifferences = 100): Promise<VerifyReport> {
    const end = this.beginHeavy('verify');
    const verdict = String(this.sql.scalar('PRAGMA quick_check(1)') ?? '');
    const damage: ProjectionDifference[] = verdict === 'ok' ? [] : [{ projection: 'store', table: 'database', kind: 'integrity', row: `quick_check: ${verdict}` }];
    const scratch = new this.SQL.Database();
    const scratchSql = new StatementCache(scratch);
    try {
      scratch.exec(PRAGMAS);
      for (const p of this.projections) scratch.exec(p.schema);
      const checks = (this.opts.checks ?? []).map((make) => make());
      for (const c of checks) if (c.schema) scratch.exec(c.schema);
      const until = this.head;
      const progress = onProgress ?? (() => {});
      let after = await this.replaySliced(scratchSql, 0, () => until, (done) => progress(done, until));
      progress(until, until);

      // The ledger, over the log up to `until`, while the replay is at `until` too.
      const problems: LedgerProblem[] = [];
      let problemCount = 0;
      let streams = 0;
      const ctx: CheckContext = { live: this.sql, replay: scratchSql };
      for (const c of checks) {
        streams += await this.runCheck(c, until, ctx, (found) => {
          problemCount += found.length;
          for (const p of found) if (problems.length < maxDifferences) problems.push(p);
        });
      }

      const differences: ProjectionDifference[] = [];
      const summary: { name: string; tables: string[]; rows: number; differences: number }[] = [];
      let head = this.head;
      for (const p of this.projections) {
        let rows = 0;
        let diffs = 0;
        for (const t of p.tables) {
          after = await this.replaySliced(scratchSql, after, () => this.head, () => {});
          // One step from here: the replay catches up with the log, and the table is compared.
          after = this.replayRange(scratchSql, after, this.head);
          head = this.head;
          const live = tableRows(this.db, t);
          const replay = tableRows(scratch, t);
          rows += live.length;
          const liveSet = new Map<string, number>();
          for (const r of live) liveSet.set(r, (liveSet.get(r) ?? 0) + 1);
          for (const r of replay) {
            const n = liveSet.get(r) ?? 0;
            if (n > 0) liveSet.set(r, n - 1);
            else {
              diffs++;
              if (differences.length < maxDifferences) differences.push({ projection: p.name, table: t, kind: 'missing', row: r });
            }
          }
          for (const [r, n] of liveSet) {
            for (let i = 0; i < n; i++) {
              diffs++;
              if (differences.length < maxDifferences) differences.push({ projection: p.name, table: t, kind: 'extra', row: r });
            }
          }
          await turn();
        }
        const position = Number(this.sql.scalar('SELECT position FROM projection_state WHERE name = ?', [p.name]) ?? -1);
        if (position !== this.head) {
          diffs++;
          differences.push({ projection: p.name, table: 'projection_state', kind: 'checkpoint', row: `checkpoint ${position}, log head ${this.head}` });
        }
        summary.push({ name: p.name, tables: [...p.tables], rows, differences: diffs });
      }
      return {
        ok: damage.length === 0 && summary.every((s) => s.differences === 0) && problemCount === 0,
        events: head,
        projections: summary,
        differences: [...damage, ...differences],
        ledger: { streams, problems: problemCount },
        problems,
      };
    } finally {
      scratchSql.clear();
      scratch.close();
      end();
    }
  }

  // ---------------------------------------------------------------- checkpoints

  private scheduleCheckpoint(): void {
    if (!this.opts.path) return;
    const every = this.opts.checkpointEvery;
    const due = every !== undefined ? this.head - this.checkpointHead >= every : (this.segment?.bytes ?? 0) >= Math.max(64 * 1024 * 1024, this.databaseBytes() / 4);
    if (due) {
      void this.checkpoint().catch((e: unknown) => this.log('warn', `checkpoint failed, the journal keeps everything: ${(e as Error).message}`));
      return;
    }
    const idle = this.opts.idleCheckpointMs ?? 10_000;
    if (idle > 0) {
      clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => {
        void this.checkpoint().catch((e: unknown) => this.log('warn', `idle checkpoint failed, the journal keeps everything: ${(e as Error).message}`));
      }, idle);
      this.idleTimer.unref?.();
    }
  }

  /**
   * Writes the whole database atomically beside the journal, then deletes the segments it
   * covers. The export is synchronous (a memory copy); the file work runs in the background.
   */
  async checkpoint(): Promise<void> {
    // A bulk load is not saved part way: its own last step is the checkpoint.
    if (this.bulk) return;
    return this.writeCheckpoint();
  }

  /**
   * `bulkEnd` (the end of a bulk load, while every other write waits) changes the file while it
   * is written: it builds the load's deferred indexes. The live database file is written then,
   * not an export() copy (export() copies it page by page first: about 5 s for a 2.7 GB store).
   * The writes go to the kernel from libuv's threads while the indexes are built, and sql.js
   * notes every range of the file written meanwhile (`trackWrites`, a patch); once both are done,
   * those ranges are written again from the file as it ends up. Every byte is then either
   * unchanged since the copy began or written again after it finished. Without the patch, the
   * indexes are built first and a copy written after.
   */
  private async writeCheckpoint(bulkEnd?: () => Promise<void>): Promise<void> {
    const path = this.opts.path;
    if (!path || !this.segment) return;
    // One checkpoint at a time: wait until none runs, then look again. Two at once would share
    // the temp file, and one could rename it over the checkpoint while the other rewrites it.
    while (this.checkpointing) await this.checkpointing.catch(() => undefined);
    if (this.closed || (this.head === this.checkpointHead && !this.unsaved)) return;
    const wasUnsaved = this.unsaved;
    this.unsaved = false;
    const db = this.db as Database & { fileBytes?: () => Uint8Array; trackWrites?: (on: boolean) => number[] };
    const live = bulkEnd && db.fileBytes && db.trackWrites ? { fileBytes: db.fileBytes.bind(db), trackWrites: db.trackWrites.bind(db), change: bulkEnd } : undefined;
    if (bulkEnd && !live) await bulkEnd();
    const head = this.head;
    const covered = this.segmentSeq;
    // The next segment is opened before the current one is closed: if it cannot be (a full disk,
    // no more descriptors), the checkpoint fails and appends go on into the open segment.
    const next = new SegmentWriter(segmentPath(path, covered + 1), covered + 1);
    let bytes: Uint8Array | undefined;
    try {
      bytes = live ? undefined : this.db.export();
      // The open segment says it was continued, so a missing successor is seen even when newest.
      this.segment.appendDurable(SEAL);
    } catch (e) {
      next.close();
      try {
        if (next.bytes === 0) unlinkSync(next.file);
      } catch {
        /* an empty segment left behind is harmless */
      }
      if (e instanceof JournalWriteError && e.cutBackFailed) this.broken = `a failed journal write could not be cut back from ${e.file}`;
      throw e;
    }
    try {
      this.segment.close();
    } catch {
      /* its records are durable already (each append syncs) */
    }
    this.segmentSeq = covered + 1;
    this.segment = next;
    // The checksums name the segment the checkpoint continues with, so a missing one is seen.
    const info = { continuesWith: this.segmentSeq, head };
    const run = (async () => {
      const tmp = `${path}.tmp`;
      try {
        if (live) await writeLiveWhile(tmp, live, info);
        else {
          const fh = await openFile(tmp, 'w');
          try {
            // The checksums are computed from the bytes in memory while they are written.
            const [, sums] = await Promise.all([fh.writeFile(bytes!), chunkSums(bytes!)]);
            const trailer = encodeTrailer(bytes!.length, sums, info);
            await fh.write(trailer, 0, trailer.length, bytes!.length);
            await fh.sync();
          } finally {
            await fh.close();
          }
        }
        await rename(tmp, path);
      } catch (e) {
        // A temp file left behind would keep a full disk full: it goes at once.
        await unlink(tmp).catch(() => undefined);
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOSPC') throw new StoreError('STORE_DISK_FULL', `the checkpoint ${path} could not be written: the disk is full (${(e as Error).message}). Nothing is lost, the journal keeps every command; free some space.`, { path });
        throw e;
      }
      await fsyncDir(dirname(path));
      for (const s of listSegments(path)) if (s.seq <= covered) await unlink(s.file);
      this.checkpointHead = head;
    })();
    this.checkpointing = run;
    try {
      await run;
    } catch (e) {
      if (wasUnsaved) this.unsaved = true;
      throw e;
    } finally {
      if (this.checkpointing === run) this.checkpointing = undefined;
    }
  }

  // ---------------------------------------------------------------- stats and close

  private databaseBytes(): number {
    const pages = Number(this.sql.scalar('PRAGMA page_count'));
    const size = Number(this.sql.scalar('PRAGMA page_size'));
    return pages * size;
  }

  stats(): StoreStats {
    const path = this.opts.path ?? null;
    const segments = path ? listSegments(path) : [];
    const mem = process.memoryUsage();
    return {
      path,
      events: Number(this.sql.scalar('SELECT count(*) FROM events')),
      streams: Number(this.sql.scalar('SELECT count(DISTINCT stream_id) FROM events')),
      headPosition: this.head,
      schemaVersion: userVersion(this.db),
      databaseBytes: this.databaseBytes(),
      checkpointBytes: path && existsSync(path) ? statSync(path).size : 0,
      journalBytes: segments.reduce((n, s) => n + statSync(s.file).size, 0),
      journalSegments: segments.length,
      eventsSinceCheckpoint: this.head - this.checkpointHead,
      memory: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, arrayBuffersBytes: mem.arrayBuffers },
      projections: this.sql.all<{ name: string; version: number; position: number }>('SELECT name, version, position FROM projection_state ORDER BY name'),
    };
  }

  /**
   * Takes a last checkpoint, closes the journal and releases the lock. When the checkpoint
   * fails, the store is closed and its lock released all the same, and close rejects with a
   * STORE_UNAVAILABLE that says so (`details.finalCheckpointFailed`): every acknowledged write
   * is in the journal, which the next open replays.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.idleTimer);
    try {
      if (!this.broken) await this.checkpoint();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new StoreError('STORE_UNAVAILABLE', `the final checkpoint of ${this.opts.path ?? 'the store'} failed (${why}); nothing acknowledged is lost: every acknowledged write is in the journal beside it, and the next open replays it`, { finalCheckpointFailed: true, path: this.opts.path ?? null });
    } finally {
      this.closed = true;
      this.listeners.clear();
      this.segment?.close();
      this.sql.clear();
      this.db.close();
      this.lock?.release();
    }
  }

  /** Stops without a checkpoint, as a crash would (tests). */
  abandon(): void {
    clearTimeout(this.idleTimer);
    this.closed = true;
    this.segment?.close();
    this.sql.clear();
    this.db.close();
    this.lock?.release();
  }
}

/** What the open found: whether there was a checkpoint, and what its checksums say. */
interface OpenedCheckpoint {
  readonly db: Database;
  readonly existed: boolean;
  readonly sums: CheckpointSums | undefined;
}

function loadCheckpoint(SQL: SqlJsStatic, path: string): OpenedCheckpoint {
  if (!existsSync(path)) return { db: new SQL.Database(), existed: false, sums: undefined };
  // With checksums, each chunk is checked as it is read; a mismatch is refused here.
  const { bytes, sums } = readCheckpointFile(path);
  const corrupt = (why: string): StoreError =>
    new StoreError('STORE_CORRUPT', `the checkpoint ${path} is not a readable CardOps store (${why}); nothing was changed. Restore it from a backup; the journal beside it is kept.`, { path });
  if (bytes.length === 0) throw corrupt('it is empty; CardOps never writes an empty checkpoint');
  if (bytes.length < 100 || bytes.toString('latin1', 0, 16) !== 'SQLite format 3\0') throw corrupt('it does not start with an SQLite header');
  let db: Database | undefined;
  try {
    db = new SQL.Database(bytes);
    db.exec('SELECT count(*) FROM sqlite_master');
    // The checksums prove the file is what was written; an older checkpoint has none, so
    // SQLite checks its pages instead (that reads the whole database once more).
    if (!sums) {
      const check = db.exec('PRAGMA quick_check(1)');
      const verdict = String(check[0]?.values[0]?.[0] ?? '');
      if (verdict !== 'ok') throw new Error(verdict);
    }
    return { db, existed: true, sums };
  } catch (e) {
    db?.close();
    throw corrupt((e as Error).message);
  }
}

/**
 * Writes the live database file to `file` while `live.change` runs and changes it; durable when it
 * resolves. The first copy goes out as a few large writes, all queued at once on libuv's
 * threads (they need no turn of the event loop to go on); the ranges written during `change`
 * are then written again from the file as it is at the end, the file is cut to its size, and
 * the checksums of the final bytes follow it.
 */
async function writeLiveWhile(file: string, live: { fileBytes: () => Uint8Array; trackWrites: (on: boolean) => number[]; change: () => Promise<void> }, info: CheckpointSums): Promise<void> {
  const fd = openSync(file, 'w');
  try {
    live.trackWrites(true);
    let changed: number[] = [];
    const first = live.fileBytes();
    const piece = 512 * 1024 * 1024;
    const copies: Promise<void>[] = [];
    for (let at = 0; at < first.length; at += piece) copies.push(writeFully(fd, first, at, Math.min(piece, first.length - at)));
    const copied = Promise.all(copies);
    // Handled here at once: a failed write must not be an unhandled rejection while `change` runs.
    copied.catch(() => undefined);
    try {
      await live.change();
    } finally {
      changed = live.trackWrites(false);
      // Whatever happened, no write may still use the file when it is closed.
      await copied.catch(() => undefined);
    }
    await copied;
    const now = live.fileBytes();
    for (const [at, length] of mergeRanges(changed)) {
      const end = Math.min(at + length, now.length);
      for (let off = at; off < end; ) off += writeSync(fd, now, off, end - off, off);
    }
    ftruncateSync(fd, now.length);
    // The checksums are of the final bytes, in memory (the file is not read back). Nothing
    // writes to the database meanwhile: the bulk load holds every other write.
    const trailer = encodeTrailer(now.length, await chunkSums(now), info);
    for (let off = 0; off < trailer.length; ) off += writeSync(fd, trailer, off, trailer.length - off, now.length + off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes bytes[at, at + length) at the same offset of the file, however many calls it takes. */
async function writeFully(fd: number, bytes: Uint8Array, at: number, length: number): Promise<void> {
  for (let off = at; off < at + length; ) {
    const { bytesWritten } = await new Promise<{ bytesWritten: number }>((resolve, reject) =>
      write(fd, bytes, off, at + length - off, off, (e, n) => (e ? reject(e) : resolve({ bytesWritten: n }))),
    );
    off += bytesWritten;
  }
}

/** (offset, length) pairs, flat, to sorted ranges with overlapping and touching ones merged. */
export function mergeRanges(flat: readonly number[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) ranges.push([flat[i]!, flat[i]! + flat[i + 1]!]);
  ranges.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [start, end] of ranges) {
    const last = out[out.length - 1];
    if (last && start <= last[0] + last[1]) last[1] = Math.max(last[1], end - last[0]);
    else out.push([start, end - start]);
  }
  return out;
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await openFile(dir, 'r');
  try {
    await fh.sync();
  } catch {
    /* some file systems do not fsync directories */
  } finally {
    await fh.close();
  }
}

/** Events per slice of a heavy read: a few milliseconds of work between two turns of the event loop. */
const HEAVY_SLICE = 2_000;

const turn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

function applyRows(sql: Sql, projections: readonly Projection[], rows: readonly EventRow[]): void {
  for (const r of rows) {
    const needed = projections.filter((p) => handlesEvent(p, r.type));
    if (needed.length) {
      const e = rowToEvent(r);
      for (const p of needed) p.apply(e, sql);
    }
  }
}

/** Copies every row of `table` from `from` into the same table through `to` (the same schema). */
function copyRows(from: Database, table: string, to: Sql): void {
  const s = from.prepare(`SELECT * FROM "${table}"`);
  try {
    let batch: SqlValue[][] = [];
    while (s.step()) {
      batch.push(s.get());
      if (batch.length >= 4096) {
        runValues(to, `INSERT INTO "${table}"`, batch);
        batch = [];
      }
    }
    runValues(to, `INSERT INTO "${table}"`, batch);
  } finally {
    s.free();
  }
}

function replayInto(
  sql: Sql,
  projections: readonly Projection[],
  readRows: (after: number, limit: number) => EventRow[],
  total: number,
  onProgress: Progress,
): number {
  let after = 0;
  let done = 0;
  for (;;) {
    const rows = readRows(after, 20_000);
    if (!rows.length) break;
    for (const r of rows) {
      const needed = projections.filter((p) => handlesEvent(p, r.type));
      if (needed.length) {
        const e = rowToEvent(r);
        for (const p of needed) p.apply(e, sql);
      }
    }
    after = rows[rows.length - 1]!.position;
    done += rows.length;
    onProgress(done, total);
  }
  return done;
}

function tableRows(db: Database, table: string): string[] {
  const res = db.exec(`SELECT * FROM "${table}"`);
  const r = res[0];
  if (!r) return [];
  return r.values.map((v) => JSON.stringify(Object.fromEntries(r.columns.map((c, i) => [c, v[i]]))));
}
