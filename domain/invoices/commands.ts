/** The invoice commands, as clients send them. */
import { z } from 'zod';
import { defineCommand, type CommandEnv } from '../backend/commandDef.js';
import { handleCommand, handleWork, type Handled } from '../commandHandler.js';
import { getContact } from '../contacts/queries.js';
import { isRefusal, refuse } from '../decider.js';
import { currency, entityId, amount } from '../shared/schemas.js';
import { systemClock } from '../shared/ports.js';
import { freeText } from '../shared/text.js';
import { invoiceDecider, type InvoiceCommand } from './decider.js';
import { invoiceStreamId } from './events.js';
import { numberingDecider, numberingStreamId } from './numbering.js';
import { reconcileAll, reconcileInvoices, recipientCheck } from './processManager.js';
import { AmountTooLarge, type LineInput } from './totals.js';
import { formatMoney } from '../shared/money.js';

const STAFF = ['agent', 'supervisor'] as const;
const SUPERVISOR = ['supervisor'] as const;
const invoiceId = entityId('invoice');

/** YYYY-MM-DD, a real day. */
export const isoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD, such as 2026-12-31')
  .refine((d) => {
    const t = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d && d >= '2000-01-01' && d <= '2100-12-31';
  }, 'must be a real day between 2000-01-01 and 2100-12-31');

/** A tax rate in percent with at most two decimals (19, 7.7, 5.25), kept exactly as basis points. */
export const taxRate = z
  .number({ message: 'must be a percentage such as 19 or 7.7' })
  .min(0, 'must not be negative')
  .max(100, 'at most 100 (percent)')
  .refine((r) => Math.abs(r * 100 - Math.round(r * 100)) < 1e-9, 'at most two decimals, such as 7.75');

const line = z.strictObject({
  description: freeText(200),
  quantity: z.number({ message: 'must be a whole number of units' }).int('must be a whole number of units').min(1, 'at least 1').max(1_000_000, 'at most 1,000,000'),
  unitAmount: amount,
  taxRate: taxRate.optional(),
});

const toLine = (l: z.output<typeof line>): LineInput => ({ description: l.description, quantity: l.quantity, unitAmount: l.unitAmount, taxRateBp: Math.round((l.taxRate ?? 0) * 100) });

const today = (env: CommandEnv): string => (env.clock ?? systemClock).now().slice(0, 10);

const createSchema = z.strictObject({
  type: z.literal('CreateInvoice'),
  invoiceId,
  contactId: entityId('contact'),
  accountId: entityId('account').optional(),
  currency,
  dueDate: isoDate,
  lines: z.array(line).min(1, 'at least one line').max(100, 'at most 100 lines'),
});
export type CreateInvoiceInput = z.output<typeof createSchema>;

/**
 * Step 1 and the provisional invoice: the early check against the contacts read model (refused
 * at once, nothing written, when the contact is unknown or inactive), then InvoiceCreated.
 */
export function createProvisional(env: CommandEnv, c: CreateInvoiceInput): Promise<Handled> {
  const stream = invoiceStreamId(c.invoiceId);
  return handleWork(env.store, stream, env, async (uow) => {
    const contact = await env.store.read((sql) => getContact(sql, c.contactId));
    if (!contact) return refuse('CONTACT_NOT_FOUND', `there is no contact ${c.contactId}: register the contact first, or pick one from the list`);
    if (contact.status !== 'active')
      return refuse(
        'CONTACT_INACTIVE',
        `contact ${contact.contactId} (${contact.name}) was deactivated${contact.deactivatedAt ? ` on ${contact.deactivatedAt.slice(0, 10)}` : ''}${contact.deactivatedReason ? ` (${contact.deactivatedReason})` : ''}: an invoice can only go to an active contact. Reactivate the contact, or choose another one`,
      );
    // The account: the one given (it must exist, in the invoice's currency), else the contact's when its currency matches.
    let accountId: string | null = null;
    const accountOf = (id: string) => env.store.read((sql) => sql.get<{ currency: string }>('SELECT currency FROM accounts WHERE account_id = ?', [id]));
    if (c.accountId) {
      const a = await accountOf(c.accountId);
      if (!a) return refuse('ACCOUNT_NOT_FOUND', `there is no account ${c.accountId}: check the account id, or leave it empty`);
      if (a.currency !== c.currency) return refuse('CURRENCY_MISMATCH', `account ${c.accountId} is in ${a.currency}, the invoice is in ${c.currency}: invoice it in ${a.currency}, or leave the account empty`);
      accountId = c.accountId;
    } else if (contact.accountId) {
      const a = await accountOf(contact.accountId);
      if (a?.currency === c.currency) accountId = contact.accountId;
    }
    try {
      const d = await uow.decide(stream, invoiceDecider, { type: 'CreateInvoice', invoiceId: c.invoiceId, contactId: c.contactId, accountId, currency: c.currency, dueDate: c.dueDate, lines: c.lines.map(toLine) });
      if (isRefusal(d)) return d;
    } catch (e) {
      if (e instanceof AmountTooLarge) return refuse('AMOUNT_TOO_LARGE', `the invoice adds up to more than ${formatMoney({ amount: Number.MAX_SAFE_INTEGER, currency: c.currency })}, the largest amount kept exactly: split it into several invoices`);
      throw e;
    }
  });
}

