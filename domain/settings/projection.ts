import type { Projection } from '../eventstore/projection.js';
import type { Sql } from '../eventstore/sql.js';
import { applyChanges, DEFAULT_SETTINGS, type Settings, type SettingsEvent } from './settings.js';

export const settingsProjection: Projection = {
  name: 'settings',
  version: 1,
  tables: ['settings'],
  handles: ['SettingsUpdated'],
  schema: 'CREATE TABLE settings (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, updated_at TEXT NOT NULL) STRICT;',
  apply(e, sql) {
    const next = applyChanges(readSettings(sql), (e as unknown as SettingsEvent).data.changes);
    sql.run('INSERT OR REPLACE INTO settings (id, json, updated_at) VALUES (1, ?, ?)', [JSON.stringify(next), e.recordedAt]);
  },
};

export function readSettings(sql: Sql): Settings {
  const json = sql.scalar('SELECT json FROM settings WHERE id = 1');
  if (typeof json !== 'string') return DEFAULT_SETTINGS;
  const stored = JSON.parse(json) as Partial<Settings>;
  // Settings saved before a field existed get its default (the refunds' daily limit and per-currency limits).
  return { ...DEFAULT_SETTINGS, ...stored, refunds: { ...DEFAULT_SETTINGS.refunds, ...stored.refunds } };
}
