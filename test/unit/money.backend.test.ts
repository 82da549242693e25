/**
 * Money never appears or vanishes, through the real backend (in-memory sql.js store, the demo
 * operators): a transfer writes both legs or neither, a posting id names one posting, a command
 * id names one command, and amounts stay safe integers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend, CommandOutcome, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import type { StoredEvent } from '../../domain/eventstore/types.js';
import { openBackend } from '../../domain/open.js';

let backend: Backend;
let agent: Connection;
let supervisor: Connection;

async function as(operatorId: string): Promise<Connection> {
  const c = backend.connect({ origin: 'test' });
  const r = await c.call('auth.login', { operatorId, password: 'demo' });
  expect(r.ok).toBe(true);
  return c;
}

type Cmd = { readonly type: string } & Record<string, unknown>;
const send = (c: Connection, command: Cmd, commandId?: string) => c.call('commands.execute', { command, ...(commandId ? { commandId } : {}) });
async function ok(c: Connection, command: Cmd, commandId?: string): Promise<CommandOutcome> {
  const r = await send(c, command, commandId);
  if (!r.ok) throw new Error(`${command.type} was refused: ${r.error.code}: ${r.error.message}`);
  return r.value;
}
async function refused(c: Connection, command: Cmd, code: string, commandId?: string): Promise<{ message: string; details?: Record<string, unknown> }> {
  const before = await backend.store.headPosition();
  const r = await send(c, command, commandId);
  if (r.ok) throw new Error(`${command.type} was taken, expected ${code}: ${JSON.stringify(r.value.events)}`);
  expect(r.error.code, r.error.message).toBe(code);
  expect(await backend.store.headPosition(), 'a refusal writes nothing').toBe(before);
  return r.error;
}

const stream = async (id: string): Promise<readonly StoredEvent[]> => (await backend.store.readStream(id)).events;
const balance = async (id: string): Promise<number | undefined> => (await backend.store.read((sql) => sql.get<{ balance: number }>('SELECT balance FROM accounts WHERE account_id = ?', [id])))?.balance;
const types = async (accountId: string): Promise<string[]> => (await stream(`account-${accountId}`)).map((e) => e.type);
const open = (accountId: string, creditLimit = 100_000, currency = 'EUR') => ok(agent, { type: 'OpenAccount', accountId, holderName: 'Ada Andersen', currency, creditLimit });
const transfer = (transferId: string, fromAccountId: string, toAccountId: string, amount: number): Cmd => ({ type: 'TransferFunds', transferId, fromAccountId, toAccountId, amount });
const deposit = (accountId: string, depositId: string, amount: number): Cmd => ({ type: 'PostDeposit', accountId, depositId, amount });
const charge = (accountId: string, chargeId: string, amount: number): Cmd => ({ type: 'PostCharge', accountId, chargeId, amount, description: `charge ${chargeId}` });

/** Every transfer in the log has both legs, with the same amount and the same two accounts. */
async function expectEveryTransferWhole(): Promise<void> {
  const all = (await backend.store.readAll({ after: 0, limit: 100_000, types: ['TransferSent', 'TransferReceived'] })).events;
  const legs = new Map<string, { sent?: string; received?: string }>();
  for (const e of all) {
    const d = e.data as { transferId: string; accountId: string; toAccountId?: string; fromAccountId?: string; amount: number };
    const leg = legs.get(d.transferId) ?? {};
    if (e.type === 'TransferSent') leg.sent = `${d.accountId}>${d.toAccountId}:${d.amount}`;
    else leg.received = `${d.fromAccountId}>${d.accountId}:${d.amount}`;
    legs.set(d.transferId, leg);
  }
  for (const [id, leg] of legs) expect(leg.sent, `transfer ${id}`).toBe(leg.received);
}

beforeEach(async () => {
  backend = await openBackend({ log: () => {} });
  await seedDemo(backend.store, { accounts: 0, seed: 1 });
  [agent, supervisor] = await Promise.all([as('agent1'), as('super1')]);
});

/** Set by a test that writes a damaged log on purpose (a one-legged transfer of an older version). */
let damaged = false;

