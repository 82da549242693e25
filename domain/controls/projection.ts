/**
 * Requests that wait for a second admin: role grants (on the operator's stream) and control
 * settings changes (on the `settings` stream), with their decisions.
 */
import { z } from 'zod';
import type { Projection } from '../eventstore/projection.js';
import type { Sql } from '../eventstore/sql.js';
import type { StoredEvent } from '../eventstore/types.js';
import type { OperatorEvent } from '../operators/events.js';
import type { SettingsControlEvent } from '../settings/controls.js';

export type ControlRequestKind = 'role_grant' | 'settings_change';
export type ControlRequestStatus = 'pending' | 'approved' | 'rejected';

export interface ControlRequestRow {
  readonly requestId: string;
  readonly kind: ControlRequestKind;
  /** The stream whose timeline holds the request and its decision. */
  readonly streamId: string;
  /** The operator whose role it grants; `settings` for a settings change. */
  readonly subject: string;
  /** What it asks: a role grant's role, kind and (for a change) former role; a settings change's changes. */
  readonly details: Readonly<Record<string, unknown>>;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly status: ControlRequestStatus;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly reason: string | null;
}

type Handled = Extract<OperatorEvent | SettingsControlEvent, { type: 'RoleGrantRequested' | 'RoleGrantApproved' | 'RoleGrantRejected' | 'SettingsChangeRequested' | 'SettingsChangeApproved' | 'SettingsChangeRejected' }>;

export const controlRequestsProjection: Projection = {
  name: 'control_requests',
  version: 1,
  tables: ['control_requests'],
  handles: ['RoleGrantRequested', 'RoleGrantApproved', 'RoleGrantRejected', 'SettingsChangeRequested', 'SettingsChangeApproved', 'SettingsChangeRejected'],
  schema: `
    CREATE TABLE control_requests (
      request_id   TEXT PRIMARY KEY,
      kind         TEXT NOT NULL,
      stream_id    TEXT NOT NULL,
      subject      TEXT NOT NULL,
      details      TEXT NOT NULL,
      requested_by TEXT NOT NULL,
      requested_at TEXT NOT NULL,
      status       TEXT NOT NULL,
      decided_by   TEXT,
      decided_at   TEXT,
      reason       TEXT
    ) STRICT;
    CREATE INDEX control_requests_status ON control_requests (status, requested_at);`,
  apply(stored: StoredEvent, sql) {
    const e = stored as unknown as Handled;
    const at = stored.recordedAt;
    const decide = (requestId: string, status: ControlRequestStatus, by: string, reason: string | null) =>
      sql.run('UPDATE control_requests SET status = ?, decided_by = ?, decided_at = ?, reason = ? WHERE request_id = ?', [status, by, at, reason, requestId]);
    switch (e.type) {
      case 'RoleGrantRequested': {
        const { passwordHash: _secret, requestId, operatorId, requestedBy, ...details } = e.data;
        sql.run("INSERT INTO control_requests (request_id, kind, stream_id, subject, details, requested_by, requested_at, status) VALUES (?, 'role_grant', ?, ?, ?, ?, ?, 'pending')", [
          requestId,
          stored.streamId,
          operatorId,
          JSON.stringify(details),
          requestedBy,
          at,
        ]);
        return;
      }
      case 'SettingsChangeRequested':
        sql.run("INSERT INTO control_requests (request_id, kind, stream_id, subject, details, requested_by, requested_at, status) VALUES (?, 'settings_change', ?, 'settings', ?, ?, ?, 'pending')", [
          e.data.requestId,
          stored.streamId,
          JSON.stringify({ changes: e.data.changes }),
          e.data.requestedBy,
          at,
        ]);
        return;
      case 'RoleGrantApproved':
      case 'SettingsChangeApproved':
        decide(e.data.requestId, 'approved', e.data.approvedBy, null);
        return;
      case 'RoleGrantRejected':
      case 'SettingsChangeRejected':
        decide(e.data.requestId, 'rejected', e.data.rejectedBy, e.data.reason);
        return;
    }
  },
};

export const controlRequestsParams = z.strictObject({
  status: z.enum(['pending', 'approved', 'rejected'], { message: 'must be pending, approved or rejected' }).optional(),
  kind: z.enum(['role_grant', 'settings_change'], { message: 'must be role_grant or settings_change' }).optional(),
  limit: z.number().int().min(1).max(500).optional(),
});

export function listControlRequests(sql: Sql, p: z.output<typeof controlRequestsParams>): ControlRequestRow[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (p.status) {
    where.push('status = ?');
    args.push(p.status);
  }
  if (p.kind) {
    where.push('kind = ?');
    args.push(p.kind);
  }
  const rows = sql.all<{
    request_id: string;
    kind: ControlRequestKind;
    stream_id: string;
    subject: string;
    details: string;
    requested_by: string;
    requested_at: string;
    status: ControlRequestStatus;
    decided_by: string | null;
    decided_at: string | null;
    reason: string | null;
  }>(`SELECT * FROM control_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY requested_at DESC, rowid DESC LIMIT ?`, [...args, p.limit ?? 100]);
  return rows.map((r) => ({
    requestId: r.request_id,
    kind: r.kind,
    streamId: r.stream_id,
    subject: r.subject,
    details: JSON.parse(r.details) as Record<string, unknown>,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    status: r.status,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    reason: r.reason,
  }));
}
