/**
 * Refund limits hold across requests, through the real backend on the real sql.js store: the
 * agent limit caps the sum refunded on a charge (posted + waiting + this request), the daily limit
 * what one operator refunds in a UTC day; both per currency (settings keyed by currency, with a default).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Backend, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import { openBackend } from '../../domain/open.js';
import type { Clock } from '../../domain/shared/ports.js';

let backend: Backend;
let now = Date.parse('2026-05-04T09:00:00.000Z');
const clock: Clock = { now: () => new Date(now++).toISOString() };
async function as(operatorId: string): Promise<Connection> {
  const c = backend.connect({ origin: 'test' });
  expect((await c.call('auth.login', { operatorId, password: 'demo' })).ok).toBe(true);
  return c;
}
const exec = (c: Connection, command: Record<string, unknown>) => c.call('commands.execute', { command });
async function ok(c: Connection, command: Record<string, unknown>) {
  const r = await exec(c, command);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
const refund = (refundId: string, chargeId: string, amount: number, accountId = 'acc1') => ({ type: 'RequestRefund', refundId, accountId, chargeId, amount, reason: 'requested_by_customer' });
const outcome = async (c: Connection, command: Record<string, unknown>): Promise<string> => {
  const types = (await ok(c, command)).events.map((e) => e.type);
  return types.includes('RefundPosted') ? 'posted' : types.includes('RefundSentForApproval') ? 'waits' : types.join(',');
};
const balance = (accountId: string) => backend.store.read((sql) => Number(sql.scalar('SELECT balance FROM accounts WHERE account_id = ?', [accountId])));

let agent: Connection, super1: Connection, super2: Connection, admin: Connection;
beforeEach(async () => {
  now = Date.parse('2026-05-04T09:00:00.000Z');
  backend = await openBackend({ log: () => {}, clock });
  await seedDemo(backend.store, { accounts: 0, seed: 1 });
  agent = await as('agent1');
  super1 = await as('super1');
  super2 = await as('super2');
  admin = await as('admin');
  await ok(agent, { type: 'OpenAccount', accountId: 'acc1', holderName: 'Ada Andersen', currency: 'EUR', creditLimit: 10_000_000 });
});

describe('the agent limit caps the sum refunded on a charge, not each request', () => {
  it('three refunds of 100.00 of a 300.00 charge by an agent: the first is posted, the second and third wait for a supervisor', async () => {
    await ok(super1, { type: 'PostCharge', accountId: 'acc1', chargeId: 'ch1', amount: 30_000, description: 'hotel' });
    expect(await outcome(agent, refund('r1', 'ch1', 10_000))).toBe('posted');
    expect(await outcome(agent, refund('r2', 'ch1', 10_000))).toBe('waits');
    expect(await outcome(agent, refund('r3', 'ch1', 10_000))).toBe('waits');
    expect(await balance('acc1')).toBe(-20_000);
    const sent = (await backend.store.readStream('refunds-acc1:ch1')).events.filter((e) => e.type === 'RefundSentForApproval').map((e) => e.data);
    expect(sent).toMatchObject([
      { refundId: 'r2', over: 'charge', agentLimit: 10_000, refundedOnCharge: 20_000 },
      { refundId: 'r3', over: 'charge', agentLimit: 10_000, refundedOnCharge: 30_000 },
    ]);
    const queue = await super1.call('refunds.list', { filters: { status: 'awaiting_approval' }, sort: 'refundId' });
    expect(queue.ok && queue.value.rows.map((r) => r.refundId)).toEqual(['r2', 'r3']);
    await ok(super1, { type: 'ApproveRefund', refundId: 'r2' });
    expect(await balance('acc1')).toBe(-10_000);
  });

  it('just at the limit together is posted; a cent over together waits; a rejected refund frees its part', async () => {
    await ok(super1, { type: 'PostCharge', accountId: 'acc1', chargeId: 'ch1', amount: 30_000, description: 'hotel' });
    expect(await outcome(agent, refund('r1', 'ch1', 6_000))).toBe('posted');
    expect(await outcome(agent, refund('r2', 'ch1', 4_000))).toBe('posted');
    expect(await outcome(agent, refund('r3', 'ch1', 1))).toBe('waits');
    await ok(super2, { type: 'RejectRefund', refundId: 'r3', note: 'no proof' });
    expect(await outcome(agent, refund('r4', 'ch1', 1))).toBe('waits'); // 100.00 posted + 0.01 is still over
  });
});

describe('the daily limit caps what one operator refunds in a day', () => {
  beforeEach(async () => {
    // Default limits: 100.00 per charge, 1,000.00 a day.
    for (let i = 1; i <= 12; i++) await ok(super1, { type: 'PostCharge', accountId: 'acc1', chargeId: `ch${i}`, amount: 10_000, description: `night ${i}` });
  });

  it('ten refunds of 100.00 on ten charges are posted (1,000.00, just at the limit); the eleventh waits; another agent is not affected; the next day it is posted again', async () => {
    for (let i = 1; i <= 10; i++) expect(await outcome(agent, refund(`r${i}`, `ch${i}`, 10_000))).toBe('posted');
    expect(await outcome(agent, refund('r11', 'ch11', 1))).toBe('waits');
    const sent = (await backend.store.readStream('refunds-acc1:ch11')).events.find((e) => e.type === 'RefundSentForApproval')!;
    expect(sent.data).toMatchObject({ over: 'daily', agentDailyLimit: 100_000, refundedToday: 100_001 });
    // A supervisor's own refunds count towards the supervisor's day, not the agent's.
    expect(await outcome(super1, refund('s1', 'ch11', 5_000))).toBe('posted');
    now = Date.parse('2026-05-05T00:00:00.000Z');
    agent = await as('agent1'); // hours passed: the idle session expired
    expect(await outcome(agent, refund('r12', 'ch12', 10_000))).toBe('posted');
  });

  it('a refund waiting for approval counts for the day; a rejected one does not', async () => {
    await ok(super1, { type: 'PostCharge', accountId: 'acc1', chargeId: 'big', amount: 50_000, description: 'suite' });
    expect(await outcome(agent, refund('w', 'big', 20_000))).toBe('waits'); // over the charge limit: waiting, and it counts for the day
    for (let i = 1; i <= 8; i++) expect(await outcome(agent, refund(`r${i}`, `ch${i}`, 10_000))).toBe('posted');
    expect(await agent.call('refunds.refundable', { accountId: 'acc1', chargeId: 'ch9' })).toMatchObject({ ok: true, value: { agentDailyLimit: 100_000, refundedToday: 100_000 } });
    expect(await outcome(agent, refund('x', 'ch9', 100))).toBe('waits');
    await ok(super1, { type: 'RejectRefund', refundId: 'w', note: 'wrong charge' });
    await ok(super1, { type: 'RejectRefund', refundId: 'x', note: 'wrong charge' });
    expect(await agent.call('refunds.refundable', { accountId: 'acc1', chargeId: 'ch9' })).toMatchObject({ ok: true, value: { refundedToday: 80_000 } });
    expect(await outcome(agent, refund('y', 'ch9', 10_000))).toBe('posted');
  });

  it('requests at once on different charges never pass the daily limit together', async () => {
    for (let i = 1; i <= 8; i++) expect(await outcome(agent, refund(`r${i}`, `ch${i}`, 10_000))).toBe('posted');
    // 200.00 left for the day: of four parallel 100.00 refunds on four accounts (no stream in common), exactly two are posted.
    const others = ['b1', 'b2', 'b3', 'b4'];
    for (const a of others) {
      await ok(agent, { type: 'OpenAccount', accountId: a, holderName: `Holder ${a}`, currency: 'EUR', creditLimit: 100_000 });
      await ok(super1, { type: 'PostCharge', accountId: a, chargeId: 'c1', amount: 10_000, description: 'night' });
    }
    const results = await Promise.all(others.map((a) => outcome(agent, refund(`r-${a}`, 'c1', 10_000, a))));
    expect(results.filter((r) => r === 'posted')).toHaveLength(2);
    expect(results.filter((r) => r === 'waits')).toHaveLength(2);
  });
});

describe('both limits are per currency', () => {
  it('a currency of its own limits (JPY, no minor units) uses them; the daily sum of one currency does not count in another', async () => {
    await ok(admin, { type: 'UpdateSettings', changes: { refunds: { agentLimit: 10_000, agentDailyLimit: 100_000, byCurrency: { JPY: { agentLimit: 20_000, agentDailyLimit: 30_000 } } } } });
    await ok(agent, { type: 'OpenAccount', accountId: 'jp1', holderName: 'Jun Jones', currency: 'JPY', creditLimit: 10_000_000 });
    for (const ch of ['j1', 'j2']) await ok(super1, { type: 'PostCharge', accountId: 'jp1', chargeId: ch, amount: 25_000, description: 'ryokan' });
    await ok(super1, { type: 'PostCharge', accountId: 'acc1', chargeId: 'e1', amount: 30_000, description: 'hotel' });
    // 20,000 yen is within the JPY charge limit (the default 100.00 would be 10,000 minor units).
    expect(await outcome(agent, refund('rj1', 'j1', 20_000, 'jp1'))).toBe('posted');
    // 20,000 + 10,001 yen today passes the JPY daily 30,000.
    expect(await outcome(agent, refund('rj2', 'j2', 10_001, 'jp1'))).toBe('waits');
    // The yen refunded today do not count against the EUR day: 100.00 EUR is posted.
    expect(await outcome(agent, refund('re1', 'e1', 10_000))).toBe('posted');
    const info = await agent.call('refunds.refundable', { accountId: 'jp1', chargeId: 'j2' });
    expect(info).toMatchObject({ ok: true, value: { currency: 'JPY', agentLimit: 20_000, agentDailyLimit: 30_000, refundedToday: 30_001 } });
  });

  it('the settings keep the daily limit and currencies when only the agent limit is changed, and refuse a bad currency code', async () => {
    await ok(admin, { type: 'UpdateSettings', changes: { refunds: { agentLimit: 10_000, agentDailyLimit: 70_000, byCurrency: { USD: { agentLimit: 5_000, agentDailyLimit: 9_000 } } } } });
    await ok(admin, { type: 'UpdateSettings', changes: { refunds: { agentLimit: 20_000 } } });
    const s = await admin.call('settings.get', {});
    expect(s).toMatchObject({ ok: true, value: { refunds: { agentLimit: 20_000, agentDailyLimit: 70_000, byCurrency: { USD: { agentLimit: 5_000, agentDailyLimit: 9_000 } } } } });
    const head = await backend.store.headPosition();
    const bad = await exec(admin, { type: 'UpdateSettings', changes: { refunds: { agentLimit: 1, byCurrency: { euro: { agentLimit: 1, agentDailyLimit: 1 } } } } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/ISO 4217 currency code/) } });
    expect(await backend.store.headPosition()).toBe(head);
    const agentTries = await exec(agent, { type: 'UpdateSettings', changes: { refunds: { agentLimit: 1_000_000, agentDailyLimit: 1_000_000 } } });
    expect(agentTries).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

