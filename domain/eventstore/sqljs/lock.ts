/**
 * One process owns a store, and the exclusion dies with its process: the owner listens on a
 * local socket (a unix domain socket; on Windows a named pipe). The kernel closes it when the
 * process ends, however it ends, so there is no lock state for anyone to judge stale.
 *
 * A named pipe disappears with its process, so on Windows listening on the store's pipe is the
 * whole lock. A unix socket leaves its file behind, refusing connections; binding that path
 * again needs the file removed first, and two processes that both remove a dead file and bind
 * could each believe they hold the lock. So the socket files are numbered generations in a
 * directory of the store's own (`/tmp/cardops-<hash of the store's real path>/o<gen>.sock`,
 * short enough for the ~104-byte limit of a socket path whatever the store's path):
 *
 * 1. each contender listens on a private socket first (`c<pid>-<random>.sock`);
 * 2. it looks at the highest generation g: a socket that answers the CardOps hello is the
 *    owner (STORE_LOCKED); one that refuses connections is dead, and the contender hard-links
 *    its private socket (already listening, so never seen half-made) as generation g + 1.
 *    link(2) is exclusive: one contender gets each generation, the others look again;
 * 3. the one that got g + 1 owns the store if no higher generation exists then.
 *
 * Nothing is ever unlinked that a contender could still take for the lock: the highest
 * generation stays until a higher one exists (a clean release only stops listening), and an
 * owner removes only the generations below its own. A dead generation can only have been taken
 * over by a contender that found it dead, so two live owners would need one of them to have
 * found the other's listening socket dead.
 *
 * The pid file beside the store (`<store>.lock`, the owner's pid) is for people and for older
 * CardOps versions, which respect it; this version decides by the socket alone, so a pid file
 * left by an older version or a crash never blocks opening.
 */
import { createHash, randomBytes } from 'node:crypto';
import { linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { StoreError } from '../types.js';

export interface StoreLock {
  release(): void;
}

/** How long a process that accepted a connection on the lock socket has to say it is CardOps. */
const HELLO_TIMEOUT_MS = 3000;
const APP = 'cardops';
const TOUCH_EVERY_MS = 60 * 60 * 1000;

interface Hello {
  readonly app: typeof APP;
  readonly pid: number;
  readonly store: string;
  readonly role: 'candidate' | 'owner';
}

/** The store's path with its folder's symbolic links resolved: every spelling of one store gives one lock. */
function realStorePath(dbPath: string): string {
  try {
    return realpathSync(dbPath);
  } catch {
    return join(realpathSync(dirname(dbPath)), basename(dbPath));
  }
}

function storeHash(real: string): string {
  const key = process.platform === 'win32' ? real.toLowerCase() : real;
  return createHash('sha256').update(key).digest('hex').slice(0, 24);
}

/** Where a store's lock sockets live (not beside the store: its path may be too long for a socket). */
export function lockSocketDir(dbPath: string): string {
  return join('/tmp', `cardops-${storeHash(realStorePath(dbPath))}`);
}

type Probe = { readonly kind: 'cardops'; readonly pid: number } | { readonly kind: 'dead' } | { readonly kind: 'gone' } | { readonly kind: 'foreign'; readonly why: string; readonly silent?: true };

/** Connects to a lock socket and reads the owner's hello. */
function probe(path: string, real: string): Promise<Probe> {
  return new Promise((resolve) => {
    let text = '';
    let settled = false;
    const sock = connect(path);
    const done = (p: Probe): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(p);
    };
    const timer = setTimeout(() => done({ kind: 'foreign', why: `it accepted a connection but did not answer as CardOps within ${HELLO_TIMEOUT_MS / 1000} s`, silent: true }), HELLO_TIMEOUT_MS);
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      text += chunk;
      const nl = text.indexOf('\n');
      if (nl < 0 && text.length < 4096) return;
      const hello = parseHello(text.slice(0, nl < 0 ? undefined : nl));
      if (!hello) done({ kind: 'foreign', why: 'it answered, but not as CardOps' });
      else if (process.platform === 'win32' ? hello.store.toLowerCase() !== real.toLowerCase() : hello.store !== real) done({ kind: 'foreign', why: `it is a CardOps process (pid ${hello.pid}) that holds another store, ${hello.store}` });
      else done({ kind: 'cardops', pid: hello.pid });
    });
    sock.on('end', () => done({ kind: 'foreign', why: 'it closed the connection without answering as CardOps' }));
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') done({ kind: 'dead' });
      else if (e.code === 'ENOENT') done({ kind: 'gone' });
      else done({ kind: 'foreign', why: `connecting to it failed with ${e.code ?? e.message}` });
    });
  });
}

