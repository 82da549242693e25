/**
 * The backend host: a utility process, so that long work (a charge run over a million accounts)
 * never freezes the window. It opens the store at the default path and serves the protocol on
 * every MessagePort that main hands it, one port per window load.
 */
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { loadSqlJs } from '../../domain/eventstore/sqljs/store.js';
import { openBackend } from '../../domain/open.js';
import { startBackground } from '../platform/background.js';
import { defaultDbPath } from '../platform/paths.js';
import { servePort, type HostStatus, type PortLike } from './serve.js';
import { isReportJob, type ReportReply } from './reportProtocol.js';
import { runReportJob } from './reports.js';

/** Electron's MessagePortMain and ParentPort, as much of them as the host uses. */
interface MainPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(message: unknown): void;
  start(): void;
}
interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown; ports: MainPort[] }) => void): void;
  postMessage(message: HostStatus | ReportReply): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) throw new Error('electron/host runs inside Electron as a utility process; use `cardops serve` to run the backend from a terminal');

/** In a packaged app sql.js's wasm sits unpacked beside app.asar (electron-builder.yml: asarUnpack). */
function locateSqlJsFile(file: string): string {
  const dir = dirname(createRequire(import.meta.url).resolve('sql.js'));
  return join(dir, file).replace(`app.asar${sep}`, `app.asar.unpacked${sep}`);
}

const adapt = (port: MainPort): PortLike => ({
  onMessage: (l) => port.on('message', (e) => l(e.data)),
  onClose: (l) => port.on('close', l),
  postMessage: (m) => port.postMessage(m),
  start: () => port.start(),
});

const dbPath = defaultDbPath();
const backend = (async () => {
  await loadSqlJs(locateSqlJsFile);
  return openBackend({ path: dbPath });
})();

/** The renewal timer, the outbox dispatcher and the start-up recipient repair, once the store is open. */
const background = backend.then((b) => startBackground(b, dbPath));
// A store that did not open is reported below (`fatal`, exit 2); this promise must not crash the host first as an unhandled rejection.
background.catch(() => undefined);

backend.then(
  () => parentPort.postMessage({ kind: 'ready', dbPath }),
  (e: unknown) => {
    const code = typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : 'STORE_UNAVAILABLE';
    parentPort.postMessage({ kind: 'fatal', code, message: e instanceof Error ? e.message : String(e), dbPath });
    setTimeout(() => process.exit(2), 100);
  },
);

parentPort.on('message', (e) => {
  const kind = (e.data as { kind?: unknown } | null)?.kind;
  if (kind === 'shutdown') return void shutdown();
  if (isReportJob(e.data)) {
    const job = e.data;
    return void backend.then((b) => runReportJob(b, job)).then((reply) => parentPort.postMessage(reply));
  }
  const port = e.ports[0];
  if (kind === 'connect' && port) void backend.then((b) => servePort(b, adapt(port)));
});

/**
 * Main asks before it quits, or a SIGTERM comes: close the store cleanly (checkpoint, release
 * the lock), then exit 0. Once, however often it is asked; a failure on the way (a final
 * checkpoint that fails loses nothing: the journal has every acknowledged write) is said on
 * stderr, and the store is closed all the same.
 */
let stopping: Promise<void> | undefined;
function shutdown(): Promise<void> {
  stopping ??= (async () => {
    const warn = (what: string, e: unknown): void => void process.stderr.write(`cardops host: ${what} failed: ${e instanceof Error ? e.message : String(e)}\n`);
    let b: Awaited<typeof backend>;
    try {
      b = await backend;
    } catch {
      return process.exit(2); // it never opened (reported as fatal above)
    }
    try {
      await (await background).stop();
    } catch (e) {
      warn('stopping the background work', e);
    }
    try {
      await b.close();
    } catch (e) {
      warn('closing the store', e);
    }
    process.exit(0);
  })();
  return stopping;
}
process.on('SIGTERM', () => void shutdown());
