import { assertNever, refuse, type Decider, type Decision, type Refusal } from '../decider.js';
import { brandLabel } from '../cards/events.js';
import { expiredOn, expiryText } from '../paymentmethods/events.js';
import { formatMoney } from '../shared/money.js';
import { addDays, addMonths } from './dates.js';
import { type ChargeRef, type PlanEvent, type PlanFacts, type PlanState } from './events.js';
import { nextRetryDate, renewalStep } from './schedule.js';
import type { PlanSettings } from './settings.js';
import { declineText, lapseText, noticeText, type MethodView } from './text.js';

/** What the payment gateway answered (domain/gateway): approved, declined with a code, or no answer. */
export type ChargeResult = { readonly kind: 'approved'; readonly gatewayRef: string } | { readonly kind: 'declined'; readonly code: string } | { readonly kind: 'timeout'; readonly tries: number };

export type PlanCommand =
  /** `method`: the payment method as its stream has it (null when unknown); `today` from the clock. */
  | ({ readonly type: 'CreatePaymentPlan'; readonly method: MethodView | null; readonly today: string } & PlanFacts)
  | { readonly type: 'CancelPaymentPlan'; readonly planId: string; readonly reason: string; readonly refundLastCharge: boolean; readonly refundId: string }
  | { readonly type: 'ResubscribePaymentPlan'; readonly planId: string; readonly today: string; readonly method: MethodView | null }
  | { readonly type: 'RepointPaymentPlan'; readonly planId: string; readonly methodId: string; readonly method: MethodView | null; readonly today: string }
  | { readonly type: 'FlagPaymentPlan'; readonly planId: string; readonly methodId: string; readonly cardId: string; readonly newCardId: string; readonly reason: string }
  | { readonly type: 'SendRenewalNotice'; readonly planId: string; readonly date: string; readonly method: MethodView | null; readonly settings: Pick<PlanSettings, 'noticeDays'> }
  | { readonly type: 'RecordPlanCharge'; readonly planId: string; readonly date: string; readonly charge: ChargeRef; readonly result: ChargeResult; readonly settings: PlanSettings }
  | { readonly type: 'LapsePaymentPlan'; readonly planId: string; readonly date: string; readonly settings: PlanSettings };

const initialState = (): PlanState => ({ status: 'none' });

function evolve(s: PlanState, e: PlanEvent): PlanState {
  if (e.type === 'PaymentPlanCreated') {
    const { nextDueDate, ...facts } = e.data;
    return { ...facts, status: 'active', cycle: 1, nextDueDate, noticeFor: null, attempt: null, lastCharge: null, refunded: [], flag: null };
  }
  if (s.status === 'none') return s;
  switch (e.type) {
    case 'PaymentPlanCancelled':
      return { ...s, status: 'cancelled', attempt: null, refunded: e.data.refund ? [...s.refunded, e.data.refund.chargeId] : s.refunded };
    case 'PaymentPlanResubscribed':
      return { ...s, status: 'active', cycle: e.data.cycle, nextDueDate: e.data.nextDueDate, noticeFor: null, attempt: null };
    case 'RenewalNoticeSent':
      return { ...s, noticeFor: e.data.dueDate };
    case 'PlanChargeSucceeded':
      return { ...s, status: 'active', nextDueDate: e.data.nextDueDate, attempt: null, lastCharge: { chargeId: e.data.chargeId, amount: e.data.amount, currency: e.data.currency } };
    case 'PlanChargeDeclined': {
      const d = e.data;
      return { ...s, status: 'past_due', attempt: { cycle: d.cycle, period: d.period, dueDate: d.dueDate, chargeId: d.chargeId, declines: d.attempt, timedOutKey: null, nextRetryDate: d.nextRetryDate, graceEndsOn: d.graceEndsOn } };
    }
    case 'PlanChargeTimedOut': {
      const d = e.data;
      const prev = s.attempt;
      return { ...s, attempt: { cycle: d.cycle, period: d.period, dueDate: d.dueDate, chargeId: d.chargeId, declines: d.attempt - 1, timedOutKey: d.idempotencyKey, nextRetryDate: prev?.nextRetryDate ?? null, graceEndsOn: prev?.graceEndsOn ?? null } };
    }
    case 'PaymentPlanLapsed':
      return { ...s, status: 'lapsed', attempt: null };
    case 'PaymentPlanFlagged':
      return { ...s, flag: { cardId: e.data.cardId, newCardId: e.data.newCardId, reason: e.data.reason } };
    case 'PaymentPlanRepointed':
      return { ...s, methodId: e.data.methodId, flag: null };
    default:
      return assertNever(e);
  }
}

