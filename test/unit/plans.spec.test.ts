/** Payment methods and payment plans: given/when/then for every command, refusal and renewal rule, on fixed dates. */
import { describe, expect, it } from 'vitest';
import { paymentMethodDecider } from '../../domain/paymentmethods/decider.js';
import type { PaymentMethodEvent } from '../../domain/paymentmethods/events.js';
import { planDecider, type PlanCommand } from '../../domain/plans/decider.js';
import type { PlanEvent } from '../../domain/plans/events.js';
import { renewalStep } from '../../domain/plans/schedule.js';
import { DEFAULT_PLAN_SETTINGS, planSettingsDecider } from '../../domain/plans/settings.js';
import type { MethodView } from '../../domain/plans/text.js';
import { DeciderSpecification } from '../../domain/testing/spec.js';
import { addMonths } from '../../domain/plans/dates.js';
import { behaviourOf, GatewaySimulator } from '../../domain/gateway/simulator.js';
import { chargeWithRetries } from '../../domain/gateway/port.js';

const methods = DeciderSpecification(paymentMethodDecider);
const plans = DeciderSpecification(planDecider);
const settings = DEFAULT_PLAN_SETTINGS;

const facts = { methodId: 'm1', accountId: 'a1', token: 'tok_visa_1', holderName: 'Ada Andersen', brand: 'visa' as const, last4: '4242', expiryMonth: 12, expiryYear: 2027, cardId: 'c1' };
const added: PaymentMethodEvent = { type: 'PaymentMethodAdded', data: facts };
const method: MethodView = { methodId: 'm1', accountId: 'a1', status: 'active', brand: 'visa', last4: '4242', expiryMonth: 12, expiryYear: 2027 };
const expiringMarch: MethodView = { ...method, expiryMonth: 3, expiryYear: 2026 };

const plan = { planId: 'p1', accountId: 'a1', methodId: 'm1', amount: 1999, currency: 'EUR', interval: 'monthly' as const, startDate: '2026-03-01' };
const created: PlanEvent = { type: 'PaymentPlanCreated', data: { ...plan, nextDueDate: '2026-03-01' } };
const create = (over: Partial<Extract<PlanCommand, { type: 'CreatePaymentPlan' }>> = {}): PlanCommand => ({ type: 'CreatePaymentPlan', ...plan, method, today: '2026-02-10', ...over });
const ref = (period: string, dueDate: string, attempt = 1, cycle = 1) => {
  const chargeId = `plan-p1-c${cycle}-${period}`;
  return { cycle, period, dueDate, chargeId, idempotencyKey: `${chargeId}-a${attempt}`, attempt };
};
const record = (date: string, charge: ReturnType<typeof ref>, result: Extract<PlanCommand, { type: 'RecordPlanCharge' }>['result']): PlanCommand => ({ type: 'RecordPlanCharge', planId: 'p1', date, charge, result, settings });
const succeeded = (period: string, dueDate: string, nextDueDate: string, attempt = 1, cycle = 1): PlanEvent => ({
  type: 'PlanChargeSucceeded',
  data: { planId: 'p1', accountId: 'a1', ...ref(period, dueDate, attempt, cycle), amount: 1999, currency: 'EUR', gatewayRef: `sim-${ref(period, dueDate, attempt, cycle).idempotencyKey}`, nextDueDate },
});
const march = succeeded('2026-03', '2026-03-01', '2026-04-01');
const cancelled: PlanEvent = { type: 'PaymentPlanCancelled', data: { planId: 'p1', accountId: 'a1', reason: 'moving abroad' } };

