/**
 * The built backend host (out/main/host.js), the bundle Electron main forks as a utility
 * process: it opens the store at the default path ($CARDOPS_DB here), loads sql.js's wasm, says
 * it is ready, serves the protocol on each port main hands it, and closes the store when asked.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import type { ServerMessage } from '../../domain/backend/protocol.js';
import { openStore } from '../../domain/open.js';
import type { HostStatus } from '../../electron/host/serve.js';
import { findAppRoot } from '../../electron/web/rendererDir.js';

const root = findAppRoot();
const hostJs = join(root, 'out', 'main', 'host.js');
let dir: string;

beforeAll(async () => {
  if (!existsSync(hostJs)) throw new Error(`${hostJs} is not built: run \`npm run test:e2e\`, which builds it`);
  dir = mkdtempSync(join(tmpdir(), 'cardops-host-'));
  const store = await openStore({ path: join(dir, 'cardops.db') });
  await seedDemo(store, { accounts: 0, seed: 1 });
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startHost(dbPath: string): { worker: Worker; statuses: HostStatus[]; exited: Promise<number> } {
  const worker = new Worker(new URL('./support/host-worker.mjs', import.meta.url), {
    workerData: { hostUrl: pathToFileURL(hostJs).href },
    env: { ...process.env, CARDOPS_DB: dbPath },
  });
  const statuses: HostStatus[] = [];
  worker.on('message', (m: HostStatus) => statuses.push(m));
  const exited = new Promise<number>((resolve) => worker.on('exit', resolve));
  return { worker, statuses, exited };
}

async function until<T>(get: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = get();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the built backend host', () => {
  it('opens the store at $CARDOPS_DB, serves a port, and closes the store when asked', async () => {
    const dbPath = join(dir, 'cardops.db');
    const host = startHost(dbPath);
    expect(await until(() => host.statuses[0], 'the host status')).toEqual({ kind: 'ready', dbPath });
    expect(existsSync(`${dbPath}.lock`)).toBe(true);

    const { port1, port2 } = new MessageChannel();
    host.worker.postMessage({ data: { kind: 'connect' }, port: port1 }, [port1]);
    const inbox: ServerMessage[] = [];
    port2.on('message', (m: ServerMessage) => inbox.push(m));
    port2.postMessage({ kind: 'request', id: 7, method: 'auth.login', params: { operatorId: 'agent1', password: 'demo' } });
    const reply = await until(() => inbox.find((m) => m.kind === 'reply' && m.id === 7), 'the login reply');
    expect(reply).toMatchObject({ ok: true, result: { operatorId: 'agent1', role: 'agent' } });
    port2.postMessage({ kind: 'request', id: 8, method: 'operators.list', params: {} });
    expect(await until(() => inbox.find((m) => m.kind === 'reply' && m.id === 8), 'the list reply')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    port2.close();

    host.worker.postMessage({ data: { kind: 'shutdown' } });
    expect(await host.exited).toBe(0);
    expect(existsSync(`${dbPath}.lock`)).toBe(false);
  });

  it('says why it cannot open a store another process holds, and exits', async () => {
    const dbPath = join(dir, 'held.db');
    const holder = await openStore({ path: dbPath });
    try {
      const host = startHost(dbPath);
      const status = await until(() => host.statuses[0], 'the host status');
      expect(status).toMatchObject({ kind: 'fatal', code: 'STORE_LOCKED', dbPath });
      expect(await host.exited).toBe(2);
    } finally {
      await holder.close();
    }
  });
});
