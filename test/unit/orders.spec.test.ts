/** Orders with split payments, given/when/then: conversion, half-even rounding, settlement, the 0.5% boundary, overpayment, reminders. */
import { describe, expect, it } from 'vitest';
import { orderDecider, type OrderCommand } from '../../domain/orders/decider.js';
import type { OrderEvent, OrderPayment } from '../../domain/orders/events.js';
import { convert, withinFxTolerance } from '../../domain/orders/fx.js';
import { accountDecider, type AccountCommand } from '../../domain/accounts/decider.js';
import type { AccountEvent } from '../../domain/accounts/events.js';
import { fold } from '../../domain/decider.js';
import { DeciderSpecification } from '../../domain/testing/spec.js';

const spec = DeciderSpecification(orderDecider);
const lines = [
  { description: 'Laptop', quantity: 1, unitPrice: 8_000 },
  { description: 'Bag', quantity: 2, unitPrice: 1_000 },
];
const created = (total = 10_000, at?: string): OrderEvent => ({ type: 'OrderCreated', data: { orderId: 'o1', accountId: 'a1', baseCurrency: 'EUR', lines: total === 10_000 ? lines : [{ description: 'Item', quantity: 1, unitPrice: total }], total }, ...(at ? { at } : {}) }) as OrderEvent;
const create = (over: Partial<Extract<OrderCommand, { type: 'CreateOrder' }>> = {}): OrderCommand => ({ type: 'CreateOrder', orderId: 'o1', accountId: 'a1', baseCurrency: 'EUR', lines, total: 10_000, account: { currency: 'EUR', status: 'open' }, ...over });
const pay = (paymentId: string, amount: number, currency = 'EUR', fxRate?: string, method: OrderPayment['method'] = 'card'): OrderCommand => ({ type: 'AddOrderPayment', orderId: 'o1', paymentId, method, amount, currency, ...(fxRate ? { fxRate } : {}) });
const added = (paymentId: string, amount: number, currency = 'EUR', fx: { fxRate: string; exactBaseAmount: string; baseAmount: number } | null = null, method: OrderPayment['method'] = 'card'): OrderEvent => ({
  type: 'OrderPaymentAdded',
  data: { orderId: 'o1', paymentId, method, amount, currency, fxRate: fx?.fxRate ?? null, exactBaseAmount: fx?.exactBaseAmount ?? String(amount), baseAmount: fx?.baseAmount ?? amount, rounding: 'half_even' },
});
const paid = (p: number, total = 10_000): OrderEvent => ({ type: 'OrderPaid', data: { orderId: 'o1', accountId: 'a1', total, paid: p, currency: 'EUR' } });

describe('CreateOrder', () => {
  it('creates the order with its lines and total in the base currency', () => spec.given([]).when(create()).then([created()]));
  it('refuses lines that do not add up to the total', () => spec.given([]).when(create({ total: 9_999 })).thenRefuses('ORDER_TOTAL_MISMATCH', /the lines add up to 100.00 EUR, not the total of 99.99 EUR/));
  it('refuses a base currency other than the account currency', () => spec.given([]).when(create({ account: { currency: 'USD', status: 'open' } })).thenRefuses('CURRENCY_MISMATCH', /must be USD/));
  it('refuses an account that does not exist', () => spec.given([]).when(create({ account: null })).thenRefuses('ACCOUNT_NOT_FOUND'));
  it('refuses a closed account', () => spec.given([]).when(create({ account: { currency: 'EUR', status: 'closed' } })).thenRefuses('ACCOUNT_CLOSED'));
  it('refuses an order with no line', () => spec.given([]).when(create({ lines: [], total: 0 })).thenRefuses('ORDER_EMPTY'));
  it('is idempotent: the same order again changes nothing', () => spec.given([created()]).when(create()).thenNothingHappens());
  it('refuses another order under a taken id', () => spec.given([created()]).when(create({ accountId: 'a2' })).thenRefuses('ORDER_EXISTS'));
  it('refuses commands on an order that does not exist', () => spec.given([]).when(pay('p1', 1)).thenRefuses('ORDER_NOT_FOUND', /there is no order o1/));
});

