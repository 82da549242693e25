/**
 * Payment plans through the real backend and the renewal job (in-memory sql.js store, a fixed
 * clock, the gateway simulator): the failsafes end to end.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Backend, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import { GatewaySimulator } from '../../domain/gateway/simulator.js';
import { openBackend } from '../../domain/open.js';
import { runRenewals } from '../../domain/plans/renewal.js';
import { getPlan } from '../../domain/plans/queries.js';
import { startRenewalTimer } from '../../domain/plans/timer.js';

let backend: Backend;
let agent: Connection;
let gateway: GatewaySimulator;
/** The fake clock: tests move it as days pass. */
let now = '2026-02-20T09:00:00.000Z';
const clock = { now: () => now };
/** Days pass: the agent's idle session has expired meanwhile (30 minutes), so they sign in again. */
async function later(iso: string): Promise<void> {
  now = iso;
  expect((await agent.call('auth.login', { operatorId: 'agent1', password: 'demo' })).ok).toBe(true);
}

type Cmd = { readonly type: string } & Record<string, unknown>;
const send = (command: Cmd, c: Connection = agent) => c.call('commands.execute', { command });
async function ok(command: Cmd, c: Connection = agent): Promise<void> {
  const r = await send(command, c);
  if (!r.ok) throw new Error(`${command.type} was refused: ${r.error.code}: ${r.error.message}`);
}
const run = (date: string) => runRenewals({ store: backend.store, gateway }, date);
const eventsOf = (type: string) => backend.store.read((sql) => sql.all<{ event_id: string; data: string }>('SELECT event_id, data FROM events WHERE type = ? ORDER BY position', [type]).map((r) => ({ id: r.event_id, data: JSON.parse(r.data) as Record<string, unknown> })));
const plan = (id: string) => backend.store.read((sql) => getPlan(sql, id));

beforeEach(async () => {
  now = '2026-02-20T09:00:00.000Z';
  backend = await openBackend({ log: () => {}, clock });
  await seedDemo(backend.store, { accounts: 0, seed: 1 });
  agent = backend.connect({ origin: 'test' });
  expect((await agent.call('auth.login', { operatorId: 'agent1', password: 'demo' })).ok).toBe(true);
  gateway = new GatewaySimulator();
  await ok({ type: 'OpenAccount', accountId: 'a1', holderName: 'Ada Andersen', currency: 'EUR', creditLimit: 500_000 });
  await ok({ type: 'IssueCard', cardId: 'c1', accountId: 'a1', holderName: 'Ada Andersen', last4: '4242', brand: 'visa', expiryMonth: 12, expiryYear: 2028 });
  await ok({ type: 'ActivateCard', cardId: 'c1', reason: 'card_received' });
  await ok({ type: 'AddPaymentMethod', methodId: 'm1', accountId: 'a1', token: 'tok_visa_a1', holderName: 'Ada Andersen', brand: 'visa', last4: '4242', expiryMonth: 12, expiryYear: 2028, cardId: 'c1' });
});

const create = (planId: string, methodId = 'm1', startDate = '2026-03-01') => ok({ type: 'CreatePaymentPlan', planId, accountId: 'a1', methodId, amount: 1999, currency: 'EUR', interval: 'monthly', startDate });

