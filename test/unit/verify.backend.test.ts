/**
 * `system.verify` checks the ledger, not only the projections against a replay; it and the other
 * heavy reads are for admins, run in slices that let other calls through, and one at a time.
 * Corruption is faked the one legitimate way: raw events appended through the store port,
 * bypassing the deciders.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Backend, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import type { NewEvent } from '../../domain/eventstore/types.js';
import type { LedgerProblem } from '../../domain/eventstore/projection.js';
import { openBackend } from '../../domain/open.js';

let backend: Backend;
async function as(operatorId: string): Promise<Connection> {
  const c = backend.connect({ origin: 'test' });
  const r = await c.call('auth.login', { operatorId, password: 'demo' });
  expect(r.ok).toBe(true);
  return c;
}
async function ok(c: Connection, command: Record<string, unknown>): Promise<void> {
  const r = await c.call('commands.execute', { command });
  expect(r, JSON.stringify(command)).toMatchObject({ ok: true });
}
const meta = { operator: 'mallory', correlationId: 'raw', causationId: 'raw', commandId: 'raw' };
const raw = (eventId: string, type: string, data: Record<string, unknown>): NewEvent => ({ eventId, type, data, metadata: meta });

/** Two EUR accounts, a deposit and a proper transfer between them: a ledger that holds. */
async function twoAccounts(): Promise<Connection> {
  const agent = await as('agent1');
  await ok(agent, { type: 'OpenAccount', accountId: 'acc-a', holderName: 'Ada Andersen', currency: 'EUR', creditLimit: 100_000 });
  await ok(agent, { type: 'OpenAccount', accountId: 'acc-b', holderName: 'Ben Becker', currency: 'EUR', creditLimit: 100_000 });
  await ok(agent, { type: 'PostDeposit', accountId: 'acc-a', depositId: 'dep-1', amount: 50_000 });
  await ok(agent, { type: 'TransferFunds', transferId: 'tr-good', fromAccountId: 'acc-a', toAccountId: 'acc-b', amount: 12_345 });
  return agent;
}

const problemsOf = (v: { problems: readonly LedgerProblem[] }, code: string): LedgerProblem[] => v.problems.filter((p) => p.code === code);

beforeEach(async () => {
  backend = await openBackend({ log: () => {} });
  await seedDemo(backend.store, { accounts: 0, seed: 1 });
});

