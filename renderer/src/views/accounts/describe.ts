/**
 * Timeline entries in words: a title, one line of what happened, and the reason, channel and note
 * an agent reads out. Unknown event types (from later features) still show, by their type name.
 */
import { describeInvoiceEvent, INVOICE_TITLES } from '../invoices/labels';
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
  ...INVOICE_TITLES,
};

/** "CardReportedLost" → "Card reported lost" for types this screen does not know yet. */
export const titleOf = (type: string): string => TITLES[type] ?? type.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^(\w)(.*)$/, (_, a: string, b: string) => a + b.toLowerCase());

const s = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const n = (v: unknown): number => (typeof v === 'number' ? v : 0);

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
      return { ...base, summary: `${money(d.amount, true)} · refund ${s(d.refundId)} of charge ${s(d.chargeId)}`, reason: s(d.reason).replace(/_/g, ' ') };
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
      return { ...base, summary: `Card ${card} is replaced by ${cardLabel(s(d.newCardId))} (${s(d.newCardId)})` };
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
    default:
      if (type in INVOICE_TITLES) {
        const inv = describeInvoiceEvent(type, raw, currency);
        return { ...base, summary: inv.summary, reason: inv.reason };
      }
      return { ...base, summary: '', reason: cardReason };
  }
}