describe('payment methods', () => {
  it('adds a tokenised method: brand, last-4, expiry and token, nothing more', () => methods.given([]).when({ type: 'AddPaymentMethod', ...facts, today: '2026-02-01' }).then([added]));
  it('refuses a card that has already expired', () => methods.given([]).when({ type: 'AddPaymentMethod', ...facts, expiryMonth: 1, expiryYear: 2026, today: '2026-02-01' }).thenRefuses('METHOD_EXPIRED', /expired at the end of 01\/2026/));
  it('accepts a card in its last valid month', () => methods.given([]).when({ type: 'AddPaymentMethod', ...facts, expiryMonth: 2, expiryYear: 2026, today: '2026-02-28' }).then([{ ...added, data: { ...facts, expiryMonth: 2, expiryYear: 2026 } }]));
  it('refuses a second method with the same id', () => methods.given([added]).when({ type: 'AddPaymentMethod', ...facts, token: 'tok_other', today: '2026-02-01' }).thenRefuses('METHOD_EXISTS'));
  it('removes a method once', () => {
    methods.given([added]).when({ type: 'RemovePaymentMethod', methodId: 'm1', reason: 'customer asked' }).then([{ type: 'PaymentMethodRemoved', data: { methodId: 'm1', accountId: 'a1', reason: 'customer asked' } }]);
    methods.given([added, { type: 'PaymentMethodRemoved', data: { methodId: 'm1', accountId: 'a1', reason: 'x' } }]).when({ type: 'RemovePaymentMethod', methodId: 'm1', reason: 'again' }).thenNothingHappens();
  });
  it('refuses to remove an unknown method', () => methods.given([]).when({ type: 'RemovePaymentMethod', methodId: 'm9', reason: 'x' }).thenRefuses('METHOD_NOT_FOUND'));
});

describe('creating, cancelling and resubscribing a plan', () => {
  it('creates a plan due first on its start date', () => plans.given([]).when(create()).then([created]));
  it('refuses an expired method for a new plan', () => plans.given([]).when(create({ method: { ...method, expiryMonth: 1, expiryYear: 2026 } })).thenRefuses('METHOD_EXPIRED', /still valid/));
  it('refuses an unknown, removed or other account\'s method', () => {
    plans.given([]).when(create({ method: null })).thenRefuses('METHOD_NOT_FOUND');
    plans.given([]).when(create({ method: { ...method, status: 'removed' } })).thenRefuses('METHOD_REMOVED');
    plans.given([]).when(create({ method: { ...method, accountId: 'a2' } })).thenRefuses('METHOD_OF_OTHER_ACCOUNT');
  });
  it('refuses a start date in the past and an existing plan id', () => {
    plans.given([]).when(create({ startDate: '2026-02-01' })).thenRefuses('START_IN_PAST');
    plans.given([created]).when(create({ amount: 5 })).thenRefuses('PLAN_EXISTS');
  });
  it('cancels, and refunds the last charge when asked', () => {
    plans.given([created, march]).when({ type: 'CancelPaymentPlan', planId: 'p1', reason: 'moving abroad', refundLastCharge: false, refundId: 'r1' }).then([cancelled]);
    plans
      .given([created, march])
      .when({ type: 'CancelPaymentPlan', planId: 'p1', reason: 'moving abroad', refundLastCharge: true, refundId: 'r1' })
      .then([{ type: 'PaymentPlanCancelled', data: { planId: 'p1', accountId: 'a1', reason: 'moving abroad', refund: { refundId: 'r1', chargeId: 'plan-p1-c1-2026-03', amount: 1999, currency: 'EUR' } } }]);
  });
  it('refuses a refund when there is no charge to refund', () => plans.given([created]).when({ type: 'CancelPaymentPlan', planId: 'p1', reason: 'x', refundLastCharge: true, refundId: 'r1' }).thenRefuses('NOTHING_TO_REFUND'));
  it('cancelling twice changes nothing; an unknown plan is refused', () => {
    plans.given([created, cancelled]).when({ type: 'CancelPaymentPlan', planId: 'p1', reason: 'x', refundLastCharge: false, refundId: 'r' }).thenNothingHappens();
    plans.given([]).when({ type: 'CancelPaymentPlan', planId: 'p1', reason: 'x', refundLastCharge: false, refundId: 'r' }).thenRefuses('PLAN_NOT_FOUND');
  });
  it('resubscribes a cancelled plan as a new cycle, due today', () =>
    plans.given([created, march, cancelled]).when({ type: 'ResubscribePaymentPlan', planId: 'p1', today: '2026-03-10', method }).then([{ type: 'PaymentPlanResubscribed', data: { planId: 'p1', accountId: 'a1', cycle: 2, nextDueDate: '2026-03-10' } }]));
  it('refuses to resubscribe a running plan, or with an expired method', () => {
    plans.given([created]).when({ type: 'ResubscribePaymentPlan', planId: 'p1', today: '2026-03-10', method }).thenRefuses('PLAN_RUNNING');
    plans.given([created, cancelled]).when({ type: 'ResubscribePaymentPlan', planId: 'p1', today: '2026-04-10', method: expiringMarch }).thenRefuses('METHOD_EXPIRED');
  });
  it('re-points a plan to another method and clears its flag', () => {
    const flagged: PlanEvent = { type: 'PaymentPlanFlagged', data: { planId: 'p1', accountId: 'a1', methodId: 'm1', cardId: 'c1', newCardId: 'c2', reason: 'lost' } };
    plans.given([created, flagged]).when({ type: 'RepointPaymentPlan', planId: 'p1', methodId: 'm2', method: { ...method, methodId: 'm2' }, today: '2026-03-02' }).then([{ type: 'PaymentPlanRepointed', data: { planId: 'p1', accountId: 'a1', fromMethodId: 'm1', methodId: 'm2' } }]);
    plans.given([created, cancelled]).when({ type: 'RepointPaymentPlan', planId: 'p1', methodId: 'm2', method, today: '2026-03-02' }).thenRefuses('PLAN_ENDED');
  });
  it('flags a plan paid with the old card once, and never a cancelled one', () => {
    const flag: PlanCommand = { type: 'FlagPaymentPlan', planId: 'p1', methodId: 'm1', cardId: 'c1', newCardId: 'c2', reason: 'lost' };
    plans.given([created]).when(flag).then([{ type: 'PaymentPlanFlagged', data: { planId: 'p1', accountId: 'a1', methodId: 'm1', cardId: 'c1', newCardId: 'c2', reason: 'lost' } }]);
    plans.given([created, { type: 'PaymentPlanFlagged', data: { planId: 'p1', accountId: 'a1', methodId: 'm1', cardId: 'c1', newCardId: 'c2', reason: 'lost' } }]).when(flag).thenNothingHappens();
    plans.given([created, cancelled]).when(flag).thenNothingHappens();
  });
});

