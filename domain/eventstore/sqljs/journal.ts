/**
 * The journal: an append-only log of committed transactions, in numbered segment files.
 *
 * A record is `[u32 payload length][u32 crc32(payload)][payload]`, little-endian. The payload
 * starts with a format byte and holds the transaction's events, positions included, so that
 * replaying a record rebuilds exactly what was committed. A record is fsync'd before the
 * transaction commits in memory and before the command is acknowledged.
 */
import { closeSync, existsSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { StoreError, type EventMetadata, type StoredEvent } from '../types.js';

const FORMAT = 1;
const HEADER = 8;

/** One journaled event: the stored event with its data and metadata already as JSON text. */
export interface JournalEvent {
  readonly position: number;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly dataJson: string;
  readonly metadataJson: string;
  readonly recordedAt: string;
}

class Writer {
  buf = Buffer.allocUnsafe(1 << 16);
  at = HEADER;
  ensure(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.at++] = v;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.at);
    this.at += 4;
  }
  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.at);
    this.at += 8;
  }
  str(s: string): void {
    this.ensure(4 + s.length * 3);
    const n = this.buf.write(s, this.at + 4, 'utf8');
    this.buf.writeUInt32LE(n, this.at);
    this.at += 4 + n;
  }
}

/** Encodes one transaction as a complete record, header included. */
export function encodeRecord(events: readonly JournalEvent[]): Buffer {
  const w = new Writer();
  w.u8(FORMAT);
  w.u32(events.length);
  for (const e of events) {
    w.f64(e.position);
    w.str(e.streamId);
    w.f64(e.streamPosition);
    w.str(e.eventId);
    w.str(e.type);
    w.u32(e.schemaVersion);
    w.str(e.dataJson);
    w.str(e.metadataJson);
    w.str(e.recordedAt);
  }
  const payloadLength = w.at - HEADER;
  w.buf.writeUInt32LE(payloadLength, 0);
  w.buf.writeUInt32LE(crc32(w.buf.subarray(HEADER, w.at)), 4);
  return w.buf.subarray(0, w.at);
}

function decodePayload(p: Buffer): JournalEvent[] {
  let at = 0;
  const u32 = (): number => {
    const v = p.readUInt32LE(at);
    at += 4;
    return v;
  };
  const f64 = (): number => {
    const v = p.readDoubleLE(at);
    at += 8;
    return v;
  };
  const str = (): string => {
    const n = u32();
    const s = p.toString('utf8', at, at + n);
    at += n;
    return s;
  };
  const format = p[at++];
  if (format !== FORMAT) throw new Error(`unknown journal record format ${format}`);
  const count = u32();
  const out: JournalEvent[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      position: f64(),
      streamId: str(),
      streamPosition: f64(),
      eventId: str(),
      type: str(),
      schemaVersion: u32(),
      dataJson: str(),
      metadataJson: str(),
      recordedAt: str(),
    });
  }
  if (at !== p.length) throw new Error('journal record has trailing bytes');
  return out;
}

export function toStoredEvent(e: JournalEvent): StoredEvent {
  return {
    position: e.position,
    streamId: e.streamId,
    streamPosition: e.streamPosition,
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: JSON.parse(e.dataJson) as unknown,
    metadata: JSON.parse(e.metadataJson) as EventMetadata,
    recordedAt: e.recordedAt,
  };
}

/**
 * The seal: a record of no events, written at the end of a segment once the next one exists
 * (an older CardOps reads it as an empty transaction). A sealed segment that is the newest one
 * found means its successor is missing.
 */
export const SEAL: Buffer = Buffer.from(encodeRecord([]));

export interface SegmentRead {
  readonly records: JournalEvent[][];
  /** Byte length of the valid records; a torn tail starts here. */
  readonly validLength: number;
  readonly tornTail: boolean;
  /** What the torn tail looked like, for the warning. */
  readonly tornWhy?: string;
  /** The segment ends with a seal: a later one was made before it was sealed. */
  readonly sealed?: boolean;
}

