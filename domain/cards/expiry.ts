/**
 * The daily card-expiry job: every card still live (issued, active or suspended) whose expiry
 * month has passed is expired (CardExpired, reason `expired`, channel `system`), so it never
 * counts as active: not in the charge run's eligibility, not in the accounts' active card counts,
 * not in the cards a denied authorisation suspends (they all read the cards projection).
 *
 * A card is valid through the last day of its expiry month; the job for `date` expires the cards
 * whose month is before the month of `date`. It is idempotent for a date (the decider answers
 * "nothing to do" for a card already expired), so running it again, or after a crash part way,
 * never writes anything twice. The app runs it on start-up and just after each UTC midnight.
 */
import type { CardOpsStore } from '../backend/store.js';
import { isRefusal } from '../decider.js';
import { systemClock, type Clock } from '../shared/ports.js';
import { runUnitOfWork } from '../unitOfWork.js';
import { cardDecider } from './decider.js';
import { cardStreamId, LIVE_STATUSES } from './events.js';

export interface ExpiryReport {
  readonly date: string;
  /** The cards expired by this run. */
  readonly expired: number;
  readonly failed: readonly { readonly cardId: string; readonly code: string; readonly message: string }[];
}

/** Cards expired per unit of work: one atomic append each. */
const CHUNK = 500;

const running = new WeakMap<CardOpsStore, Promise<unknown>>();

/** Runs the job for `date` (YYYY-MM-DD) as `operator` (default `system`); a second call on the same store waits for the first. */
export function runCardExpiry(store: CardOpsStore, date: string, operator = 'system'): Promise<ExpiryReport> {
  const before = running.get(store) ?? Promise.resolve();
  const job = before.catch(() => undefined).then(() => runOnce(store, date, operator));
  running.set(store, job);
  return job;
}

async function runOnce(store: CardOpsStore, date: string, operator: string): Promise<ExpiryReport> {
  const month = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7));
  const live = LIVE_STATUSES.map((s) => `'${s}'`).join(', ');
  let expired = 0;
  const failed: { cardId: string; code: string; message: string }[] = [];
  let after = '';
  for (;;) {
    const ids = await store.read((sql) =>
      sql.all<{ card_id: string }>(`SELECT card_id FROM cards WHERE status IN (${live}) AND expiry_year * 12 + expiry_month < ? AND card_id > ? ORDER BY card_id LIMIT ${CHUNK}`, [month, after]).map((r) => r.card_id),
    );
    if (!ids.length) break;
    after = ids[ids.length - 1]!;
    const commandId = `card-expiry:${date}:${ids[0]}`;
    try {
      const r = await runUnitOfWork(store, { operator, correlationId: `card-expiry:${date}`, causationId: commandId, commandId }, async (uow) => {
        for (const cardId of ids) {
          const d = await uow.decide(cardStreamId(cardId), cardDecider, { type: 'ExpireCard', cardId, channel: 'system' });
          // A card that became final meanwhile (reported lost, say) is left as it is.
          if (isRefusal(d)) continue;
        }
      });
      if (r.ok) expired += r.events.length;
    } catch (e) {
      for (const cardId of ids) failed.push({ cardId, code: (e as { code?: string }).code ?? 'INTERNAL_ERROR', message: e instanceof Error ? e.message : String(e) });
    }
  }
  return { date, expired, failed };
}

export interface ExpiryTimer {
  stop(): Promise<void>;
}

/** Runs the job for today on start-up and again just after each UTC midnight (like the plans' renewal timer). */
export function startCardExpiryTimer(o: { store: CardOpsStore; clock?: Clock; onReport?: (r: ExpiryReport) => void; onError?: (e: unknown) => void }): ExpiryTimer {
  const clock = o.clock ?? systemClock;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  const tick = (): void => {
    if (stopped) return;
    current = runCardExpiry(o.store, clock.now().slice(0, 10)).then(o.onReport, o.onError);
    const now = Date.parse(clock.now());
    const nextMidnight = Math.floor(now / 86_400_000) * 86_400_000 + 86_400_000 + 5_000;
    timer = setTimeout(tick, nextMidnight - now);
  };
  tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current.catch(() => undefined);
    },
  };
}