describe('system.verify checks the ledger', () => {
  it('passes a ledger that holds', async () => {
    await twoAccounts();
    const r = await (await as('admin')).call('system.verify', {});
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.problems).toEqual([]);
    expect(r.value.ledger).toEqual({ streams: 2, problems: 0 });
    expect(r.value.ok).toBe(true);
  });

  it('reports a one-legged transfer, naming the transfer, the leg found and the leg missing', async () => {
    await twoAccounts();
    // Money from nothing: a TransferReceived whose TransferSent was never written.
    await backend.store.append('account-acc-b', [raw('raw-1', 'TransferReceived', { accountId: 'acc-b', transferId: 'tr-ghost', fromAccountId: 'acc-a', amount: 70_000, currency: 'EUR' })]);
    // Money into nothing: a TransferSent whose TransferReceived was never written.
    await backend.store.append('account-acc-a', [raw('raw-2', 'TransferSent', { accountId: 'acc-a', transferId: 'tr-void', toAccountId: 'acc-b', amount: 1_000, currency: 'EUR' })]);
    const r = await (await as('admin')).call('system.verify', {});
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.ok).toBe(false);
    const oneLeg = problemsOf(r.value, 'TRANSFER_ONE_LEG');
    expect(oneLeg.map((p) => p.subject).sort()).toEqual(['transfer tr-ghost', 'transfer tr-void']);
    const ghost = oneLeg.find((p) => p.subject === 'transfer tr-ghost')!;
    expect(ghost.message).toContain('TransferReceived on account acc-b (700.00 EUR');
    expect(ghost.message).toContain('the TransferSent on account acc-a is missing');
    expect(ghost).toMatchObject({ expected: 'TransferSent and TransferReceived', found: expect.stringContaining('TransferReceived on account acc-b') });
    // The proper transfer is not reported, and each account's balance still equals its postings.
    expect(r.value.problems.filter((p) => p.subject === 'transfer tr-good')).toEqual([]);
    expect(problemsOf(r.value, 'BALANCE_MISMATCH')).toEqual([]);
  });

  it('reports legs that disagree on the amount', async () => {
    await twoAccounts();
    await backend.store.appendMany([
      { streamId: 'account-acc-a', expectedVersion: 'any', events: [raw('raw-3', 'TransferSent', { accountId: 'acc-a', transferId: 'tr-odd', toAccountId: 'acc-b', amount: 1_000, currency: 'EUR' })] },
      { streamId: 'account-acc-b', expectedVersion: 'any', events: [raw('raw-4', 'TransferReceived', { accountId: 'acc-b', transferId: 'tr-odd', fromAccountId: 'acc-a', amount: 9_000, currency: 'EUR' })] },
    ]);
    const r = await (await as('admin')).call('system.verify', {});
    if (!r.ok) throw new Error(r.error.message);
    expect(problemsOf(r.value, 'TRANSFER_LEGS_DIFFER')).toEqual([
      expect.objectContaining({ subject: 'transfer tr-odd', message: expect.stringMatching(/TransferSent on account acc-a \(10\.00 EUR.*TransferReceived on account acc-b \(90\.00 EUR/) }),
    ]);
  });

  it('reports a balance that disagrees with its postings, in the projection and in the replay, with both figures', async () => {
    await twoAccounts();
    // A deposit in acc-a's stream that names acc-b: the projections credit acc-b, the ledger of acc-a holds it.
    await backend.store.append('account-acc-a', [raw('raw-5', 'DepositReceived', { accountId: 'acc-b', depositId: 'dep-x', amount: 5_000, currency: 'EUR' })]);
    const r = await (await as('admin')).call('system.verify', {});
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.ok).toBe(false);
    expect(problemsOf(r.value, 'POSTING_ACCOUNT_MISMATCH')).toEqual([expect.objectContaining({ subject: 'account acc-a', expected: 'account acc-a', found: 'account acc-b' })]);
    const mismatch = problemsOf(r.value, 'BALANCE_MISMATCH').filter((p) => p.subject === 'account acc-a');
    // acc-a: 500.00 deposited, 123.45 sent, 50.00 in its stream but credited elsewhere.
    expect(mismatch).toEqual([
      expect.objectContaining({ message: expect.stringContaining('in the accounts projection'), expected: '426.55 EUR', found: '376.55 EUR' }),
      expect.objectContaining({ message: expect.stringContaining('in the replayed accounts projection'), expected: '426.55 EUR', found: '376.55 EUR' }),
    ]);
    expect(problemsOf(r.value, 'BALANCE_MISMATCH').filter((p) => p.subject === 'account acc-b')).toHaveLength(2);
  });

  it('reports a posting id used twice on one account, and an amount beyond the safe integer range', async () => {
    await twoAccounts();
    await backend.store.append('account-acc-a', [raw('raw-6', 'ChargePosted', { accountId: 'acc-a', chargeId: 'dep-1', amount: 700, currency: 'EUR', description: 'fee' })]);
    await backend.store.append('account-acc-b', [raw('raw-7', 'DepositReceived', { accountId: 'acc-b', depositId: 'dep-huge', amount: 2 ** 53, currency: 'EUR' })]);
    const r = await (await as('admin')).call('system.verify', {});
    if (!r.ok) throw new Error(r.error.message);
    expect(problemsOf(r.value, 'POSTING_ID_REUSED')).toEqual([
      expect.objectContaining({ subject: 'account acc-a', message: expect.stringMatching(/posting id dep-1 of account acc-a is used twice: by DepositReceived of 500\.00 EUR .* and by ChargePosted of 7\.00 EUR/) }),
    ]);
    expect(problemsOf(r.value, 'AMOUNT_UNSAFE')).toEqual([expect.objectContaining({ subject: 'account acc-b', found: String(2 ** 53) })]);
    expect(problemsOf(r.value, 'BALANCE_UNSAFE').map((p) => p.subject)).toContain('account acc-b');
  });
});

