/**
 * Refunds through the real backend on the real sql.js store: roles and maker-checker in the
 * backend, the account credited by RefundPosted linked to the charge, the outbox message, and
 * concurrent requests that together would exceed the charge.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Backend, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import { openBackend } from '../../domain/open.js';
import { UnitOfWork, runUnitOfWork } from '../../domain/unitOfWork.js';
import { requestRefund, type RefundPolicy } from '../../domain/refunds/request.js';
import { refundStreamId } from '../../domain/refunds/events.js';
import { ConcurrencyError } from '../../domain/eventstore/types.js';
import { isRefusal } from '../../domain/decider.js';

let backend: Backend;
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
const balance = async (accountId: string) => {
  return backend.store.read((sql) => Number(sql.scalar('SELECT balance FROM accounts WHERE account_id = ?', [accountId])));
};

let agent: Connection, super1: Connection, super2: Connection;
beforeEach(async () => {
  backend = await openBackend({ log: () => {} });
  await seedDemo(backend.store, { accounts: 0, seed: 1 });
  agent = await as('agent1');
  super1 = await as('super1');
  super2 = await as('super2');
  await ok(agent, { type: 'OpenAccount', accountId: 'acc1', holderName: 'Ada Andersen', currency: 'EUR', creditLimit: 100_000 });
  await ok(super1, { type: 'PostCharge', accountId: 'acc1', chargeId: 'ch1', amount: 50_000, description: 'hotel' });
});

describe('RequestRefund in the backend', () => {
  it('posts a refund within the agent limit at once: RefundPosted on the account, linked to the charge, and an outbox message', async () => {
    const out = await ok(agent, { type: 'RequestRefund', refundId: 'r1', accountId: 'acc1', chargeId: 'ch1', amount: 4_000, reason: 'duplicate' });
    expect(out.events.map((e) => `${e.type}@${e.streamId}`)).toEqual(['RefundRequested@refunds-acc1:ch1', 'RefundApproved@refunds-acc1:ch1', 'RefundPosted@account-acc1']);
    expect(await balance('acc1')).toBe(-46_000);
    const posted = (await backend.store.readStream('account-acc1')).events.find((e) => e.type === 'RefundPosted')!;
    expect(posted.data).toEqual({ accountId: 'acc1', refundId: 'r1', chargeId: 'ch1', amount: 4_000, currency: 'EUR', reason: 'duplicate' });
    expect(posted.metadata.operator).toBe('agent1');
    const outbox = await backend.store.read((sql) => sql.all<{ topic: string; event_id: string }>("SELECT topic, event_id FROM outbox WHERE type = 'RefundPosted'"));
    expect(outbox).toEqual([{ topic: 'refund.posted', event_id: posted.eventId }]);
    const list = await agent.call('refunds.list', { filters: { status: 'posted' } });
    expect(list.ok && list.value.rows.map((r) => [r.refundId, r.status, r.holderName])).toEqual([['r1', 'posted', 'Ada Andersen']]);
  });

  it('is idempotent by refund id: the same refund again writes nothing', async () => {
    await ok(agent, { type: 'RequestRefund', refundId: 'r1', accountId: 'acc1', chargeId: 'ch1', amount: 4_000, reason: 'duplicate' });
    const again = await ok(agent, { type: 'RequestRefund', refundId: 'r1', accountId: 'acc1', chargeId: 'ch1', amount: 4_000, reason: 'duplicate' });
    expect(again.events).toEqual([]);
    expect(await balance('acc1')).toBe(-46_000);
  });

  it('refuses a refund id used on another charge, changing nothing', async () => {
    await ok(super1, { type: 'PostCharge', accountId: 'acc1', chargeId: 'ch2', amount: 1_000, description: 'taxi' });
    await ok(agent, { type: 'RequestRefund', refundId: 'r1', accountId: 'acc1', chargeId: 'ch1', amount: 100, reason: 'other' });
    const head = await backend.store.headPosition();
    const r = await exec(agent, { type: 'RequestRefund', refundId: 'r1', accountId: 'acc1', chargeId: 'ch2', amount: 100, reason: 'other' });
    expect(r).toMatchObject({ ok: false, error: { code: 'REFUND_ID_TAKEN', message: expect.stringMatching(/already used for charge ch1 of account acc1: choose a new refund id/) } });
    expect(await backend.store.headPosition()).toBe(head);
  });

  it('refuses an unknown reason code and a card number in the note, by validation', async () => {
    const bad = await exec(agent, { type: 'RequestRefund', refundId: 'r1', accountId: 'acc1', chargeId: 'ch1', amount: 100, reason: 'because' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/reason: must be one of duplicate, fraudulent/) } });
    const pan = await exec(agent, { type: 'RequestRefund', refundId: 'r1', accountId: 'acc1', chargeId: 'ch1', amount: 100, reason: 'other', note: 'card 4111 1111 1111 1111' });
    expect(pan).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/looks like a card number/) } });
  });

  it('says what is still refundable', async () => {
    await ok(agent, { type: 'RequestRefund', refundId: 'r1', accountId: 'acc1', chargeId: 'ch1', amount: 4_000, reason: 'duplicate' });
    await ok(agent, { type: 'RequestRefund', refundId: 'r2', accountId: 'acc1', chargeId: 'ch1', amount: 30_000, reason: 'other' });
    const r = await agent.call('refunds.refundable', { accountId: 'acc1', chargeId: 'ch1' });
    expect(r.ok && { ...r.value, refunds: r.value.refunds.length }).toEqual({ accountId: 'acc1', chargeId: 'ch1', description: 'hotel', chargeAmount: 50_000, currency: 'EUR', committed: 34_000, refundable: 16_000, agentLimit: 10_000, agentDailyLimit: 100_000, refundedToday: 34_000, refunds: 2 });
    expect(await agent.call('refunds.refundable', { accountId: 'acc1', chargeId: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('maker-checker, enforced in the backend', () => {
  it('over the limit the refund waits; an agent may not approve; the requester may not approve; another supervisor does, and only then is it posted', async () => {
    const req = await ok(agent, { type: 'RequestRefund', refundId: 'r1', accountId: 'acc1', chargeId: 'ch1', amount: 20_000, reason: 'service_not_provided' });
    expect(req.events.map((e) => e.type)).toEqual(['RefundRequested', 'RefundSentForApproval']);
    expect(await balance('acc1')).toBe(-50_000);
    const queue = await super1.call('refunds.list', { filters: { status: 'awaiting_approval' } });
    expect(queue.ok && queue.value.rows.map((r) => r.refundId)).toEqual(['r1']);

    expect(await exec(agent, { type: 'ApproveRefund', refundId: 'r1' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: 'ApproveRefund needs the role supervisor; agent1 is agent' } });

    await ok(super1, { type: 'RequestRefund', refundId: 'r2', accountId: 'acc1', chargeId: 'ch1', amount: 15_000, reason: 'other' });
    const self = await exec(super1, { type: 'ApproveRefund', refundId: 'r2' });
    expect(self).toMatchObject({ ok: false, error: { code: 'SAME_OPERATOR', message: expect.stringMatching(/super1 requested refund r2/) } });

    const approved = await ok(super1, { type: 'ApproveRefund', refundId: 'r1', note: 'hotel confirmed' });
    expect(approved.events.map((e) => e.type)).toEqual(['RefundApproved', 'RefundPosted']);
    expect(await balance('acc1')).toBe(-30_000);
    await ok(super2, { type: 'RejectRefund', refundId: 'r2', note: 'no proof' });
    const rows = await super1.call('refunds.list', { sort: 'refundId' });
    expect(rows.ok && rows.value.rows.map((r) => [r.refundId, r.status, r.decidedBy])).toEqual([
      ['r1', 'posted', 'super1'],
      ['r2', 'rejected', 'super2'],
    ]);
    expect(await exec(super2, { type: 'ApproveRefund', refundId: 'zz' })).toMatchObject({ ok: false, error: { code: 'REFUND_NOT_FOUND' } });
  });
});

describe('concurrent refunds of one charge', () => {
  it('two requests read at once and together over the charge: the second to commit conflicts and, decided again, is refused', async () => {
    const meta = (id: string) => ({ operator: 'agent1', correlationId: id, causationId: id, commandId: id });
    const a = new UnitOfWork(backend.store, meta('c-a'));
    const b = new UnitOfWork(backend.store, meta('c-b'));
    const req = (refundId: string) => ({ refundId, accountId: 'acc1', chargeId: 'ch1', amount: 30_000, reason: 'other' as const, requestedBy: 'agent1' });
    const generous: RefundPolicy = { limits: () => ({ agentLimit: 100_000, agentDailyLimit: 1_000_000 }), refundedToday: () => Promise.resolve(0) };
    expect(isRefusal(await requestRefund(a, req('ra'), generous))).toBe(false);
    expect(isRefusal(await requestRefund(b, req('rb'), generous))).toBe(false);
    await a.commit();
    await expect(b.commit()).rejects.toBeInstanceOf(ConcurrencyError);
    const retried = await runUnitOfWork(backend.store, meta('c-b'), async (uow) => {
      const d = await requestRefund(uow, req('rb'), generous);
      if (isRefusal(d)) return d;
    });
    expect(retried).toMatchObject({ ok: false, refusal: { code: 'REFUND_EXCEEDS_CHARGE' } });
    expect(await balance('acc1')).toBe(-20_000);
  });

  it('many requests at once through the API never refund more than the charge; retried, exactly what fits is accepted', async () => {
    const send = (i: number) => exec(i % 2 ? agent : super1, { type: 'RequestRefund', refundId: `r${i}`, accountId: 'acc1', chargeId: 'ch1', amount: 9_000, reason: 'other' });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => send(i)));
    for (const r of results) if (!r.ok) expect(['REFUND_EXCEEDS_CHARGE', 'CONCURRENCY_CONFLICT']).toContain(r.error.code);
    const accepted = results.filter((r) => r.ok).length;
    expect(accepted).toBeLessThanOrEqual(5); // 5 × 90.00 = 450.00 of 500.00; a sixth would make 540.00
    // A conflict that ran out of retries changed nothing: send those again, one by one.
    const again = [];
    for (const [i, r] of results.entries()) again.push(!r.ok && r.error.code === 'CONCURRENCY_CONFLICT' ? await send(i) : r);
    expect(again.filter((r) => r.ok)).toHaveLength(5);
    for (const r of again.filter((x) => !x.ok)) expect(r).toMatchObject({ ok: false, error: { code: 'REFUND_EXCEEDS_CHARGE' } });
    // The agent limit caps the charge's refunds together: the first is posted, the four after it wait for a supervisor.
    expect(await balance('acc1')).toBe(-41_000);
    const { events } = await backend.store.readStream(refundStreamId('acc1', 'ch1'));
    expect(events.filter((e) => e.type === 'RefundRequested')).toHaveLength(5);
    expect(events.filter((e) => e.type === 'RefundSentForApproval')).toHaveLength(4);
  });
});
