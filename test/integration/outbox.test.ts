/**
 * The outbox dispatcher against a real local HTTP sink started by the test: every message
 * arrives at least once (deduplicated by its id), a sink that is down makes the dispatcher back
 * off and then deliver, a message that keeps failing is parked and can be retried by hand, and a
 * dispatcher SIGKILLed in the middle of a delivery loses nothing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import { openBackend, openStore } from '../../domain/open.js';
import { backoffMs, OutboxDispatcher } from '../../domain/outbox/dispatcher.js';
import { folderSink, httpSink } from '../../domain/outbox/sinks.js';
import { runCli, runCliJson, spawnCli } from './fixtures/cli.js';
import { removeTempStores, tempStore } from './fixtures/helpers.js';

afterAll(removeTempStores);

interface TestSink {
  readonly url: string;
  readonly port: number;
  /** Every delivery, in order: the Idempotency-Key header. */
  readonly received: string[];
  /** Decides each request's answer; 200 unless it says otherwise. `'hang'`: never answer. */
  answer: (n: number, id: string) => number | 'hang';
  close(): Promise<void>;
}

async function startSink(port = 0): Promise<TestSink> {
  const received: string[] = [];
  const sink = { received, answer: (() => 200) as TestSink['answer'] };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const id = String(req.headers['idempotency-key']);
      const parsed = JSON.parse(body) as { id: string };
      expect(parsed.id).toBe(id);
      const a = sink.answer(received.length + 1, id);
      if (a === 'hang') return;
      if (a >= 200 && a < 300) received.push(id);
      res.writeHead(a).end();
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const actual = (server.address() as AddressInfo).port;
  return Object.assign(sink, {
    url: `http://127.0.0.1:${actual}/outbox`,
    port: actual,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

/** A free port that nothing listens on (yet). */
async function freePort(): Promise<number> {
  const s = await startSink();
  await s.close();
  return s.port;
}

/** Polls a condition (no timing is asserted: the test only waits, up to its own timeout). */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`never happened: ${what}`);
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * Things third parties hear about, done by operators on a seeded store (the seed's own made-up
 * history is not announced): every active card suspended and reactivated, a charge on every open
 * account. About three messages per account.
 */
async function activity(backend: Backend): Promise<void> {
  const agent = backend.connect({ origin: 'test' });
  const sup = backend.connect({ origin: 'test' });
  expect((await agent.call('auth.login', { operatorId: 'agent1', password: 'demo' })).ok).toBe(true);
  expect((await sup.call('auth.login', { operatorId: 'super1', password: 'demo' })).ok).toBe(true);
  const run = async (c: typeof agent, command: { type: string } & Record<string, unknown>): Promise<void> => {
    const r = await c.call('commands.execute', { command });
    if (!r.ok) throw new Error(`${command.type}: ${r.error.message}`);
  };
  const cards = await backend.store.read((sql) => sql.all<{ card_id: string }>("SELECT card_id FROM cards WHERE status = 'active' ORDER BY card_id").map((r) => r.card_id));
  for (const cardId of cards) {
    await run(agent, { type: 'DeactivateCard', cardId, reason: 'customer_request' });
    await run(agent, { type: 'ReactivateCard', cardId, reason: 'issue_resolved' });
  }
  const accounts = await backend.store.read((sql) => sql.all<{ account_id: string }>("SELECT account_id FROM accounts WHERE status = 'open' ORDER BY account_id").map((r) => r.account_id));
  for (const accountId of accounts) await run(sup, { type: 'PostCharge', accountId, chargeId: `CHG-OUTBOX-${accountId}`, amount: 500, description: 'Statement copy' });
}

async function seeded(accounts = 15): Promise<Backend> {
  const backend = await openBackend({ path: tempStore('cardops-outbox-'), log: () => {} });
  cleanups.push(() => backend.close());
  await seedDemo(backend.store, { accounts, seed: 7 });
  await activity(backend);
  return backend;
}

const allIds = (b: Backend) => b.store.read((sql) => sql.all<{ event_id: string }>('SELECT event_id FROM outbox ORDER BY position').map((r) => r.event_id));
const statusCounts = (b: Backend) => b.store.read((sql) => Object.fromEntries(sql.all<{ status: string; n: number }>('SELECT status, count(*) AS n FROM outbox GROUP BY status').map((r) => [r.status, r.n])));

describe('the outbox dispatcher', () => {
  it('delivers every message at least once to an HTTP endpoint and a folder, with the event id as the key', async () => {
    const backend = await seeded(25);
    const sink = await startSink();
    cleanups.push(() => sink.close());
    const dir = join(dirname(tempStore('cardops-outbox-dir-')), 'messages');
    const ids = await allIds(backend);
    expect(ids.length).toBeGreaterThan(50);
    const total = await new OutboxDispatcher({ store: backend.store, sinks: [httpSink(sink.url), folderSink(dir)], batchSize: 25 }).drain();
    expect(total).toEqual({ delivered: ids.length, failed: 0, parked: 0 });
    expect(new Set(sink.received)).toEqual(new Set(ids));
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(ids.length);
    expect(await statusCounts(backend)).toEqual({ delivered: ids.length });
    // Delivery state is journaled: it survives a reopen, and the projection equals a replay.
    expect((await backend.store.verify()).ok).toBe(true);
  });

  it('backs off while the sink is down, then delivers everything', async () => {
    const backend = await seeded(5);
    const port = await freePort();
    const dispatcher = new OutboxDispatcher({ store: backend.store, sinks: [httpSink(`http://127.0.0.1:${port}/outbox`, 2000)], baseDelayMs: 20, maxDelayMs: 400, maxAttempts: 100, idleMs: 50 });
    dispatcher.start();
    cleanups.push(() => dispatcher.stop());
    const failures = () => backend.store.read((sql) => sql.all<{ data: string; recorded_at: string }>("SELECT data, recorded_at FROM events WHERE type = 'OutboxDeliveryFailed' ORDER BY position").map((r) => JSON.parse(r.data) as { eventId: string; attempt: number; nextAttemptAt: string; error: string }));
    await until('three failed attempts', async () => (await failures()).length >= 3);
    const sink = await startSink(port);
    cleanups.push(() => sink.close());
    const ids = await allIds(backend);
    await until('everything delivered', async () => (await statusCounts(backend)).delivered === ids.length);
    const f = await failures();
    // Only the oldest message was tried while the sink was down, again and again, each time later.
    const first = ids[0]!;
    expect(new Set(f.map((x) => x.eventId))).toEqual(new Set([first]));
    expect(f.map((x) => x.attempt)).toEqual(f.map((_, i) => i + 1));
    for (let i = 1; i < f.length; i++) expect(Date.parse(f[i]!.nextAttemptAt) - Date.parse(f[i - 1]!.nextAttemptAt)).toBeGreaterThanOrEqual(backoffMs(i + 1, 20, 400));
    expect(f[0]!.error).toMatch(/could not be reached/);
    expect(new Set(sink.received)).toEqual(new Set(ids));
  });

  it('parks a message after N failures; an operator retries it and it is delivered', async () => {
    const backend = await seeded(2);
    const sink = await startSink();
    cleanups.push(() => sink.close());
    const ids = await allIds(backend);
    const bad = ids[1]!;
    sink.answer = (_n, id) => (id === bad ? 500 : 200);
    const dispatcher = new OutboxDispatcher({ store: backend.store, sinks: [httpSink(sink.url)], baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3, idleMs: 20 });
    dispatcher.start();
    cleanups.push(() => dispatcher.stop());
    await until('the bad message parked and the rest delivered', async () => {
      const c = await statusCounts(backend);
      return c.parked === 1 && c.delivered === ids.length - 1;
    });
    const row = await backend.store.read((sql) => sql.get<{ status: string; attempts: number; last_error: string }>('SELECT status, attempts, last_error FROM outbox WHERE event_id = ?', [bad]));
    expect(row).toEqual({ status: 'parked', attempts: 3, last_error: `${sink.url} answered HTTP 500` });
    const agent = backend.connect({ origin: 'test' });
    await agent.call('auth.login', { operatorId: 'agent1', password: 'demo' });
    expect(await agent.call('commands.execute', { command: { type: 'RetryOutboxMessage', id: bad } })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const sup = backend.connect({ origin: 'test' });
    await sup.call('auth.login', { operatorId: 'super1', password: 'demo' });
    expect(await sup.call('commands.execute', { command: { type: 'RetryOutboxMessage', id: ids[0]! } })).toMatchObject({ ok: false, error: { code: 'MESSAGE_NOT_PARKED', message: expect.stringMatching(/already delivered/) } });
    sink.answer = () => 200;
    expect(await sup.call('commands.execute', { command: { type: 'RetryOutboxMessage', id: bad, note: 'the partner fixed their endpoint' } })).toMatchObject({ ok: true });
    dispatcher.wake();
    await until('the retried message delivered', async () => (await statusCounts(backend)).delivered === ids.length);
    expect(sink.received.filter((id) => id === bad)).toHaveLength(1);
  });
});

describe('killing the dispatcher mid-delivery', () => {
  it('loses nothing: after SIGKILLs during deliveries, a restart delivers every message at least once', async () => {
    const path = tempStore('cardops-outbox-kill-');
    expect(await runCliJson<{ ok: boolean }>(['seed', '--db', path, '--accounts', '40'])).toMatchObject({ ok: true });
    const backend = await openBackend({ path, log: () => {} });
    await activity(backend);
    await backend.close();
    const sink = await startSink();
    cleanups.push(() => sink.close());
    let kills = 0;
    for (const killAt of [17, 55, 90]) {
      const child = spawnCli(['outbox', 'dispatch', '--db', path, '--http', sink.url]);
      // The sink never answers the request it kills at: the dispatcher dies mid-delivery.
      sink.answer = (n) => (n > killAt ? (void child.kill(), 'hang') : 200);
      await child.closed;
      if (child.process.signalCode === 'SIGKILL') kills++;
    }
    expect(kills).toBe(3);
    sink.answer = () => 200;
    const done = await runCli(['outbox', 'dispatch', '--db', path, '--http', sink.url, '--json']);
    expect(done.code, done.stderr).toBe(0);
    const store = await openStore({ path, log: () => {} });
    try {
      const ids = await store.read((sql) => sql.all<{ event_id: string; status: string }>('SELECT event_id, status FROM outbox ORDER BY position'));
      expect(ids.length).toBeGreaterThan(100);
      expect(ids.every((r) => r.status === 'delivered')).toBe(true);
      expect(new Set(sink.received)).toEqual(new Set(ids.map((r) => r.event_id)));
      // At least once, not exactly once: a batch cut short by the kill is sent again (the sink dedups by id).
      expect(sink.received.length).toBeGreaterThanOrEqual(ids.length);
    } finally {
      await store.close();
    }
  });
});
