/**
 * Timeline entries in words: a title, one line of what happened, and the reason, channel and note
 * an agent reads out. Unknown event types (from later features) still show, by their type name.
 */
import { describeInvoiceEvent, INVOICE_TITLES } from '../invoices/labels';
import { METHOD_LABELS } from '../orders/types';
import { refundReasonLabel } from '../refunds/labels';
import { CARD_REASON_LABELS, brandLabel, channelLabel, expiry } from './labels';
import { formatMoney } from './money';
import type { CardReason } from './types';

type Data = Readonly<Record<string, unknown>>;

export interface Described {
  readonly title: string;
  readonly summary: string;
  readonly reason: string;
  readonly channel: string;
  readonly note: string;
}

const TITLES: Readonly<Record<string, string>> = {
  AccountOpened: 'Account opened',
  AccountClosed: 'Account closed',
  DepositReceived: 'Deposit received',
  TransferSent: 'Transfer sent',
  TransferReceived: 'Transfer received',
  ChargePosted: 'Charge posted',
  RefundPosted: 'Refund posted',
  PrepaidCreditAdded: 'Prepaid credit added',
  PrepaidCreditApplied: 'Prepaid credit used',
  CreditAuthorizationRequired: 'Authorisation required',
  AccountFrozen: 'Account frozen',
  AccountUnfrozen: 'Account unfrozen',
  CardIssued: 'Card issued',
  CardActivated: 'Card activated',
  CardDeactivated: 'Card suspended',
  CardReactivated: 'Card reactivated',
  CardReportedLost: 'Card reported lost',
  CardReportedStolen: 'Card reported stolen',
  CardExpired: 'Card expired',
  CardClosed: 'Card closed',
  CardReissued: 'Card reissued',
  CreditAuthorizationOpened: 'Authorisation opened',
  CreditSentToReview: 'Sent to a supervisor',
  CreditApproved: 'Credit approved',
  CreditDenied: 'Credit denied',
  PaymentMethodAdded: 'Payment method added',
  PaymentMethodRemoved: 'Payment method removed',
  PaymentPlanCreated: 'Plan created',
  PaymentPlanCancelled: 'Plan cancelled',
  PaymentPlanResubscribed: 'Plan resubscribed',
  RenewalNoticeSent: 'Renewal notice sent',
  PlanChargeSucceeded: 'Plan charged',
  PlanChargeDeclined: 'Plan charge declined',
  PlanChargeTimedOut: 'Plan charge timed out',
  PaymentPlanLapsed: 'Plan lapsed',
  PaymentPlanFlagged: 'Plan flagged',
  PaymentPlanRepointed: 'Plan method changed',
  RefundRequested: 'Refund requested',
  RefundApproved: 'Refund approved',
  RefundSentForApproval: 'Refund sent for approval',
  RefundRejected: 'Refund rejected',
  OrderCreated: 'Order created',
  OrderPaymentAdded: 'Order payment added',
  OrderPaymentCancelled: 'Order payment cancelled',
  OrderFxShortfallWrittenOff: 'FX shortfall written off',
  OrderPaid: 'Order paid',
  OrderOverpaid: 'Order overpaid',
  OrderReminderSent: 'Order reminder sent',
  ...INVOICE_TITLES,
};

/** "CardReportedLost" → "Card reported lost" for types this screen does not know yet. */
export const titleOf = (type: string): string => TITLES[type] ?? type.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^(\w)(.*)$/, (_, a: string, b: string) => a + b.toLowerCase());

const s = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const n = (v: unknown): number => (typeof v === 'number' ? v : 0);
const words = (v: unknown): string => s(v).replace(/_/g, ' ');
const method = (d: Data): string => `${brandLabel(s(d.brand))} •••• ${s(d.last4)} (${expiry(n(d.expiryMonth), n(d.expiryYear))})`;
const lines = (v: unknown): string => {
  const all = Array.isArray(v) ? (v as Data[]) : [];
  const first = all.map((l) => s(l.description)).filter(Boolean);
  return `${all.length} ${all.length === 1 ? 'line' : 'lines'}${first.length ? `: ${first.slice(0, 2).join(', ')}${first.length > 2 ? '…' : ''}` : ''}`;
};

/**
 * @param cardLabel names a card by id: •4417 when the account's card list has it, else its id.
 * @param currency the account's currency, for events that do not carry one.
 */
