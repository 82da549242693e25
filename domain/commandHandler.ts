/**
 * Runs one command through a decider against one stream: load the stream, fold its events, decide,
 * append with the version that was read. If another writer got there first the append is a
 * conflict and, the decision being a pure function of the state, it is safe to decide again.
 */
import { isRefusal, type Decider, type DomainEvent, type Refusal } from './decider.js';
import { ConcurrencyError, type EventMetadata, type EventStore, type StoredEvent } from './eventstore/types.js';

export interface CommandContext {
  readonly metadata: EventMetadata;
  /** Conflict retries before giving up; default 3. */
  readonly retries?: number;
}

export type Handled = { readonly ok: true; readonly events: readonly StoredEvent[] } | { readonly ok: false; readonly refusal: Refusal };

/**
 * Event ids are derived from the command id, so the same command sent twice (a retry after a
 * lost answer) stores nothing the second time.
 */
export const eventIdFor = (commandId: string, index: number): string => `${commandId}:${index}`;

export async function handleCommand<C, E extends DomainEvent, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
  command: C,
  ctx: CommandContext,
): Promise<Handled> {
  const retries = ctx.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    // A repeat of a command that was already stored: answer as the first time did, with no new event.
    const { version, events } = await store.readStream(streamId);
    if (events.some((e) => e.metadata.commandId === ctx.metadata.commandId)) return { ok: true, events: [] };
    const state = events.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as E), decider.initialState());
    const decision = decider.decide(command, state);
    if (isRefusal(decision)) return { ok: false, refusal: decision };
    if (!decision.length) return { ok: true, events: [] };
    try {
      const result = await store.append(
        streamId,
        decision.map((e, i) => ({ eventId: eventIdFor(ctx.metadata.commandId, i), type: e.type, data: e.data, metadata: ctx.metadata })),
        { expectedVersion: version },
      );
      return { ok: true, events: result.events };
    } catch (e) {
      if (e instanceof ConcurrencyError && attempt < retries) continue;
      throw e;
    }
  }
}
