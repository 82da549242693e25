/**
 * Running a command: load the streams it needs, decide, append with the versions that were
 * read, and on a conflict decide again from fresh state (safe: deciding is pure). It is one
 * unit of work (domain/unitOfWork.ts), so a command that touches several streams is atomic too.
 *
 * A command id already stored on the primary stream answers "no change": the same command sent
 * twice (a retry after a lost answer) stores nothing the second time. A different command that
 * reuses the id is refused (COMMAND_ID_REUSED), see `handleWork`.
 */
import { isRefusal, refuse, type Decider, type DomainEvent, type Refusal } from './decider.js';
import type { EventMetadata, EventStore, StoredEvent } from './eventstore/types.js';
import { eventIdFor, runUnitOfWork, type UnitOfWork } from './unitOfWork.js';

export interface CommandContext {
  readonly metadata: EventMetadata;
  /** Conflict retries before giving up; default 3. */
  readonly retries?: number;
}

export type Handled = { readonly ok: true; readonly events: readonly StoredEvent[] } | { readonly ok: false; readonly refusal: Refusal };

export { eventIdFor } from './unitOfWork.js';

/** How many of the ids `<commandId>:0…` a command looks up at least, to find an earlier command with its id. */
const PROBE_IDS = 8;

/** A command id that an earlier, different command used: refused, naming what that command wrote. */
function commandIdReused(commandId: string, earlier: StoredEvent): Refusal {
  return refuse(
    'COMMAND_ID_REUSED',
    `command id ${commandId} was already used by another command (it wrote ${earlier.type} on ${earlier.streamId} at ${earlier.recordedAt.slice(0, 19).replace('T', ' ')} UTC): a retry must send the same command with the same parameters; send a new command with a new command id`,
    { commandId, eventType: earlier.type, streamId: earlier.streamId, recordedAt: earlier.recordedAt },
  );
}

/**
 * The general form: `work` decides against any streams and may return a refusal.
 *
 * A command sent through the backend carries its fingerprint (type and parameters): the same
 * command id with the same fingerprint is a retry and changes nothing; with another one it is a
 * different command reusing the id, refused with COMMAND_ID_REUSED. The earlier command is found
 * on the primary stream, or, for one that wrote elsewhere, by the ids `<commandId>:<n>` (an event
 * id names one event in the whole store): those this command would write, and at least the first
 * PROBE_IDS. An earlier command whose events all carry business keys (postings) and that wrote
 * only on other streams than this one's primary is not found that way.
 */
export async function handleWork(store: EventStore, primaryStream: string, ctx: CommandContext, work: (uow: UnitOfWork) => Promise<Refusal | void>): Promise<Handled> {
  let repeat = false;
  const fingerprint = ctx.metadata.commandFingerprint;
  const r = await runUnitOfWork(
    store,
    ctx.metadata,
    async (uow) => {
      repeat = false;
      const earlier = await uow.earlierEventOfCommand(primaryStream);
      if (earlier) {
        const before = earlier.metadata.commandFingerprint;
        // Events stored before fingerprints were kept cannot tell: a repeat, as it always was.
        if (fingerprint !== undefined && before !== undefined && before !== fingerprint) return commandIdReused(ctx.metadata.commandId, earlier);
        repeat = true;
        return;
      }
      const refusal = await work(uow);
      if (refusal || fingerprint === undefined) return refusal;
      // The ids `<commandId>:<n>` this command would write, and at least the first few that any
      // command writes: an earlier command with this id that wrote elsewhere is found by them.
      const probe = Array.from({ length: Math.max(uow.decidedCount, PROBE_IDS) }, (_, n) => eventIdFor(ctx.metadata.commandId, n));
      const taken = await store.readEvents(probe);
      if (!taken.length) return;
      const other = taken.find((e) => e.metadata.commandFingerprint !== fingerprint);
      if (other) return commandIdReused(ctx.metadata.commandId, other);
      // This very command, which wrote nothing on its primary stream: a retry.
      uow.discard();
      repeat = true;
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
