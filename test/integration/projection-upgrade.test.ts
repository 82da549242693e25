/** A projection whose new version turns one of its tables into a view (the outbox did, v1 → v2). */
import { afterAll, describe, expect, it } from 'vitest';
import type { Projection } from '../../domain/eventstore/projection.js';
import { SqlJsEventStore } from '../../domain/eventstore/sqljs/store.js';
import { ev, removeTempStores, tempStore } from './fixtures/helpers.js';

afterAll(removeTempStores);

const quiet = { log: () => undefined, idleCheckpointMs: 0 };

const v1: Projection = {
  name: 'things',
  version: 1,
  tables: ['things'],
  schema: 'CREATE TABLE things (position INTEGER PRIMARY KEY, event_id TEXT NOT NULL) STRICT;',
  apply: (e, sql) => sql.run('INSERT INTO things VALUES (?, ?)', [e.position, e.eventId]),
};

const v2: Projection = {
  name: 'things',
  version: 2,
  tables: ['thing_rows'],
  views: ['things'],
  schema: `CREATE TABLE thing_rows (position INTEGER PRIMARY KEY) STRICT;
    CREATE VIEW things AS SELECT t.position, e.event_id FROM thing_rows t JOIN events e ON e.position = t.position;`,
  apply: (e, sql) => sql.run('INSERT INTO thing_rows VALUES (?)', [e.position]),
};

describe('projection upgrade', () => {
  it('drops a table that became a view, rebuilds, and a later version drops the view again', async () => {
    const path = tempStore();
    const a = await SqlJsEventStore.open({ path, ...quiet, projections: [v1] });
    await a.append('s', [ev('e1'), ev('e2')]);
    await a.close();
    const b = await SqlJsEventStore.open({ path, ...quiet, projections: [v2] });
    expect(await b.read((sql) => sql.all('SELECT position, event_id FROM things ORDER BY position'))).toEqual([
      { position: 1, event_id: 'e1' },
      { position: 2, event_id: 'e2' },
    ]);
    expect((await b.verify()).ok).toBe(true);
    await b.close();
    const c = await SqlJsEventStore.open({ path, ...quiet, projections: [{ ...v2, version: 3 }] });
    expect(await c.read((sql) => sql.all('SELECT event_id FROM things ORDER BY position'))).toEqual([{ event_id: 'e1' }, { event_id: 'e2' }]);
    await c.close();
  });
});
