/** The reminder sweep, run every minute by the backend (as operator `system`) while it is open. */
import type { CardOpsStore } from '../backend/store.js';
import type { Clock, IdGenerator } from '../shared/ports.js';
import { sendDueOrderReminders } from './commands.js';

export function startOrderReminderSweep(store: CardOpsStore, clock: Clock, ids: IdGenerator, everyMs = 60_000): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    const commandId = ids.next();
    sendDueOrderReminders(store, clock.now(), { operator: 'system', correlationId: commandId, causationId: commandId, commandId })
      .catch(() => undefined) // a closed or busy store: the next sweep tries again
      .finally(() => (busy = false));
  }, everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
