/**
 * The outbox's own events: what became of each message. The dispatcher records every delivery,
 * failed attempt and park as events, so the delivery state survives a crash (the journal makes
 * it durable) and is audited like everything else. They are technical events on the
 * `outbox-dispatch` stream (appended with expected version `any`: only the order matters), and
 * an operator's retry request on the message's own `outbox-retry-<event id>` stream.
 */
export const OUTBOX_DISPATCH_STREAM = 'outbox-dispatch';
export const outboxRetryStreamId = (eventId: string): string => `outbox-retry-${eventId}`;

export type OutboxStatus = 'pending' | 'failed' | 'delivered' | 'parked';
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'failed', 'delivered', 'parked'];

export type OutboxEvent =
  /** Messages every configured sink has acknowledged (one event per dispatch round). */
  | { readonly type: 'OutboxMessagesDelivered'; readonly data: { readonly eventIds: readonly string[]; readonly positions?: readonly number[]; readonly sinks: readonly string[] } }
  /** One failed attempt; the message is tried again at `nextAttemptAt` (exponential back-off). */
  | { readonly type: 'OutboxDeliveryFailed'; readonly data: { readonly eventId: string; readonly position?: number; readonly attempt: number; readonly error: string; readonly nextAttemptAt: string } }
  /** After too many failed attempts: no more automatic attempts until an operator asks for one. */
  | { readonly type: 'OutboxMessageParked'; readonly data: { readonly eventId: string; readonly position?: number; readonly attempts: number; readonly error: string } }
  | { readonly type: 'OutboxRetryRequested'; readonly data: { readonly eventId: string; readonly position?: number; readonly note?: string } };

// `position` (the message's number: its event's position) is how the outbox read model finds the
// message; events recorded before it was added carry only the event id, looked up in the log.

export const OUTBOX_OWN_EVENT_TYPES: readonly OutboxEvent['type'][] = ['OutboxMessagesDelivered', 'OutboxDeliveryFailed', 'OutboxMessageParked', 'OutboxRetryRequested'];