/**
 * Reads one segment. A damaged record at the very end is a torn write from a crash: it was
 * never acknowledged, so it is reported for dropping. So are zero bytes after the last whole
 * record (a file system can leave a write cut short as zeros, or preallocate them). A damaged
 * record followed by more data is damage to an acknowledged record (a record is written only
 * once the one before it is durable), and stops the open.
 */
export function readSegment(file: string, isLast: boolean): SegmentRead {
  const bytes = readFileSync(file);
  const records: JournalEvent[][] = [];
  let at = 0;
  while (at < bytes.length) {
    const start = at;
    const corrupt = (why: string): never => {
      throw new StoreError('STORE_CORRUPT', `journal segment ${file} is damaged at byte ${start} (${why}); nothing was changed. Restore the store from a backup; or, to give up the transactions from byte ${start} on, cut the segment there (truncate -s ${start}) and move any later segments aside.`, { file, offset: start });
    };
    // Only the very end of the newest segment that holds anything (`isLast`) can be a write cut
    // short by a crash, and nothing whole follows such a write (a damaged length can make a
    // record seem to run past the end).
    const torn = (why: string): SegmentRead => {
      if (!isLast) return corrupt(`${why}, and it is not the last segment`);
      if (wholeRecordAfter(bytes, start)) return corrupt(`${why}, with a whole record after it: a record that was acknowledged is damaged`);
      return { records, validLength: start, tornTail: true, tornWhy: why };
    };
    if (at + HEADER > bytes.length) return torn(zeroFrom(bytes, at) ? 'zero bytes' : 'an incomplete header');
    const length = bytes.readUInt32LE(at);
    const sum = bytes.readUInt32LE(at + 4);
    // No record is empty: zeros where a record should start are a zero-filled tail, or damage.
    if (length === 0) return torn(zeroFrom(bytes, at) ? `a zero-filled tail of ${bytes.length - at} bytes` : 'zero bytes where a record should start');
    const end = at + HEADER + length;
    if (end > bytes.length) return torn('an incomplete record');
    const payload = bytes.subarray(at + HEADER, end);
    if (crc32(payload) !== sum) {
      // Only the last record can have been in flight; nothing but zeros follows a torn write.
      if (zeroFrom(bytes, end)) return torn(end === bytes.length ? 'a checksum mismatch in the last record' : 'a checksum mismatch in the last record, then zero bytes');
      corrupt('checksum mismatch in a record with more data after it: a record that was acknowledged is damaged');
    }
    try {
      records.push(decodePayload(payload));
    } catch (e) {
      throw new StoreError('STORE_CORRUPT', `journal segment ${file} has an unreadable record at byte ${start}: ${(e as Error).message}; nothing was changed.`, { file, offset: start });
    }
    at = end;
  }
  return { records, validLength: at, tornTail: false, sealed: records.length > 0 && records[records.length - 1]!.length === 0 };
}

/** Whether every byte from `from` to the end is zero (true for none). */
function zeroFrom(bytes: Buffer, from: number): boolean {
  for (let at = from; at < bytes.length; at++) if (bytes[at] !== 0) return false;
  return true;
}

/** Whether a whole record (with a matching checksum) starts after `from`. */
function wholeRecordAfter(bytes: Buffer, from: number): boolean {
  for (let at = from + 1; at + HEADER < bytes.length; at++) {
    const end = at + HEADER + bytes.readUInt32LE(at);
    if (end > bytes.length || end === at + HEADER || bytes[at + HEADER] !== FORMAT) continue;
    if (crc32(bytes.subarray(at + HEADER, end)) === bytes.readUInt32LE(at + 4)) return true;
  }
  return false;
}

const SEGMENT_RE = /\.journal-(\d{6,})$/;

export function segmentPath(dbPath: string, seq: number): string {
  return `${dbPath}.journal-${String(seq).padStart(6, '0')}`;
}

