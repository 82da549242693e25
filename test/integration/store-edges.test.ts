import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../../domain/eventstore/sqljs/schema.js';
import { loadSqlJs, SqlJsEventStore } from '../../domain/eventstore/sqljs/store.js';
import { removeTempStores, tempStore } from './fixtures/helpers.js';

afterAll(removeTempStores);

describe('store edges', () => {
  it('refuses an empty checkpoint file instead of opening it as a new, empty store', async () => {
    const path = tempStore('cardops-edge-');
    const s = await SqlJsEventStore.open({ path, log: () => {} });
    await s.append('a', [{ eventId: 'e1', type: 'T', data: {}, metadata: { operator: 'x', correlationId: 'c', causationId: 'c', commandId: 'c' } }]);
    await s.close();
    writeFileSync(path, Buffer.alloc(0));
    await expect(SqlJsEventStore.open({ path, log: () => {} })).rejects.toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringMatching(/is empty/) });
    expect(readFileSync(path).length).toBe(0);
  });
});

describe('page size', () => {
  const meta = { operator: 'x', correlationId: 'c', causationId: 'c', commandId: 'c' };

  it('makes a new store with 16 KiB pages', async () => {
    const s = await SqlJsEventStore.open({ path: tempStore('cardops-page-'), log: () => {} });
    try {
      expect(await s.read((sql) => Number(sql.scalar('PRAGMA page_size')))).toBe(PAGE_SIZE);
      // Not SQLite's default, or the check above could not tell the pragma from no pragma.
      expect(PAGE_SIZE).not.toBe(4096);
    } finally {
      await s.close();
    }
  });

  it('opens a store made with 4 KiB pages as it is, and keeps writing to it', async () => {
    const path = tempStore('cardops-edge-');
    const SQL = await loadSqlJs();
    const old = new SQL.Database();
    old.exec('PRAGMA page_size = 4096; CREATE TABLE made_before (x INTEGER)');
    writeFileSync(path, old.export());
    old.close();
    const s = await SqlJsEventStore.open({ path, log: () => {} });
    await s.append('a', [{ eventId: 'e1', type: 'T', data: { n: 1 }, metadata: meta }]);
    await s.close();
    const again = await SqlJsEventStore.open({ path, log: () => {} });
    try {
      expect(await again.read((sql) => Number(sql.scalar('PRAGMA page_size')))).toBe(4096);
      await again.append('a', [{ eventId: 'e2', type: 'T', data: { n: 2 }, metadata: meta }], { expectedVersion: 1 });
      expect((await again.readStream('a')).events.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    } finally {
      await again.close();
    }
  });
});