export function describeEvent(type: string, raw: unknown, cardLabel: (cardId: string) => string, currency: string): Described {
  const d: Data = raw && typeof raw === 'object' ? (raw as Data) : {};
  const cur = s(d.currency) || currency;
  const money = (v: unknown, sign = false): string => formatMoney(n(v), cur, { sign });
  const card = cardLabel(s(d.cardId));
  const reasonCode = s(d.reason);
  const cardReason = reasonCode in CARD_REASON_LABELS ? CARD_REASON_LABELS[reasonCode as CardReason] : reasonCode;
  const base = { title: titleOf(type), reason: '', channel: channelLabel(d.channel), note: s(d.note) };
  switch (type) {
    case 'AccountOpened':
      return { ...base, summary: `For ${s(d.holderName)}, in ${cur}, credit limit ${money(d.creditLimit)}` };
    case 'AccountClosed':
      return { ...base, summary: 'The account takes no more postings', reason: s(d.reason) };
    case 'DepositReceived':
      return { ...base, summary: `${money(d.amount, true)} · deposit ${s(d.depositId)}` };
    case 'TransferSent':
      return { ...base, summary: `${money(-n(d.amount))} to account ${s(d.toAccountId)} · transfer ${s(d.transferId)}` };
    case 'TransferReceived':
      return { ...base, summary: `${money(d.amount, true)} from account ${s(d.fromAccountId)} · transfer ${s(d.transferId)}` };
    case 'ChargePosted':
      return { ...base, summary: `${money(-n(d.amount))} · ${s(d.description)} · charge ${s(d.chargeId)}${d.authorizationId ? ' (authorised)' : ''}` };
    case 'RefundPosted':
      return { ...base, summary: `${money(d.amount, true)} · refund ${s(d.refundId)} of charge ${s(d.chargeId)}`, reason: refundReasonLabel(s(d.reason)) };
    case 'PrepaidCreditAdded':
      return { ...base, summary: `${money(d.amount, true)} · ${s(d.source)}` };
    case 'PrepaidCreditApplied':
      return { ...base, summary: `${money(d.amount)} of charge ${s(d.chargeId)} paid from prepaid credit · ${money(d.remaining)} left` };
    case 'CreditAuthorizationRequired':
      return { ...base, summary: `Charge of ${money(d.amount)} is ${money(d.overdraft)} over the available ${money(d.availableCredit)} · ${s(d.description)}` };
    case 'AccountFrozen':
      return { ...base, summary: `Until authorisation ${s(d.authorizationId)} is decided` };
    case 'AccountUnfrozen':
      return { ...base, summary: `Authorisation ${s(d.authorizationId)} was ${s(d.outcome)}` };
    case 'CardIssued':
      return { ...base, summary: `•${s(d.last4)} ${brandLabel(s(d.brand))} (${s(d.cardId)}), expires ${expiry(n(d.expiryMonth), n(d.expiryYear))}${d.replaces ? `, replaces ${cardLabel(s(d.replaces))}` : ''}` };
    case 'CardReissued':
      return { ...base, summary: `Card ${card} is replaced by ${cardLabel(s(d.newCardId))} (${s(d.newCardId)})`, reason: cardReason };
    case 'CardActivated':
    case 'CardReactivated':
    case 'CardDeactivated':
    case 'CardReportedLost':
    case 'CardReportedStolen':
    case 'CardExpired':
    case 'CardClosed':
      return { ...base, summary: `Card ${card} (${s(d.cardId)})`, reason: cardReason };
    case 'CreditAuthorizationOpened':
      return { ...base, summary: `${money(d.amount)} charge, ${money(d.overdraft)} overdraft · ${d.goodStanding ? 'account in good standing' : 'account with earlier denials'}` };
    case 'CreditSentToReview':
      return { ...base, summary: `Authorisation ${s(d.authorizationId)}`, reason: s(d.reason) };
    case 'CreditApproved':
    case 'CreditDenied':
      return { ...base, summary: `Authorisation ${s(d.authorizationId)}, by ${d.decidedBy === 'policy' ? 'the automatic policy' : 'a supervisor'}` };
    case 'PaymentMethodAdded':
      return { ...base, summary: `${method(d)} · method ${s(d.methodId)}${d.cardId ? ` · our card ${cardLabel(s(d.cardId))}` : ''}` };
    case 'PaymentMethodRemoved':
      return { ...base, summary: `Method ${s(d.methodId)}: no plan can use it any more`, reason: s(d.reason) };
    case 'PaymentPlanCreated':
      return { ...base, summary: `${money(d.amount)} ${s(d.interval)} from ${s(d.startDate)} · plan ${s(d.planId)}, method ${s(d.methodId)}` };
    case 'PaymentPlanCancelled': {
      const r = d.refund && typeof d.refund === 'object' ? (d.refund as Data) : null;
      return { ...base, summary: `Plan ${s(d.planId)}: no more charges${r ? ` · last charge refunded, ${formatMoney(n(r.amount), s(r.currency) || cur)} (refund ${s(r.refundId)})` : ''}`, reason: s(d.reason) };
    }
    case 'PaymentPlanResubscribed':
      return { ...base, summary: `Plan ${s(d.planId)}, cycle ${n(d.cycle)} · next renewal ${s(d.nextDueDate)}` };
    case 'RenewalNoticeSent':
      return { ...base, summary: `${money(d.amount)} due ${s(d.dueDate)} · plan ${s(d.planId)}${d.methodExpired ? ' · the method will have expired' : ''}` };
    case 'PlanChargeSucceeded':
      return { ...base, summary: `${money(-n(d.amount))} for ${s(d.period)} · plan ${s(d.planId)} · next renewal ${s(d.nextDueDate)}` };
    case 'PlanChargeDeclined':
      return {
        ...base,
        summary: `${money(d.amount)} for ${s(d.period)}, try ${n(d.attempt)} · plan ${s(d.planId)} · ${d.nextRetryDate ? `retry on ${s(d.nextRetryDate)}` : 'no retry'}, grace ends ${s(d.graceEndsOn)}`,
        reason: words(d.code),
      };
    case 'PlanChargeTimedOut':
      return { ...base, summary: `No answer from the gateway after ${n(d.tries)} tries for ${s(d.period)} · plan ${s(d.planId)}: the next run tries the same key` };
    case 'PaymentPlanLapsed':
      return { ...base, summary: `Plan ${s(d.planId)} stops: ${s(d.period)} was not paid (charge ${s(d.chargeId)})`, reason: s(d.reason) };
    case 'PaymentPlanFlagged':
      return { ...base, summary: `Plan ${s(d.planId)} pays with card ${cardLabel(s(d.cardId))}, replaced by ${cardLabel(s(d.newCardId))} · method ${s(d.methodId)}`, reason: s(d.reason) };
    case 'PaymentPlanRepointed':
      return { ...base, summary: `Plan ${s(d.planId)} now pays with method ${s(d.methodId)} (was ${s(d.fromMethodId)})` };
    case 'RefundRequested':
      return { ...base, summary: `${money(d.amount)} of charge ${s(d.chargeId)} (${money(d.chargeAmount)}) · refund ${s(d.refundId)}`, reason: refundReasonLabel(s(d.reason)) };
    case 'RefundApproved':
      return { ...base, summary: `${money(d.amount)} · refund ${s(d.refundId)} · ${d.automatic ? 'within the agent limit' : `by ${s(d.approvedBy)}`}` };
    case 'RefundSentForApproval':
      if (d.over === 'daily') return { ...base, summary: `${money(d.amount)} takes the requester's refunds today to ${money(d.refundedToday)}, over the daily limit of ${money(d.agentDailyLimit)}: a supervisor decides · refund ${s(d.refundId)}` };
      if (d.over === 'charge') return { ...base, summary: `${money(d.amount)} takes the refunds of the charge to ${money(d.refundedOnCharge)}, over the agent limit of ${money(d.agentLimit)}: a supervisor decides · refund ${s(d.refundId)}` };
      return { ...base, summary: `${money(d.amount)} is over the agent limit of ${money(d.agentLimit)}: a supervisor decides · refund ${s(d.refundId)}` };
    case 'RefundRejected':
      return { ...base, summary: `Refund ${s(d.refundId)} of charge ${s(d.chargeId)}, by ${s(d.rejectedBy)}` };
    case 'OrderCreated':
      return { ...base, summary: `${formatMoney(n(d.total), s(d.baseCurrency) || cur)} · ${lines(d.lines)} · order ${s(d.orderId)}` };
    case 'OrderPaymentAdded':
      return { ...base, summary: `${money(d.amount)} by ${METHOD_LABELS[s(d.method) as keyof typeof METHOD_LABELS] ?? s(d.method)}${d.fxRate ? ` at ${s(d.fxRate)}` : ''} · payment ${s(d.paymentId)} of order ${s(d.orderId)}` };
    case 'OrderPaymentCancelled':
      return { ...base, summary: `Payment ${s(d.paymentId)} of order ${s(d.orderId)} no longer counts`, reason: s(d.reason) };
    case 'OrderFxShortfallWrittenOff':
      return { ...base, summary: d.convertedAmount !== undefined ? `${money(d.amount)} (${s(d.percentOfConverted)}% of the ${money(d.convertedAmount)} converted) · order ${s(d.orderId)}` : `${money(d.amount)} (${s(d.percentOfTotal)}% of the total) · order ${s(d.orderId)}` };
    case 'OrderPaid':
      return { ...base, summary: `${money(d.paid)} paid of ${money(d.total)} · order ${s(d.orderId)}` };
    case 'OrderOverpaid':
      return { ...base, summary: `${money(d.amount)} over the total becomes prepaid credit · order ${s(d.orderId)}` };
    case 'OrderReminderSent':
      return { ...base, summary: `Reminder ${n(d.reminder)} · ${money(d.due)} still due · order ${s(d.orderId)}` };
    default:
      if (type in INVOICE_TITLES) {
        const inv = describeInvoiceEvent(type, raw, currency);
        return { ...base, summary: inv.summary, reason: inv.reason };
      }
      return { ...base, summary: '', reason: cardReason };
  }
}
