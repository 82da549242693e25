/** The words customers read: notices and notifications, built once and stored with their events. */
import { formatMoney } from '../shared/money.js';
import { expiryText } from '../paymentmethods/events.js';
import { brandLabel } from '../cards/events.js';

export interface MethodView {
  readonly methodId: string;
  readonly accountId: string;
  readonly status: 'active' | 'removed';
  readonly brand: string;
  readonly last4: string;
  readonly expiryMonth: number;
  readonly expiryYear: number;
}

const card = (m: Pick<MethodView, 'brand' | 'last4'>): string => `${brandLabel(m.brand)} card ending ${m.last4}`;

export function noticeText(p: { planId: string; dueDate: string; amount: number; currency: string }, m: MethodView, expired: boolean): string {
  const base = `Your payment plan ${p.planId} renews on ${p.dueDate}: ${formatMoney({ amount: p.amount, currency: p.currency })} will be charged to your ${card(m)}.`;
  if (!expired) return `${base} To cancel, call us before that date.`;
  return `${base} That card expires at the end of ${expiryText(m)}, before the renewal date, so the charge would fail: please give us a card that is still valid before ${p.dueDate}, or call us to cancel.`;
}

export function declineText(p: { planId: string; amount: number; currency: string; dueDate: string }, code: string, nextRetryDate: string | null, graceEndsOn: string, payLink: string): string {
  const what = `We could not charge ${formatMoney({ amount: p.amount, currency: p.currency })} for your payment plan ${p.planId} (renewal of ${p.dueDate}): the card was declined (${code}).`;
  const then = nextRetryDate ? ` We will try again on ${nextRetryDate}; your plan stays active until ${graceEndsOn}.` : ' We will not try this card again.';
  return `${what}${then} Pay now or use another card at ${payLink}`;
}

export function lapseText(planId: string, reason: string, payLink: string): string {
  return `Your payment plan ${planId} has lapsed: ${reason}. To restart it, pay at ${payLink} or call us.`;
}
