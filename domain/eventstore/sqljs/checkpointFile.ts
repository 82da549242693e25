/**
 * The checkpoint file: the SQLite database, then the checksums written with it.
 *
 *   [database bytes][body][u32 body length][u32 crc32(body)][8 bytes "CRDOPSUM"]
 *
 * The body holds a crc32 of every 1 MiB chunk of the database bytes and the journal segment the
 * checkpoint continues with. The checksums are computed from the bytes in memory as they are
 * written (never by reading the file back), and checked chunk by chunk as the file is read on
 * open, so that neither has to read the file twice. SQLite is given the database bytes only.
 * A checkpoint written by an older CardOps has no trailer: it opens as before (checked with
 * `quick_check`), and its next checkpoint has checksums.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { StoreError } from '../types.js';

export const SUM_CHUNK = 1 << 20;
const MAGIC = 'CRDOPSUM';
const FOOTER = 16;
const FORMAT = 1;
/** version, chunk size, database length, segment, head, chunk count. */
const BODY_FIXED = 4 + 4 + 8 + 8 + 8 + 4;
/** Chunks checked per read: a read is 64 MiB. */
const CHUNKS_PER_READ = 64;

export interface CheckpointSums {
  /** The journal segment the checkpoint continues with: it and every later one hold what followed. */
  readonly continuesWith: number;
  /** The log position the checkpoint holds up to. */
  readonly head: number;
}

export interface LoadedCheckpoint {
  /** The database bytes, for SQLite. */
  readonly bytes: Buffer;
  /** Undefined for a checkpoint of an older CardOps, written without checksums. */
  readonly sums: CheckpointSums | undefined;
}

/** The crc32 of each SUM_CHUNK of `bytes`, giving the event loop a turn every 64 MiB. */
export async function chunkSums(bytes: Uint8Array): Promise<Uint32Array> {
  const count = Math.ceil(bytes.length / SUM_CHUNK);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = crc32(bytes.subarray(i * SUM_CHUNK, Math.min(bytes.length, (i + 1) * SUM_CHUNK)));
    if (i % CHUNKS_PER_READ === CHUNKS_PER_READ - 1) await new Promise<void>((r) => setImmediate(r));
  }
  return out;
}

/** The bytes that follow the database in the checkpoint file. */
export function encodeTrailer(dataLength: number, sums: Uint32Array, info: CheckpointSums): Buffer {
  const bodyLength = BODY_FIXED + sums.length * 4;
  const out = Buffer.alloc(bodyLength + FOOTER);
  let at = 0;
  at = out.writeUInt32LE(FORMAT, at);
  at = out.writeUInt32LE(SUM_CHUNK, at);
  at = out.writeDoubleLE(dataLength, at);
  at = out.writeDoubleLE(info.continuesWith, at);
  at = out.writeDoubleLE(info.head, at);
  at = out.writeUInt32LE(sums.length, at);
  for (const s of sums) at = out.writeUInt32LE(s, at);
  at = out.writeUInt32LE(bodyLength, at);
  at = out.writeUInt32LE(crc32(out.subarray(0, bodyLength)), at);
  out.write(MAGIC, at, 'latin1');
  return out;
}

function corrupt(path: string, why: string, details: Record<string, unknown> = {}): StoreError {
  return new StoreError('STORE_CORRUPT', `the checkpoint ${path} is damaged (${why}); nothing was changed. Restore it from a backup; the journal beside it is kept.`, { path, ...details });
}

/** The database's length by its SQLite header, when the header's page count is valid. */
function databaseLength(bytes: Buffer): number | undefined {
  if (bytes.length < 100 || bytes.toString('latin1', 0, 16) !== 'SQLite format 3\0') return undefined;
  const raw = bytes.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  const pages = bytes.readUInt32BE(28);
  // The page count in the header counts only when it was written with the last change.
  if (pages === 0 || bytes.readUInt32BE(24) !== bytes.readUInt32BE(92)) return undefined;
  return pages * pageSize;
}

function readAt(fd: number, into: Buffer, at: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, into, at + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/**
 * Reads a checkpoint file. With checksums, every chunk is checked as it is read, and a mismatch
 * is refused with STORE_CORRUPT naming the file and the bytes. Without (an older CardOps), the
 * whole file is the database.
 */
export function readCheckpointFile(path: string): LoadedCheckpoint {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const footer = Buffer.alloc(FOOTER);
    const hasTrailer = size >= FOOTER && readAt(fd, footer, 0, FOOTER, size - FOOTER) === FOOTER && footer.toString('latin1', 8, 16) === MAGIC;
    if (!hasTrailer) {
      const bytes = Buffer.allocUnsafe(size);
      const n = readAt(fd, bytes, 0, size, 0);
      const database = databaseLength(bytes);
      // An older CardOps wrote the database alone; bytes after it are checksums whose end is lost.
      if (database !== undefined && n > database) throw corrupt(path, `it has ${n - database} bytes after the database that are not whole checksums: its end is damaged or cut off`, { offset: database });
      return { bytes: n === size ? bytes : bytes.subarray(0, n), sums: undefined };
    }
    const bodyLength = footer.readUInt32LE(0);
    if (bodyLength < BODY_FIXED || bodyLength > size - FOOTER) throw corrupt(path, `the checksums at its end are damaged: they claim ${bodyLength} bytes`, { offset: size - FOOTER });
    const bodyAt = size - FOOTER - bodyLength;
    const body = Buffer.alloc(bodyLength);
    readAt(fd, body, 0, bodyLength, bodyAt);
    if (crc32(body) !== footer.readUInt32LE(4)) throw corrupt(path, `the checksums at its end (byte ${bodyAt}) are damaged`, { offset: bodyAt });
    const format = body.readUInt32LE(0);
    if (format !== FORMAT) throw corrupt(path, `its checksums are in format ${format}, which this CardOps does not know`, { offset: bodyAt });
    const chunk = body.readUInt32LE(4);
    const dataLength = body.readDoubleLE(8);
    const continuesWith = body.readDoubleLE(16);
    const head = body.readDoubleLE(24);
    const count = body.readUInt32LE(32);
    if (dataLength !== bodyAt) throw corrupt(path, `the file holds ${bodyAt} bytes of database, and its checksums are for ${dataLength}`, { offset: bodyAt });
    if (chunk <= 0 || count !== Math.ceil(dataLength / chunk) || bodyLength !== BODY_FIXED + count * 4) throw corrupt(path, 'its checksums do not fit the file', { offset: bodyAt });
    const bytes = Buffer.allocUnsafe(dataLength);
    const piece = chunk * CHUNKS_PER_READ;
    for (let at = 0; at < dataLength; at += piece) {
      const length = Math.min(piece, dataLength - at);
      if (readAt(fd, bytes, at, length, at) !== length) throw corrupt(path, `it ends early, at byte ${at}`, { offset: at });
      for (let c = at; c < at + length; c += chunk) {
        const index = c / chunk;
        const end = Math.min(c + chunk, dataLength);
        if (crc32(bytes.subarray(c, end)) !== body.readUInt32LE(BODY_FIXED + index * 4)) {
          throw corrupt(path, `bytes ${c} to ${end - 1} (chunk ${index} of ${count}) do not match the checksum written with them: the file was changed or damaged after it was written`, { offset: c, chunk: index });
        }
      }
    }
    return { bytes, sums: { continuesWith, head } };
  } finally {
    closeSync(fd);
  }
}