describe('conversion: exact decimal rate, base amount rounded half-even', () => {
  it('records the rate as given and the exact and rounded base amounts', () =>
    spec.given([created()]).when(pay('p1', 5_000, 'USD', '0.9217')).then([added('p1', 5_000, 'USD', { fxRate: '0.9217', exactBaseAmount: '4608.5', baseAmount: 4_608 })]));
  it.each([
    // amount, rate, exact, half-even (ties go to the even neighbour; others to the nearest)
    [5, '0.5', '2.5', 2],
    [7, '0.5', '3.5', 4],
    [15, '0.3', '4.5', 4],
    [11, '0.5', '5.5', 6],
    [1_001, '0.5', '500.5', 500],
    [1_003, '0.5', '501.5', 502],
    [3, '0.51', '1.53', 2],
    [3, '0.49', '1.47', 1],
  ])('%i minor units at %s are %s → %i', (amount, rate, exact, rounded) => {
    expect(convert(amount, 'USD', 'EUR', rate)).toEqual({ fxRate: rate, exactBaseAmount: exact, baseAmount: rounded });
  });
  it('uses exact decimals where floats would drift (0.1 + 0.2)', () => {
    expect(convert(3, 'USD', 'EUR', '0.15')).toEqual({ fxRate: '0.15', exactBaseAmount: '0.45', baseAmount: 0 });
    expect(convert(10_000_000_000, 'USD', 'EUR', '1.000000000001').exactBaseAmount).toBe('10000000000.01');
  });
  it('minds the minor units of each currency (JPY has none)', () => expect(convert(1_000, 'JPY', 'EUR', '0.00612')).toEqual({ fxRate: '0.00612', exactBaseAmount: '612', baseAmount: 612 }));
  it('refuses a payment in another currency without a rate', () => spec.given([created()]).when(pay('p1', 5_000, 'USD')).thenRefuses('FX_RATE_REQUIRED', /give the exchange rate it was taken at \(1 USD = \? EUR\)/));
  it('refuses a rate of zero', () => spec.given([created()]).when(pay('p1', 5_000, 'USD', '0')).thenRefuses('INVALID_FX_RATE'));
  it('refuses a rate on a payment in the base currency', () => spec.given([created()]).when(pay('p1', 5_000, 'EUR', '1.1')).thenRefuses('FX_RATE_NOT_ALLOWED'));
  it('refuses a converted payment worth less than one minor unit', () => spec.given([created()]).when(pay('p1', 1, 'USD', '0.4')).thenRefuses('INVALID_AMOUNT'));
});

