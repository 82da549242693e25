/**
 * A unit of work: one command and the reactions it sets off (process-manager steps), decided
 * against several streams and committed in ONE atomic append. Either all of it is stored or
 * none: no crash can leave an account frozen by an authorisation whose outcome is lost.
 *
 * Event ids are `<commandId>:<n>` (or the decider's business key, for postings), so replaying the
 * same command stores nothing twice; a reaction's events carry the id of the event that caused
 * them as their causation id.
 */
import { isRefusal, type Decider, type Decision, type DomainEvent, type Refusal } from './decider.js';
import { ConcurrencyError, type EventMetadata, type EventStore, type NewEvent, type StoredEvent } from './eventstore/types.js';

/** Event ids derive from the command id: `<commandId>:<n>`. */
export const eventIdFor = (commandId: string, index: number): string => `${commandId}:${index}`;

interface Tracked {
  version: number;
  state: unknown;
  readonly evolve: (s: unknown, e: DomainEvent) => unknown;
}

export class UnitOfWork {
  private readonly streams = new Map<string, Tracked>();
  /** Every decided event, in the order it was decided: that is the order it is stored in. */
  private readonly pending: { readonly streamId: string; readonly event: NewEvent }[] = [];
  private counter = 0;

  constructor(
    readonly store: EventStore,
    readonly metadata: EventMetadata,
  ) {}

  /** The stream's state, folded from its events (once per unit of work), with what this unit decided on top. */
  async load<C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>): Promise<S> {
    const known = this.streams.get(streamId);
    if (known) return known.state as S;
    const { version, events } = await this.store.readStream(streamId);
    const state = events.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data, at: e.recordedAt, by: e.metadata.operator } as E), decider.initialState());
    this.streams.set(streamId, { version, state, evolve: decider.evolve as Tracked['evolve'] });
    return state;
  }

  /** The first event of the stream that this command id wrote, if any (a repeat of an acknowledged command, or another command reusing its id). */
  async earlierEventOfCommand(streamId: string): Promise<StoredEvent | undefined> {
    const { events } = await this.store.readStream(streamId);
    return events.find((e) => e.metadata.commandId === this.metadata.commandId);
  }

  /** How many events this unit has decided (each takes a number `<n>`, also those named by a business key). */
  get decidedCount(): number {
    return this.counter;
  }

  /** Forgets every decided event: the commit then writes nothing. */
  discard(): void {
    this.pending.length = 0;
  }

  /**
   * Decides a command against a stream and records its events for the commit.
   * `causedBy`: the id of the event this step reacts to (process managers).
   */
  async decide<C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>, command: C, causedBy?: string): Promise<Decision<E & { eventId: string }>> {
    const state = await this.load(streamId, decider);
    const decision = decider.decide(command, state);
    if (isRefusal(decision)) return decision;
    const tracked = this.streams.get(streamId)!;
    const metadata = causedBy ? { ...this.metadata, causationId: causedBy } : this.metadata;
    const out: (E & { eventId: string })[] = [];
    for (const e of decision) {
      const eventId = decider.eventKey?.(e) ?? eventIdFor(this.metadata.commandId, this.counter);
      this.counter++;
      this.pending.push({ streamId, event: { eventId, type: e.type, data: e.data, metadata } });
      tracked.state = tracked.evolve(tracked.state, e);
      out.push({ ...e, eventId });
    }
    return out;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Appends everything in one transaction, in the order it was decided (so no event is stored
   * before the event that caused it): consecutive events of one stream form one append, the
   * first with the version the stream was read at, the next ones with the version it reached.
   */
  async commit(): Promise<StoredEvent[]> {
    const appends: { streamId: string; expectedVersion: number; events: NewEvent[] }[] = [];
    const next = new Map<string, number>();
    for (const { streamId, event } of this.pending) {
      const last = appends[appends.length - 1];
      if (last && last.streamId === streamId) last.events.push(event);
      else appends.push({ streamId, expectedVersion: next.get(streamId) ?? this.streams.get(streamId)!.version, events: [event] });
      next.set(streamId, (next.get(streamId) ?? this.streams.get(streamId)!.version) + 1);
    }
    if (!appends.length) return [];
    const results = await this.store.appendMany(appends);
    return results.flatMap((r) => r.events).sort((a, b) => a.position - b.position);
  }
}

export type WorkResult = { readonly ok: true; readonly events: readonly StoredEvent[] } | { readonly ok: false; readonly refusal: Refusal };

/**
 * Runs `work` in a fresh unit of work and commits it; on a concurrency conflict, starts again
 * from fresh state (safe: deciding is pure). `work` returns a refusal to write nothing.
 */
export async function runUnitOfWork(store: EventStore, metadata: EventMetadata, work: (uow: UnitOfWork) => Promise<Refusal | void>, retries = 3): Promise<WorkResult> {
  for (let attempt = 0; ; attempt++) {
    const uow = new UnitOfWork(store, metadata);
    const refusal = await work(uow);
    if (refusal) return { ok: false, refusal };
    try {
      return { ok: true, events: await uow.commit() };
    } catch (e) {
      if (e instanceof ConcurrencyError && attempt < retries) continue;
      throw e;
    }
  }
}
