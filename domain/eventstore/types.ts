/**
 * The event store port. Asynchronous on purpose: the sql.js adapter answers at once, but a
 * server-backed adapter can be dropped in later without touching a caller.
 */

export interface EventMetadata {
  /** The operator id who caused the event ("system" for jobs with no operator). */
  readonly operator: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly commandId: string;
  /**
   * What the client's command was (a hash of its type and validated parameters), on the events
   * of commands sent through the backend: a command id reused by another command is refused.
   */
  readonly commandFingerprint?: string;
  /**
   * Set on demo data made up by `cardops seed`: history that never happened, which the outbox
   * does not announce to third parties.
   */
  readonly demo?: true;
}

/** An event to append. The store assigns positions and the recorded-at time. */
export interface NewEvent<T extends string = string, D = unknown> {
  /** Unique across the store. Appending an event id that is already stored is a no-op. */
  readonly eventId: string;
  readonly type: T;
  readonly data: D;
  readonly schemaVersion?: number;
  readonly metadata: EventMetadata;
}

export interface StoredEvent<T extends string = string, D = unknown> {
  /** Global position, 1-based, gap-free. */
  readonly position: number;
  readonly streamId: string;
  /** Position in the stream, 1-based. */
  readonly streamPosition: number;
  readonly eventId: string;
  readonly type: T;
  readonly schemaVersion: number;
  readonly data: D;
  readonly metadata: EventMetadata;
  /** UTC, ISO-8601. */
  readonly recordedAt: string;
}

/**
 * What the caller expects of the stream before the append:
 * - `any`: no check;
 * - `no_stream`: the stream has no event;
 * - `stream_exists`: it has at least one;
 * - a number: its current version (the stream position of its last event; 0 for none).
 */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

export interface StreamAppend {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly NewEvent[];
}

export interface AppendResult {
  readonly streamId: string;
  /** The stream's version after the append (unchanged if every event was a duplicate). */
  readonly nextExpectedVersion: number;
  /** The events written now; duplicates of stored event ids are left out. */
  readonly events: readonly StoredEvent[];
}

export interface ReadStreamResult {
  readonly streamId: string;
  readonly version: number;
  readonly events: readonly StoredEvent[];
}

export interface ReadAllOptions {
  /** Read events with a global position greater than this. Default 0. */
  readonly after?: number;
  readonly limit?: number;
  readonly types?: readonly string[];
}

export interface ReadAllResult {
  readonly events: readonly StoredEvent[];
  /** Pass as `after` to read the next page. */
  readonly lastPosition: number;
  readonly isEnd: boolean;
}

export type Unsubscribe = () => void;

export interface EventStore {
  append(streamId: string, events: readonly NewEvent[], options?: { expectedVersion?: ExpectedVersion }): Promise<AppendResult>;
  /** Appends to many streams in one atomic transaction: all of them or none. */
  appendMany(appends: readonly StreamAppend[]): Promise<readonly AppendResult[]>;
  readStream(streamId: string, options?: { fromVersion?: number }): Promise<ReadStreamResult>;
  /** The stored events among these ids, in log order (ids not stored are left out). */
  readEvents(eventIds: readonly string[]): Promise<readonly StoredEvent[]>;
  readAll(options?: ReadAllOptions): Promise<ReadAllResult>;
  /** Calls the listener with every event committed after `after`, first the stored ones, then live. */
  subscribe(after: number, listener: (events: readonly StoredEvent[]) => void): Unsubscribe;
  headPosition(): Promise<number>;
  close(): Promise<void>;
}

/** A typed store error. */
export type StoreErrorCode =
  | 'CONCURRENCY_CONFLICT'
  | 'STORE_OUT_OF_MEMORY'
  | 'STORE_DISK_FULL'
  | 'STORE_LOCKED'
  | 'STORE_CORRUPT'
  | 'STORE_TOO_NEW'
  | 'STORE_UNAVAILABLE'
  | 'STORE_CLOSED'
  | 'STORE_BUSY'
  | 'INVALID_APPEND';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export class ConcurrencyError extends StoreError {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super('CONCURRENCY_CONFLICT', `stream ${streamId} is at version ${actual}, expected ${String(expected)}: someone changed it meanwhile; reload and try again`, {
      streamId,
      expected,
      actual,
    });
    this.name = 'ConcurrencyError';
  }
}

export function matchesExpected(expected: ExpectedVersion, actual: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === 0;
    case 'stream_exists':
      return actual > 0;
    default:
      return expected === actual;
  }
}
