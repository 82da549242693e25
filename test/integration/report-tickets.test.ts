/**
 * A report download ticket dies with the session that asked for it: after that connection signs
 * out, signs in as someone else, or disconnects, the ticket no longer downloads, neither through
 * the browser twin's route nor as the desktop app's report job. A ticket whose session lives on
 * still downloads (once).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import { openBackend } from '../../domain/open.js';
import { runReportJob } from '../../electron/host/reports.js';
import { startWebServer, type WebServer } from '../../electron/web/server.js';
import { removeTempStores, tempStore } from './fixtures/helpers.js';

const RUN = 'run-tickets';
let backend: Backend;
let server: WebServer;
let dir: string;

async function as(operatorId: string): Promise<Connection> {
  const c = backend.connect({ origin: 'test' });
  expect((await c.call('auth.login', { operatorId, password: 'demo' })).ok).toBe(true);
  return c;
}

async function ticket(c: Connection, format: 'csv' | 'html' = 'csv'): Promise<string> {
  const t = await c.call('reports.ticket', { runId: RUN, format });
  if (!t.ok) throw new Error(t.error.message);
  return t.value.ticket;
}

const download = (t: string): Promise<Response> => fetch(`${server.origin}/reports/download?ticket=${t}`);

beforeAll(async () => {
  const path = tempStore('cardops-tickets-');
  dir = join(path, '..');
  backend = await openBackend({ path, log: () => {} });
  await seedDemo(backend.store, { accounts: 20, seed: 4 });
  const super1 = await as('super1');
  const super2 = await as('super2');
  expect(await super1.call('commands.execute', { command: { type: 'PlanChargeRun', runId: RUN, period: '2026-12', fees: { default: 1_000 } } })).toMatchObject({ ok: true });
  expect(await super2.call('commands.execute', { command: { type: 'ApproveChargeRun', runId: RUN } })).toMatchObject({ ok: true });
  expect(await super2.call('commands.execute', { command: { type: 'StartChargeRun', runId: RUN } })).toMatchObject({ ok: true });
  expect(await super2.call('chargeRuns.wait', { runId: RUN })).toMatchObject({ ok: true, value: { status: 'completed' } });
  const staticDir = join(dir, 'static');
  mkdirSync(staticDir, { recursive: true });
  server = await startWebServer({ backend, staticDir });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await backend?.close();
  removeTempStores();
});

describe('a report ticket dies with the session that asked for it', () => {
  it('downloads while the session lasts', async () => {
    const c = await as('super2');
    const res = await download(await ticket(c));
    expect(res.status).toBe(200);
    expect((await res.text()).length).toBeGreaterThan(0);
  });

  it('no longer downloads after that connection signs out', async () => {
    const c = await as('super2');
    const t = await ticket(c);
    expect(await c.call('auth.logout', {})).toMatchObject({ ok: true });
    const res = await download(t);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('used already or has expired');
  });

  it('no longer downloads after that connection closes (a disconnect), while other sessions’ tickets still do', async () => {
    const c = await as('super2');
    const other = await as('super2');
    const t = await ticket(c);
    const kept = await ticket(other);
    c.close();
    expect((await download(t)).status).toBe(403);
    expect((await download(kept)).status).toBe(200);
  });

  it('no longer downloads after the connection signs in as someone else', async () => {
    const c = await as('super2');
    const t = await ticket(c);
    expect((await c.call('auth.login', { operatorId: 'agent1', password: 'demo' })).ok).toBe(true);
    expect((await download(t)).status).toBe(403);
  });

  it('the desktop app’s report job refuses the ticket of a session that ended', async () => {
    const c = await as('super2');
    const t = await ticket(c);
    await c.call('auth.logout', {});
    expect(await runReportJob(backend, { kind: 'report', id: 1, ticket: t, format: 'csv', path: join(dir, 'after-logout.csv') })).toMatchObject({ ok: false, code: 'TICKET_INVALID' });
  });
});
