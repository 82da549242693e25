import { assertNever, refuse, type Decider, type Decision } from '../decider.js';
import { formatMoney } from '../shared/money.js';
import type { InvoiceEvent, InvoiceState } from './events.js';
import { computeTotals, type LineInput } from './totals.js';

/** What the process manager found in the Contact stream (never the read model). */
export interface RecipientCheck {
  readonly status: 'none' | 'active' | 'inactive';
  /** Words for a refusal or a rejection: "contact c-1 (Ada Lind) was deactivated on 2026-03-02 by agent1 (moved away)". */
  readonly description: string;
}

export type InvoiceCommand =
  | {
      readonly type: 'CreateInvoice';
      readonly invoiceId: string;
      readonly contactId: string;
      readonly accountId: string | null;
      readonly currency: string;
      readonly dueDate: string;
      readonly lines: readonly LineInput[];
    }
  | { readonly type: 'CertifyRecipient'; readonly invoiceId: string; readonly recipient: RecipientCheck }
  | { readonly type: 'IssueInvoice'; readonly invoiceId: string; readonly year: number; readonly sequence: number; readonly issuedOn: string; readonly recipient: RecipientCheck }
  | { readonly type: 'RecordInvoicePayment'; readonly invoiceId: string; readonly paymentId: string; readonly amount: number }
  | { readonly type: 'VoidInvoice'; readonly invoiceId: string; readonly reason: string }
  | { readonly type: 'MarkInvoiceUncollectible'; readonly invoiceId: string; readonly reason: string }
  | { readonly type: 'InvalidateRecipient'; readonly invoiceId: string; readonly contactId: string; readonly reason: string }
  | { readonly type: 'ReinstateRecipient'; readonly invoiceId: string; readonly contactId: string };

/** INV-2026-000042: the year of issue and the year's sequence, gap-free. */
export const invoiceNumber = (year: number, sequence: number): string => `INV-${year}-${String(sequence).padStart(6, '0')}`;

export const initialState = (): InvoiceState => ({ status: 'none' });

export function evolve(state: InvoiceState, event: InvoiceEvent): InvoiceState {
  const { at, by } = event as { at?: string; by?: string };
  const stamp = { ...(at ? { at } : {}), ...(by ? { by } : {}) };
  if (event.type === 'InvoiceCreated') return { ...event.data, status: 'provisional', number: null, issuedOn: null, payments: [], paid: 0, flag: null, closed: null };
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'RecipientCertified':
      return { ...state, status: 'draft' };
    case 'RecipientRejected':
      return { ...state, status: 'void', closed: { reason: event.data.reason, ...stamp } };
    case 'InvoiceIssued':
      return { ...state, status: 'open', number: event.data.number, issuedOn: event.data.issuedOn };
    case 'InvoicePaymentRecorded': {
      const paid = state.paid + event.data.amount;
      return { ...state, paid, status: paid >= state.total ? 'paid' : 'partially_paid', payments: [...state.payments, { paymentId: event.data.paymentId, amount: event.data.amount, ...stamp }] };
    }
    case 'InvoiceVoided':
      return { ...state, status: 'void', closed: { reason: event.data.reason, ...stamp } };
    case 'InvoiceMarkedUncollectible':
      return { ...state, status: 'uncollectible', closed: { reason: event.data.reason, ...stamp } };
    case 'RecipientInvalidated':
      return { ...state, flag: { reason: event.data.reason, ...(at ? { at } : {}) } };
    case 'RecipientReinstated':
      return { ...state, flag: null };
    default:
      return assertNever(event);
  }
}

type Live = Exclude<InvoiceState, { status: 'none' }>;

const name = (s: Live): string => (s.number ? `invoice ${s.number} (${s.invoiceId})` : `invoice ${s.invoiceId}`);
const money = (s: Live, amount: number): string => formatMoney({ amount, currency: s.currency });
const since = (s: Live): string => (s.closed ? `${s.closed.at ? ` on ${s.closed.at.slice(0, 10)}` : ''}${s.closed.by ? ` by ${s.closed.by}` : ''} (${s.closed.reason})` : '');

/** The refusal for a command on an invoice that is void, uncollectible or paid in full. */
function finished(s: Live, what: string): ReturnType<typeof refuse> | null {
  if (s.status === 'void') return refuse('INVOICE_VOID', `${name(s)} was voided${since(s)}: ${what}. Create a new invoice if one is still needed`);
  if (s.status === 'uncollectible') return refuse('INVOICE_UNCOLLECTIBLE', `${name(s)} was marked uncollectible${since(s)}: ${what}`);
  if (s.status === 'paid') return refuse('INVOICE_PAID', `${name(s)} is paid in full (${money(s, s.paid)}): ${what}`);
  return null;
}

