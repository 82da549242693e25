/**
 * The card lifecycle through the real backend on the real sql.js store: every change carries a
 * reason code (activate, reactivate and reissue too); a card past its expiry month is neither
 * issued nor made active, and the daily job expires it (operator `system`) so that it never counts
 * as active (the charge run's preview); closing an account closes its live cards and cancels its
 * live payment plans in the same transaction.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Backend, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import { runCardExpiry, startCardExpiryTimer, type ExpiryReport } from '../../domain/cards/expiry.js';
import { openBackend } from '../../domain/open.js';

let backend: Backend;
let now = '2026-05-04T09:00:00.000Z';
const clock = { now: () => now };
async function as(operatorId: string): Promise<Connection> {
  const c = backend.connect({ origin: 'test' });
  expect((await c.call('auth.login', { operatorId, password: 'demo' })).ok).toBe(true);
  return c;
}
const exec = (c: Connection, command: Record<string, unknown>) => c.call('commands.execute', { command });
async function ok(c: Connection, command: Record<string, unknown>) {
  const r = await exec(c, command);
  if (!r.ok) throw new Error(`${String(command.type)}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}
const issue = (cardId: string, expiryMonth: number, expiryYear: number, accountId = 'acc1', last4 = '4417') => ({ type: 'IssueCard', cardId, accountId, holderName: 'Ada Andersen', last4, brand: 'visa', expiryMonth, expiryYear });
const card = (cardId: string) => backend.store.read((sql) => sql.get<{ status: string; status_reason: string | null; status_by: string }>('SELECT status, status_reason, status_by FROM cards WHERE card_id = ?', [cardId]));
const streamOf = async (streamId: string) => (await backend.store.readStream(streamId)).events;
const head = () => backend.store.headPosition();

let agent: Connection, super1: Connection;
beforeEach(async () => {
  now = '2026-05-04T09:00:00.000Z';
  backend = await openBackend({ log: () => {}, clock });
  await seedDemo(backend.store, { accounts: 0, seed: 1 });
  agent = await as('agent1');
  super1 = await as('super1');
  await ok(agent, { type: 'OpenAccount', accountId: 'acc1', holderName: 'Ada Andersen', currency: 'EUR', creditLimit: 100_000 });
});

describe('every card change carries a reason code', () => {
  it('ActivateCard, ReactivateCard and ReissueCard require one of their codes; nothing is written without it', async () => {
    await ok(agent, issue('c1', 12, 2028));
    const before = await head();
    expect(await exec(agent, { type: 'ActivateCard', cardId: 'c1' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/reason: must be one of card_received, customer_request, issuer_request, other/) } });
    expect(await exec(agent, { type: 'ActivateCard', cardId: 'c1', reason: 'credit_denied' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await head()).toBe(before);
    await ok(agent, { type: 'ActivateCard', cardId: 'c1', reason: 'card_received', note: 'customer called from home' });
    await ok(agent, { type: 'DeactivateCard', cardId: 'c1', reason: 'suspicious_activity' });
    expect(await exec(agent, { type: 'ReactivateCard', cardId: 'c1' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/reason: must be one of customer_request, issue_resolved/) } });
    await ok(agent, { type: 'ReactivateCard', cardId: 'c1', reason: 'issue_resolved' });
    expect(await card('c1')).toEqual({ status: 'active', status_reason: 'issue_resolved', status_by: 'agent1' });
    const reissue = { type: 'ReissueCard', cardId: 'c1', newCardId: 'c2', last4: '9921', expiryMonth: 11, expiryYear: 2030 };
    expect(await exec(agent, reissue)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/reason: must be one of lost, stolen, damaged/) } });
    await ok(agent, { ...reissue, reason: 'damaged' });
    const events = await streamOf('card-c1');
    expect(events.map((e) => [e.type, (e.data as { reason?: string }).reason ?? null])).toEqual([
      ['CardIssued', null],
      ['CardActivated', 'card_received'],
      ['CardDeactivated', 'suspicious_activity'],
      ['CardReactivated', 'issue_resolved'],
      ['CardReissued', 'damaged'],
      ['CardClosed', 'damaged'],
    ]);
    expect(events[1]!.data).toEqual({ cardId: 'c1', channel: 'agent', reason: 'card_received', note: 'customer called from home' });
  });
});

describe('a card past its expiry month is neither issued nor made active', () => {
  it('issuing a card that expired last month is refused; one that expires this month is issued', async () => {
    const before = await head();
    expect(await exec(agent, issue('c-old', 4, 2026))).toMatchObject({ ok: false, error: { code: 'CARD_EXPIRED', message: expect.stringMatching(/expires 04\/2026 has expired \(today is 2026-05-04\)/) } });
    expect(await head()).toBe(before);
    await ok(agent, issue('c-may', 5, 2026));
    expect(await card('c-may')).toMatchObject({ status: 'issued' });
  });

  it('activating or reactivating a card after its expiry month is refused, changing nothing', async () => {
    await ok(agent, issue('c-may', 5, 2026));
    await ok(agent, issue('c-may2', 5, 2026, 'acc1', '5520'));
    await ok(agent, { type: 'ActivateCard', cardId: 'c-may2', reason: 'card_received' });
    await ok(agent, { type: 'DeactivateCard', cardId: 'c-may2', reason: 'customer_request' });
    now = '2026-06-01T00:00:00.000Z';
    agent = await as('agent1'); // weeks passed: the idle session expired
    const before = await head();
    expect(await exec(agent, { type: 'ActivateCard', cardId: 'c-may', reason: 'card_received' })).toMatchObject({ ok: false, error: { code: 'CARD_EXPIRED', message: expect.stringMatching(/card •4417 expires 05\/2026 and has expired \(today is 2026-06-01\): it cannot be activated/) } });
    expect(await exec(agent, { type: 'ReactivateCard', cardId: 'c-may2', reason: 'issue_resolved' })).toMatchObject({ ok: false, error: { code: 'CARD_EXPIRED', message: expect.stringMatching(/cannot be reactivated/) } });
    expect(await exec(agent, { type: 'ReissueCard', cardId: 'c-may2', newCardId: 'c-new', last4: '1234', expiryMonth: 5, expiryYear: 2026, reason: 'expired' })).toMatchObject({ ok: false, error: { code: 'CARD_EXPIRED' } });
    expect(await head()).toBe(before);
  });

  it('still in its expiry month, the card is activated', async () => {
    await ok(agent, issue('c-may', 5, 2026));
    now = '2026-05-31T23:59:59.999Z';
    agent = await as('agent1'); // weeks passed: the idle session expired
    await ok(agent, { type: 'ActivateCard', cardId: 'c-may', reason: 'card_received' });
    expect(await card('c-may')).toMatchObject({ status: 'active' });
  });
});

describe('the daily expiry job', () => {
  const fees = { feeKind: 'monthly_fee', perCurrency: {}, default: 500 };
  const eligible = async () => {
    const p = await super1.call('chargeRuns.preview', { period: '2026-06', fees });
    if (!p.ok) throw new Error(p.error.message);
    return p.value;
  };
  beforeEach(async () => {
    await ok(agent, { type: 'OpenAccount', accountId: 'acc2', holderName: 'Ben Becker', currency: 'EUR', creditLimit: 100_000 });
    await ok(agent, issue('c-act', 5, 2026));
    await ok(agent, { type: 'ActivateCard', cardId: 'c-act', reason: 'card_received' });
    await ok(agent, issue('c-susp', 5, 2026, 'acc1', '1111'));
    await ok(agent, { type: 'ActivateCard', cardId: 'c-susp', reason: 'card_received' });
    await ok(agent, { type: 'DeactivateCard', cardId: 'c-susp', reason: 'customer_request' });
    await ok(agent, issue('c-iss', 5, 2026, 'acc1', '2222'));
    await ok(agent, issue('c-lost', 5, 2026, 'acc1', '3333'));
    await ok(agent, { type: 'ActivateCard', cardId: 'c-lost', reason: 'card_received' });
    await ok(agent, { type: 'ReportCardLost', cardId: 'c-lost' });
    await ok(agent, issue('c-june', 6, 2026, 'acc2', '6666'));
    await ok(agent, { type: 'ActivateCard', cardId: 'c-june', reason: 'card_received' });
  });

  it('the app\'s timer runs it for today on start-up, as operator system', async () => {
    const reports: ExpiryReport[] = [];
    const timer = startCardExpiryTimer({ store: backend.store, clock: { now: () => '2026-06-01T00:00:05.000Z' }, onReport: (r) => reports.push(r) });
    await timer.stop();
    expect(reports).toEqual([{ date: '2026-06-01', expired: 3, failed: [] }]);
    expect(await card('c-iss')).toEqual({ status: 'expired', status_reason: 'expired', status_by: 'system' });
  });

  it('by hand through the API, as the supervisor who runs it; an agent may not run it', async () => {
    expect(await agent.call('cards.expire', { date: '2026-06-01' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await super1.call('cards.expire', { date: '2026-06-01' })).toEqual({ ok: true, value: { date: '2026-06-01', expired: 3, failed: [] } });
    expect(await card('c-act')).toEqual({ status: 'expired', status_reason: 'expired', status_by: 'super1' });
    expect(await super1.call('cards.expire', { date: '2026-6-1' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('expires every live card past its expiry month as operator system; the card no longer counts as active for the charge run', async () => {
    expect(await runCardExpiry(backend.store, '2026-05-31')).toEqual({ date: '2026-05-31', expired: 0, failed: [] });
    expect(await eligible()).toMatchObject({ eligible: 2 });
    const report = await runCardExpiry(backend.store, '2026-06-01');
    expect(report).toEqual({ date: '2026-06-01', expired: 3, failed: [] });
    for (const id of ['c-act', 'c-susp', 'c-iss']) expect(await card(id)).toEqual({ status: 'expired', status_reason: 'expired', status_by: 'system' });
    expect(await card('c-lost')).toMatchObject({ status: 'lost' });
    expect(await card('c-june')).toMatchObject({ status: 'active' });
    const [expired] = (await streamOf('card-c-act')).filter((e) => e.type === 'CardExpired');
    expect(expired!.data).toEqual({ cardId: 'c-act', channel: 'system', reason: 'expired' });
    expect(expired!.metadata.operator).toBe('system');
    // acc1's only active card expired: the run excludes it (no active card); acc2 stays eligible.
    expect(await eligible()).toMatchObject({ eligible: 1, exclusions: { no_active_card: 1 } });
    // Idempotent for a date, and a later day finds nothing more.
    expect(await runCardExpiry(backend.store, '2026-06-01')).toMatchObject({ expired: 0 });
    expect(await runCardExpiry(backend.store, '2026-06-30')).toMatchObject({ expired: 0 });
    expect(await runCardExpiry(backend.store, '2026-07-01')).toMatchObject({ expired: 1 });
    expect(await exec(agent, { type: 'ReactivateCard', cardId: 'c-susp', reason: 'issue_resolved' })).toMatchObject({ ok: false, error: { code: 'CARD_FINAL' } });
  });
});

describe('closing an account closes its live cards and cancels its live plans, in one transaction', () => {
  beforeEach(async () => {
    await ok(agent, issue('c-act', 12, 2028));
    await ok(agent, { type: 'ActivateCard', cardId: 'c-act', reason: 'card_received' });
    await ok(agent, issue('c-susp', 12, 2028, 'acc1', '1111'));
    await ok(agent, { type: 'ActivateCard', cardId: 'c-susp', reason: 'card_received' });
    await ok(agent, { type: 'DeactivateCard', cardId: 'c-susp', reason: 'customer_request' });
    await ok(agent, issue('c-iss', 12, 2028, 'acc1', '2222'));
    await ok(agent, issue('c-lost', 12, 2028, 'acc1', '3333'));
    await ok(agent, { type: 'ReportCardLost', cardId: 'c-lost' });
    await ok(agent, { type: 'AddPaymentMethod', methodId: 'm1', accountId: 'acc1', token: 'tok_visa_acc1', holderName: 'Ada Andersen', brand: 'visa', last4: '4417', expiryMonth: 12, expiryYear: 2028, cardId: 'c-act' });
    await ok(agent, { type: 'CreatePaymentPlan', planId: 'p1', accountId: 'acc1', methodId: 'm1', amount: 1999, currency: 'EUR', interval: 'monthly', startDate: '2026-06-01' });
    await ok(agent, { type: 'CreatePaymentPlan', planId: 'p2', accountId: 'acc1', methodId: 'm1', amount: 500, currency: 'EUR', interval: 'monthly', startDate: '2026-06-01' });
    await ok(agent, { type: 'CancelPaymentPlan', planId: 'p2', reason: 'customer asked' });
  });

  it('CloseAccount writes the closure, the cards closed (account_closed) and the plan cancelled in one append', async () => {
    const out = await ok(super1, { type: 'CloseAccount', accountId: 'acc1', reason: 'customer moved abroad' });
    expect(out.events.map((e) => `${e.type}@${e.streamId}`)).toEqual(['AccountClosed@account-acc1', 'CardClosed@card-c-act', 'CardClosed@card-c-iss', 'CardClosed@card-c-susp', 'PaymentPlanCancelled@plan-p1']);
    // One transaction: consecutive positions, every reaction caused by the closure.
    const positions = out.events.map((e) => e.position);
    expect(positions).toEqual(positions.map((_, i) => positions[0]! + i));
    const closedEvent = (await streamOf('account-acc1')).find((e) => e.type === 'AccountClosed')!;
    const cardClosed = (await streamOf('card-c-act')).at(-1)!;
    expect(cardClosed.data).toEqual({ cardId: 'c-act', reason: 'account_closed', channel: 'system', note: 'account acc1 was closed' });
    expect(cardClosed.metadata).toMatchObject({ operator: 'super1', causationId: closedEvent.eventId });
    for (const id of ['c-act', 'c-susp', 'c-iss']) expect(await card(id)).toMatchObject({ status: 'closed', status_reason: 'account_closed' });
    expect(await card('c-lost')).toMatchObject({ status: 'lost' });
    const plans = await backend.store.read((sql) => sql.all<{ plan_id: string; status: string }>("SELECT plan_id, status FROM plans WHERE account_id = 'acc1' ORDER BY plan_id"));
    expect(plans).toEqual([
      { plan_id: 'p1', status: 'cancelled' },
      { plan_id: 'p2', status: 'cancelled' },
    ]);
    // Closing again changes nothing.
    expect((await ok(super1, { type: 'CloseAccount', accountId: 'acc1', reason: 'again' })).events).toEqual([]);
  });

  it('a refused closure (balance not zero) closes no card and cancels no plan', async () => {
    await ok(super1, { type: 'PostCharge', accountId: 'acc1', chargeId: 'ch1', amount: 1_000, description: 'fee' });
    const before = await head();
    expect(await exec(super1, { type: 'CloseAccount', accountId: 'acc1', reason: 'x' })).toMatchObject({ ok: false, error: { code: 'BALANCE_NOT_ZERO' } });
    expect(await head()).toBe(before);
    expect(await card('c-act')).toMatchObject({ status: 'active' });
  });
});