afterEach(async () => {
  if (!damaged) {
    await expectEveryTransferWhole();
    const report = await backend.store.verify();
    expect(report.differences).toEqual([]);
    expect(report.problems).toEqual([]);
  }
  damaged = false;
  await backend.close();
});

describe('a transfer writes both legs or neither', () => {
  beforeEach(async () => {
    for (const id of ['acc-a', 'acc-b', 'acc-c']) await open(id);
  });

  it('moves the amount from one account to the other in one append', async () => {
    const r = await ok(agent, transfer('tr-1', 'acc-a', 'acc-b', 2_000));
    expect(r.events.map((e) => e.type)).toEqual(['TransferSent', 'TransferReceived']);
    expect([await balance('acc-a'), await balance('acc-b')]).toEqual([-2_000, 2_000]);
  });

  it('the same transfer sent again is a no-op on both sides, whatever its command id', async () => {
    await ok(agent, transfer('tr-1', 'acc-a', 'acc-b', 2_000));
    expect((await ok(agent, transfer('tr-1', 'acc-a', 'acc-b', 2_000))).events).toEqual([]);
    expect([await balance('acc-a'), await balance('acc-b')]).toEqual([-2_000, 2_000]);
  });

  it('refuses a transfer id reused towards another account: no money from nothing', async () => {
    await ok(agent, transfer('tr-1', 'acc-a', 'acc-b', 2_000));
    const e = await refused(agent, transfer('tr-1', 'acc-a', 'acc-c', 2_000), 'POSTING_ID_REUSED');
    expect(e.message).toMatch(/the transfer id tr-1 is already used on account acc-a by a transfer of 20\.00 EUR to account acc-b on \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(await types('acc-c')).toEqual(['AccountOpened']);
    expect(await balance('acc-c')).toBe(0);
  });

  it('refuses a transfer id reused with another amount or from another account', async () => {
    await ok(agent, transfer('tr-1', 'acc-a', 'acc-b', 2_000));
    await refused(agent, transfer('tr-1', 'acc-a', 'acc-b', 3_000), 'POSTING_ID_REUSED');
    await refused(agent, transfer('tr-1', 'acc-c', 'acc-b', 2_000), 'POSTING_ID_REUSED');
    expect(await types('acc-c')).toEqual(['AccountOpened']);
    expect([await balance('acc-a'), await balance('acc-b'), await balance('acc-c')]).toEqual([-2_000, 2_000, 0]);
  });

  it('refuses a transfer whose id the destination already used: no money into nothing', async () => {
    await ok(agent, deposit('acc-b', 'tr-2', 500));
    const e = await refused(agent, transfer('tr-2', 'acc-a', 'acc-b', 2_000), 'POSTING_ID_REUSED');
    expect(e.message).toMatch(/account acc-b by a deposit of 5\.00 EUR/);
    expect(e.details).toMatchObject({ accountId: 'acc-b', postingId: 'tr-2', heldBy: { kind: 'deposit', amount: 500, currency: 'EUR' } });
    expect(await types('acc-a')).toEqual(['AccountOpened']);
    expect(await balance('acc-a')).toBe(0);
  });

  it('refuses a transfer whose id the source already used for a charge', async () => {
    await ok(supervisor, charge('acc-a', 'tr-3', 700));
    await refused(agent, transfer('tr-3', 'acc-a', 'acc-b', 700), 'POSTING_ID_REUSED');
    expect(await types('acc-b')).toEqual(['AccountOpened']);
  });

  it('does not complete a one-legged transfer (left by an older version) by a repeat: refused, nothing written', async () => {
    damaged = true;
    const meta = { operator: 'agent1', commandId: 'old-1', correlationId: 'old-1', causationId: 'old-1' };
    await backend.store.append('account-acc-a', [{ eventId: 'posting:acc-a:tr-old', type: 'TransferSent', data: { accountId: 'acc-a', transferId: 'tr-old', toAccountId: 'acc-b', amount: 900, currency: 'EUR' }, metadata: meta }]);
    const e = await refused(agent, transfer('tr-old', 'acc-a', 'acc-b', 900), 'TRANSFER_ONE_LEGGED');
    expect(e.message).toMatch(/^transfer tr-old is recorded on account acc-a but not on account acc-b: a transfer writes both legs or neither/);
    expect(await types('acc-b')).toEqual(['AccountOpened']);
    // And verify names it, as the message says.
    const report = await backend.store.verify();
    expect(report.problems.map((p) => p.code)).toContain('TRANSFER_ONE_LEG');
  });

  it('parallel requests with one id give one full transfer', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => send(agent, transfer('tr-p', 'acc-a', 'acc-b', 1_000))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.flatMap((r) => (r.ok ? r.value.events.map((e) => e.type) : [])).sort()).toEqual(['TransferReceived', 'TransferSent']);
    expect([await balance('acc-a'), await balance('acc-b')]).toEqual([-1_000, 1_000]);
  });

  it('parallel requests with one id towards two accounts: one transfer, the other refused whole', async () => {
    const [toB, toC] = await Promise.all([send(agent, transfer('tr-q', 'acc-a', 'acc-b', 1_000)), send(supervisor, transfer('tr-q', 'acc-a', 'acc-c', 1_000))]);
    expect([toB.ok, toC.ok].sort()).toEqual([false, true]);
    const loser = toB.ok ? toC : toB;
    expect(loser.ok ? '' : loser.error.code).toBe('POSTING_ID_REUSED');
    expect((await balance('acc-b'))! + (await balance('acc-c'))!).toBe(1_000);
    expect(await balance('acc-a')).toBe(-1_000);
  });
});