describe('the renewal schedule', () => {
  const notice = (date: string, m: MethodView | null = method): PlanCommand => ({ type: 'SendRenewalNotice', planId: 'p1', date, method: m, settings });
  it('sends the notice N days before renewal, once', () => {
    plans.given([created]).when(notice('2026-02-21')).thenNothingHappens();
    plans
      .given([created])
      .when(notice('2026-02-22'))
      .then([
        {
          type: 'RenewalNoticeSent',
          data: { planId: 'p1', accountId: 'a1', cycle: 1, period: '2026-03', dueDate: '2026-03-01', amount: 1999, currency: 'EUR', methodId: 'm1', methodExpired: false, text: 'Your payment plan p1 renews on 2026-03-01: 19.99 EUR will be charged to your Visa card ending 4242. To cancel, call us before that date.' },
        },
      ]);
    const sent = { type: 'RenewalNoticeSent', data: { planId: 'p1', dueDate: '2026-03-01' } } as unknown as PlanEvent;
    plans.given([created, sent]).when(notice('2026-02-23')).thenNothingHappens();
  });
  it('says so when the method will have expired by the renewal date', () => {
    const afterMarch: PlanEvent[] = [created, march];
    const [e] = planDecider.decide(notice('2026-03-25', expiringMarch), afterMarch.reduce(planDecider.evolve, planDecider.initialState())) as PlanEvent[];
    expect(e).toMatchObject({ type: 'RenewalNoticeSent', data: { dueDate: '2026-04-01', methodExpired: true } });
    expect((e!.data as { text: string }).text).toBe(
      'Your payment plan p1 renews on 2026-04-01: 19.99 EUR will be charged to your Visa card ending 4242. That card expires at the end of 03/2026, before the renewal date, so the charge would fail: please give us a card that is still valid before 2026-04-01, or call us to cancel.',
    );
  });
  it('charges once per period: the same charge recorded again is ignored', () => {
    plans.given([created]).when(record('2026-03-01', ref('2026-03', '2026-03-01'), { kind: 'approved', gatewayRef: 'sim-plan-p1-c1-2026-03-a1' })).then([march]);
    plans.given([created, march]).when(record('2026-03-01', ref('2026-03', '2026-03-01'), { kind: 'approved', gatewayRef: 'x' })).thenNothingHappens();
  });
  it('charges nothing before the due date, nothing after cancellation, and again after a resubscription', () => {
    const s = (events: PlanEvent[]) => events.reduce(planDecider.evolve, planDecider.initialState());
    expect(renewalStep(s([created]), '2026-02-28', settings)).toMatchObject({ kind: 'notice' });
    expect(renewalStep(s([created, march, cancelled]), '2026-04-01', settings)).toEqual({ kind: 'none' });
    const resub: PlanEvent = { type: 'PaymentPlanResubscribed', data: { planId: 'p1', accountId: 'a1', cycle: 2, nextDueDate: '2026-03-10' } };
    expect(renewalStep(s([created, march, cancelled, resub]), '2026-03-10', settings)).toEqual({ kind: 'charge', charge: ref('2026-03', '2026-03-10', 1, 2) });
  });
  it('a decline starts the grace period with a retry on the schedule, and tells the customer how to pay', () =>
    plans
      .given([created])
      .when(record('2026-03-01', ref('2026-03', '2026-03-01'), { kind: 'declined', code: 'insufficient_funds' }))
      .then([
        {
          type: 'PlanChargeDeclined',
          data: {
            planId: 'p1',
            accountId: 'a1',
            ...ref('2026-03', '2026-03-01'),
            amount: 1999,
            currency: 'EUR',
            code: 'insufficient_funds',
            retryable: true,
            nextRetryDate: '2026-03-02',
            graceEndsOn: '2026-03-03',
            payLink: 'https://pay.cardops.example/plans/p1',
            text: 'We could not charge 19.99 EUR for your payment plan p1 (renewal of 2026-03-01): the card was declined (insufficient_funds). We will try again on 2026-03-02; your plan stays active until 2026-03-03. Pay now or use another card at https://pay.cardops.example/plans/p1',
          },
        },
      ]));
  const declined = (attempt: number, date: string, next: string | null): PlanEvent =>
    ({ type: 'PlanChargeDeclined', data: { planId: 'p1', accountId: 'a1', ...ref('2026-03', '2026-03-01', attempt), amount: 1999, currency: 'EUR', code: 'insufficient_funds', retryable: true, nextRetryDate: next, graceEndsOn: '2026-03-03', payLink: 'l', text: date } }) as PlanEvent;
  it('retries on the schedule with a new idempotency key per attempt, then lapses when the grace period ends', () => {
    const s = [created, declined(1, '2026-03-01', '2026-03-02')].reduce(planDecider.evolve, planDecider.initialState());
    expect(renewalStep(s, '2026-03-01', settings)).toEqual({ kind: 'none' });
    expect(renewalStep(s, '2026-03-02', settings)).toEqual({ kind: 'charge', charge: ref('2026-03', '2026-03-01', 2) });
    const third = planDecider.decide(record('2026-03-03', ref('2026-03', '2026-03-01', 3), { kind: 'declined', code: 'insufficient_funds' }), [created, declined(1, '', '2026-03-02'), declined(2, '', '2026-03-03')].reduce(planDecider.evolve, planDecider.initialState())) as PlanEvent[];
    expect(third.map((e) => e.type)).toEqual(['PlanChargeDeclined', 'PaymentPlanLapsed']);
    expect(third[1]!.data).toMatchObject({ reason: 'the card was declined (insufficient_funds) on the last retry of the grace period', text: expect.stringContaining('https://pay.cardops.example/plans/p1') });
  });
  it('a decline code that is never retried stops at once: declined and lapsed together', () => {
    const out = planDecider.decide(record('2026-03-01', ref('2026-03', '2026-03-01'), { kind: 'declined', code: 'stolen_card' }), planDecider.evolve(planDecider.initialState(), created)) as PlanEvent[];
    expect(out.map((e) => e.type)).toEqual(['PlanChargeDeclined', 'PaymentPlanLapsed']);
    expect(out[0]!.data).toMatchObject({ retryable: false, nextRetryDate: null });
  });
  it('lapses a plan whose grace period passed while the job did not run', () => {
    plans.given([created, declined(1, '', '2026-03-02')]).when({ type: 'LapsePaymentPlan', planId: 'p1', date: '2026-03-02', settings }).thenNothingHappens();
    plans.given([created, declined(1, '', '2026-03-02')]).when({ type: 'LapsePaymentPlan', planId: 'p1', date: '2026-03-04', settings }).then([
      { type: 'PaymentPlanLapsed', data: { planId: 'p1', accountId: 'a1', period: '2026-03', chargeId: 'plan-p1-c1-2026-03', reason: 'the grace period ended on 2026-03-03 without a payment', payLink: 'https://pay.cardops.example/plans/p1', text: 'Your payment plan p1 has lapsed: the grace period ended on 2026-03-03 without a payment. To restart it, pay at https://pay.cardops.example/plans/p1 or call us.' } },
    ]);
  });
  it('a timeout keeps the attempt open: the next try uses the same idempotency key', () => {
    const timedOut: PlanEvent = { type: 'PlanChargeTimedOut', data: { planId: 'p1', accountId: 'a1', ...ref('2026-03', '2026-03-01'), tries: 3 } };
    plans.given([created]).when(record('2026-03-01', ref('2026-03', '2026-03-01'), { kind: 'timeout', tries: 3 })).then([timedOut]);
    const s = [created, timedOut].reduce(planDecider.evolve, planDecider.initialState());
    expect(renewalStep(s, '2026-03-02', settings)).toEqual({ kind: 'charge', charge: ref('2026-03', '2026-03-01') });
    plans.given([created, timedOut]).when(record('2026-03-02', ref('2026-03', '2026-03-01'), { kind: 'approved', gatewayRef: 'g' })).then([{ ...march, data: { ...march.data, gatewayRef: 'g' } } as PlanEvent]);
  });
  it('renews monthly on the start day, or the last day of a shorter month', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-01-31', 2)).toBe('2026-03-31');
    expect(addMonths('2026-11-15', 3)).toBe('2027-02-15');
  });
});

