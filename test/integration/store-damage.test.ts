/**
 * The store refuses damage it cannot repair and repairs what a crash leaves: a changed checkpoint,
 * a missing journal segment, a zero-filled journal tail, a checkpoint that fails on a full disk,
 * a segment rotation that fails. On real files under the OS temp dir.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, rmdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../domain/open.js';
import { listSegments, segmentPath } from '../../domain/eventstore/sqljs/journal.js';
import { loadSqlJs, type SqlJsEventStore } from '../../domain/eventstore/sqljs/store.js';
import { StoreError } from '../../domain/eventstore/types.js';
import { allEvents, captureLog, ev, fileSize, operatorCreated, removeTempStores, snapshot, tempStore } from './fixtures/helpers.js';

afterAll(removeTempStores);

/** Opens with every projection, no automatic checkpoint, and a captured log. */
async function open(path: string) {
  const captured = captureLog();
  const store = await openStore({ path, checkpointEvery: 1_000_000, idleCheckpointMs: 0, log: captured.log });
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

/** A checkpoint that fails after its segment rotation (a folder where its temp file goes). */
async function failedCheckpoint(store: SqlJsEventStore, path: string): Promise<void> {
  const tmp = `${path}.tmp`;
  mkdirSync(tmp);
  await expect(store.checkpoint()).rejects.toThrow(/EISDIR/);
  rmdirSync(tmp);
}

const ids = (events: readonly { eventId: string }[]): string[] => events.map((e) => e.eventId);
const exists = (file: string): boolean => {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
};

/** Changes one digit of `amount` where the file holds it; the file keeps its length. */
function changeAmount(file: string, amount: string): number {
  const bytes = readFileSync(file);
  const at = bytes.indexOf(amount);
  expect(at, `${amount} is in ${file}`).toBeGreaterThan(0);
  bytes[at] = bytes[at] === 0x39 ? 0x31 : bytes[at]! + 1;
  writeFileSync(file, bytes);
  return at;
}

describe('checkpoint checksums', () => {
  /** A store with a checkpoint holding a deposit of 48213.57 and a journal segment after it. */
  async function checkpointed(path: string): Promise<Buffer> {
    const s = await open(path);
    await s.store.append('account-1', [ev('dep-1', 'DepositPosted', { amount: 4821357, currency: 'EUR' })]);
    await s.store.append('operator-x', [operatorCreated('x')]);
    await s.store.checkpoint();
    await s.store.append('account-1', [ev('dep-2', 'DepositPosted', { amount: 100, currency: 'EUR' })]);
    s.store.abandon();
    return readFileSync(path);
  }

  it('a changed amount inside the checkpoint is refused with STORE_CORRUPT naming the file and the bytes; nothing changes', async () => {
    const path = tempStore();
    const good = await checkpointed(path);
    const at = changeAmount(path, '4821357');
    const before = snapshot(dirname(path));

    const err = await openFails(path);
    expect(err.code).toBe('STORE_CORRUPT');
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/bytes 0 to \d+ \(chunk 0 of \d+\) do not match the checksum/);
    expect(err.details).toMatchObject({ path, offset: 0, chunk: 0 });
    expect(at).toBeLessThan(1 << 20);
    expect(snapshot(dirname(path))).toEqual(before);

    // The good checkpoint back: everything is there.
    writeFileSync(path, good);
    const s = await open(path);
    expect(ids(await allEvents(s.store))).toEqual(['dep-1', 'op-created-x', 'dep-2']);
    expect((await allEvents(s.store))[0]!.data).toMatchObject({ amount: 4821357 });
    await s.store.close();
  });

  it('damage to the checksums themselves is refused too', async () => {
    const path = tempStore();
    await checkpointed(path);
    const bytes = readFileSync(path);
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0x40;
    writeFileSync(path, bytes);
    const before = snapshot(dirname(path));
    const err = await openFails(path);
    expect(err.code).toBe('STORE_CORRUPT');
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/checksums at its end .* are damaged/);
    expect(snapshot(dirname(path))).toEqual(before);
  });

  it('a checkpoint cut short (its end lost) is refused', async () => {
    const path = tempStore();
    const good = await checkpointed(path);
    writeFileSync(path, good.subarray(0, good.length - 3));
    const err = await openFails(path);
    expect(err.code).toBe('STORE_CORRUPT');
    expect(err.message).toContain(path);
  });

  it('a checkpoint written without checksums (by the previous CardOps) opens, and its next checkpoint has them', async () => {
    const path = tempStore();
    await checkpointed(path);
    // What the previous version wrote: the database alone.
    const SQL = await loadSqlJs();
    const db = new SQL.Database(readFileSync(path));
    const plain = Buffer.from(db.export());
    db.close();
    writeFileSync(path, plain);

    const s = await open(path);
    expect(s.warnings()).toEqual([]);
    expect(ids(await allEvents(s.store))).toEqual(['dep-1', 'op-created-x', 'dep-2']);
    expect(readFileSync(path).equals(plain)).toBe(true);
    await s.store.close(); // a checkpoint, now with checksums
    expect(fileSize(path)).toBeGreaterThan(plain.length);

    changeAmount(path, '4821357');
    const err = await openFails(path);
    expect(err.code).toBe('STORE_CORRUPT');
    expect(err.message).toContain(path);
  });

  it('a checkpoint whose bytes match their checksums opens without quick_check; verify runs it and reports a damaged database', async () => {
    const path = tempStore();
    const s = await open(path);
    await s.store.append('a', [ev('a1')]);
    // Damage no disk did: two tables share their pages (SQLite sees it once the schema is read again).
    await s.store.read((sql) => {
      sql.run('CREATE TABLE scratch_one (x INTEGER)');
      sql.run('INSERT INTO scratch_one VALUES (1)');
      sql.run('CREATE TABLE scratch_two (y INTEGER)');
      sql.run('PRAGMA writable_schema = ON');
      sql.run("UPDATE sqlite_master SET rootpage = (SELECT rootpage FROM sqlite_master WHERE name = 'scratch_one') WHERE name = 'scratch_two'");
      sql.run('PRAGMA writable_schema = OFF');
    });
    await s.store.close();

    const again = await open(path);
    expect(ids(await allEvents(again.store))).toEqual(['a1']);
    const report = await again.store.verify();
    expect(report.ok).toBe(false);
    expect(report.differences[0]).toMatchObject({ projection: 'store', table: 'database', kind: 'integrity', row: expect.stringContaining('2nd reference to page') });
    again.store.abandon();
  });

  it("the bulk load's checkpoint (the live file, written while indexes are built) has checksums of its final bytes", async () => {
    const path = tempStore();
    const s = await open(path);
    await s.store.bulkLoad(async (append) => {
      append(Array.from({ length: 400 }, (_, i) => ({ streamId: `account-${i}`, expectedVersion: 'no_stream' as const, events: [ev(`dep-${i}`, 'DepositPosted', { amount: 7_000_000 + i })] })));
    });
    s.store.abandon();
    // The open checks every chunk: it succeeds, so the checksums are of the bytes on disk.
    const again = await open(path);
    expect(await allEvents(again.store)).toHaveLength(400);
    again.store.abandon();

    changeAmount(path, '7000123');
    const err = await openFails(path);
    expect(err.code).toBe('STORE_CORRUPT');
    expect(err.message).toMatch(/do not match the checksum/);
  });
});