describe('heavy reads', () => {
  it('are for admins: system.verify, system.rebuild, system.stats and events.list are refused to agents and supervisors', async () => {
    for (const who of ['agent1', 'super1']) {
      const c = await as(who);
      expect(await c.call('system.verify', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await c.call('events.list', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await c.call('system.rebuild', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await c.call('system.stats', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await (await as('admin')).call('system.stats', {})).toMatchObject({ ok: true });
    expect(await (await as('admin')).call('events.list', { limit: 5 })).toMatchObject({ ok: true });
  });

  it('events.list with a type filter looks at a bounded window per call and says where to go on', async () => {
    const admin = await as('admin');
    const agent = await twoAccounts();
    // Push the transfer far back: more events than one window after it.
    const filler: NewEvent[] = Array.from({ length: 50_500 }, (_, i) => raw(`fill-${i}`, 'TestHappened', { i }));
    for (let i = 0; i < filler.length; i += 10_000) await backend.store.append('filler', filler.slice(i, i + 10_000));
    await ok(agent, { type: 'TransferFunds', transferId: 'tr-late', fromAccountId: 'acc-a', toAccountId: 'acc-b', amount: 1 });
    const seen: string[] = [];
    let after = 0;
    let calls = 0;
    for (;;) {
      const r = await admin.call('events.list', { after, limit: 100, types: ['TransferSent'] });
      if (!r.ok) throw new Error(r.error.message);
      calls++;
      seen.push(...r.value.events.map((e) => (e.data as { transferId: string }).transferId));
      expect(r.value.lastPosition).toBeLessThanOrEqual(after + 50_000);
      after = r.value.lastPosition;
      if (r.value.isEnd) break;
    }
    expect(seen).toEqual(['tr-good', 'tr-late']);
    expect(calls).toBeGreaterThan(1);
  });

  it('a verify lets other calls through while it runs, and a second verify or a rebuild meanwhile gets STORE_BUSY', async () => {
    await backend.close();
    backend = await openBackend({ log: () => {} });
    await seedDemo(backend.store, { accounts: 2000, seed: 2 });
    // Several slices of the replay (2,000 events each).
    expect(await backend.store.headPosition()).toBeGreaterThan(8_000);
    const admin = await as('admin');
    const other = await as('admin');
    const agent = await as('agent1');
    let verifyDone = false;
    let progressSeen = 0;
    let firstProgress!: () => void;
    const started = new Promise<void>((r) => (firstProgress = r));
    admin.onPush((p) => {
      if (p.topic === 'progress' && p.payload.task === 'verify') {
        progressSeen++;
        firstProgress();
      }
    });
    const verify = admin.call('system.verify', {}).then((r) => {
      verifyDone = true;
      return r;
    });
    await started;
    // Answered while the verify is still replaying: a read, a write, and the refusals.
    const list = await agent.call('accounts.list', { limit: 5 });
    expect(list).toMatchObject({ ok: true });
    expect(verifyDone, 'the read was answered while the verify still ran').toBe(false);
    const progressAtRead = progressSeen;
    await ok(agent, { type: 'OpenAccount', accountId: 'acc-during', holderName: 'Dana During', currency: 'EUR', creditLimit: 0 });
    expect(await other.call('system.verify', {})).toMatchObject({ ok: false, error: { code: 'STORE_BUSY', message: expect.stringMatching(/a verify is running/) } });
    expect(await other.call('system.rebuild', {})).toMatchObject({ ok: false, error: { code: 'STORE_BUSY' } });
    expect(verifyDone).toBe(false);
    const r = await verify;
    // The verify went on (more slices) after the read was answered.
    expect(progressSeen).toBeGreaterThan(progressAtRead);
    // The write that came in meanwhile is no difference: each table is compared once the replay caught up.
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.differences).toEqual([]);
    expect(r.value.problems).toEqual([]);
    expect(r.value.ok).toBe(true);
    // Once it has finished, the next one runs.
    expect(await other.call('system.verify', {})).toMatchObject({ ok: true, value: { ok: true } });
  });

  it('a rebuild runs in slices too: calls are answered meanwhile, a write meanwhile is in what it rebuilt, and a verify meanwhile gets STORE_BUSY', async () => {
    await backend.close();
    backend = await openBackend({ log: () => {} });
    await seedDemo(backend.store, { accounts: 2000, seed: 3 });
    const admin = await as('admin');
    const other = await as('admin');
    const agent = await as('agent1');
    // Damage a projection row, for the rebuild to mend.
    await backend.store.read((sql) => sql.run('UPDATE accounts SET balance = balance + 1 WHERE account_id = (SELECT min(account_id) FROM accounts)'));
    let rebuildDone = false;
    let firstProgress!: () => void;
    const started = new Promise<void>((r) => (firstProgress = r));
    admin.onPush((p) => p.topic === 'progress' && p.payload.task === 'rebuild' && firstProgress());
    const rebuild = admin.call('system.rebuild', {}).then((r) => {
      rebuildDone = true;
      return r;
    });
    await started;
    expect(await agent.call('accounts.list', { limit: 5 })).toMatchObject({ ok: true });
    expect(rebuildDone, 'the read was answered while the rebuild still ran').toBe(false);
    await ok(agent, { type: 'OpenAccount', accountId: 'acc-during', holderName: 'Dana During', currency: 'EUR', creditLimit: 0 });
    expect(await other.call('system.verify', {})).toMatchObject({ ok: false, error: { code: 'STORE_BUSY', message: expect.stringMatching(/a rebuild is running/) } });
    expect(await rebuild).toMatchObject({ ok: true });
    expect(await agent.call('accounts.summary', { accountId: 'acc-during' })).toMatchObject({ ok: true });
    expect(await other.call('system.verify', {})).toMatchObject({ ok: true, value: { ok: true, differences: [] } });
  });
});
