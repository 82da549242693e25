/**
 * The outbox: one row per integration event (see registry.ts), written by this projection in the
 * same transaction as the event itself, so no event that matters to a third party can be stored
 * without its message, nor a message without its event. The row's status follows the outbox's
 * own events (events.ts). The message body is built from the stored event when it is delivered,
 * so a million charges cost a million small rows, not a million copies of their data.
 */
import type { Projection } from '../eventstore/projection.js';
import { runValues, type Sql } from '../eventstore/sql.js';
import type { StoredEvent } from '../eventstore/types.js';
import { OUTBOX_OWN_EVENT_TYPES, type OutboxEvent } from './events.js';
import { OUTBOX_EVENT_TYPES, outboxRoute } from './registry.js';

/** Bump when the registry gains a route for events that may already be stored. */
export const OUTBOX_PROJECTION_VERSION = 2;

// One row per message in outbox_rows, keyed by the event's position: the event id, type, stream
// and time are the event's own, read through the `outbox` view, so a message costs one small row
// appended at the end of two B-trees (the table and its open-messages index) and no second
// unique index on event ids. The charge run writes up to a million of them in one run.
const INSERT_INTO = 'INSERT OR IGNORE INTO outbox_rows (position, type, topic, status, attempts)';
const ROW = "(?, ?, ?, 'pending', 0)";
const SHARED_ROW = "(?, ?1, ?2, 'pending', 0)";
const BY_EVENT_ID = '(SELECT position FROM events WHERE event_id = ?)';

/** Demo data (`cardops seed`) is history that never happened: it is not announced. */
const routed = (e: StoredEvent): ReturnType<typeof outboxRoute> => (e.metadata.demo ? undefined : outboxRoute(e.type));

/** The message's row: by its position, or (events recorded before positions were) its event id in the log. */
const at = (data: { readonly eventId: string; readonly position?: number }): [string, number | string] =>
  data.position !== undefined ? ['position = ?', data.position] : [`position = ${BY_EVENT_ID}`, data.eventId];

function applyOwn(e: StoredEvent, sql: Sql): void {
  const o = e as unknown as OutboxEvent;
  switch (o.type) {
    case 'OutboxMessagesDelivered': {
      const set = "UPDATE outbox_rows SET status = 'delivered', delivered_at = ?, next_attempt_at = NULL, last_error = NULL WHERE position IN";
      if (o.data.positions) sql.run(`${set} (SELECT value FROM json_each(?))`, [e.recordedAt, JSON.stringify(o.data.positions)]);
      else sql.run(`${set} (SELECT e.position FROM json_each(?) j JOIN events e ON e.event_id = j.value)`, [e.recordedAt, JSON.stringify(o.data.eventIds)]);
      return;
    }
    case 'OutboxDeliveryFailed': {
      const [where, key] = at(o.data);
      sql.run(`UPDATE outbox_rows SET status = 'failed', attempts = ?, last_error = ?, next_attempt_at = ?, last_attempt_at = ? WHERE ${where} AND status <> 'delivered'`, [o.data.attempt, o.data.error, o.data.nextAttemptAt, e.recordedAt, key]);
      return;
    }
    case 'OutboxMessageParked': {
      const [where, key] = at(o.data);
      sql.run(`UPDATE outbox_rows SET status = 'parked', attempts = ?, last_error = ?, next_attempt_at = NULL, parked_at = ? WHERE ${where} AND status <> 'delivered'`, [o.data.attempts, o.data.error, e.recordedAt, key]);
      return;
    }
    case 'OutboxRetryRequested': {
      // A fresh start: the attempts count again from zero, and the message is due now.
      const [where, key] = at(o.data);
      sql.run(`UPDATE outbox_rows SET status = 'pending', attempts = 0, next_attempt_at = NULL, parked_at = NULL, retried_by = ? WHERE ${where} AND status = 'parked'`, [e.metadata.operator, key]);
      return;
    }
    default: {
      const route = routed(e);
      if (route) sql.run(`${INSERT_INTO} VALUES ${ROW}`, [e.position, e.type, route.topic]);
    }
  }
}

export const outboxProjection: Projection = {
  name: 'outbox',
  version: OUTBOX_PROJECTION_VERSION,
  tables: ['outbox_rows'],
  // Version 1 had a table named outbox: the store drops it by what it is.
  views: ['outbox'],
  handles: [...OUTBOX_EVENT_TYPES, ...OUTBOX_OWN_EVENT_TYPES],
  schema: `
    CREATE TABLE outbox_rows (
      position        INTEGER PRIMARY KEY,
      type            TEXT    NOT NULL,
      topic           TEXT    NOT NULL,
      status          TEXT    NOT NULL,
      attempts        INTEGER NOT NULL,
      next_attempt_at TEXT,
      last_attempt_at TEXT,
      last_error      TEXT,
      delivered_at    TEXT,
      parked_at       TEXT,
      retried_by      TEXT
    ) STRICT;
    CREATE INDEX outbox_open ON outbox_rows (position) WHERE status <> 'delivered';
    CREATE VIEW outbox AS
      SELECT o.position, e.event_id, o.type, o.topic, e.stream_id, o.status, o.attempts, e.recorded_at AS created_at,
             o.next_attempt_at, o.last_attempt_at, o.last_error, o.delivered_at, o.parked_at, o.retried_by
      FROM outbox_rows o JOIN events e ON e.position = o.position;`,
  apply: applyOwn,
  applyMany(events, sql) {
    // Rows by type (and so topic): a charge run's are nearly all one type, bound once per statement.
    const byType = new Map<string, { topic: string; rows: [number][] }>();
    const flush = (): void => {
      for (const [type, g] of byType) runValues(sql, INSERT_INTO, g.rows, { shared: [type, g.topic], tuple: SHARED_ROW });
      byType.clear();
    };
    for (const e of events) {
      if (OUTBOX_OWN_TYPES.has(e.type)) {
        flush();
        applyOwn(e, sql);
        continue;
      }
      const route = routed(e);
      if (!route) continue;
      // outboxRoute is a function of the type alone: one topic per type.
      const g = byType.get(e.type);
      if (g) g.rows.push([e.position]);
      else byType.set(e.type, { topic: route.topic, rows: [[e.position]] });
    }
    flush();
  },
};

const OUTBOX_OWN_TYPES = new Set<string>(OUTBOX_OWN_EVENT_TYPES);
