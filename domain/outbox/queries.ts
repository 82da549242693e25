/** The outbox for the screen, the CLI and the dispatcher: the `outbox` view (rows joined with their events), counts from `outbox_rows`. */
import type { SqlValue } from 'sql.js';
import { keysetPage, type ListParams, type Page, type TableSpec } from '../backend/paging.js';
import type { Sql } from '../eventstore/sql.js';
import { EVENT_COLUMNS, rowToEvent, type EventRow } from '../eventstore/sqljs/rows.js';
import type { OutboxStatus } from './events.js';
import { toMessage, type OutboxMessage } from './message.js';

export interface OutboxRow {
  readonly position: number;
  readonly eventId: string;
  readonly type: string;
  readonly topic: string;
  readonly streamId: string;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly createdAt: string;
  readonly nextAttemptAt: string | null;
  readonly lastAttemptAt: string | null;
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
  readonly parkedAt: string | null;
  readonly retriedBy: string | null;
}

const s = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));

const mapRow = (r: Record<string, SqlValue>): OutboxRow => ({
  position: Number(r.position),
  eventId: String(r.event_id),
  type: String(r.type),
  topic: String(r.topic),
  streamId: String(r.stream_id),
  status: String(r.status) as OutboxStatus,
  attempts: Number(r.attempts),
  createdAt: String(r.created_at),
  nextAttemptAt: s(r.next_attempt_at),
  lastAttemptAt: s(r.last_attempt_at),
  lastError: s(r.last_error),
  deliveredAt: s(r.delivered_at),
  parkedAt: s(r.parked_at),
  retriedBy: s(r.retried_by),
});

const COLUMNS = 'position, event_id, type, topic, stream_id, status, attempts, created_at, next_attempt_at, last_attempt_at, last_error, delivered_at, parked_at, retried_by';

export const outboxTable: TableSpec<OutboxRow> = {
  table: 'outbox',
  key: 'position',
  columns: { position: 'position', eventId: 'event_id', type: 'type', topic: 'topic', streamId: 'stream_id', status: 'status', attempts: 'attempts', createdAt: 'created_at', nextAttemptAt: 'next_attempt_at' },
  search: ['event_id', 'stream_id', 'type'],
  defaultSort: 'position',
  select: COLUMNS,
  map: mapRow,
};

export const listOutbox = (sql: Sql, p: ListParams): Page<OutboxRow> => keysetPage(sql, outboxTable, p);

export type OutboxCounts = Readonly<Record<OutboxStatus, number>> & { readonly oldestOpenAt: string | null };

export function outboxCounts(sql: Sql): OutboxCounts {
  const counts: Record<OutboxStatus, number> = { pending: 0, failed: 0, delivered: 0, parked: 0 };
  for (const r of sql.all<{ status: OutboxStatus; n: number }>('SELECT status, count(*) AS n FROM outbox_rows GROUP BY status')) counts[r.status] = Number(r.n);
  const oldest = sql.scalar("SELECT created_at FROM outbox WHERE status <> 'delivered' ORDER BY position LIMIT 1");
  return { ...counts, oldestOpenAt: s(oldest) };
}

/** A message by its event id or its outbox number (the event's position). */
export function findOutbox(sql: Sql, id: string): OutboxRow | null {
  const r = /^\d+$/.test(id) ? sql.get(`SELECT ${COLUMNS} FROM outbox WHERE position = ?`, [Number(id)]) : sql.get(`SELECT ${COLUMNS} FROM outbox WHERE event_id = ?`, [id]);
  return r ? mapRow(r) : null;
}

export function messageOf(sql: Sql, eventId: string): OutboxMessage | null {
  const r = sql.get<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE event_id = ?`, [eventId]);
  return r ? toMessage(rowToEvent(r)) : null;
}

/** Messages due for delivery at `now`, oldest first: pending ones, and failed ones whose back-off is over. */
export function dueMessages(sql: Sql, now: string, limit: number): { row: OutboxRow; message: OutboxMessage }[] {
  const rows = sql.all(`SELECT ${COLUMNS} FROM outbox WHERE status <> 'delivered' AND status <> 'parked' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY position LIMIT ?`, [now, limit]).map(mapRow);
  const out: { row: OutboxRow; message: OutboxMessage }[] = [];
  for (const row of rows) {
    const message = messageOf(sql, row.eventId);
    if (message) out.push({ row, message });
  }
  return out;
}

/** When the next failed message is due again, if any. */
export const nextDueAt = (sql: Sql): string | null => s(sql.scalar("SELECT min(next_attempt_at) FROM outbox_rows WHERE status = 'failed'"));
