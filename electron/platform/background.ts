/**
 * The backend's background work, for the processes that own a store for a long time (the
 * Electron backend host and `cardops serve`): the payment plans' renewal timer, the daily
 * card-expiry job (operator `system`: cards past their expiry month become `expired`), the outbox
 * dispatcher, and once at start-up the invoices' recipient repair (what a crash between two
 * steps of the recipient process manager left behind, as operator `system`). Sinks: a folder
 * of JSON files ($CARDOPS_OUTBOX_DIR, else `outbox/` beside the store) and, when
 * $CARDOPS_OUTBOX_URL is set, an HTTP endpoint.
 */
import { dirname, join } from 'node:path';
import type { Backend } from '../../domain/backend/backend.js';
import { simulatorFor } from '../../domain/gateway/simulator.js';
import { OutboxDispatcher } from '../../domain/outbox/dispatcher.js';
import { folderSink, httpSink, type Sink } from '../../domain/outbox/sinks.js';
import { startRenewalTimer } from '../../domain/plans/timer.js';
import { startCardExpiryTimer } from '../../domain/cards/expiry.js';
import { describeRepair, repairInvoiceRecipients } from '../../domain/invoices/startup.js';

export function outboxSinks(dbPath: string, env: NodeJS.ProcessEnv = process.env): Sink[] {
  const sinks: Sink[] = [folderSink(env.CARDOPS_OUTBOX_DIR || join(dirname(dbPath), 'outbox'))];
  if (env.CARDOPS_OUTBOX_URL) sinks.push(httpSink(env.CARDOPS_OUTBOX_URL));
  return sinks;
}

export interface Background {
  /** Settles once the start-up jobs (the recipient repair) are done; it never rejects (a failure is logged). */
  readonly startup: Promise<void>;
  stop(): Promise<void>;
}

export function startBackground(backend: Backend, dbPath: string, log: (m: string) => void = (m) => process.stderr.write(`${m}\n`)): Background {
  const startup = repairInvoiceRecipients(backend.store).then(
    (events) => {
      if (events.length) log(`invoices: repaired what an interrupted recipient check left behind: ${describeRepair(events)}`);
    },
    (e: unknown) => log(`invoices: the recipient repair at start-up failed: ${e instanceof Error ? e.message : String(e)}; run the ReconcileInvoiceRecipients command, or restart`),
  );
  let sinks: Sink[];
  try {
    sinks = outboxSinks(dbPath);
  } catch (e) {
    // A bad $CARDOPS_OUTBOX_URL must not stop the backend: the folder sink still gets every message.
    log(`outbox: ${e instanceof Error ? e.message : String(e)}; messages go to the folder only until $CARDOPS_OUTBOX_URL is fixed`);
    sinks = [folderSink(process.env.CARDOPS_OUTBOX_DIR || join(dirname(dbPath), 'outbox'))];
  }
  const dispatcher = new OutboxDispatcher({ store: backend.store, sinks, log });
  dispatcher.start();
  const timer = startRenewalTimer({
    store: backend.store,
    gateway: simulatorFor(backend.store),
    onReport: (r) => r.failed.length && log(`payment plans ${r.date}: ${r.failed.length} plan(s) failed: ${r.failed.map((f) => `${f.planId} ${f.message}`).join('; ')}`),
    onError: (e) => log(`payment plans: the renewal job failed: ${(e as Error).message}`),
  });
  const expiry = startCardExpiryTimer({
    store: backend.store,
    onReport: (r) => {
      if (r.expired) log(`cards ${r.date}: ${r.expired} card(s) past their expiry month expired`);
      if (r.failed.length) log(`cards ${r.date}: ${r.failed.length} card(s) could not be expired: ${r.failed[0]!.message}`);
    },
    onError: (e) => log(`cards: the expiry job failed: ${(e as Error).message}`),
  });
  return {
    startup,
    async stop() {
      await Promise.all([dispatcher.stop(), timer.stop(), expiry.stop(), startup]);
    },
  };
}
