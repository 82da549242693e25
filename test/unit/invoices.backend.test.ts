/**
 * Contacts and invoices through the real backend on an in-memory sql.js store: the early check,
 * provisional then certified, compensation, the race, gap-free numbering under concurrent issuing,
 * idempotent payments, roles, the read models.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Backend, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import type { CommandEnv } from '../../domain/backend/commandDef.js';
import type { Command } from '../../domain/backend/commands.js';
import { handleCommand } from '../../domain/commandHandler.js';
import { contactDecider } from '../../domain/contacts/decider.js';
import { contactStreamId } from '../../domain/contacts/events.js';
import { certify, createProvisional, type CreateInvoiceInput } from '../../domain/invoices/commands.js';
import { invoiceStreamId } from '../../domain/invoices/events.js';
import { openBackend } from '../../domain/open.js';
import { fixedClock } from '../../domain/shared/ports.js';

let backend: Backend;
let agent: Connection;
let supervisor: Connection;
const head = () => backend.store.headPosition();

async function as(operatorId: string): Promise<Connection> {
  const c = backend.connect({ origin: 'test' });
  expect((await c.call('auth.login', { operatorId, password: 'demo' })).ok).toBe(true);
  return c;
}
async function ok(c: Connection, command: Command, commandId?: string) {
  const r = await c.call('commands.execute', { command, ...(commandId ? { commandId } : {}) });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
async function refused(c: Connection, command: Command) {
  const before = await head();
  const r = await c.call('commands.execute', { command });
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.value)}`);
  expect(await head()).toBe(before);
  return r.error;
}
const invoice = async (id: string) => {
  const r = await agent.call('invoices.get', { invoiceId: id });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const line = { description: 'Card replacement', quantity: 1, unitAmount: 5000, taxRate: 19 };
const createCmd = (invoiceId: string, contactId = 'c1', extra: Partial<CreateInvoiceInput> = {}): Command => ({ type: 'CreateInvoice', invoiceId, contactId, currency: 'EUR', dueDate: '2026-12-31', lines: [line], ...extra }) as Command;
const env = (commandId: string): CommandEnv => ({ store: backend.store, metadata: { operator: 'agent1', commandId, correlationId: commandId, causationId: commandId }, operatorId: 'agent1', role: 'agent' });

beforeEach(async () => {
  backend = await openBackend({ log: () => {}, clock: fixedClock('2026-11-20T10:00:00.000Z', 1000) });
  await seedDemo(backend.store, { accounts: 0, seed: 1 });
  agent = await as('agent1');
  supervisor = await as('super1');
  await ok(agent, { type: 'OpenAccount', accountId: 'a1', holderName: 'Ada Lind', currency: 'EUR', creditLimit: 100000 });
  await ok(agent, { type: 'RegisterContact', contactId: 'c1', name: 'Ada Lind', email: 'ada@example.com', phone: '+44 20 7946 0018', accountId: 'a1' });
});

describe('contacts', () => {
  it('searches by name, e-mail or phone (whatever spacing was typed), and says whether each is active', async () => {
    await ok(agent, { type: 'RegisterContact', contactId: 'c2', name: 'Bo Berg', email: 'bo@berg.example' });
    for (const query of ['ada', 'example.com', '7946 0018', '(020) 7946', '+44 20', '020-7946-0018']) {
      const r = await agent.call('contacts.list', { search: query });
      expect(r.ok && r.value.rows.map((c) => c.contactId)).toEqual(['c1']);
    }
    const bo = await agent.call('contacts.search', { query: 'bo' });
    expect(bo.ok && bo.value.map((c) => [c.contactId, c.status])).toEqual([['c2', 'active']]);
  });
  it('flags a duplicate e-mail on both contacts, without merging them', async () => {
    const out = await ok(agent, { type: 'RegisterContact', contactId: 'c2', name: 'Bo Lind', email: 'ADA@example.com ' });
    expect(out.events.map((e) => e.type)).toEqual(['ContactRegistered']);
    const h = await agent.call('history.stream', { streamId: contactStreamId('c2') });
    expect(h.ok && h.value.events[0]?.data).toMatchObject({ duplicateOf: ['c1'], email: 'ADA@example.com' });
    const list = await agent.call('contacts.list', { sort: 'contactId' });
    expect(list.ok && list.value.rows.map((c) => [c.contactId, c.duplicateEmails])).toEqual([
      ['c1', 1],
      ['c2', 1],
    ]);
  });
  it('refuses an unknown account, a bad e-mail, and the wrong role, writing nothing', async () => {
    expect((await refused(agent, { type: 'RegisterContact', contactId: 'c3', name: 'X', email: 'x@example.com', accountId: 'nope' })).code).toBe('ACCOUNT_NOT_FOUND');
    const bad = await refused(agent, { type: 'RegisterContact', contactId: 'c3', name: 'X', email: 'not-an-email' });
    expect(bad).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/email: must be an e-mail address/) });
    expect((await refused(await as('admin'), { type: 'RegisterContact', contactId: 'c3', name: 'X', email: 'x@example.com' })).code).toBe('FORBIDDEN');
  });
});

describe('recipient validation, end to end', () => {
  it('creates the invoice provisional, then the process manager certifies it in its own transaction', async () => {
    const out = await ok(agent, createCmd('i1'), 'cmd-create-1');
    expect(out.events.map((e) => e.type)).toEqual(['InvoiceCreated', 'RecipientCertified']);
    const h = await agent.call('history.stream', { streamId: invoiceStreamId('i1') });
    if (!h.ok) throw new Error();
    const [createdEv, certifiedEv] = h.value.events;
    expect(certifiedEv?.metadata.causationId).toBe(createdEv?.eventId);
    expect(certifiedEv?.metadata.correlationId).toBe('cmd-create-1');
    const d = await invoice('i1');
    expect(d.invoice).toMatchObject({ status: 'draft', number: null, accountId: 'a1', subtotal: 5000, tax: 950, total: 5950 });
    // The same command again changes nothing.
    expect((await ok(agent, createCmd('i1'), 'cmd-create-1')).events).toEqual([]);
  });

  it('early check: an unknown or inactive contact is refused at once, with nothing written', async () => {
    expect(await refused(agent, createCmd('i1', 'ghost'))).toMatchObject({ code: 'CONTACT_NOT_FOUND', message: expect.stringMatching(/there is no contact ghost: register the contact first/) });
    await ok(agent, { type: 'DeactivateContact', contactId: 'c1', reason: 'moved abroad' });
    expect(await refused(agent, createCmd('i1'))).toMatchObject({ code: 'CONTACT_INACTIVE', message: expect.stringMatching(/contact c1 \(Ada Lind\) was deactivated on 2026-11-20 \(moved abroad\): an invoice can only go to an active contact/) });
    expect((await agent.call('invoices.list', {})).ok && (await agent.call('invoices.list', {})).ok).toBe(true);
  });

  it('refuses an account of another currency, or an unknown one', async () => {
    expect((await refused(agent, createCmd('i1', 'c1', { currency: 'USD', accountId: 'a1' }))).code).toBe('CURRENCY_MISMATCH');
    expect((await refused(agent, createCmd('i1', 'c1', { accountId: 'zz' }))).code).toBe('ACCOUNT_NOT_FOUND');
    // Without an account, the contact's is used only when the currency matches.
    await ok(agent, createCmd('i2', 'c1', { currency: 'USD' }));
    expect((await invoice('i2')).invoice.accountId).toBeNull();
  });

  it('the race: the contact is deactivated between the early check and the certification; the invoice is rejected, never issued', async () => {
    const created = await createProvisional(env('race-1'), { type: 'CreateInvoice', invoiceId: 'i1', contactId: 'c1', currency: 'EUR', dueDate: '2026-12-31', lines: [line] });
    expect(created.ok && created.events.map((e) => e.type)).toEqual(['InvoiceCreated']);
    expect((await invoice('i1')).invoice.status).toBe('provisional');
    await ok(agent, { type: 'DeactivateContact', contactId: 'c1', reason: 'moved abroad' });
    await certify(env('race-1'), 'i1', created.ok ? created.events[0]?.eventId : undefined);
    const d = await invoice('i1');
    expect(d.invoice.status).toBe('void');
    expect(d.invoice.closed?.reason).toMatch(/contact c1 \(Ada Lind\) was deactivated/);
    expect(await refused(agent, { type: 'IssueInvoice', invoiceId: 'i1' })).toMatchObject({ code: 'INVOICE_VOID' });
    expect(d.row.number).toBeNull();
  });

  it('the process manager reads the Contact stream itself, not a flag or the read model', async () => {
    await createProvisional(env('race-2'), { type: 'CreateInvoice', invoiceId: 'i1', contactId: 'c1', currency: 'EUR', dueDate: '2026-12-31', lines: [line] });
    // Deactivated by the bare decider: no compensation ran, the invoice carries no flag.
    await handleCommand(backend.store, contactDecider, contactStreamId('c1'), { type: 'DeactivateContact', contactId: 'c1', reason: 'fraud suspected' }, env('bare-1'));
    expect((await invoice('i1')).invoice.flag).toBeNull();
    const r = await certify(env('race-2'), 'i1');
    expect(r.ok && r.events.map((e) => e.type)).toEqual(['RecipientRejected']);
    expect((await invoice('i1')).invoice.closed?.reason).toMatch(/fraud suspected/);
  });

  it('the race run for real, many times: an invoice and a deactivation at once never leave an issuable invoice to an inactive contact', async () => {
    const outcomes = new Set<string>();
    for (let i = 0; i < 25; i++) {
      const cid = `r${i}`;
      await ok(agent, { type: 'RegisterContact', contactId: cid, name: `Race ${i}`, email: `r${i}@example.com` });
      const [created] = await Promise.all([
        agent.call('commands.execute', { command: createCmd(`ri${i}`, cid) }),
        // The deactivation starts a few ticks later each round, so it lands at different points of the invoice's path.
        (async () => {
          for (let k = 0; k < i * 3; k++) await new Promise((r) => setImmediate(r));
          return supervisor.call('commands.execute', { command: { type: 'DeactivateContact', contactId: cid, reason: 'race' } });
        })(),
      ]);
      if (!created.ok) {
        expect(created.error.code).toBe('CONTACT_INACTIVE');
        outcomes.add('refused');
        continue;
      }
      const d = await invoice(`ri${i}`);
      outcomes.add(d.invoice.status);
      // Rejected (void), or certified and then flagged: never a clean draft.
      expect(d.invoice.status === 'void' || (d.invoice.status === 'draft' && d.invoice.flag !== null)).toBe(true);
      const issue = await agent.call('commands.execute', { command: { type: 'IssueInvoice', invoiceId: `ri${i}` } });
      expect(issue.ok).toBe(false);
    }
    // The race of the issue happened: deactivated after the early check, before the certification.
    expect(outcomes.has('void')).toBe(true);
  });

  it('compensation: deactivating a contact flags its open invoices into the work queue; reactivating clears them', async () => {
    await ok(agent, createCmd('i1'));
    await ok(agent, createCmd('i2'));
    await ok(agent, createCmd('i3'));
    await ok(agent, { type: 'IssueInvoice', invoiceId: 'i1' });
    await ok(agent, { type: 'RecordInvoicePayment', invoiceId: 'i1', paymentId: 'p1', amount: 1000 });
    await ok(agent, { type: 'VoidInvoice', invoiceId: 'i3', reason: 'duplicate' });
    const out = await ok(agent, { type: 'DeactivateContact', contactId: 'c1', reason: 'moved abroad' });
    expect(out.events.map((e) => `${e.type}:${e.streamId}`)).toEqual(['ContactDeactivated:contact-c1', 'RecipientInvalidated:invoice-i1', 'RecipientInvalidated:invoice-i2']);
    const q = await agent.call('invoices.workQueue', {});
    expect(q.ok && q.value.rows.map((r) => [r.invoiceId, r.status, r.amountDue, r.flagReason])).toEqual(
      expect.arrayContaining([
        ['i1', 'partially_paid', 4950, expect.stringMatching(/deactivated on 2026-11-20 by agent1 \(moved abroad\)/)],
        ['i2', 'draft', 5950, expect.any(String)],
      ]),
    );
    expect(await refused(agent, { type: 'IssueInvoice', invoiceId: 'i2' })).toMatchObject({ code: 'RECIPIENT_INVALID' });
    // Paying a flagged invoice still works: the customer may pay.
    await ok(agent, { type: 'RecordInvoicePayment', invoiceId: 'i1', paymentId: 'p2', amount: 100 });
    await ok(agent, { type: 'ReactivateContact', contactId: 'c1' });
    const after = await agent.call('invoices.workQueue', {});
    expect(after.ok && after.value.rows).toEqual([]);
    await ok(agent, { type: 'IssueInvoice', invoiceId: 'i2' });
  });

  it('ReconcileInvoiceRecipients repairs what a crash between the steps left behind', async () => {
    await createProvisional(env('crash-1'), { type: 'CreateInvoice', invoiceId: 'i1', contactId: 'c1', currency: 'EUR', dueDate: '2026-12-31', lines: [line] });
    const out = await ok(agent, { type: 'ReconcileInvoiceRecipients' });
    expect(out.events.map((e) => e.type)).toEqual(['RecipientCertified']);
    expect((await ok(agent, { type: 'ReconcileInvoiceRecipients' })).events).toEqual([]);
  });
});

describe('numbering', () => {
  it('has no gaps under concurrent issuing, and a refused issue takes no number', async () => {
    const n = 30;
    for (let i = 0; i < n; i++) await ok(agent, createCmd(`n${i}`));
    await ok(agent, { type: 'VoidInvoice', invoiceId: 'n7', reason: 'not needed' });
    await createProvisional(env('prov'), { type: 'CreateInvoice', invoiceId: 'nprov', contactId: 'c1', currency: 'EUR', dueDate: '2026-12-31', lines: [line] });
    const ids = [...Array.from({ length: n }, (_, i) => `n${i}`), 'nprov'];
    const results = await Promise.all(ids.map((invoiceId, i) => (i % 2 ? agent : supervisor).call('commands.execute', { command: { type: 'IssueInvoice', invoiceId } })));
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.error.code).sort()).toEqual(['INVOICE_VOID', 'RECIPIENT_NOT_CERTIFIED']);
    const list = await agent.call('invoices.list', { filters: { status: 'open' }, sort: 'number', limit: 1000 });
    if (!list.ok) throw new Error(list.error.message);
    expect(list.value.rows.map((r) => r.number)).toEqual(Array.from({ length: n - 1 }, (_, i) => `INV-2026-${String(i + 1).padStart(6, '0')}`));
    const seq = await agent.call('history.stream', { streamId: 'invoice-numbers-2026' });
    expect(seq.ok && seq.value.events.map((e) => (e.data as { sequence: number }).sequence)).toEqual(Array.from({ length: n - 1 }, (_, i) => i + 1));
    // Issuing twice keeps the number.
    expect(await refused(agent, { type: 'IssueInvoice', invoiceId: 'n0' })).toMatchObject({ code: 'INVOICE_ISSUED' });
  });
});

describe('payments', () => {
  beforeEach(async () => {
    await ok(agent, createCmd('i1'));
    await ok(agent, { type: 'IssueInvoice', invoiceId: 'i1' });
  });
  it('are idempotent by payment id', async () => {
    const first = await ok(agent, { type: 'RecordInvoicePayment', invoiceId: 'i1', paymentId: 'p1', amount: 2000 });
    expect(first.events.map((e) => e.type)).toEqual(['InvoicePaymentRecorded']);
    const again = await ok(supervisor, { type: 'RecordInvoicePayment', invoiceId: 'i1', paymentId: 'p1', amount: 2000 });
    expect(again.events).toEqual([]);
    expect((await invoice('i1')).invoice).toMatchObject({ status: 'partially_paid', paid: 2000 });
  });
  it('refuse an overpayment with the amount still due, writing nothing', async () => {
    await ok(agent, { type: 'RecordInvoicePayment', invoiceId: 'i1', paymentId: 'p1', amount: 2000 });
    const e = await refused(agent, { type: 'RecordInvoicePayment', invoiceId: 'i1', paymentId: 'p2', amount: 4000 });
    expect(e).toMatchObject({ code: 'OVERPAYMENT', message: expect.stringMatching(/more than the 39\.50 EUR still due/), details: { amountDue: 3950, currency: 'EUR' } });
    await ok(agent, { type: 'RecordInvoicePayment', invoiceId: 'i1', paymentId: 'p2', amount: 3950 });
    expect((await invoice('i1')).row).toMatchObject({ status: 'paid', amountDue: 0 });
    expect((await refused(agent, { type: 'VoidInvoice', invoiceId: 'i1', reason: 'x' })).code).toBe('INVOICE_HAS_PAYMENTS');
  });
  it('mark uncollectible is for supervisors', async () => {
    expect((await refused(agent, { type: 'MarkInvoiceUncollectible', invoiceId: 'i1', reason: 'insolvent' })).code).toBe('FORBIDDEN');
    await ok(supervisor, { type: 'MarkInvoiceUncollectible', invoiceId: 'i1', reason: 'insolvent' });
    expect((await invoice('i1')).row.status).toBe('uncollectible');
  });
});

describe('read models', () => {
  it('lists invoices with contact, account, due date, amount due and overdue days; filters by status, overdue and contact', async () => {
    await ok(agent, createCmd('late', 'c1', { dueDate: '2026-11-10' }));
    await ok(agent, createCmd('later', 'c1', { dueDate: '2026-12-31' }));
    await ok(agent, createCmd('draft-late', 'c1', { dueDate: '2026-11-01' }));
    await ok(agent, { type: 'IssueInvoice', invoiceId: 'late' });
    await ok(agent, { type: 'IssueInvoice', invoiceId: 'later' });
    const all = await agent.call('invoices.list', { sort: 'invoiceId' });
    if (!all.ok) throw new Error();
    expect(all.value.rows.map((r) => [r.invoiceId, r.status, r.contactName, r.accountId, r.dueDate, r.amountDue, r.overdueDays])).toEqual([
      ['draft-late', 'draft', 'Ada Lind', 'a1', '2026-11-01', 5950, 0],
      ['late', 'open', 'Ada Lind', 'a1', '2026-11-10', 5950, 10],
      ['later', 'open', 'Ada Lind', 'a1', '2026-12-31', 5950, 0],
    ]);
    const overdue = await agent.call('invoices.list', { filters: { overdue: 'yes' } });
    expect(overdue.ok && overdue.value.rows.map((r) => r.invoiceId)).toEqual(['late']);
    const byContact = await agent.call('invoices.list', { filters: { contactId: 'c1', status: 'draft' } });
    expect(byContact.ok && byContact.value.rows.map((r) => r.invoiceId)).toEqual(['draft-late']);
    const sorted = await agent.call('invoices.list', { sort: 'overdueDays', direction: 'desc', limit: 1 });
    expect(sorted.ok && sorted.value.rows[0]?.invoiceId).toBe('late');
  });

  it('the account timeline shows the account’s invoices and payments', async () => {
    await ok(agent, createCmd('i1'));
    await ok(agent, { type: 'IssueInvoice', invoiceId: 'i1' });
    await ok(agent, { type: 'RecordInvoicePayment', invoiceId: 'i1', paymentId: 'p1', amount: 100 });
    const t = await agent.call('accounts.timeline', { accountId: 'a1', kinds: ['invoice'] });
    expect(t.ok && t.value.entries.map((e) => e.type)).toEqual(['InvoicePaymentRecorded', 'InvoiceIssued', 'RecipientCertified', 'InvoiceCreated']);
  });

  it('an issued invoice goes to the outbox in the same transaction', async () => {
    await ok(agent, createCmd('i1'));
    const out = await ok(agent, { type: 'IssueInvoice', invoiceId: 'i1' });
    const issued = out.events.find((e) => e.type === 'InvoiceIssued')!;
    const row = await backend.store.read((sql) => sql.get<{ topic: string; stream_id: string }>('SELECT topic, stream_id FROM outbox WHERE position = ?', [issued.position]));
    expect(row).toEqual({ topic: 'invoice.issued', stream_id: 'invoice-i1' });
  });

  it('projections equal a replay of the log', async () => {
    await ok(agent, createCmd('i1'));
    await ok(agent, { type: 'IssueInvoice', invoiceId: 'i1' });
    await ok(agent, { type: 'UpdateContact', contactId: 'c1', phone: null, email: 'ada@lind.example' });
    await ok(agent, { type: 'DeactivateContact', contactId: 'c1', reason: 'gone' });
    const v = await backend.store.verify();
    expect(v.differences).toEqual([]);
    expect(v.ok).toBe(true);
  });
});