describe('a posting id names one posting', () => {
  beforeEach(async () => {
    await open('acc-1');
  });

  it('refuses a charge whose id an earlier deposit used, naming the deposit (kind, amount, when)', async () => {
    await ok(agent, deposit('acc-1', 'p-1', 2_500));
    const e = await refused(supervisor, charge('acc-1', 'p-1', 4_000), 'POSTING_ID_REUSED');
    expect(e.message).toMatch(/^the charge id p-1 is already used on account acc-1 by a deposit of 25\.00 EUR on \d{4}-\d\d-\d\d \d\d:\d\d UTC: .*needs a new id/);
    expect(e.details).toMatchObject({ heldBy: { kind: 'deposit', amount: 2_500, currency: 'EUR', at: expect.any(String) } });
    expect(await balance('acc-1')).toBe(2_500);
  });

  it('refuses a charge whose id a transfer used', async () => {
    await open('acc-2');
    await ok(agent, transfer('p-2', 'acc-2', 'acc-1', 1_000));
    const e = await refused(supervisor, charge('acc-1', 'p-2', 1_000), 'POSTING_ID_REUSED');
    expect(e.message).toMatch(/by a transfer of 10\.00 EUR from account acc-2/);
  });

  it('refuses a deposit repeated with another amount, a charge with another amount', async () => {
    await ok(agent, deposit('acc-1', 'd-1', 2_500));
    await refused(agent, deposit('acc-1', 'd-1', 2_600), 'POSTING_ID_REUSED');
    await ok(supervisor, charge('acc-1', 'c-1', 1_000));
    await refused(supervisor, charge('acc-1', 'c-1', 1_100), 'POSTING_ID_REUSED');
    expect(await balance('acc-1')).toBe(1_500);
  });

  it('the same posting sent again stays a no-op', async () => {
    await ok(agent, deposit('acc-1', 'd-1', 2_500));
    expect((await ok(agent, deposit('acc-1', 'd-1', 2_500))).events).toEqual([]);
    await ok(supervisor, charge('acc-1', 'c-1', 1_000));
    expect((await ok(supervisor, charge('acc-1', 'c-1', 1_000))).events).toEqual([]);
    expect(await balance('acc-1')).toBe(1_500);
  });
});

