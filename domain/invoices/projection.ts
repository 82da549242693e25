import type { Projection } from '../eventstore/projection.js';
import { INVOICE_EVENT_TYPES, type InvoiceEvent } from './events.js';

/**
 * One row per invoice: the invoices list (status, contact, account, due date, amount due; overdue
 * days are computed from the due date when read) and the work queue (flagged = 1).
 */
export const invoicesProjection: Projection = {
  name: 'invoices',
  version: 1,
  tables: ['invoices'],
  handles: INVOICE_EVENT_TYPES,
  schema: `
    CREATE TABLE invoices (
      invoice_id   TEXT    PRIMARY KEY,
      number       TEXT,
      contact_id   TEXT    NOT NULL,
      account_id   TEXT,
      currency     TEXT    NOT NULL,
      due_date     TEXT    NOT NULL,
      status       TEXT    NOT NULL,
      subtotal     INTEGER NOT NULL,
      tax          INTEGER NOT NULL,
      total        INTEGER NOT NULL,
      paid         INTEGER NOT NULL,
      amount_due   INTEGER NOT NULL,
      flagged      INTEGER NOT NULL,
      flag_reason  TEXT,
      flagged_at   TEXT,
      status_reason TEXT,
      issued_on    TEXT,
      version      INTEGER NOT NULL,
      created_at   TEXT    NOT NULL,
      updated_at   TEXT    NOT NULL
    ) STRICT;
    CREATE INDEX invoices_contact ON invoices (contact_id, status);
    CREATE INDEX invoices_account ON invoices (account_id);
    CREATE INDEX invoices_status ON invoices (status, due_date);
    CREATE INDEX invoices_flagged ON invoices (flagged, status);
    CREATE UNIQUE INDEX invoices_number ON invoices (number) WHERE number IS NOT NULL;`,
  apply(stored, sql) {
    const e = stored as unknown as InvoiceEvent;
    const v = stored.streamPosition;
    const at = stored.recordedAt;
    const id = e.data.invoiceId;
    const touch = (sets: string, args: (string | number | null)[]): void => sql.run(`UPDATE invoices SET ${sets}, version = ?, updated_at = ? WHERE invoice_id = ?`, [...args, v, at, id]);
    switch (e.type) {
      case 'InvoiceCreated': {
        const d = e.data;
        sql.run("INSERT INTO invoices VALUES (?, NULL, ?, ?, ?, ?, 'provisional', ?, ?, ?, 0, ?, 0, NULL, NULL, NULL, NULL, ?, ?, ?)", [d.invoiceId, d.contactId, d.accountId, d.currency, d.dueDate, d.subtotal, d.tax, d.total, d.total, v, at, at]);
        return;
      }
      case 'RecipientCertified':
        return touch("status = 'draft'", []);
      case 'RecipientRejected':
        return touch("status = 'void', amount_due = 0, status_reason = ?", [e.data.reason]);
      case 'InvoiceIssued':
        return touch("status = 'open', number = ?, issued_on = ?", [e.data.number, e.data.issuedOn]);
      case 'InvoicePaymentRecorded':
        return touch("paid = paid + ?, amount_due = ?, status = CASE WHEN ? = 0 THEN 'paid' ELSE 'partially_paid' END", [e.data.amount, e.data.amountDue, e.data.amountDue]);
      case 'InvoiceVoided':
        return touch("status = 'void', amount_due = 0, status_reason = ?", [e.data.reason]);
      case 'InvoiceMarkedUncollectible':
        return touch("status = 'uncollectible', status_reason = ?", [e.data.reason]);
      case 'RecipientInvalidated':
        return touch('flagged = 1, flag_reason = ?, flagged_at = ?', [e.data.reason, at]);
      case 'RecipientReinstated':
        return touch('flagged = 0, flag_reason = NULL, flagged_at = NULL', []);
    }
  },
};