describe('settlement', () => {
  it('stays open while the payments are short of the total', () => spec.given([created()]).when(pay('p1', 4_000)).then([added('p1', 4_000)]));
  it('is paid when the payments reach the total exactly', () => spec.given([created(), added('p1', 4_000)]).when(pay('p2', 6_000)).then([added('p2', 6_000), paid(10_000)]));
  it('is paid half by card in EUR and half by PayPal in USD', () =>
    spec.given([created(), added('p1', 5_000)]).when(pay('p2', 5_500, 'USD', '0.9091', 'paypal')).then([added('p2', 5_500, 'USD', { fxRate: '0.9091', exactBaseAmount: '5000.05', baseAmount: 5_000 }, 'paypal'), paid(10_000)]));
  describe('the 0.5% tolerance: of the amount that was converted, not of the whole order', () => {
    // The tolerance is 0.5% of the sum of the converted payments' base amounts (each rounded half-even to
    // whole minor units as recorded); the comparison is exact in integers: 200 × shortfall ≤ converted.
    const usd = (paymentId: string, amount: number): OrderEvent => added(paymentId, amount, 'USD', { fxRate: '1', exactBaseAmount: String(amount), baseAmount: amount });
    const writtenOff = (amount: number, convertedAmount: number, percentOfConverted: string, percentOfTotal: string): OrderEvent => ({
      type: 'OrderFxShortfallWrittenOff',
      data: { orderId: 'o1', amount, currency: 'EUR', convertedAmount, percentOfConverted, percentOfTotal },
    });
    it('just at 0.5% of the converted amount: 50.00 converted, 0.25 short, written off', () =>
      spec.given([created(), added('p1', 4_975)]).when(pay('p2', 5_000, 'USD', '1')).then([usd('p2', 5_000), writtenOff(25, 5_000, '0.5', '0.25'), paid(9_975)]));
    it('just over 0.5% of the converted amount: 49.99 converted, 0.25 short, stays open', () =>
      spec.given([created(), added('p1', 4_976)]).when(pay('p2', 4_999, 'USD', '1')).then([usd('p2', 4_999)]));
    it('a tiny payment in another currency does not buy 0.5% of the whole order: 1.00 converted, 0.49 short stays open', () =>
      spec.given([created(), added('p1', 9_851)]).when(pay('p2', 100, 'USD', '1')).then([usd('p2', 100)]));
    it('within 0.5% of the whole order but not of the converted part: 49.50 converted, 0.50 short stays open', () =>
      spec.given([created(), added('p1', 5_000)]).when(pay('p2', 4_950, 'USD', '1')).then([usd('p2', 4_950)]));
    it('all of the order converted: 0.5% of 99.51 is 0.49755, so 0.49 short is written off and 0.50 short is not', () => {
      spec.given([created()]).when(pay('p1', 9_951, 'USD', '1')).then([usd('p1', 9_951), writtenOff(49, 9_951, '0.4924', '0.49'), paid(9_951)]);
      spec.given([created()]).when(pay('p1', 9_950, 'USD', '1')).then([usd('p1', 9_950)]);
    });
    it('the converted amount is the base amount as recorded, rounded half-even: 5,199 at 0.5 is 2,599.5 → 2,600, so 0.13 short is just at 0.5% (of the exact 2,599.5 it would be over)', () =>
      spec.given([created(), added('p1', 7_387)]).when(pay('p2', 5_199, 'USD', '0.5')).then([added('p2', 5_199, 'USD', { fxRate: '0.5', exactBaseAmount: '2599.5', baseAmount: 2_600 }), writtenOff(13, 2_600, '0.5', '0.13'), paid(9_987)]));
    it('several converted payments add up: 30.00 + 20.00 converted, 0.25 short is written off', () =>
      spec.given([created(), added('p1', 4_975), usd('p2', 3_000)]).when(pay('p3', 2_000, 'USD', '1')).then([usd('p3', 2_000), writtenOff(25, 5_000, '0.5', '0.25'), paid(9_975)]));
    it('exact integers at the boundary: 0.5% of 100.01 is 0.50005, so 0.50 is inside and 0.51 outside', () => {
      expect(withinFxTolerance(50, 10_001)).toBe(true);
      expect(withinFxTolerance(51, 10_001)).toBe(false);
      expect(withinFxTolerance(50, 9_999)).toBe(false);
      expect(withinFxTolerance(0, 0)).toBe(false);
    });
    it('without any conversion there is no tolerance', () => spec.given([created(), added('p1', 5_000)]).when(pay('p2', 4_990)).then([added('p2', 4_990)]));
    it('a cancelled converted payment does not count as a conversion', () =>
      spec.given([created(), added('p0', 100, 'USD', { fxRate: '1', exactBaseAmount: '100', baseAmount: 100 }), { type: 'OrderPaymentCancelled', data: { orderId: 'o1', paymentId: 'p0', baseAmount: 100, reason: 'bounced' } }, added('p1', 5_000)])
        .when(pay('p2', 4_990))
        .then([added('p2', 4_990)]));
  });
  it('an overpayment pays the order and is recorded as overpaid (credit for the account)', () =>
    spec.given([created(), added('p1', 5_000)]).when(pay('p2', 6_000, 'USD', '0.92')).then([
      added('p2', 6_000, 'USD', { fxRate: '0.92', exactBaseAmount: '5520', baseAmount: 5_520 }),
      paid(10_520),
      { type: 'OrderOverpaid', data: { orderId: 'o1', accountId: 'a1', amount: 520, currency: 'EUR' } },
    ]));
  it('refuses a payment once the order is paid', () => spec.given([created(), added('p1', 10_000), paid(10_000)]).when(pay('p2', 1)).thenRefuses('ORDER_PAID', /already paid/));
  it('is idempotent by payment id', () => spec.given([created(), added('p1', 4_000)]).when(pay('p1', 4_000)).thenNothingHappens());
  it('refuses a different payment under a payment id already used', () => spec.given([created(), added('p1', 4_000)]).when(pay('p1', 4_500)).thenRefuses('PAYMENT_ID_TAKEN'));
});