describe('the renewal job', () => {
  it('running it twice for the same date charges nothing twice', async () => {
    await create('p1');
    const first = await run('2026-03-01');
    const second = await run('2026-03-01');
    expect(first).toMatchObject({ charged: 1, failed: [] });
    expect(second).toMatchObject({ charged: 0, notices: 0, failed: [] });
    expect((await eventsOf('ChargePosted')).map((e) => e.data.chargeId)).toEqual(['plan-p1-c1-2026-03']);
    expect(gateway.charges()).toHaveLength(1);
    expect((await plan('p1'))!.nextDueDate).toBe('2026-04-01');
  });

  it('cancel, then run: no charge; resubscribe, then run: a charge', async () => {
    await create('p1');
    await run('2026-03-01');
    await ok({ type: 'CancelPaymentPlan', planId: 'p1', reason: 'the customer asked' });
    expect(await run('2026-04-01')).toMatchObject({ charged: 0, notices: 0 });
    expect(await eventsOf('ChargePosted')).toHaveLength(1);
    await later('2026-04-01T10:00:00.000Z');
    await ok({ type: 'ResubscribePaymentPlan', planId: 'p1' });
    expect(await run('2026-04-01')).toMatchObject({ charged: 1 });
    expect(await run('2026-04-01')).toMatchObject({ charged: 0 });
    expect((await eventsOf('ChargePosted')).map((e) => e.data.chargeId)).toEqual(['plan-p1-c1-2026-03', 'plan-p1-c2-2026-04']);
  });

  it('sends the renewal notice, saying so when the method will have expired by the renewal date', async () => {
    await ok({ type: 'AddPaymentMethod', methodId: 'm2', accountId: 'a1', token: 'tok_visa_exp', holderName: 'Ada Andersen', brand: 'visa', last4: '1111', expiryMonth: 3, expiryYear: 2026 });
    await create('p2', 'm2');
    await run('2026-03-01');
    expect(await run('2026-03-24')).toMatchObject({ notices: 0 });
    expect(await run('2026-03-25')).toMatchObject({ notices: 1 });
    const [notice] = (await eventsOf('RenewalNoticeSent')).filter((e) => e.data.dueDate === '2026-04-01');
    expect(notice!.data).toMatchObject({ methodExpired: true });
    expect(notice!.data.text).toContain('That card expires at the end of 03/2026, before the renewal date');
  });

  it('a gateway timeout is retried with the same idempotency key, and there is one charge', async () => {
    await ok({ type: 'AddPaymentMethod', methodId: 'm3', accountId: 'a1', token: 'tok_timeout1_a1', holderName: 'Ada Andersen', brand: 'visa', last4: '4242', expiryMonth: 12, expiryYear: 2028 });
    await create('p3', 'm3');
    expect(await run('2026-03-01')).toMatchObject({ charged: 1, timedOut: 0 });
    expect(gateway.requests.map((r) => r.idempotencyKey)).toEqual(['plan-p3-c1-2026-03-a1', 'plan-p3-c1-2026-03-a1']);
    expect(gateway.charges()).toHaveLength(1);
    expect(await eventsOf('ChargePosted')).toHaveLength(1);
  });

  it('a gateway that never answers leaves the attempt open; the next run uses the same key', async () => {
    await ok({ type: 'AddPaymentMethod', methodId: 'm4', accountId: 'a1', token: 'tok_flaky', holderName: 'Ada Andersen', brand: 'visa', last4: '4242', expiryMonth: 12, expiryYear: 2028 });
    await create('p4', 'm4');
    gateway.configure('tok_flaky', { kind: 'timeout' });
    expect(await run('2026-03-01')).toMatchObject({ charged: 0, timedOut: 1 });
    gateway.configure('tok_flaky', { kind: 'approve' });
    expect(await run('2026-03-02')).toMatchObject({ charged: 1 });
    expect(new Set(gateway.requests.map((r) => r.idempotencyKey))).toEqual(new Set(['plan-p4-c1-2026-03-a1']));
    expect(gateway.charges()).toHaveLength(1);
  });

  it('a decline retries on schedule, then lapses and notifies the customer with a way to pay', async () => {
    await ok({ type: 'AddPaymentMethod', methodId: 'm5', accountId: 'a1', token: 'tok_decline_insufficient_funds', holderName: 'Ada Andersen', brand: 'visa', last4: '4242', expiryMonth: 12, expiryYear: 2028 });
    await create('p5', 'm5');
    expect(await run('2026-03-01')).toMatchObject({ declined: 1, lapsed: 0 });
    expect(await run('2026-03-01')).toMatchObject({ declined: 0 });
    expect(await run('2026-03-02')).toMatchObject({ declined: 1, lapsed: 0 });
    expect(await run('2026-03-03')).toMatchObject({ declined: 1, lapsed: 1 });
    expect((await plan('p5'))!.status).toBe('lapsed');
    expect(gateway.requests.map((r) => r.idempotencyKey)).toEqual(['plan-p5-c1-2026-03-a1', 'plan-p5-c1-2026-03-a2', 'plan-p5-c1-2026-03-a3']);
    const outbox = await backend.store.read((sql) => sql.all<{ topic: string }>("SELECT topic FROM outbox WHERE stream_id = 'plan-p5' ORDER BY position").map((r) => r.topic));
    expect(outbox.filter((t) => t === 'plan.charge_declined')).toHaveLength(3);
    expect(outbox).toContain('plan.lapsed');
    expect(await eventsOf('ChargePosted')).toHaveLength(0);
    // The plans, plan_log, payment_methods and outbox read models equal a replay of the log.
    expect((await backend.store.verify()).ok).toBe(true);
  });

  it('a never-retry decline code lapses at once', async () => {
    await ok({ type: 'AddPaymentMethod', methodId: 'm6', accountId: 'a1', token: 'tok_decline_stolen_card', holderName: 'Ada Andersen', brand: 'visa', last4: '4242', expiryMonth: 12, expiryYear: 2028 });
    await create('p6', 'm6');
    expect(await run('2026-03-01')).toMatchObject({ declined: 1, lapsed: 1 });
    expect(await run('2026-03-02')).toMatchObject({ declined: 0 });
    expect(gateway.requests).toHaveLength(1);
  });
});

