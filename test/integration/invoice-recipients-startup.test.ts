/**
 * The recipient repair at start-up: a store left with invoices between two steps of the
 * recipient process manager (as a crash leaves it: an invoice still provisional; a contact
 * deactivated without its invoices following) is repaired when a long-lived backend starts, the
 * way the Electron backend host starts it (openBackend + startBackground) and by `cardops serve`,
 * as operator `system`: certified when the contact is active, rejected when it is not.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import type { CommandEnv } from '../../domain/backend/commandDef.js';
import type { Command } from '../../domain/backend/commands.js';
import { contactStreamId } from '../../domain/contacts/events.js';
import { createProvisional, type CreateInvoiceInput } from '../../domain/invoices/commands.js';
import { invoiceStreamId } from '../../domain/invoices/events.js';
import { openBackend } from '../../domain/open.js';
import { startBackground } from '../../electron/platform/background.js';
import { spawnCli } from './fixtures/cli.js';
import { removeTempStores, tempStore } from './fixtures/helpers.js';

afterAll(removeTempStores);

const line = { description: 'Card replacement', quantity: 1, unitAmount: 5000, taxRate: 19 };
const invoiceCmd = (invoiceId: string, contactId: string): CreateInvoiceInput => ({ type: 'CreateInvoice', invoiceId, contactId, currency: 'EUR', dueDate: '2026-12-31', lines: [line] }) as CreateInvoiceInput;

async function signIn(backend: Backend): Promise<Connection> {
  const c = backend.connect({ origin: 'test' });
  expect((await c.call('auth.login', { operatorId: 'agent1', password: 'demo' })).ok).toBe(true);
  return c;
}
async function ok(c: Connection, command: Command): Promise<void> {
  const r = await c.call('commands.execute', { command });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
}
async function statusOf(c: Connection, invoiceId: string): Promise<string> {
  const r = await c.call('invoices.get', { invoiceId });
  if (!r.ok) throw new Error(r.error.message);
  return r.value.invoice.status;
}

/**
 * A store as a crash leaves it: i-ok (contact active) and i-gone (contact deactivated since)
 * both still provisional, since neither the certification nor the deactivation's follow-up ran.
 */
async function crashedStore(path: string): Promise<void> {
  const backend = await openBackend({ path, log: () => {} });
  try {
    await seedDemo(backend.store, { accounts: 0, seed: 1 });
    const agent = await signIn(backend);
    await ok(agent, { type: 'RegisterContact', contactId: 'c-ok', name: 'Ada Lind', email: 'ada@example.com' });
    await ok(agent, { type: 'RegisterContact', contactId: 'c-gone', name: 'Bo Berg', email: 'bo@example.com' });
    const env = (commandId: string): CommandEnv => ({ store: backend.store, metadata: { operator: 'agent1', commandId, correlationId: commandId, causationId: commandId }, operatorId: 'agent1', role: 'agent' });
    // Step 1 only: the provisional invoice; the process would have crashed before certifying it.
    expect((await createProvisional(env('crash-1'), invoiceCmd('i-ok', 'c-ok'))).ok).toBe(true);
    expect((await createProvisional(env('crash-2'), invoiceCmd('i-gone', 'c-gone'))).ok).toBe(true);
    // The contact's deactivation written, the crash before its invoices followed.
    await backend.store.append(contactStreamId('c-gone'), [{ eventId: 'crash-3:0', type: 'ContactDeactivated', data: { contactId: 'c-gone', reason: 'moved abroad' }, metadata: { operator: 'agent1', commandId: 'crash-3', correlationId: 'crash-3', causationId: 'crash-3' } }]);
    expect(await statusOf(agent, 'i-ok')).toBe('provisional');
    expect(await statusOf(agent, 'i-gone')).toBe('provisional');
  } finally {
    await backend.close();
  }
}

/** What the repair wrote on each invoice's stream after its InvoiceCreated, with who wrote it. */
async function repairs(backend: Backend, invoiceId: string): Promise<string[]> {
  const r = await backend.store.readStream(invoiceStreamId(invoiceId));
  return r.events.slice(1).map((e) => `${e.type} by ${e.metadata.operator}`);
}

describe('the recipient repair at start-up', () => {
  it('certifies or rejects invoices a crash left provisional when the backend host starts, once', async () => {
    const path = tempStore('cardops-recipients-');
    await crashedStore(path);

    // As electron/host/index.ts does: open the store, then start the background work.
    const backend = await openBackend({ path, log: () => {} });
    const logs: string[] = [];
    const bg = startBackground(backend, path, (m) => logs.push(m));
    try {
      await bg.startup;
      const agent = await signIn(backend);
      expect(await statusOf(agent, 'i-ok')).toBe('draft');
      expect(await statusOf(agent, 'i-gone')).toBe('void');
      expect(await repairs(backend, 'i-ok')).toEqual(['RecipientCertified by system']);
      expect(await repairs(backend, 'i-gone')).toEqual(['RecipientRejected by system']);
      const rejected = (await backend.store.readStream(invoiceStreamId('i-gone'))).events[1]?.data as { reason?: string };
      expect(rejected.reason).toMatch(/c-gone.*moved abroad/);
      expect(logs.join('\n')).toMatch(/invoices: repaired .*i-gone RecipientRejected; i-ok RecipientCertified/);
    } finally {
      await bg.stop();
      await backend.close();
    }

    // A second start finds nothing to repair and writes nothing.
    const again = await openBackend({ path, log: () => {} });
    const logs2: string[] = [];
    const bg2 = startBackground(again, path, (m) => logs2.push(m));
    try {
      await bg2.startup;
      expect(await repairs(again, 'i-ok')).toEqual(['RecipientCertified by system']);
      expect(await repairs(again, 'i-gone')).toEqual(['RecipientRejected by system']);
      expect(logs2.filter((m) => m.startsWith('invoices:'))).toEqual([]);
    } finally {
      await bg2.stop();
      await again.close();
    }
  });

  it('`cardops serve` repairs them too', async () => {
    const path = tempStore('cardops-recipients-serve-');
    await crashedStore(path);
    const serve = spawnCli(['serve', '--db', path, '--port', '0', '--json']);
    try {
      const deadline = Date.now() + 30_000;
      while (!/invoices: repaired/.test(serve.stderr()) && serve.running() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(serve.stdout()).toMatch(/"ok":true/);
      expect(serve.stderr()).toMatch(/invoices: repaired .*i-gone RecipientRejected; i-ok RecipientCertified/);
      serve.process.kill('SIGTERM');
      await serve.closed;
    } finally {
      await serve.kill();
    }
    const backend = await openBackend({ path, log: () => {} });
    try {
      expect(await repairs(backend, 'i-ok')).toEqual(['RecipientCertified by system']);
      expect(await repairs(backend, 'i-gone')).toEqual(['RecipientRejected by system']);
    } finally {
      await backend.close();
    }
  });
});