describe("a charge run and the posting ids of its fee", () => {
  const fees = { feeKind: 'monthly_fee', default: 500 };
  const FEE_ID = 'FEE-2026-11-monthly_fee';
  async function run(runId: string): Promise<Record<string, string>> {
    const super2 = await as('super2');
    await ok(supervisor, { type: 'PlanChargeRun', runId, period: '2026-11', fees });
    await ok(super2, { type: 'ApproveChargeRun', runId });
    await ok(supervisor, { type: 'StartChargeRun', runId });
    const waited = await supervisor.call('chargeRuns.wait', { runId });
    expect(waited.ok && waited.value.status).toBe('completed');
    const outcomes = await supervisor.call('chargeRuns.outcomes', { runId });
    if (!outcomes.ok) throw new Error(outcomes.error.message);
    return Object.fromEntries(outcomes.value.rows.map((r) => [r.accountId, r.reason ? `${r.outcome}:${r.reason}` : r.outcome]));
  }

  it('a second run skips the accounts the first charged; the fee sent again as a charge is a no-op, with another amount refused', async () => {
    for (const id of ['acc-1', 'acc-2']) {
      await open(id);
      await ok(agent, { type: 'IssueCard', cardId: `card-${id}`, accountId: id, holderName: 'Ada Andersen', last4: '1111', brand: 'visa', expiryMonth: 4, expiryYear: 2030 });
      await ok(agent, { type: 'ActivateCard', cardId: `card-${id}`, reason: 'card_received' });
    }
    // An account whose deposit took the fee's id is not charged, and not counted as charged either: it fails, saying why.
    await open('acc-3');
    await ok(agent, { type: 'IssueCard', cardId: 'card-acc-3', accountId: 'acc-3', holderName: 'Ada Andersen', last4: '1111', brand: 'visa', expiryMonth: 4, expiryYear: 2030 });
    await ok(agent, { type: 'ActivateCard', cardId: 'card-acc-3', reason: 'card_received' });
    await ok(agent, deposit('acc-3', FEE_ID, 100));
    const first = await run('run-1');
    expect(first).toMatchObject({ 'acc-1': 'charged', 'acc-2': 'charged' });
    expect(first['acc-3']).toMatch(/^failed:POSTING_ID_REUSED: the charge id FEE-2026-11-monthly_fee is already used on account acc-3 by a deposit of 1\.00 EUR/);
    expect((await ok(supervisor, { type: 'PostCharge', accountId: 'acc-1', chargeId: FEE_ID, amount: 500, description: 'the fee again' })).events).toEqual([]);
    await refused(supervisor, { type: 'PostCharge', accountId: 'acc-1', chargeId: FEE_ID, amount: 700, description: 'another fee' }, 'POSTING_ID_REUSED');
    expect(await run('run-2')).toMatchObject({ 'acc-1': 'skipped:already_charged', 'acc-2': 'skipped:already_charged', 'acc-3': expect.stringMatching(/^failed:POSTING_ID_REUSED/) });
    expect([await balance('acc-1'), await balance('acc-2'), await balance('acc-3')]).toEqual([-500, -500, 100]);
  });
});