describe('the app\'s renewal timer', () => {
  it('runs the job for today at start-up', async () => {
    await create('p1', 'm1', '2026-02-20');
    const reports: number[] = [];
    const timer = startRenewalTimer({ store: backend.store, gateway, clock, onReport: (r) => reports.push(r.charged) });
    await timer.stop();
    expect(reports).toEqual([1]);
    expect((await eventsOf('ChargePosted')).map((e) => e.data.chargeId)).toEqual(['plan-p1-c1-2026-02']);
  });
});

describe('commands at the boundary', () => {
  it('never accepts a card number, in any field', async () => {
    const before = await backend.store.headPosition();
    const r1 = await send({ type: 'AddPaymentMethod', methodId: 'm9', accountId: 'a1', token: '4111111111111111', holderName: 'Ada', brand: 'visa', last4: '1111', expiryMonth: 1, expiryYear: 2030 });
    const r2 = await send({ type: 'AddPaymentMethod', methodId: 'm9', accountId: 'a1', token: 'tok_ok', holderName: 'Ada 4111 1111 1111 1111', brand: 'visa', last4: '1111', expiryMonth: 1, expiryYear: 2030 });
    const r3 = await send({ type: 'CancelPaymentPlan', planId: 'p1', reason: 'card 4111-1111-1111-1111' });
    for (const r of [r1, r2, r3]) expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/card number/) } });
    expect(await backend.store.headPosition()).toBe(before);
  });

  it("labels a plan's method with its brand as the Cards panel writes it: 'Mastercard •••• 5443 (02/2030)'", async () => {
    await ok({ type: 'AddPaymentMethod', methodId: 'm10', accountId: 'a1', token: 'tok_mc_ada', holderName: 'Ada', brand: 'mastercard', last4: '5443', expiryMonth: 2, expiryYear: 2030 });
    await create('p10', 'm10');
    await create('p11');
    expect((await plan('p10'))!.methodLabel).toBe('Mastercard •••• 5443 (02/2030)');
    expect((await plan('p11'))!.methodLabel).toBe('Visa •••• 4242 (12/2028)');
    const list = await agent.call('plans.ofAccount', { accountId: 'a1' });
    expect(list.ok && list.value.map((p) => p.methodLabel)).toEqual(['Mastercard •••• 5443 (02/2030)', 'Visa •••• 4242 (12/2028)']);
  });

  it('refuses an expired method for a new plan, and changes nothing', async () => {
    await ok({ type: 'AddPaymentMethod', methodId: 'm7', accountId: 'a1', token: 'tok_soon', holderName: 'Ada', brand: 'visa', last4: '2222', expiryMonth: 2, expiryYear: 2026 });
    await later('2026-03-01T08:00:00.000Z');
    const before = await backend.store.headPosition();
    const r = await send({ type: 'CreatePaymentPlan', planId: 'p7', accountId: 'a1', methodId: 'm7', amount: 100, currency: 'EUR', interval: 'monthly', startDate: '2026-03-01' });
    expect(r).toEqual({ ok: false, error: { code: 'METHOD_EXPIRED', message: 'the Visa card ending 2222 expired at the end of 02/2026: ask the customer for a card that is still valid and add it first' } });
    expect(await backend.store.headPosition()).toBe(before);
  });

  it('flags plans on a lost card\'s method when the card is reissued, for an agent to re-point', async () => {
    await create('p1');
    await ok({ type: 'ReportCardLost', cardId: 'c1' });
    await ok({ type: 'ReissueCard', cardId: 'c1', newCardId: 'c2', last4: '9999', expiryMonth: 6, expiryYear: 2030, reason: 'lost' });
    const flagged = await plan('p1');
    expect(flagged!.flagReason).toMatch(/card ending 4242 was reported lost and reissued as card c2/);
    await ok({ type: 'AddPaymentMethod', methodId: 'm8', accountId: 'a1', token: 'tok_new_card', holderName: 'Ada Andersen', brand: 'visa', last4: '9999', expiryMonth: 6, expiryYear: 2030, cardId: 'c2' });
    await ok({ type: 'RepointPaymentPlan', planId: 'p1', methodId: 'm8' });
    expect(await plan('p1')).toMatchObject({ methodId: 'm8', flagReason: null });
  });

  it('cancels with a refund of the last charge through the refund path, in one transaction', async () => {
    await create('p1');
    await run('2026-03-01');
    await ok({ type: 'CancelPaymentPlan', planId: 'p1', reason: 'the customer moved', refundLastCharge: true });
    const refunds = await eventsOf('RefundPosted');
    expect(refunds.map((e) => e.data)).toEqual([expect.objectContaining({ accountId: 'a1', chargeId: 'plan-p1-c1-2026-03', amount: 1999 })]);
    expect((await backend.store.read((sql) => sql.get<{ balance: number }>('SELECT balance FROM accounts WHERE account_id = ?', ['a1'])))!.balance).toBe(0);
  });
});
