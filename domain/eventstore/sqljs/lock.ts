/**
 * One process owns a store. The lock is a file beside it that holds the owner's pid; a lock
 * whose process is gone is stale and is taken over.
 */
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { StoreError } from '../types.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface StoreLock {
  release(): void;
}

export function acquireLock(dbPath: string): StoreLock {
  const file = `${dbPath}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return {
        release() {
          try {
            if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
          } catch {
            /* already gone */
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(file, 'utf8').trim());
    } catch {
      continue; // released meanwhile
    }
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new StoreError('STORE_LOCKED', `store in use by process ${owner} (${dbPath}); close that CardOps first, or wait for it to finish`, { pid: owner, dbPath });
    }
    if (owner === process.pid) {
      throw new StoreError('STORE_LOCKED', `store already open in this process (${dbPath})`, { pid: owner, dbPath });
    }
    // Stale: move it aside atomically so that only one process takes it over.
    try {
      renameSync(file, `${file}.stale-${process.pid}`);
      unlinkSync(`${file}.stale-${process.pid}`);
    } catch {
      /* someone else took it over; try again */
    }
  }
  throw new StoreError('STORE_LOCKED', `could not lock the store ${dbPath}: another process keeps taking it`, { dbPath });
}