describe('CancelOrderPayment', () => {
  const cancel = (paymentId: string): OrderCommand => ({ type: 'CancelOrderPayment', orderId: 'o1', paymentId, reason: 'cheque bounced' });
  it('cancels a payment of an open order', () => spec.given([created(), added('p1', 4_000)]).when(cancel('p1')).then([{ type: 'OrderPaymentCancelled', data: { orderId: 'o1', paymentId: 'p1', baseAmount: 4_000, reason: 'cheque bounced' } }]));
  it('the cancelled payment no longer counts', () => {
    const s = fold(orderDecider, [created(), added('p1', 4_000), { type: 'OrderPaymentCancelled', data: { orderId: 'o1', paymentId: 'p1', baseAmount: 4_000, reason: 'x' } }]);
    spec.given([created(), added('p1', 4_000), { type: 'OrderPaymentCancelled', data: { orderId: 'o1', paymentId: 'p1', baseAmount: 4_000, reason: 'x' } }]).when(pay('p2', 6_000)).then([added('p2', 6_000)]);
    expect(s.status).toBe('open');
  });
  it('refuses a payment the order does not have', () => spec.given([created()]).when(cancel('p9')).thenRefuses('PAYMENT_NOT_FOUND'));
  it('refuses once the order is paid', () => spec.given([created(), added('p1', 10_000), paid(10_000)]).when(cancel('p1')).thenRefuses('ORDER_PAID', /refund the customer instead/));
  it('cancelling twice changes nothing', () => spec.given([created(), added('p1', 4_000), { type: 'OrderPaymentCancelled', data: { orderId: 'o1', paymentId: 'p1', baseAmount: 4_000, reason: 'x' } }]).when(cancel('p1')).thenNothingHappens());
});

describe('reminders of an unpaid remainder (after 1 hour, then 1 day)', () => {
  const at = '2026-05-01T10:00:00.000Z';
  const remind = (now: string): OrderCommand => ({ type: 'SendOrderReminder', orderId: 'o1', now, afterMinutes: [60, 1440] });
  const sent = (reminder: number, afterMinutes: number, due = 6_000): OrderEvent => ({ type: 'OrderReminderSent', data: { orderId: 'o1', accountId: 'a1', reminder, afterMinutes, due, currency: 'EUR' } });
  it('sends nothing before the first hour', () => spec.given([created(10_000, at), added('p1', 4_000)]).when(remind('2026-05-01T10:59:59.999Z')).thenNothingHappens());
  it('sends the first reminder after 1 hour, with what is still due', () => spec.given([created(10_000, at), added('p1', 4_000)]).when(remind('2026-05-01T11:00:00.000Z')).then([sent(1, 60)]));
  it('does not send the first reminder twice', () => spec.given([created(10_000, at), added('p1', 4_000), sent(1, 60)]).when(remind('2026-05-01T12:00:00.000Z')).thenNothingHappens());
  it('sends the second after 1 day', () => spec.given([created(10_000, at), added('p1', 4_000), sent(1, 60)]).when(remind('2026-05-02T10:00:00.000Z')).then([sent(2, 1440)]));
  it('sends no more after the last', () => spec.given([created(10_000, at), sent(1, 60, 10_000), sent(2, 1440, 10_000)]).when(remind('2026-06-01T10:00:00.000Z')).thenNothingHappens());
  it('after a long pause sends only the latest due reminder, not a burst', () => spec.given([created(10_000, at)]).when(remind('2026-05-03T10:00:00.000Z')).then([sent(2, 1440, 10_000)]));
  it('sends nothing for a paid order', () => spec.given([created(10_000, at), added('p1', 10_000), paid(10_000)]).when(remind('2026-05-02T10:00:00.000Z')).thenNothingHappens());
  it('follows the configured delays', () =>
    spec.given([created(10_000, at)]).when({ type: 'SendOrderReminder', orderId: 'o1', now: '2026-05-01T10:30:00.000Z', afterMinutes: [30] }).then([{ type: 'OrderReminderSent', data: { orderId: 'o1', accountId: 'a1', reminder: 1, afterMinutes: 30, due: 10_000, currency: 'EUR' } }]));
});