describe('a command id names one command', () => {
  const card = { type: 'IssueCard', cardId: 'card-1', accountId: 'acc-1', holderName: 'Ada Andersen', last4: '1111', brand: 'visa', expiryMonth: 4, expiryYear: 2030 };
  const cardStatus = async () => (await backend.store.read((sql) => sql.get<{ status: string }>('SELECT status FROM cards WHERE card_id = ?', ['card-1'])))?.status;

  beforeEach(async () => {
    await ok(agent, { type: 'OpenAccount', accountId: 'acc-1', holderName: 'Ada Andersen', currency: 'EUR', creditLimit: 100_000 }, 'cmd-open');
    await ok(agent, card, 'cmd-issue');
    await ok(agent, { type: 'ActivateCard', cardId: 'card-1', reason: 'card_received' }, 'cmd-activate');
  });

  it('refuses a ReportCardLost that reuses the command id of an OpenAccount: the card is not left active silently', async () => {
    const e = await refused(agent, { type: 'ReportCardLost', cardId: 'card-1' }, 'COMMAND_ID_REUSED', 'cmd-open');
    expect(e.message).toMatch(/^command id cmd-open was already used by another command \(it wrote AccountOpened on account-acc-1 at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\): a retry must send the same command/);
    expect(e.details).toMatchObject({ commandId: 'cmd-open', eventType: 'AccountOpened', streamId: 'account-acc-1' });
    expect(await cardStatus()).toBe('active');
    // With a command id of its own, it is taken.
    await ok(agent, { type: 'ReportCardLost', cardId: 'card-1' }, 'cmd-lost');
    expect(await cardStatus()).toBe('lost');
  });

  it('refuses another command on the same stream that reuses a command id', async () => {
    await refused(agent, deposit('acc-1', 'd-1', 500), 'COMMAND_ID_REUSED', 'cmd-open');
    expect(await balance('acc-1')).toBe(0);
  });

  it('refuses a posting that reuses the command id of a command on another stream', async () => {
    const e = await refused(agent, deposit('acc-1', 'd-1', 500), 'COMMAND_ID_REUSED', 'cmd-issue');
    expect(e.details).toMatchObject({ eventType: 'CardIssued', streamId: 'card-card-1' });
    expect(await balance('acc-1')).toBe(0);
  });

  it('refuses the same command type with other parameters', async () => {
    await refused(agent, { type: 'OpenAccount', accountId: 'acc-2', holderName: 'Ben Berg', currency: 'EUR', creditLimit: 100_000 }, 'COMMAND_ID_REUSED', 'cmd-open');
    await ok(agent, deposit('acc-1', 'd-1', 500), 'cmd-dep');
    await refused(agent, deposit('acc-1', 'd-2', 500), 'COMMAND_ID_REUSED', 'cmd-dep');
    expect(await backend.store.read((sql) => sql.get('SELECT 1 AS x FROM accounts WHERE account_id = ?', ['acc-2']))).toBeUndefined();
    expect(await balance('acc-1')).toBe(500);
  });

  it('a retried identical command stays a no-op, also one whose events are postings only', async () => {
    const again = await ok(agent, { type: 'OpenAccount', accountId: 'acc-1', holderName: 'Ada Andersen', currency: 'EUR', creditLimit: 100_000 }, 'cmd-open');
    expect(again.events).toEqual([]);
    expect((await ok(agent, card, 'cmd-issue')).events).toEqual([]);
    await ok(agent, deposit('acc-1', 'd-1', 500), 'cmd-dep');
    expect((await ok(agent, deposit('acc-1', 'd-1', 500), 'cmd-dep')).events).toEqual([]);
    await ok(agent, { type: 'ReportCardLost', cardId: 'card-1' }, 'cmd-lost');
    expect((await ok(agent, { type: 'ReportCardLost', cardId: 'card-1' }, 'cmd-lost')).events).toEqual([]);
    expect(await balance('acc-1')).toBe(500);
  });

  it('a transfer retried with its command id is a no-op; the id reused for another transfer is refused', async () => {
    await open('acc-2');
    await ok(agent, transfer('tr-1', 'acc-1', 'acc-2', 100), 'cmd-tr');
    expect((await ok(agent, transfer('tr-1', 'acc-1', 'acc-2', 100), 'cmd-tr')).events).toEqual([]);
    await refused(agent, transfer('tr-2', 'acc-2', 'acc-1', 100), 'COMMAND_ID_REUSED', 'cmd-tr');
    expect([await balance('acc-1'), await balance('acc-2')]).toEqual([-100, 100]);
  });
});