const notFound = (planId: string): Refusal => refuse('PLAN_NOT_FOUND', `there is no payment plan ${planId}: check the plan id on the account`);

/** A method usable for a plan on `date`: it exists, belongs to the account, is not removed, has not expired. */
function unusable(method: MethodView | null, methodId: string, accountId: string, date: string): Refusal | null {
  if (!method) return refuse('METHOD_NOT_FOUND', `there is no payment method ${methodId}: add the customer's card as a payment method first`);
  if (method.accountId !== accountId) return refuse('METHOD_OF_OTHER_ACCOUNT', `payment method ${methodId} belongs to account ${method.accountId}, not ${accountId}: choose one of this account's methods`);
  if (method.status === 'removed') return refuse('METHOD_REMOVED', `payment method ${methodId} (${brandLabel(method.brand)} ending ${method.last4}) was removed: choose another method`);
  if (expiredOn(method, date)) return refuse('METHOD_EXPIRED', `the ${brandLabel(method.brand)} card ending ${method.last4} expired at the end of ${expiryText(method)}: ask the customer for a card that is still valid and add it first`);
  return null;
}

function decide(c: PlanCommand, s: PlanState): Decision<PlanEvent> {
  switch (c.type) {
    case 'CreatePaymentPlan': {
      const { type: _t, method, today, ...facts } = c;
      if (s.status !== 'none') {
        if (s.accountId === c.accountId && s.methodId === c.methodId && s.amount === c.amount && s.startDate === c.startDate) return [];
        return refuse('PLAN_EXISTS', `payment plan ${c.planId} already exists on account ${s.accountId}: choose another plan id`);
      }
      if (c.startDate < today) return refuse('START_IN_PAST', `the plan cannot start on ${c.startDate}, which has passed: start it today (${today}) or later`);
      const bad = unusable(method, c.methodId, c.accountId, today);
      if (bad) return bad;
      return [{ type: 'PaymentPlanCreated', data: { ...facts, nextDueDate: c.startDate } }];
    }
    case 'CancelPaymentPlan': {
      if (s.status === 'none') return notFound(c.planId);
      if (s.status === 'cancelled') return [];
      const last = s.lastCharge;
      if (c.refundLastCharge && (!last || s.refunded.includes(last.chargeId))) {
        return refuse('NOTHING_TO_REFUND', `payment plan ${c.planId} has ${last ? `already refunded its last charge ${last.chargeId}` : 'no charge yet'}: cancel it without a refund`);
      }
      const refund = c.refundLastCharge && last ? { refundId: c.refundId, chargeId: last.chargeId, amount: last.amount, currency: last.currency } : undefined;
      return [{ type: 'PaymentPlanCancelled', data: { planId: c.planId, accountId: s.accountId, reason: c.reason, ...(refund ? { refund } : {}) } }];
    }
    case 'ResubscribePaymentPlan': {
      if (s.status === 'none') return notFound(c.planId);
      if (s.status === 'active' || s.status === 'past_due') return refuse('PLAN_RUNNING', `payment plan ${c.planId} is ${s.status === 'active' ? 'active' : 'past due'}, not cancelled or lapsed: there is nothing to resubscribe`);
      const bad = unusable(c.method, s.methodId, s.accountId, c.today);
      if (bad) return bad;
      return [{ type: 'PaymentPlanResubscribed', data: { planId: c.planId, accountId: s.accountId, cycle: s.cycle + 1, nextDueDate: c.today } }];
    }
    case 'RepointPaymentPlan': {
      if (s.status === 'none') return notFound(c.planId);
      if (s.status === 'cancelled' || s.status === 'lapsed') return refuse('PLAN_ENDED', `payment plan ${c.planId} is ${s.status}: resubscribe it first`);
      if (s.methodId === c.methodId && !s.flag) return [];
      const bad = unusable(c.method, c.methodId, s.accountId, c.today);
      if (bad) return bad;
      return [{ type: 'PaymentPlanRepointed', data: { planId: c.planId, accountId: s.accountId, fromMethodId: s.methodId, methodId: c.methodId } }];
    }
    case 'FlagPaymentPlan': {
      if (s.status === 'none') return notFound(c.planId);
      if (s.status === 'cancelled' || s.methodId !== c.methodId || s.flag?.newCardId === c.newCardId) return [];
      return [{ type: 'PaymentPlanFlagged', data: { planId: c.planId, accountId: s.accountId, methodId: c.methodId, cardId: c.cardId, newCardId: c.newCardId, reason: c.reason } }];
    }
    case 'SendRenewalNotice': {
      if (s.status === 'none') return notFound(c.planId);
      const step = renewalStep(s, c.date, c.settings);
      if (step.kind !== 'notice') return [];
      const m = c.method;
      const expired = !m || m.status === 'removed' || expiredOn(m, step.dueDate);
      const view = m ?? { methodId: s.methodId, accountId: s.accountId, status: 'removed' as const, brand: 'card', last4: '????', expiryMonth: 1, expiryYear: 2000 };
      return [
        {
          type: 'RenewalNoticeSent',
          data: { planId: s.planId, accountId: s.accountId, cycle: s.cycle, period: step.period, dueDate: step.dueDate, amount: s.amount, currency: s.currency, methodId: s.methodId, methodExpired: expired, text: noticeText({ ...s, dueDate: step.dueDate }, view, expired) },
        },
      ];
    }
    case 'RecordPlanCharge': {
      if (s.status === 'none') return notFound(c.planId);
      const step = renewalStep(s, c.date, c.settings);
      // Only the charge the schedule expects now: a repeat (the job run twice) records nothing.
      if (step.kind !== 'charge' || step.charge.chargeId !== c.charge.chargeId || step.charge.idempotencyKey !== c.charge.idempotencyKey) return [];
      const ref = { planId: s.planId, accountId: s.accountId, ...c.charge };
      const r = c.result;
      switch (r.kind) {
        case 'approved':
          return [{ type: 'PlanChargeSucceeded', data: { ...ref, amount: s.amount, currency: s.currency, gatewayRef: r.gatewayRef, nextDueDate: nextDue(s.startDate, c.charge.dueDate) } }];
        case 'timeout':
          return [{ type: 'PlanChargeTimedOut', data: { ...ref, tries: r.tries } }];
        case 'declined': {
          const retryable = !c.settings.neverRetryCodes.includes(r.code);
          const graceEndsOn = addDays(c.charge.dueDate, c.settings.graceDays);
          const retry = retryable ? nextRetryDate(c.charge.dueDate, c.date, c.settings) : null;
          const payLink = `${c.settings.payLinkBase}${encodeURIComponent(s.planId)}`;
          const declined: PlanEvent = {
            type: 'PlanChargeDeclined',
            data: { ...ref, amount: s.amount, currency: s.currency, code: r.code, retryable, nextRetryDate: retry, graceEndsOn, payLink, text: declineText({ ...s, dueDate: c.charge.dueDate }, r.code, retry, graceEndsOn, payLink) },
          };
          if (retry) return [declined];
          const reason = retryable ? `the card was declined (${r.code}) on the last retry of the grace period` : `the card was declined with ${r.code}, which is never retried`;
          return [declined, { type: 'PaymentPlanLapsed', data: { planId: s.planId, accountId: s.accountId, period: c.charge.period, chargeId: c.charge.chargeId, reason, payLink, text: lapseText(s.planId, reason, payLink) } }];
        }
        default:
          return assertNever(r);
      }
    }
    case 'LapsePaymentPlan': {
      if (s.status === 'none') return notFound(c.planId);
      const step = renewalStep(s, c.date, c.settings);
      if (step.kind !== 'lapse' || !s.attempt) return [];
      const payLink = `${c.settings.payLinkBase}${encodeURIComponent(s.planId)}`;
      return [{ type: 'PaymentPlanLapsed', data: { planId: s.planId, accountId: s.accountId, period: s.attempt.period, chargeId: s.attempt.chargeId, reason: step.reason, payLink, text: lapseText(s.planId, step.reason, payLink) } }];
    }
    default:
      return assertNever(c);
  }
}

/** The renewal after `dueDate`: monthly, on the start date's day of the month (or the month's last day). */
function nextDue(startDate: string, dueDate: string): string {
  const [sy, sm] = startDate.split('-').map(Number) as [number, number];
  const [dy, dm] = dueDate.split('-').map(Number) as [number, number];
  return addMonths(startDate, (dy - sy) * 12 + (dm - sm) + 1);
}

export const describeAmount = (s: { amount: number; currency: string }): string => formatMoney(s);

export const planDecider: Decider<PlanCommand, PlanEvent, PlanState> = { decide, evolve, initialState };
