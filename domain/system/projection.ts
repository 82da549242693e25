import type { Projection } from '../eventstore/projection.js';
import { SYSTEM_EVENT_TYPES, type SystemEvent } from './events.js';

/** Key/value facts about the store: `initialized_at`, `demo`, `demo_accounts`, `demo_seed`. */
export const systemProjection: Projection = {
  name: 'system',
  version: 1,
  tables: ['system_info'],
  handles: SYSTEM_EVENT_TYPES,
  schema: 'CREATE TABLE system_info (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;',
  apply(stored, sql) {
    const e = stored as unknown as SystemEvent;
    const put = (k: string, v: string): void => sql.run('INSERT OR REPLACE INTO system_info (key, value) VALUES (?, ?)', [k, v]);
    switch (e.type) {
      case 'StoreInitialized':
        put('initialized_at', stored.recordedAt);
        return;
      case 'DemoDataSeeded':
        put('demo', 'true');
        put('demo_accounts', String(e.data.accounts));
        put('demo_seed', String(e.data.seed));
        return;
    }
  },
};