describe('amounts stay exact', () => {
  const MAX = Number.MAX_SAFE_INTEGER;
  const LARGEST = /90,071,992,547,409\.91 EUR/;

  it('refuses a deposit that would take a balance past the largest safe integer, and takes one up to it', async () => {
    await open('acc-1', 0);
    await ok(agent, deposit('acc-1', 'd-1', MAX - 10));
    const e = await refused(agent, deposit('acc-1', 'd-2', 11), 'AMOUNT_TOO_LARGE');
    expect(e.message).toMatch(/^a deposit of 0\.11 EUR would take account acc-1 beyond 90,071,992,547,409\.91 EUR, the largest amount kept exactly/);
    expect(e.message).not.toMatch(/e\+|\d\.\d{3,}/);
    await ok(agent, deposit('acc-1', 'd-3', 10));
    expect(await balance('acc-1')).toBe(MAX);
  });

  it('refuses a transfer into an account at the limit: neither leg is written', async () => {
    await open('acc-a');
    await open('acc-b', 0);
    await ok(agent, deposit('acc-b', 'd-1', MAX));
    await refused(agent, transfer('tr-1', 'acc-a', 'acc-b', 1), 'AMOUNT_TOO_LARGE');
    expect(await types('acc-a')).toEqual(['AccountOpened']);
  });

  it('refuses a charge that would take a balance below minus the largest safe integer', async () => {
    await open('acc-1', MAX);
    await ok(supervisor, charge('acc-1', 'c-1', MAX));
    const e = await refused(supervisor, charge('acc-1', 'c-2', 1), 'AMOUNT_TOO_LARGE');
    expect(e.message).toMatch(/beyond -90,071,992,547,409\.91 EUR/);
    expect(await balance('acc-1')).toBe(-MAX);
  });

  it('refuses an order whose line (quantity × unit price) or total passes it, naming the line', async () => {
    await open('acc-1');
    const order = (lines: { quantity: number; unitPrice: number }[], total: number): Cmd => ({ type: 'CreateOrder', orderId: 'o-1', accountId: 'acc-1', baseCurrency: 'EUR', lines: lines.map((l) => ({ description: 'item', ...l })), total });
    const line = await refused(agent, order([{ quantity: 1, unitPrice: 100 }, { quantity: 1_000_000, unitPrice: 10_000_000_000_000 }], MAX), 'AMOUNT_TOO_LARGE');
    expect(line.message).toMatch(/^line 2 \(1000000 × 100,000,000,000\.00 EUR\) comes to more than 90,071,992,547,409\.91 EUR/);
    const sum = await refused(agent, order([{ quantity: 1, unitPrice: MAX }, { quantity: 1, unitPrice: 1 }], MAX), 'AMOUNT_TOO_LARGE');
    expect(sum.message).toMatch(/^the lines add up to more than 90,071,992,547,409\.91 EUR/);
  });

  it("refuses an order payment whose conversion, or the order's payments together, pass it", async () => {
    await open('acc-1');
    await ok(agent, { type: 'CreateOrder', orderId: 'o-1', accountId: 'acc-1', baseCurrency: 'EUR', lines: [{ description: 'item', quantity: 1, unitPrice: MAX }], total: MAX });
    const fx = await refused(agent, { type: 'AddOrderPayment', orderId: 'o-1', paymentId: 'p-1', method: 'cash', amount: MAX, currency: 'USD', fxRate: '2' }, 'AMOUNT_TOO_LARGE');
    expect(fx.message).toMatch(LARGEST);
    await ok(agent, { type: 'AddOrderPayment', orderId: 'o-1', paymentId: 'p-2', method: 'cash', amount: MAX - 1, currency: 'EUR' });
    const both = await refused(agent, { type: 'AddOrderPayment', orderId: 'o-1', paymentId: 'p-3', method: 'card', amount: MAX, currency: 'EUR' }, 'AMOUNT_TOO_LARGE');
    expect(both.message).toMatch(/^the payments of order o-1 would add up to more than 90,071,992,547,409\.91 EUR/);
  });

  it('refuses an invoice whose lines add up past it, saying the limit in money', async () => {
    await open('acc-1');
    await ok(agent, { type: 'RegisterContact', contactId: 'c-1', name: 'Ada Andersen', email: 'ada@example.com', accountId: 'acc-1' });
    const e = await refused(agent, { type: 'CreateInvoice', invoiceId: 'i-1', contactId: 'c-1', currency: 'EUR', dueDate: '2030-12-31', lines: [{ description: 'x', quantity: 2, unitAmount: MAX }] }, 'AMOUNT_TOO_LARGE');
    expect(e.message).toMatch(/^the invoice adds up to more than 90,071,992,547,409\.91 EUR/);
  });

  it('refuses to plan a charge run whose total would pass it', async () => {
    for (const id of ['acc-1', 'acc-2']) {
      await open(id);
      await ok(agent, { type: 'IssueCard', cardId: `card-${id}`, accountId: id, holderName: 'Ada Andersen', last4: '1111', brand: 'visa', expiryMonth: 4, expiryYear: 2030 });
      await ok(agent, { type: 'ActivateCard', cardId: `card-${id}`, reason: 'card_received' });
    }
    const e = await refused(supervisor, { type: 'PlanChargeRun', runId: 'run-1', period: '2026-11', fees: { feeKind: 'monthly_fee', default: MAX } }, 'AMOUNT_TOO_LARGE');
    expect(e.message).toMatch(/^the run would charge 2 accounts in EUR more than 90,071,992,547,409\.91 EUR in all/);
  });
});
