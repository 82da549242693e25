/**
 * An operator's retry of a parked message. The message's status lives in the outbox read model
 * (the dispatcher's events set it), so the handler reads it and passes it in: the decider refuses
 * a retry of a message that is not parked, and says why.
 */
import { assertNever, refuse, type Decider, type Decision } from '../decider.js';
import type { OutboxEvent, OutboxStatus } from './events.js';

export type OutboxCommand = { readonly type: 'RetryOutboxMessage'; readonly eventId: string; readonly position?: number; readonly status: OutboxStatus | null; readonly note?: string };
type RetryEvent = Extract<OutboxEvent, { type: 'OutboxRetryRequested' }>;

const STATUS_WORDS: Record<OutboxStatus, string> = {
  pending: 'waiting for its first delivery',
  failed: 'failed and is retried automatically with back-off',
  delivered: 'already delivered',
  parked: 'parked',
};

export const outboxRetryDecider: Decider<OutboxCommand, RetryEvent, { readonly requests: number }> = {
  initialState: () => ({ requests: 0 }),
  evolve: (s) => ({ requests: s.requests + 1 }),
  decide(c): Decision<RetryEvent> {
    switch (c.type) {
      case 'RetryOutboxMessage':
        if (c.status === null) return refuse('MESSAGE_NOT_FOUND', `there is no outbox message ${c.eventId}: check the id (the event id, or the number shown on the Outbox screen)`);
        if (c.status !== 'parked') return refuse('MESSAGE_NOT_PARKED', `outbox message ${c.eventId} is ${STATUS_WORDS[c.status]}: only a parked message can be retried by hand`);
        return [{ type: 'OutboxRetryRequested', data: { eventId: c.eventId, ...(c.position !== undefined ? { position: c.position } : {}), ...(c.note ? { note: c.note } : {}) } }];
      default:
        return assertNever(c.type);
    }
  },
};
