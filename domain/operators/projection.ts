import type { Projection } from '../eventstore/projection.js';
import type { StoredEvent } from '../eventstore/types.js';
import { OPERATOR_EVENT_TYPES, type OperatorEvent } from './events.js';

export interface OperatorRow {
  readonly operatorId: string;
  readonly displayName: string;
  readonly role: string;
  readonly status: 'active' | 'disabled';
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const operatorsProjection: Projection = {
  name: 'operators',
  version: 1,
  tables: ['operators'],
  handles: OPERATOR_EVENT_TYPES,
  schema: `
    CREATE TABLE operators (
      operator_id   TEXT PRIMARY KEY,
      display_name  TEXT NOT NULL,
      role          TEXT NOT NULL,
      status        TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      created_at    TEXT NOT NULL,
      updated_at    TEXT NOT NULL
    ) STRICT;
    CREATE INDEX operators_role ON operators (role, operator_id);`,
  apply(stored: StoredEvent, sql) {
    const e = stored as unknown as OperatorEvent & { recordedAt: string };
    const at = stored.recordedAt;
    switch (e.type) {
      case 'OperatorCreated':
        sql.run('INSERT INTO operators VALUES (?, ?, ?, ?, ?, ?, ?)', [e.data.operatorId, e.data.displayName, e.data.role, 'active', e.data.passwordHash, at, at]);
        return;
      case 'OperatorRoleChanged':
        sql.run('UPDATE operators SET role = ?, updated_at = ? WHERE operator_id = ?', [e.data.to, at, e.data.operatorId]);
        return;
      case 'OperatorPasswordReset':
        sql.run('UPDATE operators SET password_hash = ?, updated_at = ? WHERE operator_id = ?', [e.data.passwordHash, at, e.data.operatorId]);
        return;
      case 'OperatorDisabled':
        sql.run("UPDATE operators SET status = 'disabled', updated_at = ? WHERE operator_id = ?", [at, e.data.operatorId]);
        return;
      case 'OperatorEnabled':
        sql.run("UPDATE operators SET status = 'active', updated_at = ? WHERE operator_id = ?", [at, e.data.operatorId]);
        return;
    }
  },
};