/** The journal segments of a store, oldest first. */
export function listSegments(dbPath: string): { seq: number; file: string }[] {
  const dir = dirname(dbPath);
  const base = basename(dbPath);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${base}.journal-`))
    .map((f) => ({ m: SEGMENT_RE.exec(f), f }))
    .filter((x): x is { m: RegExpExecArray; f: string } => x.m !== null)
    .map((x) => ({ seq: Number(x.m[1]), file: join(dir, x.f) }))
    .sort((a, b) => a.seq - b.seq);
}

/**
 * The segments to replay on open, oldest first. Segments are numbered without gaps, and a
 * checkpoint names the segment it continues with (`continuesWith`, from its checksums; a store
 * without a checkpoint starts at segment 1), so a missing one, the first after the checkpoint
 * included, is refused with STORE_CORRUPT naming it. Segments older than the checkpoint's are
 * left over from a crash before they were deleted; they hold nothing to replay. A checkpoint of
 * an older CardOps does not say where it continues: only gaps are refused then.
 */
export function segmentsToReplay(dbPath: string, checkpoint: { readonly existed: boolean; readonly continuesWith: number | undefined }): { seq: number; file: string }[] {
  const all = listSegments(dbPath);
  const from = checkpoint.existed ? checkpoint.continuesWith : 1;
  const segments = from === undefined ? all : all.filter((s) => s.seq >= from);
  const missing = (seq: number, why: string): never => {
    throw missingSegment(dbPath, seq, why);
  };
  if (from !== undefined && (checkpoint.existed || segments.length > 0) && segments[0]?.seq !== from) {
    missing(from, checkpoint.existed ? `the checkpoint ${dbPath} continues with it` : 'the store has no checkpoint, so its journal starts with segment 1');
  }
  for (let i = 1; i < segments.length; i++) {
    const prev = segments[i - 1]!.seq;
    if (segments[i]!.seq !== prev + 1) missing(prev + 1, `segments ${prev} and ${segments[i]!.seq} are there`);
  }
  return segments;
}

/** The refusal of a store whose journal segment `seq` is missing. */
export function missingSegment(dbPath: string, seq: number, why: string): StoreError {
  const file = segmentPath(dbPath, seq);
  return new StoreError('STORE_CORRUPT', `the journal segment ${file} is missing (${why}): the commands it held would be lost; nothing was changed. Put the segment back, or restore the store's folder from a backup; or, to give up those commands, put an empty file in its place and move any later segments aside.`, { file, segment: seq });
}

/** A journal write that failed; nothing of it counts. */
export class JournalWriteError extends Error {
  readonly errno: string | undefined;
  constructor(
    readonly file: string,
    cause: unknown,
    readonly cutBackFailed: boolean,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.errno = (cause as NodeJS.ErrnoException | undefined)?.code;
  }
}

/** Makes a folder's entries (a new or renamed file's name) durable. */
export function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fdatasyncSync(fd);
  } catch {
    /* some file systems cannot fsync a folder */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** An open segment that records are appended to. */
export class SegmentWriter {
  private fd: number;
  private size: number;
  constructor(
    readonly file: string,
    readonly seq: number,
  ) {
    const isNew = !existsSync(file);
    this.fd = openSync(file, 'a+');
    try {
      this.size = fstatSync(this.fd).size;
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
    // A new segment's name must be durable before it holds anything acknowledged.
    if (isNew) fsyncDirSync(dirname(file));
  }
  get bytes(): number {
    return this.size;
  }
  /**
   * Writes a record and makes it durable. On failure the segment is cut back to where it was;
   * if even that fails, the error says so (`cutBackFailed`), and the store must stop writing.
   */
  appendDurable(record: Buffer): void {
    const before = this.size;
    try {
      let off = 0;
      while (off < record.length) off += writeSync(this.fd, record, off, record.length - off);
      fdatasyncSync(this.fd);
      this.size += record.length;
    } catch (e) {
      let cutBackFailed = false;
      try {
        ftruncateSync(this.fd, before);
      } catch {
        cutBackFailed = true;
      }
      throw new JournalWriteError(this.file, e, cutBackFailed);
    }
  }
  truncate(length: number): void {
    ftruncateSync(this.fd, length);
    fdatasyncSync(this.fd);
    this.size = length;
  }
  close(): void {
    closeSync(this.fd);
  }
}
