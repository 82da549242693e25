/**
 * The app's renewal timer: the job runs for today on start-up, and again just after each UTC
 * midnight. Running it more often is harmless (the job is idempotent for a date).
 */
import type { CardOpsStore } from '../backend/store.js';
import type { PaymentGateway } from '../gateway/port.js';
import { systemClock, type Clock } from '../shared/ports.js';
import { todayOf } from './dates.js';
import { runRenewals, type RenewalReport } from './renewal.js';

export interface RenewalTimer {
  stop(): Promise<void>;
}

export function startRenewalTimer(o: { store: CardOpsStore; gateway: PaymentGateway; clock?: Clock; onReport?: (r: RenewalReport) => void; onError?: (e: unknown) => void }): RenewalTimer {
  const clock = o.clock ?? systemClock;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  const tick = (): void => {
    if (stopped) return;
    current = runRenewals({ store: o.store, gateway: o.gateway, operator: 'system' }, todayOf(clock.now())).then(o.onReport, o.onError);
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