describe('plan settings', () => {
  const spec = DeciderSpecification(planSettingsDecider);
  it('changes the notice days', () => spec.given([]).when({ type: 'UpdatePlanSettings', changes: { noticeDays: 10 } }).then([{ type: 'PlanSettingsUpdated', data: { changes: { noticeDays: 10 } } }]));
  it('refuses a retry after the grace period', () => spec.given([]).when({ type: 'UpdatePlanSettings', changes: { graceDays: 1 } }).thenRefuses('RETRY_AFTER_GRACE', /after the 1-day grace period/));
});

describe('the gateway simulator', () => {
  it('acts per token: approve, decline with a code, time out', () => {
    expect(behaviourOf('tok_visa_1')).toEqual({ kind: 'approve' });
    expect(behaviourOf('tok_decline_insufficient_funds-2')).toEqual({ kind: 'decline', code: 'insufficient_funds' });
    expect(behaviourOf('tok_timeout_x')).toEqual({ kind: 'timeout' });
    expect(behaviourOf('tok_timeout1_x')).toEqual({ kind: 'timeout_once' });
  });
  it('retries a timeout with the same idempotency key, and charges once', async () => {
    const g = new GatewaySimulator();
    const r = await chargeWithRetries(g, { token: 'tok_timeout1_a', amount: 100, currency: 'EUR', idempotencyKey: 'k1', description: 'd' });
    expect(r).toEqual({ kind: 'approved', gatewayRef: 'sim-k1' });
    expect(g.requests.map((q) => q.idempotencyKey)).toEqual(['k1', 'k1']);
    expect(g.charges()).toHaveLength(1);
    expect(await chargeWithRetries(g.configure('tok_b', { kind: 'timeout' }), { token: 'tok_b', amount: 1, currency: 'EUR', idempotencyKey: 'k2', description: 'd' }, 2)).toEqual({ kind: 'timeout', tries: 2 });
  });
});