function parseHello(line: string): Hello | undefined {
  try {
    const v = JSON.parse(line) as Partial<Hello> | null;
    if (v && v.app === APP && Number.isSafeInteger(v.pid) && typeof v.store === 'string') return v as Hello;
  } catch {
    /* not JSON */
  }
  return undefined;
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** The lock's own server: it tells whoever connects who holds the store (later, the CLI may talk to the owner here). */
function lockServer(real: string, role: () => Hello['role']): Server {
  const server = createServer((conn) => {
    conn.on('error', () => undefined);
    conn.unref();
    const hello: Hello = { app: APP, pid: process.pid, store: real, role: role() };
    conn.end(`${JSON.stringify(hello)}\n`);
  });
  return server;
}

function lockedBy(pid: number, dbPath: string, socket: string): StoreError {
  if (pid === process.pid) return new StoreError('STORE_LOCKED', `store already open in this process (${dbPath})`, { pid, dbPath, socket });
  return new StoreError('STORE_LOCKED', `store in use by process ${pid} (${dbPath}); close that CardOps first, or wait for it to finish`, { pid, dbPath, socket });
}

/** The pid in the store's pid file, if that process is alive (for a message only: a pid may have been reused). */
function pidFileOwner(dbPath: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(`${dbPath}.lock`, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

function heldByStranger(dbPath: string, socket: string, p: Extract<Probe, { kind: 'foreign' }>): StoreError {
  const why = p.why;
  // Most likely a CardOps that is busy (opening a large store, say): say who, from its pid file.
  const pid = p.silent ? pidFileOwner(dbPath) : undefined;
  if (pid !== undefined && pid !== process.pid) {
    return new StoreError('STORE_LOCKED', `store in use by process ${pid} (${dbPath}), which is busy: its lock socket ${socket} did not answer within ${HELLO_TIMEOUT_MS / 1000} s; wait for it to finish, or close that CardOps first`, { pid, dbPath, socket });
  }
  return new StoreError(
    'STORE_LOCKED',
    `the store ${dbPath} is locked: its lock socket ${socket} is held by a process that is not this store's CardOps (${why}). ` +
      `If a CardOps is busy opening or working on the store, wait and try again; otherwise find the process that listens on ${socket} ` +
      `(\`lsof ${socket}\`, or \`ss -xlp | grep ${basename(socket)}\`) and stop it; then open the store again. Nothing was changed.`,
    { dbPath, socket },
  );
}

/** Writes the pid file for people and older versions (atomically, so a reader never sees half of it). */
function writePidFile(dbPath: string): void {
  const tmp = `${dbPath}.lock.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, String(process.pid));
    renameSync(tmp, `${dbPath}.lock`);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      /* never made */
    }
  }
}

function removePidFile(dbPath: string): void {
  const file = `${dbPath}.lock`;
  try {
    if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
  } catch {
    /* already gone */
  }
}

/** Takes the store's lock or throws STORE_LOCKED saying who holds it and what to do. */
export async function acquireLock(dbPath: string): Promise<StoreLock> {
  const real = realStorePath(dbPath);
  try {
    return await (process.platform === 'win32' ? acquirePipe(dbPath, real) : acquireSocket(dbPath, real));
  } catch (e) {
    if (e instanceof StoreError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new StoreError('STORE_UNAVAILABLE', `could not lock the store ${dbPath}: making its lock socket failed (${err.code ?? err.message}${err.path ? `, ${err.path}` : ''}); check that ${process.platform === 'win32' ? 'named pipes can be made' : 'the folder /tmp can be written to'}, then open it again; nothing was changed`, { dbPath, cause: err.code ?? err.message });
  }
}

async function acquirePipe(dbPath: string, real: string): Promise<StoreLock> {
  const pipe = `\\\\.\\pipe\\cardops-${storeHash(real)}`;
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = lockServer(real, () => 'owner');
    try {
      await listen(server, pipe);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      const p = await probe(pipe, real);
      if (p.kind === 'cardops') throw lockedBy(p.pid, dbPath, pipe);
      if (p.kind === 'foreign') throw heldByStranger(dbPath, pipe, p);
      continue; // closed meanwhile: try again
    }
    server.unref();
    writePidFile(dbPath);
    return release(server, dbPath);
  }
  throw new StoreError('STORE_LOCKED', `could not lock the store ${dbPath}: other processes keep taking and releasing it`, { dbPath, socket: pipe });
}

function release(server: Server, dbPath: string, after: () => void = () => undefined): StoreLock {
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      removePidFile(dbPath);
      server.close(); // closes the listening socket at once; a contender now finds it dead
      after();
    },
  };
}

const GEN = /^o(\d+)\.sock$/;

function generations(dir: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync(dir)) {
    const m = GEN.exec(name);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

/** The socket directory, made private to this user; refuses one another user could tamper with. */
function socketDir(dbPath: string): string {
  const dir = lockSocketDir(dbPath);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) {
    throw new StoreError('STORE_LOCKED', `the lock folder ${dir} of the store ${dbPath} is not a folder of this user's that only this user can write to; remove it (no CardOps may be running on this store), then open the store again`, { dbPath, dir });
  }
  return dir;
}

async function acquireSocket(dbPath: string, real: string): Promise<StoreLock> {
  const dir = socketDir(dbPath);
  let role: Hello['role'] = 'candidate';
  const server = lockServer(real, () => role);
  const mine = join(dir, `c${process.pid}-${randomBytes(6).toString('hex')}.sock`);
  await listen(server, mine);
  server.unref();
  const gen = (g: number): string => join(dir, `o${g}.sock`);
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      const top = generations(dir).at(-1);
      let next = 1;
      if (top !== undefined) {
        const p = await probe(gen(top), real);
        if (p.kind === 'gone') continue;
        if (p.kind === 'cardops') throw lockedBy(p.pid, dbPath, gen(top));
        if (p.kind === 'foreign') throw heldByStranger(dbPath, gen(top), p);
        next = top + 1; // dead: its owner is gone
      }
      try {
        linkSync(mine, gen(next));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue; // another contender got it: look again
        throw e;
      }
      if (generations(dir).some((g) => g > next)) continue; // a later generation exists: its holder decides
      role = 'owner';
      for (const g of generations(dir)) if (g < next) unlinkQuietly(gen(g));
      unlinkQuietly(mine);
      writePidFile(dbPath);
      // Cleaners of /tmp remove what was not touched for days: keep the lock looking fresh.
      const touch = setInterval(() => {
        const now = new Date();
        for (const p of [dir, gen(next)]) {
          try {
            utimesSync(p, now, now);
          } catch {
            /* best effort */
          }
        }
      }, TOUCH_EVERY_MS);
      touch.unref();
      return release(server, dbPath, () => clearInterval(touch));
    }
    throw new StoreError('STORE_LOCKED', `could not lock the store ${dbPath}: other processes keep taking and releasing it; try again`, { dbPath, socket: dir });
  } catch (e) {
    server.close();
    unlinkQuietly(mine);
    throw e;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* gone already */
  }
}
