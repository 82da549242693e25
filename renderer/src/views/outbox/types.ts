/** The Outbox screen's types, from the domain's read side (types only). */
import type { OutboxCounts, OutboxRow } from '../../../../domain/outbox/queries.js';
import type { OutboxMessage } from '../../../../domain/outbox/message.js';
import type { OutboxStatus } from '../../../../domain/outbox/events.js';

export type { OutboxCounts, OutboxMessage, OutboxRow, OutboxStatus };
