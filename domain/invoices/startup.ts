/**
 * The recipient repair a long-lived backend runs once when it starts (the Electron backend host
 * and `cardops serve`, electron/platform/background.ts): what a crash between two steps of the
 * recipient process manager left behind (an invoice still provisional, a flag that no longer
 * matches its contact) is certified, rejected, flagged or cleared, as operator `system`. The
 * same repair as the `ReconcileInvoiceRecipients` command; every step is idempotent.
 */
import { randomUUID } from 'node:crypto';
import type { CardOpsStore } from '../backend/store.js';
import type { StoredEvent } from '../eventstore/types.js';
import { reconcileAll } from './processManager.js';

export const STARTUP_OPERATOR = 'system';

export async function repairInvoiceRecipients(store: CardOpsStore, commandId = `invoice-recipients-startup:${randomUUID()}`): Promise<StoredEvent[]> {
  return reconcileAll(store, { operator: STARTUP_OPERATOR, commandId, correlationId: commandId, causationId: commandId });
}

/** One line for the log: which invoices the repair touched, and how. */
export function describeRepair(events: readonly StoredEvent[]): string {
  const byInvoice = new Map<string, string[]>();
  for (const e of events) {
    const id = typeof e.data === 'object' && e.data !== null ? (e.data as { invoiceId?: unknown }).invoiceId : undefined;
    const key = typeof id === 'string' ? id : e.streamId;
    byInvoice.set(key, [...(byInvoice.get(key) ?? []), e.type]);
  }
  return [...byInvoice].map(([id, types]) => `${id} ${types.join('+')}`).join('; ');
}
