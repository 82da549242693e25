/**
 * The recipient process manager: an invoice may go only to a valid contact, and the contact lives
 * in another aggregate, so the rule holds eventually, in three steps:
 *
 * 1. early check (commands.ts): CreateInvoice is refused at once when the contacts read model
 *    has no such contact, or an inactive one;
 * 2. provisional, then certified: the invoice is stored `provisional`; then, in a transaction of
 *    its own, this process manager reads the Contact STREAM (not the read model) and records
 *    RecipientCertified (the invoice becomes an issuable draft) or RecipientRejected (void);
 * 3. compensation: after a contact is deactivated, each of its live invoices is flagged
 *    RecipientInvalidated (the agent's work queue); after a reactivation the flags are cleared.
 *
 * Every step reads the contact's stream in the unit of work that writes the invoice, and both
 * the certification and the compensation write to the invoice's stream: whichever commits
 * second conflicts and is decided again on fresh state. So a contact deactivated between the
 * early check and the certification gets the invoice rejected, or flagged, never issued
 * (IssueInvoice reads the contact stream too). Every step is idempotent: running it again does
 * nothing twice, and `reconcileAll` repairs anything a crash between two steps left behind.
 */
import { randomUUID } from 'node:crypto';
import { contactDecider, deactivationText } from '../contacts/decider.js';
import { contactStreamId } from '../contacts/events.js';
import type { Sql } from '../eventstore/sql.js';
import type { EventMetadata, StoredEvent } from '../eventstore/types.js';
import type { CardOpsStore } from '../backend/store.js';
import { runUnitOfWork, type UnitOfWork } from '../unitOfWork.js';
import { invoiceDecider, type RecipientCheck } from './decider.js';
import { invoiceStreamId } from './events.js';

/** The contact as its own stream has it now. */
export async function recipientCheck(uow: UnitOfWork, contactId: string): Promise<RecipientCheck> {
  const c = await uow.load(contactStreamId(contactId), contactDecider);
  if (c.status === 'none') return { status: 'none', description: `there is no contact ${contactId}` };
  if (c.status === 'inactive') return { status: 'inactive', description: `contact ${contactId} (${c.name}) was ${deactivationText(c)}` };
  return { status: 'active', description: `contact ${contactId} (${c.name}) is active` };
}

/**
 * One invoice brought in line with its contact: certify or reject it while provisional; flag it
 * while its contact is inactive; clear the flag once the contact is active again.
 */
export async function reconcileStep(uow: UnitOfWork, invoiceId: string, causedBy: string | undefined): Promise<void> {
  const stream = invoiceStreamId(invoiceId);
  const inv = await uow.load(stream, invoiceDecider);
  if (inv.status === 'none') return;
  const recipient = await recipientCheck(uow, inv.contactId);
  if (inv.status === 'provisional') {
    await uow.decide(stream, invoiceDecider, { type: 'CertifyRecipient', invoiceId, recipient }, causedBy);
    return;
  }
  if (recipient.status !== 'active') await uow.decide(stream, invoiceDecider, { type: 'InvalidateRecipient', invoiceId, contactId: inv.contactId, reason: recipient.description }, causedBy);
  else await uow.decide(stream, invoiceDecider, { type: 'ReinstateRecipient', invoiceId, contactId: inv.contactId }, causedBy);
}

/**
 * Runs `reconcileStep` for each invoice, each in its own atomic unit of work (one invoice's
 * conflict does not hold up the others). The steps' command id is derived from the command's,
 * so their event ids never collide with it; their causation id is the event they react to.
 */
export async function reconcileInvoices(store: CardOpsStore, metadata: EventMetadata, invoiceIds: readonly string[], causedBy?: string): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for (const invoiceId of invoiceIds) {
    const meta = { ...metadata, commandId: `${metadata.commandId}>${randomUUID()}`, ...(causedBy ? { causationId: causedBy } : {}) };
    const r = await runUnitOfWork(store, meta, (uow) => reconcileStep(uow, invoiceId, causedBy), 20);
    if (r.ok) out.push(...r.events);
  }
  return out;
}

const LIVE = "('provisional', 'draft', 'open', 'partially_paid')";

/** The live invoices of a contact, from the invoices read model (current: projections commit with the events). */
export const liveInvoicesOf = (sql: Sql, contactId: string): string[] =>
  sql.all<{ invoice_id: string }>(`SELECT invoice_id FROM invoices WHERE contact_id = ? AND status IN ${LIVE} ORDER BY invoice_id`, [contactId]).map((r) => r.invoice_id);

/** Invoices out of line with their contact: provisional ones, and flags that no longer match the contact. */
export const invoicesToReconcile = (sql: Sql): string[] =>
  sql
    .all<{ invoice_id: string }>(
      `SELECT i.invoice_id FROM invoices i LEFT JOIN contacts c ON c.contact_id = i.contact_id
        WHERE i.status = 'provisional'
           OR (i.status IN ${LIVE} AND ((coalesce(c.status, 'none') <> 'active' AND i.flagged = 0) OR (c.status = 'active' AND i.flagged = 1)))
        ORDER BY i.invoice_id`,
    )
    .map((r) => r.invoice_id);

/** After a contact changed state: its live invoices follow. */
export async function reconcileContact(store: CardOpsStore, metadata: EventMetadata, contactId: string, causedBy?: string): Promise<StoredEvent[]> {
  const ids = await store.read((sql) => liveInvoicesOf(sql, contactId));
  return reconcileInvoices(store, metadata, ids, causedBy);
}

/** Everything a crash between two steps may have left behind. */
export async function reconcileAll(store: CardOpsStore, metadata: EventMetadata): Promise<StoredEvent[]> {
  const ids = await store.read((sql) => invoicesToReconcile(sql));
  return reconcileInvoices(store, metadata, ids);
}
