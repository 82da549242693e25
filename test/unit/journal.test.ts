import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeRecord, readSegment, type JournalEvent } from '../../domain/eventstore/sqljs/journal.js';

const event = (position: number, data = '{"a":"ünïcode"}'): JournalEvent => ({
  position,
  streamId: `s-${position}`,
  streamPosition: 1,
  eventId: `e-${position}`,
  type: 'T',
  schemaVersion: 2,
  dataJson: data,
  metadataJson: '{"operator":"x"}',
  recordedAt: '2026-01-01T00:00:00.000Z',
});

describe('journal records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cardops-journal-'));

  it('round-trips a transaction exactly', () => {
    const file = join(dir, 'roundtrip');
    const records = [[event(1), event(2)], [event(3, '"x'.repeat(1000) + '"')]];
    writeFileSync(file, Buffer.concat(records.map(encodeRecord)));
    const read = readSegment(file, true);
    expect(read.tornTail).toBe(false);
    expect(read.records).toEqual(records);
  });

  it('round-trips strings of every kind: empty, ASCII, non-ASCII, astral, control characters', () => {
    const file = join(dir, 'strings');
    const kinds = ['', 'a', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(65), 'ü', `${'a'.repeat(63)}é`, 'é'.repeat(64), '😀', `id-${'😀'.repeat(20)}`, '\u0000\u007f\u0080', '\uFFFF', '"quoted" {json}'];
    const records = [kinds.map((k, i): JournalEvent => ({ ...event(i + 1), streamId: k, eventId: `${k}-${i}`, type: k, dataJson: k, metadataJson: k, recordedAt: k }))];
    writeFileSync(file, Buffer.concat(records.map(encodeRecord)));
    const read = readSegment(file, true);
    expect(read.tornTail).toBe(false);
    expect(read.records).toEqual(records);
  });

  it('reports a torn last record and where the valid part ends', () => {
    const file = join(dir, 'torn');
    const a = encodeRecord([event(1)]);
    const b = encodeRecord([event(2)]);
    writeFileSync(file, Buffer.concat([a, b.subarray(0, b.length - 3)]));
    const read = readSegment(file, true);
    expect(read).toMatchObject({ tornTail: true, validLength: a.length });
    expect(read.records).toHaveLength(1);
  });

  it('refuses damage that is not at the tail', () => {
    const file = join(dir, 'middle');
    const a = encodeRecord([event(1)]);
    const b = encodeRecord([event(2)]);
    const bytes = Buffer.concat([a, b]);
    bytes[12] = bytes[12]! ^ 0xff;
    writeFileSync(file, bytes);
    expect(() => readSegment(file, true)).toThrow(/damaged at byte 0/);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('refuses a torn record in a segment that is not the last', () => {
    const file = join(dir, 'older');
    const a = encodeRecord([event(1)]);
    writeFileSync(file, a.subarray(0, a.length - 1));
    expect(() => readSegment(file, false)).toThrow(/not the last segment/);
  });
});
