/**
 * The outbox: one row per integration event (see registry.ts), written by this projection in the
 * same transaction as the event itself, so no event that matters to a third party can be stored
 * without its message, nor a message without its event. The row's status follows the outbox's
 * own events (events.ts). The message body is built from the stored event when it is delivered,
 * so a million charges cost a million small rows, not a million copies of their data.
 */
import type { Projection } from '../eventstore/projection.js';
import type { Sql } from '../eventstore/sql.js';
import type { StoredEvent } from '../eventstore/types.js';
import { OUTBOX_OWN_EVENT_TYPES, type OutboxEvent } from './events.js';
import { OUTBOX_EVENT_TYPES, outboxRoute } from './registry.js';

/** Bump when the registry gains a route for events that may already be stored. */
export const OUTBOX_PROJECTION_VERSION = 1;

const INSERT = "INSERT OR IGNORE INTO outbox (position, event_id, type, topic, stream_id, status, attempts, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)";
/** Set-based: one statement for a whole transaction's messages. */
const INSERT_MANY = `INSERT OR IGNORE INTO outbox (position, event_id, type, topic, stream_id, status, attempts, created_at)
  SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, 'pending', 0, value ->> 5 FROM json_each(?)`;

function applyOwn(e: StoredEvent, sql: Sql): void {
  const o = e as unknown as OutboxEvent;
  switch (o.type) {
    case 'OutboxMessagesDelivered':
      sql.run("UPDATE outbox SET status = 'delivered', delivered_at = ?, next_attempt_at = NULL, last_error = NULL WHERE event_id IN (SELECT value FROM json_each(?))", [e.recordedAt, JSON.stringify(o.data.eventIds)]);
      return;
    case 'OutboxDeliveryFailed':
      sql.run("UPDATE outbox SET status = 'failed', attempts = ?, last_error = ?, next_attempt_at = ?, last_attempt_at = ? WHERE event_id = ? AND status <> 'delivered'", [o.data.attempt, o.data.error, o.data.nextAttemptAt, e.recordedAt, o.data.eventId]);
      return;
    case 'OutboxMessageParked':
      sql.run("UPDATE outbox SET status = 'parked', attempts = ?, last_error = ?, next_attempt_at = NULL, parked_at = ? WHERE event_id = ? AND status <> 'delivered'", [o.data.attempts, o.data.error, e.recordedAt, o.data.eventId]);
      return;
    case 'OutboxRetryRequested':
      // A fresh start: the attempts count again from zero, and the message is due now.
      sql.run("UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = NULL, parked_at = NULL, retried_by = ? WHERE event_id = ? AND status = 'parked'", [e.metadata.operator, o.data.eventId]);
      return;
    default: {
      const route = outboxRoute(e.type);
      if (route) sql.run(INSERT, [e.position, e.eventId, e.type, route.topic, e.streamId, e.recordedAt]);
    }
  }
}

export const outboxProjection: Projection = {
  name: 'outbox',
  version: OUTBOX_PROJECTION_VERSION,
  tables: ['outbox'],
  handles: [...OUTBOX_EVENT_TYPES, ...OUTBOX_OWN_EVENT_TYPES],
  schema: `
    CREATE TABLE outbox (
      position        INTEGER PRIMARY KEY,
      event_id        TEXT    NOT NULL UNIQUE,
      type            TEXT    NOT NULL,
      topic           TEXT    NOT NULL,
      stream_id       TEXT    NOT NULL,
      status          TEXT    NOT NULL,
      attempts        INTEGER NOT NULL,
      created_at      TEXT    NOT NULL,
      next_attempt_at TEXT,
      last_attempt_at TEXT,
      last_error      TEXT,
      delivered_at    TEXT,
      parked_at       TEXT,
      retried_by      TEXT
    ) STRICT;
    CREATE INDEX outbox_open ON outbox (position) WHERE status <> 'delivered';`,
  apply: applyOwn,
  applyMany(events, sql) {
    const rows: (string | number)[][] = [];
    for (const e of events) {
      const route = outboxRoute(e.type);
      if (route) rows.push([e.position, e.eventId, e.type, route.topic, e.streamId, e.recordedAt]);
      else {
        if (rows.length) sql.run(INSERT_MANY, [JSON.stringify(rows.splice(0))]);
        applyOwn(e, sql);
      }
    }
    if (rows.length) sql.run(INSERT_MANY, [JSON.stringify(rows)]);
  },
};
