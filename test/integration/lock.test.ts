/**
 * One owner per store: many processes opening one store at the same instant against a dead
 * owner's leftovers, a lock held by a live process that is not CardOps, and pid files of older
 * versions. Real processes and files under the OS temp dir.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../domain/open.js';
import { lockSocketDir } from '../../domain/eventstore/sqljs/lock.js';
import { SqlJsEventStore } from '../../domain/eventstore/sqljs/store.js';
import { StoreError } from '../../domain/eventstore/types.js';
import { allEvents, ev, ROOT, removeTempStores, spawnFixture, tempStore } from './fixtures/helpers.js';
import type { RaceCommand, RaceReport } from './fixtures/open-race.js';

afterAll(removeTempStores);

const CHILDREN = 8;
const ROUNDS = 100;
const quiet = { log: () => undefined, idleCheckpointMs: 0 } as const;

/** The pid of a process that has exited: what a crashed owner leaves in its pid file. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  expect(r.status).toBe(0);
  return r.pid;
}

/** The rejection of an open, as a StoreError (fails the test if the open succeeds). */
async function openFails(path: string): Promise<StoreError> {
  let store: SqlJsEventStore | undefined;
  try {
    store = await SqlJsEventStore.open({ path, ...quiet });
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    return e as StoreError;
  }
  store.abandon();
  throw new Error(`the store at ${path} opened, but it should have been refused`);
}

interface Racer {
  readonly child: ChildProcess;
  readonly reports: RaceReport[];
  next(kind: RaceReport['kind']): Promise<RaceReport>;
  send(c: RaceCommand): void;
}

function racer(path: string): Racer {
  const child = fork(join(ROOT, 'test/integration/fixtures/open-race.ts'), [path], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const reports: RaceReport[] = [];
  const waiting: { kind: RaceReport['kind']; resolve: (r: RaceReport) => void; reject: (e: Error) => void }[] = [];
  child.once('exit', (code, signal) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`a racer exited (code ${code}, signal ${signal}) while the test waited for "${w.kind}"`));
  });
  child.on('message', (r: RaceReport) => {
    const w = waiting.findIndex((x) => x.kind === r.kind || (x.kind === 'owned' && r.kind === 'locked'));
    if (w >= 0) waiting.splice(w, 1)[0]!.resolve(r);
    else reports.push(r);
  });
  return {
    child,
    reports,
    next(kind) {
      const i = reports.findIndex((r) => r.kind === kind || (kind === 'owned' && r.kind === 'locked'));
      if (i >= 0) return Promise.resolve(reports.splice(i, 1)[0]!);
      return new Promise((resolve, reject) => waiting.push({ kind, resolve, reject }));
    },
    send: (c) => void child.send(c),
  };
}