/** Step 2: the process manager certifies or rejects the recipient, reading the Contact stream. */
export async function certify(env: CommandEnv, invoice: string, causedBy?: string): Promise<Handled> {
  return { ok: true, events: await reconcileInvoices(env.store, env.metadata, [invoice], causedBy) };
}

const single = (env: CommandEnv, c: InvoiceCommand): Promise<Handled> => handleCommand(env.store, invoiceDecider, invoiceStreamId(c.invoiceId), c, env);

export const invoiceCommands = {
  CreateInvoice: defineCommand({
    roles: STAFF,
    schema: createSchema,
    handle: async (env, c) => {
      const created = await createProvisional(env, c);
      if (!created.ok) return created;
      // A repeat of a stored command (no events) still gets a provisional invoice certified.
      const certified = await certify(env, c.invoiceId, created.events[0]?.eventId);
      return { ok: true, events: [...created.events, ...(certified.ok ? certified.events : [])] };
    },
  }),
  IssueInvoice: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('IssueInvoice'), invoiceId }),
    handle: (env, c) => {
      const stream = invoiceStreamId(c.invoiceId);
      // Issues at once contend for the year's sequence: a conflict is decided again, many times if need be.
      return handleWork(env.store, stream, { metadata: env.metadata, retries: 200 }, async (uow) => {
        const inv = await uow.load(stream, invoiceDecider);
        if (inv.status === 'none') return refuse('INVOICE_NOT_FOUND', `there is no invoice ${c.invoiceId}: check the invoice id`);
        const day = today(env);
        const year = Number(day.slice(0, 4));
        const seq = await uow.load(numberingStreamId(year), numberingDecider);
        const sequence = seq.last + 1;
        const issued = await uow.decide(stream, invoiceDecider, { type: 'IssueInvoice', invoiceId: c.invoiceId, year, sequence, issuedOn: day, recipient: await recipientCheck(uow, inv.contactId) });
        if (isRefusal(issued)) return issued;
        const n = await uow.decide(numberingStreamId(year), numberingDecider, { type: 'AssignInvoiceNumber', year, invoiceId: c.invoiceId, sequence }, issued[0]?.eventId);
        if (isRefusal(n)) return n;
      });
    },
  }),
  RecordInvoicePayment: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('RecordInvoicePayment'), invoiceId, paymentId: entityId('payment'), amount }),
    handle: (env, c) => single(env, c),
  }),
  VoidInvoice: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('VoidInvoice'), invoiceId, reason: freeText(500) }),
    handle: (env, c) => single(env, c),
  }),
  MarkInvoiceUncollectible: defineCommand({
    roles: SUPERVISOR,
    schema: z.strictObject({ type: z.literal('MarkInvoiceUncollectible'), invoiceId, reason: freeText(500) }),
    handle: (env, c) => single(env, c),
  }),
  /** Brings invoices in line with their contacts again (one, or all that are out of line): what a crash between two steps left behind. */
  ReconcileInvoiceRecipients: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('ReconcileInvoiceRecipients'), invoiceId: invoiceId.optional() }),
    handle: async (env, c) => ({ ok: true, events: c.invoiceId ? await reconcileInvoices(env.store, env.metadata, [c.invoiceId]) : await reconcileAll(env.store, env.metadata) }),
  }),
};
