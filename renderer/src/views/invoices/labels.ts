/** Invoice states and events in words. */
import { formatMoney } from '../accounts/money';
import type { InvoiceStatus } from './types';

const STATUS: Readonly<Record<InvoiceStatus, { label: string; tone: string }>> = {
  provisional: { label: 'Provisional', tone: 'badge-warn' },
  draft: { label: 'Draft', tone: 'badge-accent' },
  open: { label: 'Open', tone: 'badge-accent' },
  partially_paid: { label: 'Partly paid', tone: 'badge-warn' },
  paid: { label: 'Paid', tone: 'badge-success' },
  void: { label: 'Void', tone: '' },
  uncollectible: { label: 'Uncollectible', tone: 'badge-danger' },
};
export const invoiceStatus = (s: string): { label: string; tone: string } => STATUS[s as InvoiceStatus] ?? { label: s, tone: '' };
export const STATUS_OPTIONS = (Object.keys(STATUS) as InvoiceStatus[]).map((value) => ({ value, label: STATUS[value].label }));

/** 1900 → "19%", 770 → "7.7%". */
export function formatRate(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = String(bp % 100).padStart(2, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''}%`;
}

type Data = Readonly<Record<string, unknown>>;
const s = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const n = (v: unknown): number => (typeof v === 'number' ? v : 0);

export const INVOICE_TITLES: Readonly<Record<string, string>> = {
  InvoiceCreated: 'Invoice created (provisional)',
  RecipientCertified: 'Recipient certified',
  RecipientRejected: 'Recipient rejected: void',
  InvoiceIssued: 'Invoice issued',
  InvoicePaymentRecorded: 'Invoice payment',
  InvoiceVoided: 'Invoice voided',
  InvoiceMarkedUncollectible: 'Marked uncollectible',
  RecipientInvalidated: 'Recipient deactivated: flagged',
  RecipientReinstated: 'Recipient active again',
};

/** One line of what an invoice event did. */
export function describeInvoiceEvent(type: string, raw: unknown, currency: string): { title: string; summary: string; reason: string } {
  const d: Data = raw && typeof raw === 'object' ? (raw as Data) : {};
  const cur = s(d.currency) || currency;
  const title = INVOICE_TITLES[type] ?? type;
  switch (type) {
    case 'InvoiceCreated':
      return { title, summary: `Invoice ${s(d.invoiceId)} to contact ${s(d.contactId)}: ${formatMoney(n(d.total), cur)}, due ${s(d.dueDate)}`, reason: '' };
    case 'RecipientCertified':
      return { title, summary: `Contact ${s(d.contactId)} is active: invoice ${s(d.invoiceId)} can be issued`, reason: '' };
    case 'RecipientRejected':
      return { title, summary: `Invoice ${s(d.invoiceId)}`, reason: s(d.reason) };
    case 'InvoiceIssued':
      return { title, summary: `${s(d.number)} (${s(d.invoiceId)}) on ${s(d.issuedOn)}: ${formatMoney(n(d.total), cur)}`, reason: '' };
    case 'InvoicePaymentRecorded':
      return { title, summary: `${formatMoney(n(d.amount), cur, { sign: true })} · payment ${s(d.paymentId)} on invoice ${s(d.invoiceId)} · ${formatMoney(n(d.amountDue), cur)} still due`, reason: '' };
    case 'InvoiceVoided':
    case 'InvoiceMarkedUncollectible':
      return { title, summary: `Invoice ${s(d.invoiceId)}${type === 'InvoiceMarkedUncollectible' ? ` · ${formatMoney(n(d.amountDue), cur)} written off` : ''}`, reason: s(d.reason) };
    case 'RecipientInvalidated':
      return { title, summary: `Invoice ${s(d.invoiceId)} needs an agent`, reason: s(d.reason) };
    case 'RecipientReinstated':
      return { title, summary: `Invoice ${s(d.invoiceId)}: flag cleared`, reason: '' };
    default:
      return { title, summary: '', reason: '' };
  }
}