describe('one owner, always', () => {
  it(`${CHILDREN} processes open one store at the same instant against a dead owner's lock, ${ROUNDS} times: exactly one owns it each time, and nothing acknowledged is lost`, async () => {
    const path = tempStore('cardops-lock-');
    // A dead owner's leftovers: its lock socket (closed without a clean release) and its pid file.
    const first = await SqlJsEventStore.open({ path, ...quiet });
    first.abandon();
    const dead = deadPid();
    writeFileSync(`${path}.lock`, String(dead));

    const racers = Array.from({ length: CHILDREN }, () => racer(path));
    try {
      await Promise.all(racers.map((r) => r.next('ready')));
      const owners: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const answers = racers.map((r) => r.next('owned'));
        for (const r of racers) r.send({ kind: 'go', round });
        const results = await Promise.all(answers);
        const owned = racers.filter((_, i) => results[i]!.kind === 'owned');
        const refusals = results.flatMap((r) => (r.kind === 'locked' ? [r.code] : []));
        expect(refusals, `round ${round}: every process that did not get the store is refused with STORE_LOCKED`).toEqual(Array(CHILDREN - owned.length).fill('STORE_LOCKED'));
        expect(owned.length, `round ${round}: owners`).toBe(1);
        owners.push(owned[0]!.child.pid!);
        // The owner dies as a crash would: its lock is dead, its pid file names a gone process.
        await Promise.all(owned.map((r) => (r.send({ kind: 'drop' }), r.next('dropped'))));
        writeFileSync(`${path}.lock`, String(dead));
      }
      // Different processes won (the race is real, not one fast child every time).
      expect(new Set(owners).size).toBeGreaterThan(1);
    } finally {
      for (const r of racers) r.child.kill('SIGKILL');
      await Promise.all(racers.map((r) => (r.child.exitCode === null && r.child.signalCode === null ? once(r.child, 'exit') : undefined)));
    }
    const store = await SqlJsEventStore.open({ path, ...quiet });
    try {
      const rounds = (await allEvents(store)).map((e) => (e.data as { round: number }).round);
      expect(rounds).toEqual(Array.from({ length: ROUNDS }, (_, i) => i));
    } finally {
      await store.close();
    }
  });

  it('a pid file left by an older CardOps or a crash does not block opening, even when its pid is alive', async () => {
    const path = tempStore('cardops-lock-');
    // The pid of a live process (the one that started this test) that owns nothing.
    writeFileSync(`${path}.lock`, String(process.ppid));
    const store = await SqlJsEventStore.open({ path, ...quiet });
    expect(readFileSync(`${path}.lock`, 'utf8').trim()).toBe(String(process.pid));
    await store.append('a', [ev('a1')]);
    await store.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('a second open in the same process is refused, and the store opens again once closed', async () => {
    const path = tempStore('cardops-lock-');
    const store = await SqlJsEventStore.open({ path, ...quiet });
    const err = await openFails(path);
    expect(err.code).toBe('STORE_LOCKED');
    expect(err.message).toContain('already open in this process');
    await store.close();
    const again = await SqlJsEventStore.open({ path, ...quiet });
    await again.close();
  });

  it('a store whose path is longer than a socket path may be is locked like any other', async () => {
    const base = dirname(tempStore('cardops-lock-'));
    const deep = join(base, ...Array.from({ length: 6 }, (_, i) => `a-rather-long-folder-name-${i}`));
    mkdirSync(deep, { recursive: true });
    const path = join(deep, 'store.db');
    expect(path.length).toBeGreaterThan(120);
    const store = await openStore({ path, ...quiet });
    expect((await openFails(path)).code).toBe('STORE_LOCKED');
    await store.close();
    const again = await openStore({ path, ...quiet });
    await again.close();
    rmSync(lockSocketDir(path), { recursive: true, force: true });
  });

  it('an owner too busy to answer on its lock socket is not taken over: STORE_LOCKED naming its pid', async () => {
    const path = tempStore('cardops-lock-');
    const child = spawnFixture('busy-owner.ts', [path, '20000']);
    try {
      await child.waitForLine('ready ');
      const err = await openFails(path);
      expect(err.code).toBe('STORE_LOCKED');
      expect(err.message).toContain(`store in use by process ${child.pid}`);
      expect(err.message).toContain('busy');
    } finally {
      await child.kill();
    }
    const again = await SqlJsEventStore.open({ path, ...quiet });
    await again.close();
  });

  it('a lock held by a live process that is not CardOps is refused with STORE_LOCKED, naming the socket and saying how to clear it', async () => {
    const path = tempStore('cardops-lock-');
    const store = await SqlJsEventStore.open({ path, ...quiet });
    const held = await openFails(path);
    const socket = held.details.socket;
    expect(typeof socket).toBe('string');
    await store.close();
    // Another program takes the dead socket and listens on it, answering nothing CardOps knows.
    unlinkSync(socket as string);
    const stranger: Server = createServer((c) => c.end('HTTP/1.0 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => stranger.listen(socket as string, resolve));
    try {
      const err = await openFails(path);
      expect(err.code).toBe('STORE_LOCKED');
      expect(err.message).toContain(path);
      expect(err.message).toContain(socket as string);
      expect(err.message).toContain('not this store\'s CardOps');
      expect(err.message).toMatch(/stop it/);
    } finally {
      await new Promise((resolve) => stranger.close(resolve));
    }
    // Once it is gone, the store opens.
    const again = await SqlJsEventStore.open({ path, ...quiet });
    await again.close();
  });
});
