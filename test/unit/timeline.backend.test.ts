/**
 * The account timeline through the real backend on the real sql.js store: it holds the events of
 * the account's payment methods, plans, refunds and orders (not only its own stream, cards,
 * authorisations and invoices), each with its kind, and the kind filter finds them.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Backend, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import { GatewaySimulator } from '../../domain/gateway/simulator.js';
import { openBackend } from '../../domain/open.js';
import { runRenewals } from '../../domain/plans/renewal.js';

let backend: Backend;
let agent: Connection, super1: Connection, super2: Connection;
let gateway: GatewaySimulator;
const clock = { now: () => '2026-02-20T09:00:00.000Z' };

type Cmd = { readonly type: string } & Record<string, unknown>;
async function ok(c: Connection, command: Cmd): Promise<void> {
  const r = await c.call('commands.execute', { command });
  if (!r.ok) throw new Error(`${command.type} was refused: ${r.error.code}: ${r.error.message}`);
}
async function as(operatorId: string): Promise<Connection> {
  const c = backend.connect({ origin: 'test' });
  expect((await c.call('auth.login', { operatorId, password: 'demo' })).ok).toBe(true);
  return c;
}
type Kind = 'account' | 'posting' | 'card' | 'authorization' | 'invoice' | 'plans' | 'refunds' | 'orders';
async function timeline(accountId: string, kinds?: Kind[]): Promise<{ type: string; kind: string; streamId: string }[]> {
  const r = await agent.call('accounts.timeline', { accountId, limit: 500, ...(kinds ? { kinds } : {}) });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value.entries.map((e) => ({ type: e.type, kind: e.kind, streamId: e.streamId })).reverse();
}

beforeEach(async () => {
  backend = await openBackend({ log: () => {}, clock });
  await seedDemo(backend.store, { accounts: 0, seed: 1 });
  agent = await as('agent1');
  super1 = await as('super1');
  super2 = await as('super2');
  gateway = new GatewaySimulator();
  for (const [accountId, holderName] of [['a1', 'Ada Andersen'], ['a2', 'Bo Berg']] as const) {
    await ok(agent, { type: 'OpenAccount', accountId, holderName, currency: 'EUR', creditLimit: 500_000 });
    await ok(agent, { type: 'AddPaymentMethod', methodId: `m-${accountId}`, accountId, token: `tok_visa_${accountId}`, holderName, brand: 'visa', last4: '4242', expiryMonth: 12, expiryYear: 2028 });
    await ok(agent, { type: 'CreatePaymentPlan', planId: `p-${accountId}`, accountId, methodId: `m-${accountId}`, amount: 1999, currency: 'EUR', interval: 'monthly', startDate: '2026-03-01' });
    await ok(agent, { type: 'CreateOrder', orderId: `o-${accountId}`, accountId, baseCurrency: 'EUR', lines: [{ description: 'Laptop', quantity: 1, unitPrice: 10_000 }], total: 10_000 });
  }
});

describe('the account timeline', () => {
  it("holds the account's payment methods, plans, refunds and orders, with their kinds, and none of another account's", async () => {
    // A plan: a notice and a charge (the job), cancelled and resubscribed; a lapsed plan on a declining method.
    await runRenewals({ store: backend.store, gateway }, '2026-02-25');
    await runRenewals({ store: backend.store, gateway }, '2026-03-01');
    await ok(agent, { type: 'CancelPaymentPlan', planId: 'p-a1', reason: 'the customer asked' });
    await ok(agent, { type: 'ResubscribePaymentPlan', planId: 'p-a1' });
    await ok(agent, { type: 'AddPaymentMethod', methodId: 'm-bad', accountId: 'a1', token: 'tok_decline_stolen_card', holderName: 'Ada Andersen', brand: 'visa', last4: '0002', expiryMonth: 12, expiryYear: 2028 });
    await ok(agent, { type: 'CreatePaymentPlan', planId: 'p-bad', accountId: 'a1', methodId: 'm-bad', amount: 500, currency: 'EUR', interval: 'monthly', startDate: '2026-03-02' });
    await runRenewals({ store: backend.store, gateway }, '2026-03-02');
    await ok(agent, { type: 'AddPaymentMethod', methodId: 'm-old', accountId: 'a1', token: 'tok_old', holderName: 'Ada Andersen', brand: 'mastercard', last4: '5443', expiryMonth: 2, expiryYear: 2030 });
    await ok(agent, { type: 'RemovePaymentMethod', methodId: 'm-old', reason: 'the customer asked' });
    // Refunds: one within the agent limit (posted at once), one over it (rejected by a supervisor).
    await ok(super1, { type: 'PostCharge', accountId: 'a1', chargeId: 'ch1', amount: 50_000, description: 'hotel' });
    await ok(agent, { type: 'RequestRefund', refundId: 'r1', accountId: 'a1', chargeId: 'ch1', amount: 4_000, reason: 'duplicate' });
    await ok(agent, { type: 'RequestRefund', refundId: 'r2', accountId: 'a1', chargeId: 'ch1', amount: 40_000, reason: 'other' });
    await ok(super2, { type: 'RejectRefund', refundId: 'r2', note: 'not a duplicate' });
    // An order: a payment cancelled, then paid with more than the total (prepaid credit).
    await ok(agent, { type: 'AddOrderPayment', orderId: 'o-a1', paymentId: 'x1', method: 'cash', amount: 1_000, currency: 'EUR' });
    await ok(agent, { type: 'CancelOrderPayment', orderId: 'o-a1', paymentId: 'x1', reason: 'wrong till' });
    await ok(agent, { type: 'AddOrderPayment', orderId: 'o-a1', paymentId: 'x2', method: 'card', amount: 10_500, currency: 'EUR' });

    const all = await timeline('a1');
    const kindOf = new Map<string, Set<string>>();
    for (const e of all) kindOf.set(e.type, new Set([...(kindOf.get(e.type) ?? []), e.kind]));
    const expected: Record<string, Kind> = {
      PaymentMethodAdded: 'plans',
      PaymentMethodRemoved: 'plans',
      PaymentPlanCreated: 'plans',
      RenewalNoticeSent: 'plans',
      PlanChargeSucceeded: 'plans',
      PaymentPlanCancelled: 'plans',
      PaymentPlanResubscribed: 'plans',
      PlanChargeDeclined: 'plans',
      PaymentPlanLapsed: 'plans',
      RefundRequested: 'refunds',
      RefundApproved: 'refunds',
      RefundSentForApproval: 'refunds',
      RefundRejected: 'refunds',
      RefundPosted: 'posting',
      OrderCreated: 'orders',
      OrderPaymentAdded: 'orders',
      OrderPaymentCancelled: 'orders',
      OrderPaid: 'orders',
      OrderOverpaid: 'orders',
      PrepaidCreditAdded: 'posting',
      ChargePosted: 'posting',
    };
    for (const [type, kind] of Object.entries(expected)) expect({ type, kinds: [...(kindOf.get(type) ?? [])] }).toEqual({ type, kinds: [kind] });
    // Only a1's streams: nothing of a2's plan, method or order.
    expect(all.filter((e) => /a2/.test(e.streamId))).toEqual([]);

    // The chips: each kind alone; a posted refund and an order's prepaid credit are postings that also show with their refund or order.
    const refunds = await timeline('a1', ['refunds']);
    expect(refunds.map((e) => e.type)).toEqual(['RefundRequested', 'RefundApproved', 'RefundPosted', 'RefundRequested', 'RefundSentForApproval', 'RefundRejected']);
    const orders = await timeline('a1', ['orders']);
    expect(orders.map((e) => e.type)).toEqual(['OrderCreated', 'OrderPaymentAdded', 'OrderPaymentCancelled', 'OrderPaymentAdded', 'OrderPaid', 'OrderOverpaid', 'PrepaidCreditAdded']);
    const plans = await timeline('a1', ['plans']);
    expect(plans.map((e) => e.type).slice(0, 3)).toEqual(['PaymentMethodAdded', 'PaymentPlanCreated', 'RenewalNoticeSent']);
    expect(plans.map((e) => e.type)).toContain('ChargePosted');
    expect(plans.every((e) => e.kind === 'plans' || e.type === 'ChargePosted')).toBe(true);
    const postings = await timeline('a1', ['posting']);
    expect(new Set(postings.map((e) => e.type))).toEqual(new Set(['ChargePosted', 'RefundPosted', 'PrepaidCreditAdded']));
    expect(postings.every((e) => e.kind === 'posting' && e.streamId === 'account-a1')).toBe(true);
  });

  it("a new account's timeline is its opening only, and a plan of another account does not reach it", async () => {
    await ok(agent, { type: 'OpenAccount', accountId: 'a3', holderName: 'Cy Carr', currency: 'EUR', creditLimit: 1_000 });
    expect(await timeline('a3')).toEqual([{ type: 'AccountOpened', kind: 'account', streamId: 'account-a3' }]);
  });
});