describe('a missing journal segment', () => {
  /**
   * The files a crash between a checkpoint's rotation and its rename leaves, then a later
   * rotation: the checkpoint holds a1 and continues with segment 2 (a2), segment 3 holds a3,
   * segment 4 is empty.
   */
  async function threeSegments(path: string): Promise<{ seg2: string; seg3: string; seg4: string; saved: Map<string, Buffer> }> {
    const s = await open(path);
    await s.store.append('a', [ev('a1')]);
    await s.store.checkpoint();
    const checkpoint = readFileSync(path);
    await s.store.append('a', [ev('a2')]);
    const seg2 = segmentPath(path, 2);
    const segment2 = readFileSync(seg2);
    await s.store.checkpoint();
    await s.store.append('a', [ev('a3')]);
    s.store.abandon();
    writeFileSync(path, checkpoint);
    writeFileSync(seg2, segment2);
    const seg3 = segmentPath(path, 3);
    const seg4 = segmentPath(path, 4);
    writeFileSync(seg4, '');
    expect(listSegments(path).map((x) => x.file)).toEqual([seg2, seg3, seg4]);
    const check = await open(path);
    expect(ids(await allEvents(check.store))).toEqual(['a1', 'a2', 'a3']);
    check.store.abandon();
    const saved = new Map([seg2, seg3, seg4].map((f) => [f, readFileSync(f)]));
    return { seg2, seg3, seg4, saved };
  }

  async function refusedNaming(path: string, missing: string): Promise<void> {
    const before = snapshot(dirname(path));
    const err = await openFails(path);
    expect(err.code).toBe('STORE_CORRUPT');
    expect(err.message).toContain(`${missing} is missing`);
    expect(err.details).toMatchObject({ file: missing });
    expect(snapshot(dirname(path))).toEqual(before);
  }

  it('a segment missing between two others is refused, naming it, even when the newest one is empty', async () => {
    const path = tempStore();
    const { seg3, saved } = await threeSegments(path);
    unlinkSync(seg3);
    await refusedNaming(path, seg3);
    writeFileSync(seg3, saved.get(seg3)!);
    const s = await open(path);
    expect(ids(await allEvents(s.store))).toEqual(['a1', 'a2', 'a3']);
    await s.store.close();
  });

  it('the first segment after the checkpoint missing is refused, naming it', async () => {
    const path = tempStore();
    const { seg2 } = await threeSegments(path);
    unlinkSync(seg2);
    await refusedNaming(path, seg2);
  });

  it('every segment after the checkpoint missing is refused, naming the first', async () => {
    const path = tempStore();
    const { seg2, seg3, seg4 } = await threeSegments(path);
    for (const f of [seg2, seg3, seg4]) unlinkSync(f);
    await refusedNaming(path, seg2);
  });

  it('the newest segment missing (after a checkpoint that failed) is refused, naming it', async () => {
    const path = tempStore();
    const s = await open(path);
    await s.store.append('a', [ev('a1')]);
    await s.store.checkpoint();
    await s.store.append('a', [ev('a2')]);
    await failedCheckpoint(s.store, path);
    await s.store.append('a', [ev('a3')]);
    s.store.abandon();
    const seg3 = segmentPath(path, 3);
    expect(listSegments(path).map((x) => x.seq)).toEqual([2, 3]);
    const saved = readFileSync(seg3);
    unlinkSync(seg3);
    await refusedNaming(path, seg3);
    writeFileSync(seg3, saved);
    const again = await open(path);
    expect(ids(await allEvents(again.store))).toEqual(['a1', 'a2', 'a3']);
    await again.store.close();
  });

  it('a store without a checkpoint whose segment 1 is missing is refused, naming it', async () => {
    const path = tempStore();
    const s = await open(path);
    await s.store.append('a', [ev('a1'), ev('a2')]);
    s.store.abandon();
    const seg1 = segmentPath(path, 1);
    // A crash during the first checkpoint, after its rotation.
    writeFileSync(segmentPath(path, 2), '');
    unlinkSync(seg1);
    await refusedNaming(path, seg1);
  });
});

