import type { Projection } from '../eventstore/projection.js';
import type { StoredEvent } from '../eventstore/types.js';
import { OPERATOR_EVENT_TYPES, type OperatorEvent } from './events.js';

export interface OperatorRow {
  readonly operatorId: string;
  readonly displayName: string;
  readonly role: string;
  readonly status: 'active' | 'disabled';
  /** A demo operator of `cardops seed` (password `demo`). */
  readonly demo: boolean;
  /** Locked after too many failed sign-ins, until then (UTC); null when not locked. */
  readonly lockedUntil: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const operatorsProjection: Projection = {
  name: 'operators',
  version: 2,
  tables: ['operators'],
  handles: OPERATOR_EVENT_TYPES,
  schema: `
    CREATE TABLE operators (
      operator_id    TEXT PRIMARY KEY,
      display_name   TEXT NOT NULL,
      role           TEXT NOT NULL,
      status         TEXT NOT NULL,
      password_hash  TEXT NOT NULL,
      created_at     TEXT NOT NULL,
      updated_at     TEXT NOT NULL,
      demo           INTEGER NOT NULL DEFAULT 0,
      failed_signins INTEGER NOT NULL DEFAULT 0,
      locked_until   TEXT
    ) STRICT;
    CREATE INDEX operators_role ON operators (role, operator_id);`,
  apply(stored: StoredEvent, sql) {
    const e = stored as unknown as OperatorEvent & { recordedAt: string };
    const at = stored.recordedAt;
    switch (e.type) {
      case 'OperatorCreated':
        sql.run('INSERT INTO operators (operator_id, display_name, role, status, password_hash, created_at, updated_at, demo) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
          e.data.operatorId,
          e.data.displayName,
          e.data.role,
          'active',
          e.data.passwordHash,
          at,
          at,
          e.data.demo ? 1 : 0,
        ]);
        return;
      case 'OperatorRoleChanged':
        sql.run('UPDATE operators SET role = ?, updated_at = ? WHERE operator_id = ?', [e.data.to, at, e.data.operatorId]);
        return;
      case 'OperatorPasswordReset':
        sql.run('UPDATE operators SET password_hash = ?, demo = 0, failed_signins = 0, locked_until = NULL, updated_at = ? WHERE operator_id = ?', [e.data.passwordHash, at, e.data.operatorId]);
        return;
      case 'OperatorDisabled':
        sql.run("UPDATE operators SET status = 'disabled', updated_at = ? WHERE operator_id = ?", [at, e.data.operatorId]);
        return;
      case 'OperatorEnabled':
        sql.run("UPDATE operators SET status = 'active', updated_at = ? WHERE operator_id = ?", [at, e.data.operatorId]);
        return;
      case 'OperatorSignInFailed':
        if (e.data.reason === 'wrong_password') sql.run('UPDATE operators SET failed_signins = ? WHERE operator_id = ?', [e.data.attempt, e.data.operatorId]);
        return;
      case 'OperatorLockedOut':
        sql.run('UPDATE operators SET failed_signins = 0, locked_until = ? WHERE operator_id = ?', [e.data.until, e.data.operatorId]);
        return;
      case 'OperatorSignInFailuresCleared':
        sql.run('UPDATE operators SET failed_signins = 0 WHERE operator_id = ?', [e.data.operatorId]);
        return;
      // Requests and decisions are the control_requests projection's (domain/controls/projection.ts).
      case 'RoleGrantRequested':
      case 'RoleGrantApproved':
      case 'RoleGrantRejected':
        return;
    }
  },
};
