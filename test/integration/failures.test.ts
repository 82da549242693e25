/**
 * The store against damaged files, a second process, older and newer schemas, failed appends and
 * checkpoints, on real files under the OS temp dir.
 */
import { copyFileSync, existsSync, readFileSync, symlinkSync, truncateSync, unlinkSync, appendFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../domain/open.js';
import { PROJECTIONS } from '../../domain/projections.js';
import type { Projection } from '../../domain/eventstore/projection.js';
import { listSegments, segmentPath } from '../../domain/eventstore/sqljs/journal.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../domain/eventstore/sqljs/schema.js';
import { loadSqlJs, SqlJsEventStore } from '../../domain/eventstore/sqljs/store.js';
import { StoreError } from '../../domain/eventstore/types.js';
import { allEvents, captureLog, ev, fileSize, meta, operatorCreated, removeTempStores, snapshot, spawnFixture, tempStore } from './fixtures/helpers.js';

afterAll(removeTempStores);

/** Opens with every projection, no automatic checkpoint, and a captured log. */
async function open(path: string, extra: { projections?: readonly Projection[] } = {}) {
  const captured = captureLog();
  const options = { path, checkpointEvery: 1_000_000, idleCheckpointMs: 0, log: captured.log };
  const store = extra.projections ? await SqlJsEventStore.open({ ...options, projections: extra.projections }) : await openStore(options);
  return { store, ...captured };
}

/** The rejection of an open, as a StoreError (fails the test if the open succeeds). */
async function openFails(path: string): Promise<StoreError> {
  let store: SqlJsEventStore | undefined;
  try {
    store = (await open(path)).store;
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    return e as StoreError;
  }
  store.abandon();
  throw new Error(`the store at ${path} opened, but it should have been refused`);
}

/** Writes `count` one-event transactions to stream `stream` and returns the journal sizes after each. */
async function appendEach(store: SqlJsEventStore, stream: string, ids: readonly string[]): Promise<number[]> {
  const sizes: number[] = [];
  for (const id of ids) {
    await store.append(stream, [ev(id, 'TestHappened', { stream })]);
    sizes.push(store.stats().journalBytes);
  }
  return sizes;
}

const ids = (events: readonly { eventId: string }[]): string[] => events.map((e) => e.eventId);
const operatorIds = (store: SqlJsEventStore): Promise<string[]> => store.read((sql) => sql.all<{ operator_id: string }>('SELECT operator_id FROM operators ORDER BY operator_id').map((r) => r.operator_id));

describe('a torn journal tail', () => {
  const cases = [
    { name: 'half of a record appended after the last one', damage: (file: string, sizes: number[]) => appendFileSync(file, readFileSync(file).subarray(sizes[0]!, sizes[0]! + Math.floor((sizes[1]! - sizes[0]!) / 2))), kept: ['a1', 'a2', 'a3'] },
    { name: 'the last record cut off in the middle of its payload', damage: (file: string, sizes: number[]) => truncateSync(file, sizes[1]! + Math.floor((sizes[2]! - sizes[1]!) / 2)), kept: ['a1', 'a2'] },
    { name: 'the last record cut off inside its header', damage: (file: string, sizes: number[]) => truncateSync(file, sizes[1]! + 5), kept: ['a1', 'a2'] },
  ];

  it.each(cases)('$name: dropped with a warning; earlier events kept; the segment is cut back and new appends survive a reopen', async ({ damage, kept }) => {
    const path = tempStore();
    const first = await open(path);
    const sizes = await appendEach(first.store, 'a', ['a1', 'a2', 'a3']);
    first.store.abandon(); // a crash: no checkpoint, everything is in the journal
    const segment = segmentPath(path, 1);
    expect(fileSize(segment)).toBe(sizes[2]);
    damage(segment, sizes);
    const damagedSize = fileSize(segment);
    expect(damagedSize).not.toBe(kept.length === 3 ? sizes[2] : sizes[1]);

    const second = await open(path);
    expect(second.warnings()).toHaveLength(1);
    expect(second.warnings()[0]).toContain('torn');
    expect(second.warnings()[0]).toContain(segment);
    expect(ids(await allEvents(second.store))).toEqual(kept);
    // Cut back to the end of the last whole record.
    expect(fileSize(segment)).toBe(sizes[kept.length - 1]);
    await second.store.append('b', [ev('b1'), ev('b2')]);
    await second.store.append('a', [ev('a9')]);
    second.store.abandon();

    const third = await open(path);
    expect(third.warnings()).toEqual([]);
    const events = await allEvents(third.store);
    expect(ids(events)).toEqual([...kept, 'b1', 'b2', 'a9']);
    expect(events.map((e) => e.position)).toEqual(events.map((_, i) => i + 1));
    expect((await third.store.readStream('a')).events.map((e) => e.streamPosition)).toEqual([...kept.keys(), kept.length].map((i) => i + 1));
    expect((await third.store.verify()).ok).toBe(true);
    await third.store.close();
  });

  it('torn bytes at the end of a segment that is not the newest are corruption: the open fails and changes nothing', async () => {
    const path = tempStore();
    const { older } = await twoSegments(path);
    appendFileSync(older, Buffer.from([7, 0, 0, 0, 1, 2]));
    const before = snapshot(dirname(path));
    const err = await openFails(path);
    expect(err.code).toBe('STORE_CORRUPT');
    expect(err.message).toContain(older);
    expect(snapshot(dirname(path))).toEqual(before);
  });
});

/**
 * Leaves the store as a crash between a checkpoint's segment rotation and its rename would:
 * no checkpoint file, events 1-2 in segment 1 and events 3-4 in segment 2.
 */
async function twoSegments(path: string): Promise<{ older: string; newer: string }> {
  const s = await open(path);
  await appendEach(s.store, 'a', ['a1', 'a2']);
  const older = segmentPath(path, 1);
  const saved = readFileSync(older);
  await s.store.checkpoint();
  await appendEach(s.store, 'a', ['a3', 'a4']);
  s.store.abandon();
  unlinkSync(path);
  writeFileSync(older, saved);
  const newer = segmentPath(path, 2);
  expect(listSegments(path).map((x) => x.file)).toEqual([older, newer]);
  // The two segments open as one store.
  const check = await open(path);
  expect(ids(await allEvents(check.store))).toEqual(['a1', 'a2', 'a3', 'a4']);
  check.store.abandon();
  return { older, newer };
}

describe('a corrupt record in the middle of a segment', () => {
  // Offsets are relative to the start of the second of four records.
  const flips = [
    { where: 'a payload byte', offset: (len: number) => 8 + Math.floor((len - 8) / 2) },
    { where: 'the checksum', offset: () => 5 },
    { where: 'the low byte of the length', offset: () => 0 },
    { where: 'the high byte of the length', offset: () => 3 },
  ];

  it.each(flips)('$where flipped: the open fails with STORE_CORRUPT naming the file, and no file changes', async ({ offset }) => {
    const path = tempStore();
    const s = await open(path);
    const sizes = await appendEach(s.store, 'a', ['a1', 'a2', 'a3', 'a4']);
    s.store.abandon();
    const segment = segmentPath(path, 1);
    const bytes = readFileSync(segment);
    const at = sizes[0]! + offset(sizes[1]! - sizes[0]!);
    bytes[at] = bytes[at]! ^ 0x5a;
    writeFileSync(segment, bytes);
    const before = snapshot(dirname(path));

    const err = await openFails(path);
    expect(err.code).toBe('STORE_CORRUPT');
    expect(err.message).toContain(segment);
    expect(snapshot(dirname(path))).toEqual(before);
  });

  it('the same damage in an older segment is refused too', async () => {
    const path = tempStore();
    const { older } = await twoSegments(path);
    const bytes = readFileSync(older);
    bytes[12] = bytes[12]! ^ 0xff;
    writeFileSync(older, bytes);
    const before = snapshot(dirname(path));
    const err = await openFails(path);
    expect(err.code).toBe('STORE_CORRUPT');
    expect(err.message).toContain(older);
    expect(snapshot(dirname(path))).toEqual(before);
  });
});

describe('a corrupt checkpoint', () => {
  /** A store with a checkpoint of events a1-a3 and a journal segment holding a4-a5. */
  async function checkpointed(path: string): Promise<Buffer> {
    const s = await open(path);
    await appendEach(s.store, 'a', ['a1', 'a2', 'a3']);
    await s.store.append('operator-x', [operatorCreated('x')]);
    await s.store.checkpoint();
    await appendEach(s.store, 'a', ['a4', 'a5']);
    s.store.abandon();
    expect(existsSync(path)).toBe(true);
    expect(listSegments(path)).toHaveLength(1);
    return readFileSync(path);
  }

  const damages = [
    { name: 'garbage bytes', damage: (b: Buffer) => Buffer.from(Array.from({ length: b.length }, (_, i) => (i * 7919 + 13) & 0xff)) },
    { name: 'a valid SQLite header over damaged pages', damage: (b: Buffer) => Buffer.concat([b.subarray(0, 100), Buffer.from(Array.from({ length: b.length - 100 }, (_, i) => (i * 31 + 7) & 0xff))]) },
    {
      name: 'the first page intact and every other page damaged',
      damage: (b: Buffer) => {
        const pageSize = b.readUInt16BE(16) === 1 ? 65536 : b.readUInt16BE(16);
        const out = Buffer.from(b);
        for (let i = pageSize; i < out.length; i += 97) out[i] = out[i]! ^ 0xa5;
        return out;
      },
    },
    { name: 'the file cut to half its size', damage: (b: Buffer) => b.subarray(0, Math.floor(b.length / 2)) },
  ];

  it.each(damages)('$name: the open fails with STORE_CORRUPT naming the file, and nothing is overwritten', async ({ damage }) => {
    const path = tempStore();
    const good = await checkpointed(path);
    const bad = damage(good);
    expect(bad.equals(good)).toBe(false);
    writeFileSync(path, bad);
    const before = snapshot(dirname(path));
    const err = await openFails(path);
    expect(err.code).toBe('STORE_CORRUPT');
    expect(err.message).toContain(path);
    expect(snapshot(dirname(path))).toEqual(before);
    // Put the good checkpoint back: the store is whole again, nothing was lost meanwhile.
    writeFileSync(path, good);
    const s = await open(path);
    expect(ids(await allEvents(s.store))).toEqual(['a1', 'a2', 'a3', 'op-created-x', 'a4', 'a5']);
    expect(await operatorIds(s.store)).toEqual(['x']);
    await s.store.close();
  });

  it('a leftover temp file of a checkpoint cut short by a crash is ignored and removed', async () => {
    const path = tempStore();
    await checkpointed(path);
    writeFileSync(`${path}.tmp`, Buffer.from('SQLite format 3\0 and then nothing useful'));
    const s = await open(path);
    expect(ids(await allEvents(s.store))).toEqual(['a1', 'a2', 'a3', 'op-created-x', 'a4', 'a5']);
    expect(existsSync(`${path}.tmp`)).toBe(false);
    await s.store.close();
  });
});

describe('a second process on the same store', () => {
  it('is refused with STORE_LOCKED naming its pid while it runs; once it is killed the stale lock is taken over', async () => {
    const path = tempStore();
    const s = await open(path);
    await appendEach(s.store, 'a', ['a1', 'a2']);
    s.store.abandon();

    const child = spawnFixture('hold-store.ts', [path]);
    try {
      const ready = await child.waitForLine('ready ');
      expect(ready).toContain('head=2');
      expect(readFileSync(`${path}.lock`, 'utf8').trim()).toBe(String(child.pid));
      const before = snapshot(dirname(path));

      const err = await openFails(path);
      expect(err.code).toBe('STORE_LOCKED');
      expect(err.message).toContain(`store in use by process ${child.pid}`);
      expect(snapshot(dirname(path))).toEqual(before);
    } finally {
      await child.kill();
    }
    // The lock file still names the dead child.
    expect(readFileSync(`${path}.lock`, 'utf8').trim()).toBe(String(child.pid));

    const again = await open(path);
    expect(readFileSync(`${path}.lock`, 'utf8').trim()).toBe(String(process.pid));
    expect(ids(await allEvents(again.store))).toEqual(['a1', 'a2']);
    await again.store.append('a', [ev('a3')]);
    await again.store.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});

describe('schema versions', () => {
  it('a store written at schema version 1 is migrated on open: events intact, projections rebuilt, appends work', async () => {
    const path = tempStore();
    const SQL = await loadSqlJs();
    const v1 = new SQL.Database();
    v1.exec(MIGRATIONS[0]!.sql);
    v1.exec('PRAGMA user_version = 1');
    const old = [
      { stream: 'system', id: 'v1-init', type: 'StoreInitialized', data: { adminOperatorId: 'admin' } },
      { stream: 'operator-admin', id: 'v1-op-admin', type: 'OperatorCreated', data: { operatorId: 'admin', displayName: 'Admin', role: 'admin', passwordHash: 'h1' } },
      { stream: 'operator-ann', id: 'v1-op-ann', type: 'OperatorCreated', data: { operatorId: 'ann', displayName: 'Ann', role: 'agent', passwordHash: 'h2' } },
      { stream: 'operator-ann', id: 'v1-op-ann-role', type: 'OperatorRoleChanged', data: { operatorId: 'ann', from: 'agent', to: 'supervisor' } },
    ];
    const streamPos = new Map<string, number>();
    old.forEach((e, i) => {
      const sp = (streamPos.get(e.stream) ?? 0) + 1;
      streamPos.set(e.stream, sp);
      v1.run('INSERT INTO events (position, stream_id, stream_position, event_id, type, data, metadata, recorded_at) VALUES (?,?,?,?,?,?,?,?)', [
        i + 1,
        e.stream,
        sp,
        e.id,
        e.type,
        JSON.stringify(e.data),
        JSON.stringify(meta),
        `2025-01-0${i + 1}T00:00:00.000Z`,
      ]);
    });
    writeFileSync(path, v1.export());
    v1.close();
    const v1Bytes = readFileSync(path);

    const s = await open(path);
    expect(s.lines.map((l) => l.message)).toContain(`migrated the store from schema version 1 to ${SCHEMA_VERSION}`);
    expect(await s.store.read((sql) => sql.scalar('PRAGMA user_version'))).toBe(SCHEMA_VERSION);
    const events = await allEvents(s.store);
    expect(events.map((e) => [e.position, e.streamId, e.eventId, e.type, e.schemaVersion])).toEqual(old.map((e, i) => [i + 1, e.stream, e.id, e.type, 1]));
    expect(events.map((e) => e.data)).toEqual(old.map((e) => e.data));
    expect(events[0]!.metadata).toEqual(meta);
    const operators = await s.store.read((sql) => sql.all('SELECT operator_id, role, status, created_at FROM operators ORDER BY operator_id'));
    expect(operators).toEqual([
      { operator_id: 'admin', role: 'admin', status: 'active', created_at: '2025-01-02T00:00:00.000Z' },
      { operator_id: 'ann', role: 'supervisor', status: 'active', created_at: '2025-01-03T00:00:00.000Z' },
    ]);
    expect(await s.store.read((sql) => sql.scalar("SELECT value FROM system_info WHERE key = 'initialized_at'"))).toBe('2025-01-01T00:00:00.000Z');
    expect((await s.store.verify()).ok).toBe(true);
    // Opening alone rewrote nothing on disk (the old file stays until the next checkpoint).
    expect(readFileSync(path).equals(v1Bytes)).toBe(true);

    const r = await s.store.append('operator-bob', [operatorCreated('bob')], { expectedVersion: 'no_stream' });
    expect(r.events.map((e) => [e.position, e.streamPosition, e.schemaVersion])).toEqual([[5, 1, 1]]);
    await s.store.append('operator-ann', [{ ...ev('v2-ann-disabled', 'OperatorDisabled', { operatorId: 'ann', reason: 'left' }), schemaVersion: 2 }], { expectedVersion: 2 });
    s.store.abandon(); // the new events live in the journal only; the checkpoint is still version 1

    const again = await open(path);
    expect(await again.store.read((sql) => sql.scalar('PRAGMA user_version'))).toBe(SCHEMA_VERSION);
    expect(ids(await allEvents(again.store))).toEqual([...old.map((e) => e.id), 'op-created-bob', 'v2-ann-disabled']);
    expect((await allEvents(again.store)).map((e) => e.schemaVersion)).toEqual([1, 1, 1, 1, 1, 2]);
    expect(await again.store.read((sql) => sql.all('SELECT operator_id, status FROM operators ORDER BY operator_id'))).toEqual([
      { operator_id: 'admin', status: 'active' },
      { operator_id: 'ann', status: 'disabled' },
      { operator_id: 'bob', status: 'active' },
    ]);
    expect((await again.store.verify()).ok).toBe(true);
    await again.store.close();

    // The checkpoint written on close is at the current version.
    const db = new SQL.Database(readFileSync(path));
    expect(db.exec('PRAGMA user_version')[0]!.values[0]![0]).toBe(SCHEMA_VERSION);
    db.close();
    const last = await open(path);
    expect(last.lines.filter((l) => l.message.startsWith('migrated'))).toEqual([]);
    expect(await allEvents(last.store)).toHaveLength(6);
    await last.store.close();
  });

  it('a store written by a newer CardOps is refused with STORE_TOO_NEW and left untouched', async () => {
    const path = tempStore();
    const s = await open(path);
    await appendEach(s.store, 'a', ['a1', 'a2']);
    await s.store.checkpoint();
    await appendEach(s.store, 'a', ['a3']);
    s.store.abandon();
    const SQL = await loadSqlJs();
    const db = new SQL.Database(readFileSync(path));
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    writeFileSync(path, db.export());
    db.close();
    const before = snapshot(dirname(path));

    const err = await openFails(path);
    expect(err.code).toBe('STORE_TOO_NEW');
    expect(err.message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect(snapshot(dirname(path))).toEqual(before);
  });
});

describe('a failed append', () => {
  /** A projection that counts what it sees, and throws on a `Boom` event. */
  const boom: Projection = {
    name: 'boom',
    version: 1,
    tables: ['boom_seen'],
    schema: 'CREATE TABLE boom_seen (event_id TEXT PRIMARY KEY, position INTEGER NOT NULL) STRICT;',
    apply(e, sql) {
      sql.run('INSERT INTO boom_seen VALUES (?, ?)', [e.eventId, e.position]);
      if (e.type === 'Boom') throw new Error(`projection boom refuses event ${e.eventId}`);
    },
  };
  const projections = [...PROJECTIONS, boom];

  it('a projection that throws inside the transaction leaves nothing behind; later appends work', async () => {
    const path = tempStore();
    const s = await open(path, { projections });
    await s.store.append('a', [ev('a1'), ev('a2')]);
    await s.store.append('operator-x', [operatorCreated('x')]);
    const journalBefore = s.store.stats().journalBytes;
    const seenBefore = await s.store.read((sql) => sql.all('SELECT * FROM boom_seen ORDER BY position'));
    expect(seenBefore).toHaveLength(3);

    await expect(
      s.store.appendMany([
        { streamId: 'a', expectedVersion: 2, events: [ev('a3')] },
        { streamId: 'operator-y', expectedVersion: 'no_stream', events: [operatorCreated('y')] },
        { streamId: 'c', expectedVersion: 'any', events: [ev('c1', 'Boom')] },
      ]),
    ).rejects.toThrow('projection boom refuses event c1');

    expect(await s.store.headPosition()).toBe(3);
    expect(ids(await allEvents(s.store))).toEqual(['a1', 'a2', 'op-created-x']);
    expect((await s.store.readStream('a')).version).toBe(2);
    expect((await s.store.readStream('c')).events).toEqual([]);
    expect(s.store.stats().journalBytes).toBe(journalBefore);
    expect(await s.store.read((sql) => sql.all('SELECT * FROM boom_seen ORDER BY position'))).toEqual(seenBefore);
    expect(await operatorIds(s.store)).toEqual(['x']);
    expect(await s.store.read((sql) => sql.all('SELECT name, position FROM projection_state ORDER BY name'))).toEqual(
      projections.map((p) => ({ name: p.name, position: 3 })).sort((x, y) => x.name.localeCompare(y.name)),
    );

    // The same streams take the next append, at the next positions.
    const r = await s.store.appendMany([
      { streamId: 'a', expectedVersion: 2, events: [ev('a3')] },
      { streamId: 'operator-y', expectedVersion: 'no_stream', events: [operatorCreated('y')] },
    ]);
    expect(r.flatMap((x) => x.events.map((e) => [e.eventId, e.position, e.streamPosition]))).toEqual([
      ['a3', 4, 3],
      ['op-created-y', 5, 1],
    ]);
    expect((await s.store.verify()).ok).toBe(true);
    s.store.abandon();

    const again = await open(path, { projections });
    expect(ids(await allEvents(again.store))).toEqual(['a1', 'a2', 'op-created-x', 'a3', 'op-created-y']);
    expect(await operatorIds(again.store)).toEqual(['x', 'y']);
    expect((await again.store.verify()).ok).toBe(true);
    await again.store.close();
  });

  // /dev/full stands in for a full disk: every write to it fails with ENOSPC.
  it.skipIf(!existsSync('/dev/full'))('a journal write that fails (disk full) leaves nothing behind, and a reopen loses nothing (needs /dev/full)', async () => {
    const path = tempStore();
    const s = await open(path);
    await s.store.append('a', [ev('a1')]);
    await s.store.append('operator-x', [operatorCreated('x')]);
    // The next segment the checkpoint rotates to is a full disk.
    const full = segmentPath(path, 2);
    symlinkSync('/dev/full', full);
    await s.store.checkpoint();
    await expect(s.store.appendMany([{ streamId: 'a', expectedVersion: 1, events: [ev('a2')] }, { streamId: 'operator-y', expectedVersion: 'any', events: [operatorCreated('y')] }])).rejects.toMatchObject({ code: 'STORE_DISK_FULL', message: expect.stringMatching(/is full: the command was not saved/) });
    expect(await s.store.headPosition()).toBe(2);
    expect(ids(await allEvents(s.store))).toEqual(['a1', 'op-created-x']);
    expect(await operatorIds(s.store)).toEqual(['x']);
    expect((await s.store.verify()).ok).toBe(true);
    s.store.abandon();
    // The disk is freed: the segment the checkpoint continues with is there, and empty.
    unlinkSync(full);
    writeFileSync(full, '');

    const again = await open(path);
    expect(ids(await allEvents(again.store))).toEqual(['a1', 'op-created-x']);
    await again.store.appendMany([{ streamId: 'a', expectedVersion: 1, events: [ev('a2')] }, { streamId: 'operator-y', expectedVersion: 'any', events: [operatorCreated('y')] }]);
    expect(await operatorIds(again.store)).toEqual(['x', 'y']);
    again.store.abandon();
    const last = await open(path);
    expect(ids(await allEvents(last.store))).toEqual(['a1', 'op-created-x', 'a2', 'op-created-y']);
    await last.store.close();
  });

  it('an event id repeated within one append is stored once, in one stream as across streams', async () => {
    const path = tempStore();
    const s = await open(path);
    const r = await s.store.appendMany([
      { streamId: 'a', expectedVersion: 'no_stream', events: [ev('dup'), ev('a1'), ev('dup')] },
      { streamId: 'b', expectedVersion: 'no_stream', events: [ev('dup'), ev('b1')] },
    ]);
    expect(r.map((x) => [x.nextExpectedVersion, ids(x.events)])).toEqual([
      [2, ['dup', 'a1']],
      [1, ['b1']],
    ]);
    expect(ids(await allEvents(s.store))).toEqual(['dup', 'a1', 'b1']);
    s.store.abandon();
    const again = await open(path);
    expect(ids(await allEvents(again.store))).toEqual(['dup', 'a1', 'b1']);
    await again.store.close();
  });

  it('an event id is stored once across appends and across reopens', async () => {
    const path = tempStore();
    const s = await open(path);
    const r1 = await s.store.appendMany([
      { streamId: 'a', expectedVersion: 'any', events: [ev('dup')] },
      { streamId: 'b', expectedVersion: 'any', events: [ev('dup'), ev('b1')] },
    ]);
    expect(r1.map((r) => ids(r.events))).toEqual([['dup'], ['b1']]);
    expect(ids((await s.store.append('a', [ev('dup')])).events)).toEqual([]);
    s.store.abandon(); // replayed from the journal on the next open

    const second = await open(path);
    expect(ids((await second.store.append('c', [ev('dup'), ev('c1')])).events)).toEqual(['c1']);
    await second.store.close(); // now in the checkpoint

    const third = await open(path);
    expect(ids((await third.store.append('a', [ev('dup')])).events)).toEqual([]);
    expect(ids(await allEvents(third.store))).toEqual(['dup', 'b1', 'c1']);
    // The log itself refuses a second row with the same event id.
    await expect(third.store.read((sql) => sql.run("INSERT INTO events (position, stream_id, stream_position, event_id, type, data, metadata, recorded_at) VALUES (99, 'z', 1, 'dup', 'T', '{}', '{}', 'now')"))).rejects.toThrow(/UNIQUE/);
    expect(await third.store.read((sql) => sql.scalar("SELECT count(*) FROM events WHERE event_id = 'dup'"))).toBe(1);
    await third.store.close();
  });
});

describe('checkpoints', () => {
  it('a checkpoint deletes the segments it covers; the data is intact after a reopen', async () => {
    const path = tempStore();
    const s = await open(path);
    await appendEach(s.store, 'a', ['a1', 'a2']);
    await s.store.append('operator-x', [operatorCreated('x')]);
    expect(listSegments(path).map((x) => x.seq)).toEqual([1]);
    expect(existsSync(path)).toBe(false);
    await s.store.checkpoint();
    expect(existsSync(path)).toBe(true);
    expect(listSegments(path).map((x) => x.seq)).toEqual([2]);
    expect(fileSize(segmentPath(path, 2))).toBe(0);
    expect(s.store.stats().eventsSinceCheckpoint).toBe(0);
    await appendEach(s.store, 'a', ['a3']);
    s.store.abandon();

    const again = await open(path);
    expect(ids(await allEvents(again.store))).toEqual(['a1', 'a2', 'op-created-x', 'a3']);
    expect(await operatorIds(again.store)).toEqual(['x']);
    expect((await again.store.verify()).ok).toBe(true);
    await again.store.close();
    expect(listSegments(path).map((x) => x.seq)).toEqual([3]);
  });

  it('a crash between the checkpoint rename and the segment deletion opens without duplicating events', async () => {
    const path = tempStore();
    const s = await open(path);
    await appendEach(s.store, 'a', ['a1', 'a2']);
    await s.store.append('operator-x', [operatorCreated('x')]);
    const seg1 = segmentPath(path, 1);
    const saved = join(dirname(path), `saved-${basename(seg1)}`);
    copyFileSync(seg1, saved);
    await s.store.checkpoint();
    copyFileSync(saved, seg1); // as if the deletion never happened
    unlinkSync(saved);
    await appendEach(s.store, 'a', ['a3']);
    s.store.abandon();
    expect(listSegments(path).map((x) => x.seq)).toEqual([1, 2]);

    const again = await open(path);
    const events = await allEvents(again.store);
    expect(ids(events)).toEqual(['a1', 'a2', 'op-created-x', 'a3']);
    expect(events.map((e) => e.position)).toEqual([1, 2, 3, 4]);
    expect(await operatorIds(again.store)).toEqual(['x']);
    expect((await again.store.verify()).ok).toBe(true);
    await again.store.append('a', [ev('a4')], { expectedVersion: 3 });
    await again.store.close();
    expect(listSegments(path).map((x) => x.seq)).toEqual([3]);

    const last = await open(path);
    expect(ids(await allEvents(last.store))).toEqual(['a1', 'a2', 'op-created-x', 'a3', 'a4']);
    await last.store.close();
  });

  it('checkpoints asked for while one is running all succeed, one after the other, and lose nothing', async () => {
    const path = tempStore();
    const s = await open(path);
    const pending: Promise<void>[] = [];
    const expected: string[] = [];
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 3; i++) {
        const id = `r${round}-${i}`;
        expected.push(id);
        await s.store.append(`s-${i}`, [ev(id, 'TestHappened', { pad: 'x'.repeat(2000) })]);
        pending.push(s.store.checkpoint());
      }
    }
    const outcomes = await Promise.allSettled(pending);
    const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [String((o.reason as Error).message)] : []));
    expect(failures).toEqual([]);
    expect(s.warnings()).toEqual([]);
    expect(existsSync(`${path}.tmp`)).toBe(false);
    expect(s.store.stats().eventsSinceCheckpoint).toBe(0);
    s.store.abandon();

    const again = await open(path);
    expect(ids(await allEvents(again.store))).toEqual(expected);
    await again.store.close();
  });
});
