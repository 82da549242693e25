/** Orders through the real backend and sql.js store: split payments, credit used by a later charge, reminders through the outbox. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Backend, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import { openBackend } from '../../domain/open.js';
import { sendDueOrderReminders } from '../../domain/orders/commands.js';

let backend: Backend;
let agent: Connection, super1: Connection;
async function as(operatorId: string): Promise<Connection> {
  const c = backend.connect({ origin: 'test' });
  expect((await c.call('auth.login', { operatorId, password: 'demo' })).ok).toBe(true);
  return c;
}
async function ok(c: Connection, command: Record<string, unknown>) {
  const r = await c.call('commands.execute', { command });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
const outboxTypes = () => backend.store.read((sql) => sql.all<{ type: string; topic: string }>('SELECT type, topic FROM outbox ORDER BY position').map((r) => `${r.type}:${r.topic}`));

beforeEach(async () => {
  backend = await openBackend({ log: () => {} });
  await seedDemo(backend.store, { accounts: 0, seed: 1 });
  agent = await as('agent1');
  super1 = await as('super1');
  await ok(agent, { type: 'OpenAccount', accountId: 'acc1', holderName: 'Ada Andersen', currency: 'EUR', creditLimit: 100_000 });
  await ok(agent, { type: 'CreateOrder', orderId: 'o1', accountId: 'acc1', baseCurrency: 'EUR', lines: [{ description: 'Laptop', quantity: 1, unitPrice: 10_000 }], total: 10_000 });
});

describe('an order paid half by card in EUR and half by PayPal in USD, overpaid', () => {
  it('shows the conversion before saving, settles, keeps the overpayment as credit, and a later charge uses that credit first', async () => {
    await ok(agent, { type: 'AddOrderPayment', orderId: 'o1', paymentId: 'p1', method: 'card', amount: 5_000, currency: 'EUR' });
    const quote = await agent.call('orders.quotePayment', { orderId: 'o1', method: 'paypal', amount: 6_000, currency: 'USD', fxRate: '0.9215' });
    expect(quote).toEqual({ ok: true, value: { fxRate: '0.9215', exactBaseAmount: '5529', baseAmount: 5_529, baseCurrency: 'EUR', dueBefore: 5_000, dueAfter: 0, outcome: 'overpaid', writeOff: 0, credit: 529 } });
    const out = await ok(agent, { type: 'AddOrderPayment', orderId: 'o1', paymentId: 'p2', method: 'paypal', amount: 6_000, currency: 'USD', fxRate: '0.9215' });
    expect(out.events.map((e) => e.type)).toEqual(['OrderPaymentAdded', 'OrderPaid', 'OrderOverpaid', 'PrepaidCreditAdded']);
    const detail = await agent.call('orders.get', { orderId: 'o1' });
    if (!detail.ok) throw new Error(detail.error.message);
    expect(detail.value.order).toMatchObject({ status: 'paid', total: 10_000, paid: 10_529, due: 0, overpaid: 529, holderName: 'Ada Andersen' });
    expect(detail.value.payments.map((p) => [p.method, p.amount, p.currency, p.fxRate, p.baseAmount])).toEqual([
      ['card', 5_000, 'EUR', null, 5_000],
      ['paypal', 6_000, 'USD', '0.9215', 5_529],
    ]);
    expect(detail.value.accountCredit).toBe(529);
    expect(await backend.store.read((sql) => Number(sql.scalar("SELECT balance FROM accounts WHERE account_id = 'acc1'")))).toBe(529);

    const charge = await ok(super1, { type: 'PostCharge', accountId: 'acc1', chargeId: 'ch1', amount: 1_000, description: 'annual fee' });
    expect(charge.events.map((e) => e.type)).toEqual(['ChargePosted', 'PrepaidCreditApplied']);
    const after = await agent.call('orders.get', { orderId: 'o1' });
    expect(after.ok && after.value.accountCredit).toBe(0);
    expect(await outboxTypes()).toEqual(expect.arrayContaining(['OrderPaid:order.paid', 'PrepaidCreditAdded:account.prepaid_credit_added']));
    const verify = await backend.store.verify();
    expect(verify.ok).toBe(true);
  });

  it('refuses a bad rate in the backend with a clear message, changing nothing', async () => {
    const head = await backend.store.headPosition();
    const r = await agent.call('commands.execute', { command: { type: 'AddOrderPayment', orderId: 'o1', paymentId: 'p2', method: 'paypal', amount: 6_000, currency: 'USD', fxRate: '0,92' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/fxRate: must be a decimal number such as 1.0853/) } });
    const missing = await agent.call('commands.execute', { command: { type: 'AddOrderPayment', orderId: 'o1', paymentId: 'p2', method: 'paypal', amount: 6_000, currency: 'USD' } });
    expect(missing).toMatchObject({ ok: false, error: { code: 'FX_RATE_REQUIRED' } });
    expect(await backend.store.headPosition()).toBe(head);
  });
});

describe('the FX write-off is 0.5% of the converted amount, not of the whole order', () => {
  const status = () => backend.store.read((sql) => String(sql.scalar("SELECT status FROM orders WHERE order_id = 'o1'")));
  it('a tiny converted payment does not let 0.5% of the order go: 98.51 EUR + 1.00 USD at 1 stays open, 0.49 due', async () => {
    await ok(agent, { type: 'AddOrderPayment', orderId: 'o1', paymentId: 'p1', method: 'card', amount: 9_851, currency: 'EUR' });
    const quote = await agent.call('orders.quotePayment', { orderId: 'o1', method: 'paypal', amount: 100, currency: 'USD', fxRate: '1' });
    expect(quote).toMatchObject({ ok: true, value: { outcome: 'part_paid', writeOff: 0, dueAfter: 49 } });
    const out = await ok(agent, { type: 'AddOrderPayment', orderId: 'o1', paymentId: 'p2', method: 'paypal', amount: 100, currency: 'USD', fxRate: '1' });
    expect(out.events.map((e) => e.type)).toEqual(['OrderPaymentAdded']);
    expect(await status()).not.toBe('paid');
  });
  it('just at 0.5% of the 50.00 converted (0.25 short) is written off and paid; just over (49.99 converted) is not', async () => {
    await ok(agent, { type: 'CreateOrder', orderId: 'o2', accountId: 'acc1', baseCurrency: 'EUR', lines: [{ description: 'Laptop', quantity: 1, unitPrice: 10_000 }], total: 10_000 });
    await ok(agent, { type: 'AddOrderPayment', orderId: 'o1', paymentId: 'p1', method: 'card', amount: 4_975, currency: 'EUR' });
    const at = await ok(agent, { type: 'AddOrderPayment', orderId: 'o1', paymentId: 'p2', method: 'paypal', amount: 5_000, currency: 'USD', fxRate: '1' });
    expect(at.events.map((e) => e.type)).toEqual(['OrderPaymentAdded', 'OrderFxShortfallWrittenOff', 'OrderPaid']);
    const writeOff = (await backend.store.readStream('order-o1')).events.find((e) => e.type === 'OrderFxShortfallWrittenOff')!;
    expect(writeOff.data).toEqual({ orderId: 'o1', amount: 25, currency: 'EUR', convertedAmount: 5_000, percentOfConverted: '0.5', percentOfTotal: '0.25' });
    expect(await status()).toBe('paid');
    await ok(agent, { type: 'AddOrderPayment', orderId: 'o2', paymentId: 'q1', method: 'card', amount: 4_976, currency: 'EUR' });
    const over = await ok(agent, { type: 'AddOrderPayment', orderId: 'o2', paymentId: 'q2', method: 'paypal', amount: 4_999, currency: 'USD', fxRate: '1' });
    expect(over.events.map((e) => e.type)).toEqual(['OrderPaymentAdded']);
  });
});

describe('reminders of the unpaid remainder go through the outbox', () => {
  it('sends the first after an hour and the second after a day, then none; none for a paid order', async () => {
    await ok(agent, { type: 'AddOrderPayment', orderId: 'o1', paymentId: 'p1', method: 'cash', amount: 4_000, currency: 'EUR' });
    const createdAt = await backend.store.read((sql) => String(sql.scalar("SELECT created_at FROM orders WHERE order_id = 'o1'")));
    const plus = (min: number) => new Date(Date.parse(createdAt) + min * 60_000).toISOString();
    const meta = { operator: 'system', correlationId: 'x', causationId: 'x', commandId: 'sweep-1' };
    expect(await sendDueOrderReminders(backend.store, plus(59), meta)).toEqual({ sent: 0 });
    expect(await sendDueOrderReminders(backend.store, plus(60), meta)).toEqual({ sent: 1 });
    expect(await sendDueOrderReminders(backend.store, plus(61), { ...meta, commandId: 'sweep-2' })).toEqual({ sent: 0 });
    expect(await sendDueOrderReminders(backend.store, plus(1440), { ...meta, commandId: 'sweep-3' })).toEqual({ sent: 1 });
    expect(await sendDueOrderReminders(backend.store, plus(99_999), { ...meta, commandId: 'sweep-4' })).toEqual({ sent: 0 });
    const msgs = await backend.store.read((sql) => sql.all<{ topic: string; data: string }>("SELECT o.topic, e.data FROM outbox o JOIN events e ON e.event_id = o.event_id WHERE o.type = 'OrderReminderSent' ORDER BY o.position"));
    expect(msgs.map((m) => [m.topic, JSON.parse(m.data) as unknown])).toEqual([
      ['order.payment_reminder', { orderId: 'o1', accountId: 'acc1', reminder: 1, afterMinutes: 60, due: 6_000, currency: 'EUR' }],
      ['order.payment_reminder', { orderId: 'o1', accountId: 'acc1', reminder: 2, afterMinutes: 1440, due: 6_000, currency: 'EUR' }],
    ]);
    await ok(agent, { type: 'CreateOrder', orderId: 'o2', accountId: 'acc1', baseCurrency: 'EUR', lines: [{ description: 'Pen', quantity: 1, unitPrice: 100 }], total: 100 });
    await ok(agent, { type: 'AddOrderPayment', orderId: 'o2', paymentId: 'p1', method: 'cash', amount: 100, currency: 'EUR' });
    expect(await sendDueOrderReminders(backend.store, plus(3_000), { ...meta, commandId: 'sweep-5' })).toEqual({ sent: 0 });
  });
});
