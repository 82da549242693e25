/**
 * The outbox's registry: which stored events other systems are told about, under which topic,
 * and with what payload. A feature declares its routes next to its events and adds them to
 * `registry.ts` (one line); the outbox projection then writes a message for each such event in
 * the same transaction that stores it, keyed by the event id.
 */
import type { StoredEvent } from '../eventstore/types.js';

export interface OutboxRoute {
  /** The event type, e.g. `ChargePosted`. */
  readonly type: string;
  /** The message topic third parties subscribe to, e.g. `card.state_changed`, `charge.posted`. */
  readonly topic: string;
  /**
   * The message body, built when the message is delivered (never stored twice). Defaults to the
   * event's data. It must never hold a card number or CVC (no CardOps event does).
   */
  readonly payload?: (event: StoredEvent) => unknown;
}

/** Several event types under one topic. */
export const routes = (topic: string, types: readonly string[], payload?: (event: StoredEvent) => unknown): OutboxRoute[] =>
  types.map((type) => (payload ? { type, topic, payload } : { type, topic }));