describe('a zero-filled journal tail', () => {
  /** Three one-event records in segment 1, after a crash; returns the segment and its size after each record. */
  async function threeRecords(path: string): Promise<{ segment: string; sizes: number[] }> {
    const s = await open(path);
    const sizes: number[] = [];
    for (const id of ['a1', 'a2', 'a3']) {
      await s.store.append('a', [ev(id)]);
      sizes.push(s.store.stats().journalBytes);
    }
    s.store.abandon();
    return { segment: segmentPath(path, 1), sizes };
  }

  const tails = [
    { name: 'a page of zeros after the last record (preallocated)', zeros: 4096 },
    { name: 'a few zeros after the last record', zeros: 5 },
    { name: 'a megabyte of zeros after the last record', zeros: 1 << 20 },
  ];

  it.each(tails)('$name: dropped with a warning as a torn tail; everything before it is kept, and new appends survive a reopen', async ({ zeros }) => {
    const path = tempStore();
    const { segment, sizes } = await threeRecords(path);
    writeFileSync(segment, Buffer.concat([readFileSync(segment), Buffer.alloc(zeros)]));

    const s = await open(path);
    expect(s.warnings()).toHaveLength(1);
    expect(s.warnings()[0]).toContain('torn');
    expect(s.warnings()[0]).toContain(segment);
    expect(ids(await allEvents(s.store))).toEqual(['a1', 'a2', 'a3']);
    expect(fileSize(segment)).toBe(sizes[2]);
    await s.store.append('a', [ev('a4')]);
    s.store.abandon();

    const again = await open(path);
    expect(again.warnings()).toEqual([]);
    expect(ids(await allEvents(again.store))).toEqual(['a1', 'a2', 'a3', 'a4']);
    await again.store.close();
  });

  it('a last record written only in part over zeros (a torn write into preallocated space) is dropped as torn', async () => {
    const path = tempStore();
    const { segment, sizes } = await threeRecords(path);
    const bytes = Buffer.concat([readFileSync(segment), Buffer.alloc(4096)]);
    // The second half of the last record never reached the disk.
    bytes.fill(0, sizes[1]! + Math.floor((sizes[2]! - sizes[1]!) / 2), sizes[2]);
    writeFileSync(segment, bytes);

    const s = await open(path);
    expect(s.warnings()).toHaveLength(1);
    expect(s.warnings()[0]).toContain('torn');
    expect(ids(await allEvents(s.store))).toEqual(['a1', 'a2']);
    expect(fileSize(segment)).toBe(sizes[1]);
    await s.store.close();
  });

  it('a seal cut short by a crash during a rotation (the newer segment still empty) is a torn tail, not damage', async () => {
    const path = tempStore();
    const s = await open(path);
    await s.store.append('a', [ev('a1')]);
    const sealedAt = s.store.stats().journalBytes;
    await failedCheckpoint(s.store, path);
    s.store.abandon();
    const seg1 = segmentPath(path, 1);
    expect(fileSize(seg1)).toBeGreaterThan(sealedAt);
    expect(fileSize(segmentPath(path, 2))).toBe(0);
    writeFileSync(seg1, readFileSync(seg1).subarray(0, sealedAt + 5));

    const again = await open(path);
    expect(again.warnings()).toHaveLength(1);
    expect(again.warnings()[0]).toContain('torn');
    expect(fileSize(seg1)).toBe(sealedAt);
    expect(ids(await allEvents(again.store))).toEqual(['a1']);
    await again.store.append('a', [ev('a2')]);
    again.store.abandon();
    const last = await open(path);
    expect(ids(await allEvents(last.store))).toEqual(['a1', 'a2']);
    await last.store.close();
  });

  it('a damaged last record of a sealed segment is damage to an acknowledged record', async () => {
    const path = tempStore();
    const s = await open(path);
    await s.store.append('a', [ev('a1')]);
    const before = s.store.stats().journalBytes;
    await s.store.append('a', [ev('a2')]);
    await failedCheckpoint(s.store, path);
    s.store.abandon();
    const seg1 = segmentPath(path, 1);
    const bytes = readFileSync(seg1);
    bytes[before + 20] = bytes[before + 20]! ^ 0x10;
    writeFileSync(seg1, bytes);
    const err = await openFails(path);
    expect(err.code).toBe('STORE_CORRUPT');
    expect(err.message).toContain(`${seg1} is damaged at byte ${before}`);
    expect(err.message).toContain('acknowledged');
  });

  const damages = [
    { name: 'a damaged payload byte in a record followed by whole records and a zero tail', damage: (b: Buffer, sizes: number[]) => (b[sizes[0]! + 20] = b[sizes[0]! + 20]! ^ 0x10) },
    { name: 'a record zeroed in the middle, followed by a whole record', damage: (b: Buffer, sizes: number[]) => b.fill(0, sizes[0], sizes[1]) },
    { name: 'a damaged record followed by a record cut short', damage: (b: Buffer, sizes: number[]) => (b[sizes[0]! + 20] = b[sizes[0]! + 20]! ^ 0x10), cut: true },
  ];

  it.each(damages)('$name: damage to an acknowledged record, refused with STORE_CORRUPT naming the file and byte, not dropped as torn', async ({ damage, cut }) => {
    const path = tempStore();
    const { segment, sizes } = await threeRecords(path);
    let bytes = Buffer.concat([readFileSync(segment), Buffer.alloc(cut ? 0 : 4096)]);
    if (cut) bytes = bytes.subarray(0, sizes[2]! - 3);
    damage(bytes, sizes);
    writeFileSync(segment, bytes);
    const before = snapshot(dirname(path));

    const err = await openFails(path);
    expect(err.code).toBe('STORE_CORRUPT');
    expect(err.message).toContain(segment);
    expect(err.message).toContain(`damaged at byte ${sizes[0]}`);
    expect(err.message).toContain('acknowledged');
    expect(snapshot(dirname(path))).toEqual(before);
  });
});

