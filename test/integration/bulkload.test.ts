/**
 * The store's bulk load (the demo seed's path): it skips the journal and is saved by one
 * checkpoint at its end, so it must be all or nothing across a crash, and nobody else's append may
 * slip in unjournaled while it runs.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import type { Projection } from '../../domain/eventstore/projection.js';
import { loadSqlJs, mergeRanges, SqlJsEventStore } from '../../domain/eventstore/sqljs/store.js';
import { StoreError } from '../../domain/eventstore/types.js';
import { listSegments } from '../../domain/eventstore/sqljs/journal.js';
import { allEvents, ev, removeTempStores, tempStore } from './fixtures/helpers.js';

afterAll(removeTempStores);

const quiet = { log: () => undefined, idleCheckpointMs: 0 };

describe('bulk load', () => {
  it('writes no journal and is on disk once it returns', async () => {
    const path = tempStore();
    const store = await SqlJsEventStore.open({ path, ...quiet });
    await store.append('before', [ev('b1')]);
    const journalBefore = listSegments(path).reduce((n, s) => n + readFileSync(s.file).length, 0);
    await store.bulkLoad(async (append) => {
      for (let i = 0; i < 5; i++) append([{ streamId: `bulk-${i}`, expectedVersion: 'no_stream', events: [ev(`bulk-${i}-1`), ev(`bulk-${i}-2`)] }]);
    });
    const journalAfter = listSegments(path).reduce((n, s) => n + readFileSync(s.file).length, 0);
    expect(journalAfter).toBeLessThanOrEqual(journalBefore);
    // A crash right after the load returns: the checkpoint holds every event.
    store.abandon();
    const reopened = await SqlJsEventStore.open({ path, ...quiet });
    const ids = (await allEvents(reopened)).map((e) => e.eventId);
    expect(ids).toEqual(['b1', ...Array.from({ length: 5 }, (_, i) => [`bulk-${i}-1`, `bulk-${i}-2`]).flat()]);
    await reopened.close();
  });

  it('is all or nothing: a load that fails part way leaves the store as it was once reopened', async () => {
    const path = tempStore();
    const store = await SqlJsEventStore.open({ path, ...quiet });
    await store.append('before', [ev('b1')]);
    await expect(
      store.bulkLoad(async (append) => {
        append([{ streamId: 'bulk-1', expectedVersion: 'any', events: [ev('x1')] }]);
        throw new Error('the generator broke');
      }),
    ).rejects.toThrow('the generator broke');
    // The half-loaded memory must not be built on: no more writes until a reopen.
    await expect(store.append('after', [ev('a1')])).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    store.abandon();
    const reopened = await SqlJsEventStore.open({ path, ...quiet });
    expect((await allEvents(reopened)).map((e) => e.eventId)).toEqual(['b1']);
    await reopened.close();
  });

  it('makes other appends wait until it is saved, and refuses a synchronous one', async () => {
    const path = tempStore();
    const store = await SqlJsEventStore.open({ path, ...quiet });
    let waiting: Promise<unknown> | undefined;
    let refused: unknown;
    await store.bulkLoad(async (append) => {
      append([{ streamId: 'bulk', expectedVersion: 'any', events: [ev('k1')] }]);
      waiting = store.append('other', [ev('o1')]);
      try {
        store.appendSync([{ streamId: 'other', expectedVersion: 'any', events: [ev('o2')] }]);
      } catch (e) {
        refused = e;
      }
      await new Promise((r) => setTimeout(r, 20));
      append([{ streamId: 'bulk', expectedVersion: 'any', events: [ev('k2')] }]);
    });
    await waiting;
    expect(refused).toBeInstanceOf(StoreError);
    expect((refused as StoreError).code).toBe('STORE_BUSY');
    // The waiting append came after the whole load, and was journaled as usual.
    expect((await allEvents(store)).map((e) => e.eventId)).toEqual(['k1', 'k2', 'o1']);
    store.abandon();
    const reopened = await SqlJsEventStore.open({ path, ...quiet });
    expect((await allEvents(reopened)).map((e) => e.eventId)).toEqual(['k1', 'k2', 'o1']);
    await reopened.close();
  });
});

describe('bulk load into a new store: deferred indexes and the live checkpoint', () => {
  const indexed: Projection = {
    name: 'people',
    version: 1,
    tables: ['people'],
    schema: 'CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT NOT NULL) STRICT; CREATE INDEX people_name ON people (name, id);',
    deferrableIndexes: ['people_name', 'no_such_index'],
    apply: (e, sql) => sql.run('INSERT INTO people VALUES (?, ?)', [e.eventId, (e.data as { name: string }).name]),
  };
  const indexes = (store: SqlJsEventStore) => store.read((sql) => sql.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'people'").map((r) => r.name));
  const person = (id: string, name: string) => ({ ...ev(id), data: { name } });

  it('drops them for the load, builds them before the checkpoint, and the checkpoint (the live file) reopens whole', async () => {
    const path = tempStore();
    const store = await SqlJsEventStore.open({ path, projections: [indexed], ...quiet });
    let during: string[] = [];
    await store.bulkLoad(async (append) => {
      during = await indexes(store);
      // A rebuild now would rewrite the tables under the load.
      await expect(store.rebuild()).rejects.toMatchObject({ code: 'STORE_BUSY' });
      append(Array.from({ length: 300 }, (_, i) => ({ streamId: `p-${i}`, expectedVersion: 'no_stream' as const, events: [person(`p-${i}`, `name ${300 - i}`)] })));
    });
    expect(during).not.toContain('people_name');
    expect(await indexes(store)).toContain('people_name');
    expect(await store.read((sql) => sql.all('EXPLAIN QUERY PLAN SELECT id FROM people WHERE name = ?', ['x']).map((r) => String(r.detail)))).toEqual([expect.stringContaining('people_name')]);
    store.abandon();
    const reopened = await SqlJsEventStore.open({ path, projections: [indexed], ...quiet });
    expect(await indexes(reopened)).toContain('people_name');
    expect((await allEvents(reopened)).length).toBe(300);
    expect((await reopened.verify()).ok).toBe(true);
    await reopened.close();
  });

  it('writes the checkpoint while building them, and the file on disk is the database byte for byte', async () => {
    // Big enough that the index build writes many pages while the first copy is under way.
    const path = tempStore();
    const store = await SqlJsEventStore.open({ path, projections: [indexed], ...quiet });
    await store.bulkLoad(async (append) => {
      for (let b = 0; b < 10; b++) append(Array.from({ length: 3000 }, (_, i) => ({ streamId: `p-${b}-${i}`, expectedVersion: 'no_stream' as const, events: [person(`p-${b}-${i}`, `name ${(i * 7919) % 3000} ${'x'.repeat(40)}`)] })));
    });
    const live = (store as unknown as { db: { fileBytes: () => Uint8Array } }).db.fileBytes();
    const disk = readFileSync(path);
    // The database, then the checksums written with it (a few bytes per MiB).
    expect(disk.length).toBeGreaterThan(live.length);
    expect(disk.length).toBeLessThan(live.length + 1024);
    expect(Buffer.compare(disk.subarray(0, live.length), Buffer.from(live.buffer, live.byteOffset, live.length))).toBe(0);
    store.abandon();
    // The open checks every chunk against its checksum: they were computed on the final bytes.
    const reopened = await SqlJsEventStore.open({ path, projections: [indexed], ...quiet });
    expect(await reopened.read((sql) => sql.scalar('PRAGMA integrity_check'))).toBe('ok');
    expect(await reopened.read((sql) => sql.scalar('SELECT count(*) FROM people INDEXED BY people_name WHERE name >= ?', ['']))).toBe(30_000);
    await reopened.close();
  });

  it('builds them again when the load fails (a store in memory goes on)', async () => {
    const store = await SqlJsEventStore.open({ projections: [indexed], ...quiet });
    await expect(
      store.bulkLoad(async (append) => {
        append([{ streamId: 'p-1', expectedVersion: 'no_stream', events: [person('p-1', 'Ada')] }]);
        throw new Error('the generator broke');
      }),
    ).rejects.toThrow('the generator broke');
    expect(await indexes(store)).toContain('people_name');
    await store.close();
  });

  it('leaves them in place on a store that already holds data', async () => {
    const store = await SqlJsEventStore.open({ projections: [indexed], ...quiet });
    await store.appendMany(Array.from({ length: 10_000 }, (_, i) => ({ streamId: `old-${i}`, expectedVersion: 'no_stream' as const, events: [person(`old-${i}`, 'Old')] })));
    let during: string[] = [];
    await store.bulkLoad(async (append) => {
      during = await indexes(store);
      append([{ streamId: 'p-1', expectedVersion: 'no_stream', events: [person('p-1', 'Ada')] }]);
    });
    expect(during).toContain('people_name');
    await store.close();
  });
});

describe('mergeRanges (the ranges written during a checkpoint, written again after it)', () => {
  it('sorts, merges overlapping and touching ranges, and keeps gaps', () => {
    expect(mergeRanges([])).toEqual([]);
    expect(mergeRanges([8192, 4096, 0, 4096, 4096, 4096, 20000, 10, 20005, 100, 0, 100])).toEqual([
      [0, 12288],
      [20000, 105],
    ]);
    expect(mergeRanges([100, 10, 50, 10])).toEqual([
      [50, 10],
      [100, 10],
    ]);
  });
});

describe('sql.js as installed', () => {
  it('carries the MEMFS growth patches (patches/sql.js+*.patch, applied by postinstall)', () => {
    // Unpatched, the in-memory file grows by 1/8 at a time and is copied whole at every step:
    // at a million accounts that copying alone took a fifth of the seed. `npm install` runs
    // patch-package; if this fails, run `npx patch-package`.
    const require = createRequire(import.meta.url);
    const source = readFileSync(require.resolve('sql.js'), 'utf8');
    expect(source).toContain('m*(m<268435456?2:1.5)');
    expect(source).not.toContain('m*(m<1048576?2:1.125)');
    // The file lives in a resizable ArrayBuffer, so it grows in place instead of being copied
    // whole: a 1M-account seed copied about 8 GB that way, and the first write after opening a
    // 2 GB store copied all of it (6 s of a 1M charge run).
    expect(source).toContain('a.Ua.buffer.resizable&&a.Ua.byteOffset===0&&a.Ua.buffer.maxByteLength>=g?a.Ua.buffer.resize(g)');
    expect(source).toContain('else a.Ua=new Uint8Array(new ArrayBuffer(c,{maxByteLength:4294967295}))');
    // The bulk load's checkpoint writes the live file (Database.fileBytes) rather than a copy,
    // while the indexes are built: sql.js notes the ranges written meanwhile (trackWrites).
    expect(source).toContain('g.prototype.fileBytes=function(){');
    expect(source).toContain('g.prototype.trackWrites=function(f){');
    expect(source).toContain('a.Wa=Math.max(a.Wa,e+c);a.Tw&&a.Tw.push(e,c)}');
    // Strings are bound in one pass (ASCII written as is, anything else through sql.js's own
    // encoder), and a statement's strings share one allocation: binding was a tenth of a seed.
    expect(source).toContain('if(k<n)k=L(x,E,o,n*3+1);else E[o+n]=0;this.db.handleError(uc(this.Va,h+1,o,k,0));o+=n*3+1}');
    expect(source).toContain('if(k<n)k=L(f,E,p,n*3+1);else E[p+n]=0;this.rb.push(p);');
    // A short ASCII text column is read with a charCode loop, not a TextDecoder call each.
    expect(source).toContain('if(f<=48){for(var s="",i=0,ch;i<f;i++){ch=E[h+i];if(ch>127)break;s+=String.fromCharCode(ch)}if(i===f)return s}return A(h,f,!0)');
  });

  it('binds every kind of string and value exactly as before the binding patch', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    try {
      const values = ['', 'plain ASCII', 'Chloé Müller', 'x'.repeat(48), 'é'.repeat(24), '\u007f\u0080', 'snowman ☃ and clef 𝄞', 'nul\u0000inside', 'a'.repeat(100_000), 'x'.repeat(50) + 'é', 42, 1.5, null, new Uint8Array([1, 2, 3])];
      // Array binding (one allocation for all strings), one by one, and named parameters.
      const many = db.prepare(`SELECT ${values.map(() => '?').join(', ')}`);
      many.bind(values);
      expect(many.step()).toBe(true);
      const got = many.get();
      // Read back too: short and long, ASCII or not (a short text column has its own fast path).
      expect(got.slice(0, 13)).toEqual(values.slice(0, 13));
      expect(Array.from(got[13] as Uint8Array)).toEqual([1, 2, 3]);
      many.free();
      for (const v of values.slice(0, 10)) {
        const one = db.prepare('SELECT ?, length(CAST(? AS BLOB))');
        one.bind([v, v]);
        one.step();
        expect(one.get()).toEqual([v, Buffer.byteLength(v as string)]);
        one.free();
        const named = db.prepare('SELECT :v');
        named.bind({ ':v': v });
        named.step();
        expect(named.get()).toEqual([v]);
        named.free();
      }
      // A statement bound again and again gives the values of its latest binding.
      const again = db.prepare('SELECT ?, ?');
      for (let i = 0; i < 20_000; i++) {
        again.bind([`row ${i}`, `é ${i}`]);
        again.step();
        if (i % 5000 === 0) expect(again.get()).toEqual([`row ${i}`, `é ${i}`]);
        again.reset();
      }
      again.free();
    } finally {
      db.close();
    }
  });
});

describe('the in-memory file in a resizable buffer', () => {
  it('grows in place past its first size, and a store reopened from its checkpoint keeps every byte', async () => {
    const path = tempStore('cardops-rab-');
    const store = await SqlJsEventStore.open({ path, ...quiet });
    const big = 'x'.repeat(4000);
    // About 40 MB of events: the file outgrows its first buffer several times.
    for (let b = 0; b < 10; b++) {
      await store.appendMany(Array.from({ length: 1000 }, (_, i) => ({ streamId: `g-${b}-${i}`, expectedVersion: 'no_stream' as const, events: [{ eventId: `g-${b}-${i}`, type: 'Grown', data: { big, n: b * 1000 + i }, metadata: { operator: 't', correlationId: 'c', causationId: 'c', commandId: 'c' } }] })));
    }
    await store.close();
    const reopened = await SqlJsEventStore.open({ path, ...quiet });
    // Appending after a reopen grows the file loaded from the checkpoint.
    await reopened.append('after', [{ eventId: 'after-1', type: 'Grown', data: { big, n: -1 }, metadata: { operator: 't', correlationId: 'c', causationId: 'c', commandId: 'c' } }]);
    const all = (await reopened.readAll({ limit: 20_000 })).events;
    expect(all).toHaveLength(10_001);
    expect(all.every((e) => (e.data as { big: string }).big === big)).toBe(true);
    expect((all[9_999]!.data as { n: number }).n).toBe(9_999);
    await reopened.close();
  });
});