export function decide(command: InvoiceCommand, state: InvoiceState): Decision<InvoiceEvent> {
  const c = command;
  if (c.type === 'CreateInvoice') {
    if (state.status !== 'none') return refuse('INVOICE_EXISTS', `invoice ${c.invoiceId} already exists: choose another invoice id`);
    if (!c.lines.length) return refuse('NO_LINES', 'an invoice needs at least one line: add what is being invoiced');
    const t = computeTotals(c.lines);
    if (t.total <= 0) return refuse('ZERO_TOTAL', 'the invoice adds up to nothing: give at least one line an amount');
    return [{ type: 'InvoiceCreated', data: { invoiceId: c.invoiceId, contactId: c.contactId, accountId: c.accountId, currency: c.currency, dueDate: c.dueDate, lines: t.lines, subtotal: t.subtotal, tax: t.tax, total: t.total } }];
  }
  if (state.status === 'none') return refuse('INVOICE_NOT_FOUND', `there is no invoice ${c.invoiceId}: check the invoice id`);
  const s = state;
  const due = s.total - s.paid;
  switch (c.type) {
    case 'CertifyRecipient': {
      if (s.status !== 'provisional') return []; // certified or rejected already: nothing twice
      const base = { invoiceId: s.invoiceId, contactId: s.contactId };
      if (s.flag) return [{ type: 'RecipientRejected', data: { ...base, reason: s.flag.reason } }];
      if (c.recipient.status === 'active') return [{ type: 'RecipientCertified', data: base }];
      return [{ type: 'RecipientRejected', data: { ...base, reason: c.recipient.status === 'none' ? `there is no contact ${s.contactId}` : c.recipient.description } }];
    }
    case 'IssueInvoice': {
      if (s.status === 'provisional') return refuse('RECIPIENT_NOT_CERTIFIED', `${name(s)} waits for its recipient to be certified: issue it once contact ${s.contactId} has been checked`);
      if (s.status === 'void') return finished(s, 'it cannot be issued')!;
      if (s.status !== 'draft') return refuse('INVOICE_ISSUED', `${name(s)} was already issued${s.issuedOn ? ` on ${s.issuedOn}` : ''}: it keeps its number`);
      if (s.flag || c.recipient.status !== 'active') {
        const why = s.flag?.reason ?? (c.recipient.status === 'none' ? `there is no contact ${s.contactId}` : c.recipient.description);
        return refuse('RECIPIENT_INVALID', `${name(s)} cannot be issued: ${why}. Reactivate the contact, or void the invoice and invoice an active contact`);
      }
      return [{ type: 'InvoiceIssued', data: { invoiceId: s.invoiceId, contactId: s.contactId, accountId: s.accountId, dueDate: s.dueDate, number: invoiceNumber(c.year, c.sequence), year: c.year, sequence: c.sequence, issuedOn: c.issuedOn, total: s.total, currency: s.currency } }];
    }
    case 'RecordInvoicePayment': {
      if (s.payments.some((p) => p.paymentId === c.paymentId)) return []; // the same payment again: recorded once
      if (s.status === 'provisional' || s.status === 'draft') return refuse('INVOICE_NOT_ISSUED', `${name(s)} is not issued yet: issue it before recording a payment`);
      const done = finished(s, 'no payment can be recorded on it');
      if (done) return done;
      if (c.amount <= 0) return refuse('INVALID_AMOUNT', `a payment must be more than zero (got ${c.amount})`);
      if (c.amount > due) return refuse('OVERPAYMENT', `a payment of ${money(s, c.amount)} is more than the ${money(s, due)} still due on ${name(s)}: record at most ${money(s, due)}`, { amountDue: due, currency: s.currency });
      return [{ type: 'InvoicePaymentRecorded', data: { invoiceId: s.invoiceId, paymentId: c.paymentId, amount: c.amount, currency: s.currency, amountDue: due - c.amount } }];
    }
    case 'VoidInvoice': {
      if (s.status === 'void') return refuse('INVOICE_VOID', `${name(s)} is already void${since(s)}`);
      if (s.status === 'paid' || s.status === 'partially_paid')
        return refuse('INVOICE_HAS_PAYMENTS', `${name(s)} has payments of ${money(s, s.paid)}: a paid or partly paid invoice cannot be voided. Mark it uncollectible instead, or refund the payments first`);
      const done = finished(s, 'it cannot be voided');
      if (done) return done;
      return [{ type: 'InvoiceVoided', data: { invoiceId: s.invoiceId, reason: c.reason } }];
    }
    case 'MarkInvoiceUncollectible': {
      if (s.status === 'provisional' || s.status === 'draft') return refuse('INVOICE_NOT_ISSUED', `${name(s)} was never issued, so nothing is owed on it: void it instead`);
      if (s.status === 'uncollectible') return refuse('INVOICE_UNCOLLECTIBLE', `${name(s)} is already marked uncollectible${since(s)}`);
      const done = finished(s, 'nothing is left to collect');
      if (done) return done;
      return [{ type: 'InvoiceMarkedUncollectible', data: { invoiceId: s.invoiceId, reason: c.reason, amountDue: due, currency: s.currency } }];
    }
    case 'InvalidateRecipient':
      if (s.flag || s.contactId !== c.contactId || !['provisional', 'draft', 'open', 'partially_paid'].includes(s.status)) return [];
      return [{ type: 'RecipientInvalidated', data: { invoiceId: s.invoiceId, contactId: s.contactId, reason: c.reason } }];
    case 'ReinstateRecipient':
      if (!s.flag || s.contactId !== c.contactId) return [];
      return [{ type: 'RecipientReinstated', data: { invoiceId: s.invoiceId, contactId: s.contactId } }];
    default:
      return assertNever(c);
  }
}

/** A payment is stored once per invoice and payment id, whatever path it comes by. */
export function eventKey(e: InvoiceEvent): string | undefined {
  return e.type === 'InvoicePaymentRecorded' ? `invoice-payment:${e.data.invoiceId}:${e.data.paymentId}` : undefined;
}

export const invoiceDecider: Decider<InvoiceCommand, InvoiceEvent, InvoiceState> = { decide, evolve, initialState, eventKey };
