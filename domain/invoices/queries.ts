/** The invoices read side: the list with its filters, the agent's work queue, one invoice in full. */
import type { SqlValue } from 'sql.js';
import type { Sql } from '../eventstore/sql.js';
import { keysetPage, type ListParams, type Page, type TableSpec } from '../backend/paging.js';
import type { InvoiceState, InvoiceStatus } from './events.js';
import type { ContactRow } from '../contacts/queries.js';

export interface InvoiceRow {
  readonly invoiceId: string;
  readonly number: string | null;
  readonly contactId: string;
  readonly contactName: string | null;
  readonly contactStatus: string | null;
  readonly accountId: string | null;
  readonly currency: string;
  readonly dueDate: string;
  readonly status: InvoiceStatus;
  readonly total: number;
  readonly paid: number;
  readonly amountDue: number;
  /** Days past the due date while money is due on an issued invoice; 0 otherwise. */
  readonly overdueDays: number;
  readonly flagged: boolean;
  readonly flagReason: string | null;
  readonly flaggedAt: string | null;
  readonly statusReason: string | null;
  readonly issuedOn: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const strOrNull = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));

export const mapInvoice = (r: Record<string, SqlValue>): InvoiceRow => ({
  invoiceId: String(r.invoice_id),
  number: strOrNull(r.number),
  contactId: String(r.contact_id),
  contactName: strOrNull(r.contact_name),
  contactStatus: strOrNull(r.contact_status),
  accountId: strOrNull(r.account_id),
  currency: String(r.currency),
  dueDate: String(r.due_date),
  status: String(r.status) as InvoiceStatus,
  total: Number(r.total),
  paid: Number(r.paid),
  amountDue: Number(r.amount_due),
  overdueDays: Number(r.overdue_days ?? 0),
  flagged: Number(r.flagged) === 1,
  flagReason: strOrNull(r.flag_reason),
  flaggedAt: strOrNull(r.flagged_at),
  statusReason: strOrNull(r.status_reason),
  issuedOn: strOrNull(r.issued_on),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
});

/** The date a timestamp falls on (UTC), checked, for inlining into SQL. */
export function dayOf(nowIso: string): string {
  const d = nowIso.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error(`not a date: ${nowIso}`);
  return d;
}

/**
 * The list over a derived table, so that overdue days (which depend on today) sort and filter
 * in SQL like any column. `overdue` filters 'yes' or 'no'.
 */
function spec(today: string): TableSpec<InvoiceRow> {
  const overdue = `CASE WHEN i.status IN ('open', 'partially_paid') AND i.due_date < '${today}' THEN CAST(julianday('${today}') - julianday(i.due_date) AS INTEGER) ELSE 0 END`;
  return {
    table: `(SELECT i.*, c.name AS contact_name, c.status AS contact_status, ${overdue} AS overdue_days, CASE WHEN ${overdue} > 0 THEN 'yes' ELSE 'no' END AS overdue
             FROM invoices i LEFT JOIN contacts c ON c.contact_id = i.contact_id) t`,
    key: 't.invoice_id',
    columns: {
      invoiceId: 't.invoice_id',
      number: 't.number',
      contactId: 't.contact_id',
      contactName: 't.contact_name',
      accountId: 't.account_id',
      currency: 't.currency',
      dueDate: 't.due_date',
      status: 't.status',
      total: 't.total',
      amountDue: 't.amount_due',
      overdueDays: 't.overdue_days',
      overdue: 't.overdue',
      flagged: 't.flagged',
      updatedAt: 't.updated_at',
      createdAt: 't.created_at',
    },
    search: ['t.invoice_id', 't.number', 't.contact_name', 't.contact_id', 't.account_id'],
    defaultSort: 'createdAt',
    select: 't.*',
    map: mapInvoice,
  };
}

export function listInvoices(sql: Sql, today: string, p: ListParams): Page<InvoiceRow> {
  return keysetPage(sql, spec(today), p);
}

/** The agent's work queue: live invoices whose recipient was deactivated. */
export function workQueue(sql: Sql, today: string, p: ListParams): Page<InvoiceRow> {
  const s = spec(today);
  return keysetPage(sql, { ...s, table: `(SELECT * FROM ${s.table} WHERE t.flagged = 1 AND t.status IN ('provisional', 'draft', 'open', 'partially_paid')) t` }, { sort: 'updatedAt', ...p });
}

export function getInvoiceRow(sql: Sql, today: string, invoiceId: string): InvoiceRow | null {
  return listInvoices(sql, today, { filters: { invoiceId }, limit: 1 }).rows[0] ?? null;
}

/** An account's invoices, newest first (the account timeline links them). */
export function invoicesOfAccount(sql: Sql, accountId: string): string[] {
  return sql.all<{ invoice_id: string }>('SELECT invoice_id FROM invoices WHERE account_id = ?', [accountId]).map((r) => r.invoice_id);
}


/** One invoice in full: its state folded from its stream (lines, payments, who and when), its list row, its contact. */
export interface InvoiceDetail {
  readonly invoice: Exclude<InvoiceState, { status: 'none' }>;
  readonly row: InvoiceRow;
  readonly contact: ContactRow | null;
}
