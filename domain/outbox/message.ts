/** A message as sinks receive it: the event id is its deduplication key. */
import type { StoredEvent } from '../eventstore/types.js';
import { outboxRoute } from './registry.js';

export interface OutboxMessage {
  /** The id of the event: the deduplication key. A sink may see a message more than once. */
  readonly id: string;
  readonly topic: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly streamId: string;
  readonly position: number;
  readonly correlationId: string;
  readonly causationId: string;
  readonly operator: string;
  readonly payload: unknown;
}

export function toMessage(e: StoredEvent): OutboxMessage {
  const route = outboxRoute(e.type);
  return {
    id: e.eventId,
    topic: route?.topic ?? e.type,
    type: e.type,
    occurredAt: e.recordedAt,
    streamId: e.streamId,
    position: e.position,
    correlationId: e.metadata.correlationId,
    causationId: e.metadata.causationId,
    operator: e.metadata.operator,
    payload: route?.payload ? route.payload(e) : e.data,
  };
}
