/** Rows of the events table, and the stored events they are. */
import type { EventMetadata, StoredEvent } from '../types.js';

export const EVENT_COLUMNS = 'position, stream_id, stream_position, event_id, type, schema_version, data, metadata, recorded_at';

export interface EventRow {
  position: number;
  stream_id: string;
  stream_position: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  recorded_at: string;
}

export const rowToEvent = (r: EventRow): StoredEvent => ({
  position: r.position,
  streamId: r.stream_id,
  streamPosition: r.stream_position,
  eventId: r.event_id,
  type: r.type,
  schemaVersion: r.schema_version,
  data: JSON.parse(r.data) as unknown,
  metadata: JSON.parse(r.metadata) as EventMetadata,
  recordedAt: r.recorded_at,
});