describe('Account: prepaid credit, used first by later charges', () => {
  const account = DeciderSpecification(accountDecider);
  const opened: AccountEvent = { type: 'AccountOpened', data: { accountId: 'a1', holderName: 'Ada', currency: 'EUR', creditLimit: 100_000 } };
  const credit: AccountEvent = { type: 'PrepaidCreditAdded', data: { accountId: 'a1', creditId: 'order:o1', source: 'overpayment of order o1', amount: 520, currency: 'EUR' } };
  const add: AccountCommand = { type: 'AddPrepaidCredit', accountId: 'a1', creditId: 'order:o1', source: 'overpayment of order o1', amount: 520, currency: 'EUR' };
  const charge = (chargeId: string, amount: number): AccountCommand => ({ type: 'PostCharge', accountId: 'a1', chargeId, amount, description: 'fee', authorizationId: `auth-${chargeId}` });
  const charged = (chargeId: string, amount: number): AccountEvent => ({ type: 'ChargePosted', data: { accountId: 'a1', chargeId, amount, currency: 'EUR', description: 'fee' } });
  it('adds the overpayment as its own event', () => account.given([opened]).when(add).then([credit]));
  it('ignores the same credit twice', () => account.given([opened, credit]).when(add).thenNothingHappens());
  it('refuses a credit in another currency', () => account.given([opened]).when({ ...add, currency: 'USD' } as AccountCommand).thenRefuses('CURRENCY_MISMATCH'));
  it('refuses a credit to a closed account', () => account.given([opened, { type: 'AccountClosed', data: { accountId: 'a1', reason: 'x' } }]).when(add).thenRefuses('ACCOUNT_CLOSED'));
  it('a later charge uses the credit first: part of it', () =>
    account.given([opened, credit]).when(charge('ch1', 300)).then([charged('ch1', 300), { type: 'PrepaidCreditApplied', data: { accountId: 'a1', chargeId: 'ch1', amount: 300, currency: 'EUR', remaining: 220 } }]));
  it('a later charge larger than the credit uses all of it, then the credit line', () => {
    account.given([opened, credit]).when(charge('ch1', 1_500)).then([charged('ch1', 1_500), { type: 'PrepaidCreditApplied', data: { accountId: 'a1', chargeId: 'ch1', amount: 520, currency: 'EUR', remaining: 0 } }]);
    const s = fold(accountDecider, [opened, credit, charged('ch1', 1_500), { type: 'PrepaidCreditApplied', data: { accountId: 'a1', chargeId: 'ch1', amount: 520, currency: 'EUR', remaining: 0 } }]);
    expect(s.status !== 'none' && [s.balance, s.prepaidCredit]).toEqual([-980, 0]);
  });
  it('with no credit left, a charge is just a charge', () =>
    account.given([opened, credit, charged('ch1', 520), { type: 'PrepaidCreditApplied', data: { accountId: 'a1', chargeId: 'ch1', amount: 520, currency: 'EUR', remaining: 0 } }]).when(charge('ch2', 100)).then([charged('ch2', 100)]));
});