// /dev/full stands in for a full disk: every write to it fails with ENOSPC.
describe.skipIf(!existsSync('/dev/full'))('a checkpoint that fails (needs /dev/full)', () => {
  it('removes its temp file at once, says the disk is full, and the store goes on: a later checkpoint and a reopen lose nothing', async () => {
    const path = tempStore();
    const s = await open(path);
    await s.store.append('a', [ev('a1')]);
    await s.store.checkpoint();
    await s.store.append('a', [ev('a2')]);
    const tmp = `${path}.tmp`;
    symlinkSync('/dev/full', tmp);
    await expect(s.store.checkpoint()).rejects.toMatchObject({ code: 'STORE_DISK_FULL', message: expect.stringContaining('the disk is full') });
    expect(exists(tmp)).toBe(false);
    expect(s.store.stats().eventsSinceCheckpoint).toBe(1);

    await s.store.append('a', [ev('a3')]);
    await s.store.checkpoint();
    expect(s.store.stats().eventsSinceCheckpoint).toBe(0);
    await s.store.append('a', [ev('a4')]);
    s.store.abandon();
    const again = await open(path);
    expect(again.warnings()).toEqual([]);
    expect(ids(await allEvents(again.store))).toEqual(['a1', 'a2', 'a3', 'a4']);
    await again.store.close();
  });

  it("the bulk load's checkpoint removes its temp file too; the store reopens as it was before the load", async () => {
    const path = tempStore();
    const s = await open(path);
    await s.store.append('a', [ev('a1')]);
    const tmp = `${path}.tmp`;
    symlinkSync('/dev/full', tmp);
    await expect(
      s.store.bulkLoad(async (append) => {
        append(Array.from({ length: 50 }, (_, i) => ({ streamId: `b-${i}`, expectedVersion: 'no_stream' as const, events: [ev(`b${i}`)] })));
      }),
    ).rejects.toMatchObject({ code: 'STORE_DISK_FULL' });
    expect(exists(tmp)).toBe(false);
    s.store.abandon();
    const again = await open(path);
    expect(ids(await allEvents(again.store))).toEqual(['a1']);
    await again.store.close();
  });
});

