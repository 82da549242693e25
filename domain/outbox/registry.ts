/**
 * Every event type that goes to the outbox. Features add their routes here with one line:
 * `...invoiceOutboxRoutes,` — then bump `OUTBOX_PROJECTION_VERSION` in projection.ts only if
 * events of that type may already be stored (the projection then rebuilds and catches them up).
 */
import { cardOutboxRoutes, chargeOutboxRoutes } from './coreRoutes.js';
import type { OutboxRoute } from './routes.js';
import { invoiceOutboxRoutes } from '../invoices/outbox.js';
import { planOutboxRoutes } from '../plans/outbox.js';
import { refundOutboxRoutes } from '../refunds/outbox.js';
import { orderOutboxRoutes } from '../orders/outbox.js';

export const OUTBOX_ROUTES: readonly OutboxRoute[] = [
  ...cardOutboxRoutes,
  ...chargeOutboxRoutes,
  ...invoiceOutboxRoutes,
  ...planOutboxRoutes,
  ...refundOutboxRoutes,
  ...orderOutboxRoutes,
];

const byType = new Map<string, OutboxRoute>();
for (const r of OUTBOX_ROUTES) {
  if (byType.has(r.type)) throw new Error(`two outbox routes for ${r.type}`);
  byType.set(r.type, r);
}

export const outboxRoute = (type: string): OutboxRoute | undefined => byType.get(type);
export const OUTBOX_EVENT_TYPES: readonly string[] = [...byType.keys()];
