import { describe, expect, it } from 'vitest';
import { SqlJsEventStore } from '../../domain/eventstore/sqljs/store.js';
import { ConcurrencyError, type NewEvent } from '../../domain/eventstore/types.js';
import type { Projection } from '../../domain/eventstore/projection.js';

const meta = { operator: 'tester', correlationId: 'corr', causationId: 'cause', commandId: 'cmd' };
const ev = (eventId: string, type = 'Happened', data: unknown = { eventId }): NewEvent => ({ eventId, type, data, metadata: meta });
const memory = (projections: Projection[] = []) => SqlJsEventStore.open({ projections, log: () => {} });

describe('append with an expected version', () => {
  it('no_stream accepts a new stream and refuses an existing one, writing nothing', async () => {
    const s = await memory();
    await s.append('a', [ev('1')], { expectedVersion: 'no_stream' });
    await expect(s.append('a', [ev('2')], { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await s.readStream('a')).events.map((e) => e.eventId)).toEqual(['1']);
    expect(await s.headPosition()).toBe(1);
  });

  it('stream_exists refuses a missing stream and accepts an existing one', async () => {
    const s = await memory();
    await expect(s.append('a', [ev('1')], { expectedVersion: 'stream_exists' })).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT', actual: 0 });
    await s.append('a', [ev('1')]);
    const r = await s.append('a', [ev('2')], { expectedVersion: 'stream_exists' });
    expect(r.nextExpectedVersion).toBe(2);
  });

  it('an exact version must equal the current one', async () => {
    const s = await memory();
    await s.append('a', [ev('1'), ev('2')]);
    await expect(s.append('a', [ev('3')], { expectedVersion: 1 })).rejects.toMatchObject({ streamId: 'a', expected: 1, actual: 2 });
    await expect(s.append('a', [ev('3')], { expectedVersion: 3 })).rejects.toBeInstanceOf(ConcurrencyError);
    const r = await s.append('a', [ev('3')], { expectedVersion: 2 });
    expect(r.events.map((e) => [e.streamPosition, e.position])).toEqual([[3, 3]]);
  });

  it('any never checks', async () => {
    const s = await memory();
    await s.append('a', [ev('1')], { expectedVersion: 'any' });
    await s.append('a', [ev('2')], { expectedVersion: 'any' });
    expect((await s.readStream('a')).version).toBe(2);
  });
});

describe('event ids', () => {
  it('storing an event id again is a no-op, never a second event', async () => {
    const s = await memory();
    await s.append('a', [ev('x')]);
    const again = await s.append('a', [ev('x')], { expectedVersion: 'no_stream' });
    expect(again.events).toEqual([]);
    expect(again.nextExpectedVersion).toBe(1);
    await s.append('b', [ev('x')]);
    expect((await s.readAll()).events).toHaveLength(1);
  });

  it('keeps the new events of a partly repeated append', async () => {
    const s = await memory();
    await s.append('a', [ev('x')]);
    const r = await s.append('a', [ev('x'), ev('y')], { expectedVersion: 1 });
    expect(r.events.map((e) => e.eventId)).toEqual(['y']);
  });

  it('a duplicate inside one append is stored once', async () => {
    const s = await memory();
    await s.appendMany([
      { streamId: 'a', expectedVersion: 'any', events: [ev('x')] },
      { streamId: 'b', expectedVersion: 'any', events: [ev('x'), ev('z')] },
    ]);
    expect((await s.readAll()).events.map((e) => `${e.streamId}/${e.eventId}`)).toEqual(['a/x', 'b/z']);
  });

  // The append goes ahead without looking its ids up; the UNIQUE index refuses a stored one and
  // the append runs again with the look-up. Big batches take the 64-rows-per-statement paths.
  it('a big batch with stored ids among new ones keeps exactly the new ones, in both insert paths', async () => {
    const counted: Projection = { name: 'counted', version: 1, tables: ['counted'], schema: 'CREATE TABLE counted (event_id TEXT PRIMARY KEY, n INTEGER NOT NULL)', apply: (e, sql) => sql.run('INSERT INTO counted VALUES (?, 1)', [e.eventId]) };
    const s = await memory([counted]);
    await s.appendMany([{ streamId: 's0', expectedVersion: 'no_stream', events: [ev('id-10'), ev('id-150')] }]);
    const other = { ...meta, causationId: 'another' };
    const appends = Array.from({ length: 200 }, (_, i) => ({
      streamId: `s${i}`,
      expectedVersion: 'any' as const,
      // Every third event has other metadata, so chunks mix the shared and the plain statement.
      events: [i % 3 ? ev(`id-${i}`) : { ...ev(`id-${i}`), metadata: other }],
    }));
    const r = await s.appendMany(appends);
    expect(r.flatMap((x) => x.events).length).toBe(198);
    const all = (await s.readAll({ limit: 1000 })).events;
    expect(all).toHaveLength(200);
    expect(new Set(all.map((e) => e.eventId)).size).toBe(200);
    expect(all.map((e) => e.position)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(all.find((e) => e.eventId === 'id-3')?.metadata).toEqual(other);
    expect(all.find((e) => e.eventId === 'id-4')?.metadata).toEqual(meta);
    // The refused first try left nothing behind: each id projected once.
    expect(await s.read((sql) => sql.scalar('SELECT count(*) FROM counted'))).toBe(200);
    // And the store goes on taking writes through the same statements.
    await s.appendMany(Array.from({ length: 70 }, (_, i) => ({ streamId: `t${i}`, expectedVersion: 'no_stream' as const, events: [ev(`new-${i}`)] })));
    expect(await s.headPosition()).toBe(270);
  });

  it("a big batch of 'no_stream' appends: one existing stream refuses the whole batch; repeated, it is a no-op", async () => {
    const s = await memory();
    await s.append('n-5', [ev('old-5')]);
    const batch = (prefix: string) => Array.from({ length: 100 }, (_, i) => ({ streamId: `n-${i}`, expectedVersion: 'no_stream' as const, events: [ev(`${prefix}-${i}`)] }));
    await expect(s.appendMany(batch('a'))).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT', streamId: 'n-5', actual: 1 });
    expect(await s.headPosition()).toBe(1);
    const fresh = batch('b').filter((a) => a.streamId !== 'n-5');
    expect((await s.appendMany(fresh)).flatMap((r) => r.events)).toHaveLength(99);
    // The same appends again (a retried command): every id is stored, nothing new, no conflict.
    expect((await s.appendMany(fresh)).flatMap((r) => r.events)).toHaveLength(0);
    expect(await s.headPosition()).toBe(100);
  });

  it('an exact version that no longer matches, for ids all stored, is still a no-op', async () => {
    const s = await memory();
    await s.append('a', [ev('x'), ev('y')]);
    await s.append('a', [ev('z')]);
    const again = await s.append('a', [ev('x'), ev('y')], { expectedVersion: 0 });
    expect(again.events).toEqual([]);
    expect(again.nextExpectedVersion).toBe(3);
  });
});

describe('appendMany', () => {
  // A unit of work decides its streams together: a transfer's second leg is never written alone
  // because its first one is stored already (by a parallel command that moved the stream on).
  it('checks a stream whose ids are all stored when the append writes another stream', async () => {
    const s = await memory();
    await s.append('from', [ev('f1')]);
    await s.appendMany([
      { streamId: 'from', expectedVersion: 1, events: [ev('leg-out')] },
      { streamId: 'to-b', expectedVersion: 0, events: [ev('leg-in-b')] },
    ]);
    await expect(
      s.appendMany([
        { streamId: 'from', expectedVersion: 1, events: [ev('leg-out')] },
        { streamId: 'to-c', expectedVersion: 0, events: [ev('leg-in-c')] },
      ]),
    ).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT', streamId: 'from', expected: 1, actual: 2 });
    expect(await s.headPosition()).toBe(3);
    // Every id stored (a retry): still a no-op, whatever the versions.
    expect((await s.appendMany([{ streamId: 'from', expectedVersion: 1, events: [ev('leg-out')] }, { streamId: 'to-b', expectedVersion: 0, events: [ev('leg-in-b')] }])).flatMap((r) => r.events)).toEqual([]);
  });

  it('is atomic: one conflicting stream rolls back every stream', async () => {
    const s = await memory();
    await s.append('taken', [ev('t1')]);
    const many = Array.from({ length: 20 }, (_, i) => ({ streamId: `s${i}`, expectedVersion: 'no_stream' as const, events: [ev(`e${i}`)] }));
    await expect(s.appendMany([...many, { streamId: 'taken', expectedVersion: 'no_stream', events: [ev('t2')] }])).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await s.headPosition()).toBe(1);
    expect((await s.readAll()).events.map((e) => e.eventId)).toEqual(['t1']);
    const ok = await s.appendMany(many);
    expect(ok).toHaveLength(20);
    expect(await s.headPosition()).toBe(21);
  });

  it('rolls back when a projection fails part-way, leaving the log and the projection as they were', async () => {
    const failing: Projection = {
      name: 'fragile',
      version: 1,
      tables: ['fragile'],
      schema: 'CREATE TABLE fragile (id TEXT PRIMARY KEY) STRICT;',
      apply(e, sql) {
        if (e.type === 'Boom') throw new Error('projection failed');
        sql.run('INSERT INTO fragile (id) VALUES (?)', [e.eventId]);
      },
    };
    const s = await memory([failing]);
    await s.append('a', [ev('1')]);
    await expect(s.appendMany([{ streamId: 'b', expectedVersion: 'any', events: [ev('2')] }, { streamId: 'c', expectedVersion: 'any', events: [ev('3', 'Boom')] }])).rejects.toThrow('projection failed');
    expect(await s.headPosition()).toBe(1);
    expect(await s.read((sql) => sql.all('SELECT id FROM fragile'))).toEqual([{ id: '1' }]);
    await s.append('b', [ev('4')]);
    expect((await s.readStream('b')).events.map((e) => e.position)).toEqual([2]);
  });

  it('assigns gap-free global and stream positions across streams', async () => {
    const s = await memory();
    await s.appendMany([
      { streamId: 'a', expectedVersion: 'no_stream', events: [ev('1'), ev('2')] },
      { streamId: 'b', expectedVersion: 'no_stream', events: [ev('3')] },
      { streamId: 'a', expectedVersion: 2, events: [ev('4')] },
    ]);
    const all = (await s.readAll()).events;
    expect(all.map((e) => [e.position, e.streamId, e.streamPosition])).toEqual([
      [1, 'a', 1],
      [2, 'a', 2],
      [3, 'b', 1],
      [4, 'a', 3],
    ]);
  });
});

describe('reading', () => {
  it('reads a stream from a version, and all events in pages and by type', async () => {
    const s = await memory();
    for (let i = 1; i <= 25; i++) await s.append(i % 2 ? 'odd' : 'even', [ev(`e${i}`, i % 5 === 0 ? 'Fifth' : 'Other')]);
    expect((await s.readStream('odd', { fromVersion: 12 })).events.map((e) => e.eventId)).toEqual(['e23', 'e25']);
    const pages: string[][] = [];
    let after = 0;
    for (;;) {
      const p = await s.readAll({ after, limit: 10 });
      pages.push(p.events.map((e) => e.eventId));
      after = p.lastPosition;
      if (p.isEnd) break;
    }
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect((await s.readAll({ types: ['Fifth'] })).events.map((e) => e.eventId)).toEqual(['e5', 'e10', 'e15', 'e20', 'e25']);
  });

  it('keeps data, metadata, type, schema version and the UTC time', async () => {
    const s = await SqlJsEventStore.open({ now: () => '2026-03-02T10:00:00.000Z' });
    await s.append('a', [{ eventId: 'x', type: 'T', data: { n: 1, nested: { s: 'ü' } }, schemaVersion: 3, metadata: meta }]);
    const [e] = (await s.readStream('a')).events;
    expect(e).toMatchObject({ type: 'T', schemaVersion: 3, data: { n: 1, nested: { s: 'ü' } }, metadata: meta, recordedAt: '2026-03-02T10:00:00.000Z' });
  });

  it('subscribe delivers stored events first, then live ones, until unsubscribed', async () => {
    const s = await memory();
    await s.append('a', [ev('1'), ev('2')]);
    const seen: string[] = [];
    const stop = s.subscribe(1, (events) => seen.push(...events.map((e) => e.eventId)));
    await s.append('a', [ev('3')]);
    stop();
    await s.append('a', [ev('4')]);
    expect(seen).toEqual(['2', '3']);
  });
});

describe('projections', () => {
  const counter: Projection = {
    name: 'counter',
    version: 1,
    tables: ['counts'],
    schema: 'CREATE TABLE counts (stream_id TEXT PRIMARY KEY, n INTEGER NOT NULL) STRICT;',
    apply(e, sql) {
      sql.run('INSERT INTO counts (stream_id, n) VALUES (?, 1) ON CONFLICT (stream_id) DO UPDATE SET n = n + 1', [e.streamId]);
    },
  };

  it('run inline and keep a checkpoint; verify finds tampering and rebuild mends it', async () => {
    const s = await memory([counter]);
    await s.append('a', [ev('1'), ev('2')]);
    await s.append('b', [ev('3')]);
    expect(await s.read((sql) => sql.all('SELECT * FROM counts ORDER BY stream_id'))).toEqual([
      { stream_id: 'a', n: 2 },
      { stream_id: 'b', n: 1 },
    ]);
    expect(s.stats().projections).toEqual([{ name: 'counter', version: 1, position: 3 }]);
    expect((await s.verify()).ok).toBe(true);

    s.readSync((sql) => sql.run("UPDATE counts SET n = 7 WHERE stream_id = 'a'"));
    const bad = await s.verify();
    expect(bad.ok).toBe(false);
    expect(bad.differences.map((d) => d.kind).sort()).toEqual(['extra', 'missing']);

    const progress: number[] = [];
    const r = await s.rebuild(undefined, (done) => progress.push(done));
    expect(r).toEqual({ events: 3, projections: ['counter'] });
    expect(progress.at(-1)).toBe(3);
    expect((await s.verify()).ok).toBe(true);
  });
});

describe("the projections' deferrable indexes", () => {
  it('each names a plain (not UNIQUE) index of its own schema, and some projections declare them', async () => {
    const { PROJECTIONS } = await import('../../domain/projections.js');
    const declared = PROJECTIONS.flatMap((p) => (p.deferrableIndexes ?? []).map((name) => ({ p, name })));
    expect(declared.map((d) => d.name)).toEqual(expect.arrayContaining(['cards_last4', 'cards_holder', 'accounts_holder']));
    for (const { p, name } of declared) {
      expect(p.schema, `${p.name}: ${name}`).toMatch(new RegExp(`CREATE INDEX ${name} ON`));
      expect(p.schema).not.toMatch(new RegExp(`CREATE UNIQUE INDEX ${name} ON`));
    }
  });
});