describe('a segment rotation that fails', () => {
  it('leaves the checkpoint failed and appends going into the open segment, durable across a reopen', async () => {
    const path = tempStore();
    const s = await open(path);
    await s.store.append('a', [ev('a1')]);
    // The next segment cannot be opened: a folder is where its file would go.
    const next = segmentPath(path, 2);
    mkdirSync(next);
    await expect(s.store.checkpoint()).rejects.toThrow(/EISDIR/);
    await s.store.append('a', [ev('a2')]);
    await s.store.append('operator-x', [operatorCreated('x')]);
    s.store.abandon();
    rmdirSync(next);

    const again = await open(path);
    expect(again.warnings()).toEqual([]);
    expect(ids(await allEvents(again.store))).toEqual(['a1', 'a2', 'op-created-x']);
    expect(await again.store.read((sql) => sql.scalar('SELECT count(*) FROM operators'))).toBe(1);
    await again.store.close();
  });

  it('a later checkpoint, once the segment can be made, succeeds and loses nothing', async () => {
    const path = tempStore();
    const s = await open(path);
    await s.store.append('a', [ev('a1')]);
    const next = segmentPath(path, 2);
    mkdirSync(next);
    await expect(s.store.checkpoint()).rejects.toThrow();
    await s.store.append('a', [ev('a2')]);
    rmdirSync(next);
    await s.store.checkpoint();
    expect(listSegments(path).map((x) => x.seq)).toEqual([2]);
    await s.store.append('a', [ev('a3')]);
    s.store.abandon();
    const again = await open(path);
    expect(ids(await allEvents(again.store))).toEqual(['a1', 'a2', 'a3']);
    await again.store.close();
  });
});
