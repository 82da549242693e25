/**
 * Running a command: load the streams it needs, decide, append with the versions that were
 * read, and on a conflict decide again from fresh state (safe: deciding is pure). It is one
 * unit of work (domain/unitOfWork.ts), so a command that touches several streams is atomic too.
 *
 * A command id already stored on the primary stream answers "no change": the same command sent
 * twice (a retry after a lost answer) stores nothing the second time.
 */
import { isRefusal, type Decider, type DomainEvent, type Refusal } from './decider.js';
import type { EventMetadata, EventStore, StoredEvent } from './eventstore/types.js';
import { runUnitOfWork, type UnitOfWork } from './unitOfWork.js';

export interface CommandContext {
  readonly metadata: EventMetadata;
  /** Conflict retries before giving up; default 3. */
  readonly retries?: number;
}

export type Handled = { readonly ok: true; readonly events: readonly StoredEvent[] } | { readonly ok: false; readonly refusal: Refusal };

export { eventIdFor } from './unitOfWork.js';

/** The general form: `work` decides against any streams and may return a refusal. */
export async function handleWork(store: EventStore, primaryStream: string, ctx: CommandContext, work: (uow: UnitOfWork) => Promise<Refusal | void>): Promise<Handled> {
  let repeat = false;
  const r = await runUnitOfWork(
    store,
    ctx.metadata,
    async (uow) => {
      repeat = await uow.alreadyDone(primaryStream);
      if (!repeat) return work(uow);
    },
    ctx.retries,
  );
  if (repeat) return { ok: true, events: [] };
  return r.ok ? { ok: true, events: r.events } : { ok: false, refusal: r.refusal };
}

/** One command against one stream. */
export function handleCommand<C, E extends DomainEvent, S>(store: EventStore, decider: Decider<C, E, S>, streamId: string, command: C, ctx: CommandContext): Promise<Handled> {
  return handleWork(store, streamId, ctx, async (uow) => {
    const d = await uow.decide(streamId, decider, command);
    if (isRefusal(d)) return d;
  });
}
