/**
 * Invoice: its lines and totals (exact minor units, domain/invoices/totals.ts), its recipient (a
 * contact, which lives in another aggregate), its number (assigned at issue), its payments.
 *
 *   provisional ──RecipientCertified──▶ draft ──InvoiceIssued──▶ open ──payments──▶ partially_paid ──▶ paid
 *        └──RecipientRejected──▶ void          └──────VoidInvoice──▶ void      └──MarkInvoiceUncollectible──▶ uncollectible
 *
 * RecipientInvalidated flags a live invoice whose contact was deactivated (the agent's work
 * queue); RecipientReinstated clears the flag when the contact is reactivated.
 */
import type { InvoiceLine } from './totals.js';

export type InvoiceStatus = 'draft' | 'provisional' | 'open' | 'partially_paid' | 'paid' | 'void' | 'uncollectible';
export const INVOICE_STATUSES: readonly InvoiceStatus[] = ['provisional', 'draft', 'open', 'partially_paid', 'paid', 'void', 'uncollectible'];
/** States in which an invoice still needs a valid recipient: a deactivated contact flags them. */
export const LIVE_STATUSES: readonly InvoiceStatus[] = ['provisional', 'draft', 'open', 'partially_paid'];

export interface InvoiceCreatedData {
  readonly invoiceId: string;
  readonly contactId: string;
  readonly accountId: string | null;
  readonly currency: string;
  /** YYYY-MM-DD */
  readonly dueDate: string;
  readonly lines: readonly InvoiceLine[];
  readonly subtotal: number;
  readonly tax: number;
  readonly total: number;
}

export type InvoiceEvent =
  | { readonly type: 'InvoiceCreated'; readonly data: InvoiceCreatedData }
  | { readonly type: 'RecipientCertified'; readonly data: { readonly invoiceId: string; readonly contactId: string } }
  | { readonly type: 'RecipientRejected'; readonly data: { readonly invoiceId: string; readonly contactId: string; readonly reason: string } }
  | { readonly type: 'InvoiceIssued'; readonly data: { readonly invoiceId: string; readonly contactId: string; readonly accountId: string | null; readonly dueDate: string; readonly number: string; readonly year: number; readonly sequence: number; readonly issuedOn: string; readonly total: number; readonly currency: string } }
  | { readonly type: 'InvoicePaymentRecorded'; readonly data: { readonly invoiceId: string; readonly paymentId: string; readonly amount: number; readonly currency: string; readonly amountDue: number } }
  | { readonly type: 'InvoiceVoided'; readonly data: { readonly invoiceId: string; readonly reason: string } }
  | { readonly type: 'InvoiceMarkedUncollectible'; readonly data: { readonly invoiceId: string; readonly reason: string; readonly amountDue: number; readonly currency: string } }
  | { readonly type: 'RecipientInvalidated'; readonly data: { readonly invoiceId: string; readonly contactId: string; readonly reason: string } }
  | { readonly type: 'RecipientReinstated'; readonly data: { readonly invoiceId: string; readonly contactId: string } };

export const INVOICE_EVENT_TYPES: readonly InvoiceEvent['type'][] = [
  'InvoiceCreated',
  'RecipientCertified',
  'RecipientRejected',
  'InvoiceIssued',
  'InvoicePaymentRecorded',
  'InvoiceVoided',
  'InvoiceMarkedUncollectible',
  'RecipientInvalidated',
  'RecipientReinstated',
];

export interface Payment {
  readonly paymentId: string;
  readonly amount: number;
  readonly at?: string;
  readonly by?: string;
}

export type InvoiceState =
  | { readonly status: 'none' }
  | (InvoiceCreatedData & {
      readonly status: InvoiceStatus;
      readonly number: string | null;
      readonly issuedOn: string | null;
      readonly payments: readonly Payment[];
      readonly paid: number;
      /** Set while the recipient is deactivated. */
      readonly flag: { readonly reason: string; readonly at?: string } | null;
      /** Why it is void or uncollectible, when and by whom. */
      readonly closed: { readonly reason: string; readonly at?: string; readonly by?: string } | null;
    });

export const invoiceStreamId = (invoiceId: string): string => `invoice-${invoiceId}`;
