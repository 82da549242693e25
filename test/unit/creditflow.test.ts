/**
 * Cards, accounts and credit authorisation through the real backend (in-memory sql.js store, the
 * demo operators): idempotent postings, concurrent commands, the automatic policy and the
 * supervisor's decisions with their process-manager chains, roles, and settings.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { accountDecider } from '../../domain/accounts/decider.js';
import { accountStreamId, type AccountEvent, type AccountState } from '../../domain/accounts/events.js';
import { react } from '../../domain/authorizations/processManager.js';
import { authorizationStreamId } from '../../domain/authorizations/events.js';
import type { Backend, CommandOutcome, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import { reactionPorts } from '../../domain/backend/work.js';
import { cardStreamId } from '../../domain/cards/events.js';
import { ConcurrencyError, type StoredEvent } from '../../domain/eventstore/types.js';
import { openBackend } from '../../domain/open.js';
import { UnitOfWork } from '../../domain/unitOfWork.js';

let backend: Backend;
let agent: Connection;
let supervisor: Connection;
let admin: Connection;

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

const head = () => backend.store.headPosition();
const stream = async (id: string): Promise<readonly StoredEvent[]> => (await backend.store.readStream(id)).events;
const accountRow = (id: string) =>
  backend.store.read((sql) => sql.get<{ balance: number; status: string; pending_json: string | null; denied_count: number }>('SELECT balance, status, pending_json, denied_count FROM accounts WHERE account_id = ?', [id]));
const cardRow = (id: string) => backend.store.read((sql) => sql.get<{ status: string; status_reason: string | null; status_by: string }>('SELECT status, status_reason, status_by FROM cards WHERE card_id = ?', [id]));
const authRow = (id: string) =>
  backend.store.read((sql) => sql.get<{ account_id: string; status: string; decided_by: string | null; overdraft: number; decision_note: string | null }>('SELECT account_id, status, decided_by, overdraft, decision_note FROM authorizations WHERE authorization_id = ?', [id]));
const reviewQueue = () => backend.store.read((sql) => sql.all<{ authorization_id: string; account_id: string }>("SELECT authorization_id, account_id FROM authorizations WHERE status = 'pending_review' ORDER BY authorization_id"));

/** The account as its decider folds it from the log: the truth the read model must match. */
async function folded(accountId: string): Promise<Exclude<AccountState, { status: 'none' }>> {
  const s = (await stream(accountStreamId(accountId))).reduce((st, e) => accountDecider.evolve(st, { type: e.type, data: e.data } as AccountEvent), accountDecider.initialState());
  if (s.status === 'none') throw new Error(`account ${accountId} has no events`);
  return s;
}
async function expectProjectionMatchesFold(accountId: string): Promise<void> {
  const s = await folded(accountId);
  expect(await accountRow(accountId)).toMatchObject({ balance: s.balance, status: s.status, denied_count: s.deniedCount, pending_json: s.pending ? JSON.stringify(s.pending) : null });
}

type CardSetup = { readonly cardId: string; readonly last4: string; readonly state: 'issued' | 'active' | 'suspended' | 'lost' };
/** An account with a credit limit (EUR minor units) and cards in the states asked for. */
async function account(accountId: string, creditLimit: number, cards: readonly CardSetup[] = []): Promise<void> {
  await ok(agent, { type: 'OpenAccount', accountId, holderName: 'Ada Andersen', currency: 'EUR', creditLimit });
  for (const c of cards) {
    await ok(agent, { type: 'IssueCard', cardId: c.cardId, accountId, holderName: 'Ada Andersen', last4: c.last4, brand: 'visa', expiryMonth: 4, expiryYear: 2030 });
    if (c.state === 'issued') continue;
    await ok(agent, { type: 'ActivateCard', cardId: c.cardId, reason: 'card_received' });
    if (c.state === 'suspended') await ok(agent, { type: 'DeactivateCard', cardId: c.cardId, reason: 'suspicious_activity' });
    if (c.state === 'lost') await ok(agent, { type: 'ReportCardLost', cardId: c.cardId });
  }
}
const charge = (accountId: string, chargeId: string, amount: number) => ({ type: 'PostCharge', accountId, chargeId, amount, description: `charge ${chargeId}` });
const CARDS: readonly CardSetup[] = [
  { cardId: 'c-active1', last4: '1111', state: 'active' },
  { cardId: 'c-active2', last4: '2222', state: 'active' },
  { cardId: 'c-lost', last4: '3333', state: 'lost' },
  { cardId: 'c-issued', last4: '4444', state: 'issued' },
  { cardId: 'c-suspended', last4: '5555', state: 'suspended' },
];

/** Counts the store's appends during `fn`, and the conflicts among them. */
async function countingAppends<T>(fn: () => Promise<T>): Promise<{ result: T; appends: number; conflicts: number }> {
  const original = backend.store.appendMany.bind(backend.store);
  let appends = 0;
  let conflicts = 0;
  const spy = vi.spyOn(backend.store, 'appendMany').mockImplementation(async (a) => {
    appends++;
    try {
      return await original(a);
    } catch (e) {
      if (e instanceof ConcurrencyError) conflicts++;
      throw e;
    }
  });
  const appendSpy = vi.spyOn(backend.store, 'append');
  try {
    const result = await fn();
    expect(appendSpy).not.toHaveBeenCalled();
    return { result, appends, conflicts };
  } finally {
    spy.mockRestore();
    appendSpy.mockRestore();
  }
}

/** The events a command wrote, from the log, in order. */
async function eventsOfCommand(commandId: string): Promise<StoredEvent[]> {
  const all = await backend.store.readAll({ after: 0, limit: 100_000 });
  return all.events.filter((e) => e.metadata.commandId === commandId);
}

/** A chain's events per stream, each stream's in order (the log groups one append's events by stream). */
function byStream(events: readonly StoredEvent[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of events) (out[e.streamId] ??= []).push(e.type);
  return out;
}
function only(events: readonly StoredEvent[], type: string): StoredEvent {
  const found = events.filter((e) => e.type === type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}
/** One append: contiguous positions, one recorded-at time, one command id, the operator who sent it. */
function expectOneAppend(events: readonly StoredEvent[], commandId: string, operator: string): void {
  expect(events.map((e) => e.position)).toEqual(events.map((_, i) => events[0]!.position + i));
  expect(new Set(events.map((e) => e.recordedAt)).size).toBe(1);
  for (const e of events) expect(e.metadata).toMatchObject({ commandId, correlationId: commandId, operator });
}

/** Runs the process manager again, in a new unit of work, over stored events; returns what it committed. */
async function reactAgain(triggers: readonly StoredEvent[]): Promise<{ pending: number; committed: readonly StoredEvent[] }> {
  const uow = new UnitOfWork(backend.store, { operator: 'system', commandId: 'reconcile-1', correlationId: 'reconcile-1', causationId: 'reconcile-1' });
  await react(uow, await reactionPorts(backend.store), triggers);
  const pending = uow.pendingCount;
  return { pending, committed: await uow.commit() };
}

beforeEach(async () => {
  backend = await openBackend({ log: () => {} });
  await seedDemo(backend.store, { accounts: 0, seed: 1 });
  [agent, supervisor, admin] = await Promise.all([as('agent1'), as('super1'), as('admin')]);
});

afterEach(async () => {
  const report = await backend.store.verify();
  expect(report.differences).toEqual([]);
  expect(report.ok).toBe(true);
  await backend.close();
});

describe('idempotent postings', () => {
  it('a deposit sent twice with the same deposit id gives one event, whatever the command id', async () => {
    await account('acc-1', 100_000);
    const first = await ok(agent, { type: 'PostDeposit', accountId: 'acc-1', depositId: 'dep-1', amount: 2_500 });
    const again = await ok(agent, { type: 'PostDeposit', accountId: 'acc-1', depositId: 'dep-1', amount: 2_500 });
    const sameCommand = await ok(agent, { type: 'PostDeposit', accountId: 'acc-1', depositId: 'dep-1', amount: 2_500 }, first.commandId);
    expect(first.events).toEqual([{ type: 'DepositReceived', streamId: 'account-acc-1', position: expect.any(Number) }]);
    expect(again.commandId).not.toBe(first.commandId);
    expect(again.events).toEqual([]);
    expect(sameCommand.events).toEqual([]);
    const deposits = (await stream(accountStreamId('acc-1'))).filter((e) => e.type === 'DepositReceived');
    expect(deposits).toHaveLength(1);
    expect(await accountRow('acc-1')).toMatchObject({ balance: 2_500 });
    await expectProjectionMatchesFold('acc-1');
  });

  it('a charge sent twice with the same charge id is charged once', async () => {
    await account('acc-1', 100_000);
    await ok(supervisor, charge('acc-1', 'ch-1', 4_000));
    expect((await ok(supervisor, charge('acc-1', 'ch-1', 4_000))).events).toEqual([]);
    expect(await accountRow('acc-1')).toMatchObject({ balance: -4_000 });
  });
});

describe('two concurrent commands on one account', () => {
  it('two deposits with different ids: both count, no update is lost', async () => {
    await account('acc-1', 100_000);
    const { result, conflicts } = await countingAppends(() =>
      Promise.all([ok(agent, { type: 'PostDeposit', accountId: 'acc-1', depositId: 'dep-a', amount: 1_000 }), ok(supervisor, { type: 'PostDeposit', accountId: 'acc-1', depositId: 'dep-b', amount: 2_000 })]),
    );
    // Both read the account at the same version: one wins, the other conflicts, decides again, and wins next.
    expect(conflicts).toBe(1);
    expect(result.map((r) => r.events.length)).toEqual([1, 1]);
    const deposits = (await stream(accountStreamId('acc-1'))).filter((e) => e.type === 'DepositReceived').map((e) => (e.data as { depositId: string }).depositId);
    expect(deposits.sort()).toEqual(['dep-a', 'dep-b']);
    expect(await accountRow('acc-1')).toMatchObject({ balance: 3_000 });
    await expectProjectionMatchesFold('acc-1');
  });

  it('two charges that together exceed the credit: the second is decided against the first, not posted blindly', async () => {
    await account('acc-1', 100_000);
    const { conflicts } = await countingAppends(() => Promise.all([ok(supervisor, charge('acc-1', 'ch-a', 70_000)), ok(supervisor, charge('acc-1', 'ch-b', 70_000))]));
    expect(conflicts).toBe(1);
    const types = (await stream(accountStreamId('acc-1'))).map((e) => e.type);
    // One charge posted; the other is 40 000 beyond the 30 000 left: a medium overdraft, sent for review.
    expect(types.filter((t) => t === 'ChargePosted')).toHaveLength(1);
    expect(types.filter((t) => t === 'CreditAuthorizationRequired')).toHaveLength(1);
    const s = await folded('acc-1');
    expect(s).toMatchObject({ balance: -70_000, status: 'frozen' });
    expect((await stream(accountStreamId('acc-1'))).find((e) => e.type === 'CreditAuthorizationRequired')?.data).toMatchObject({ amount: 70_000, availableCredit: 30_000, overdraft: 40_000 });
    await expectProjectionMatchesFold('acc-1');
  });
});

describe('a supervisor charge beyond the credit, under the default policy (approve ≤ 50.00, deny > 500.00)', () => {
  it('a small overdraft is approved at once: the charge is posted and the account unfrozen, in one atomic append', async () => {
    await account('acc-1', 10_000, CARDS);
    const { result, appends } = await countingAppends(() => ok(supervisor, charge('acc-1', 'ch-1', 13_000)));
    expect(appends).toBe(1);
    const events = await eventsOfCommand(result.commandId);
    expect(byStream(events)).toEqual({
      'account-acc-1': ['CreditAuthorizationRequired', 'AccountFrozen', 'ChargePosted', 'AccountUnfrozen'],
      'authorization-acc-1-ch-1': ['CreditAuthorizationOpened', 'CreditApproved'],
    });
    expect(result.events.map((e) => e.type)).toEqual(events.map((e) => e.type));
    expectOneAppend(events, result.commandId, 'super1');
    // Causation: the command's own events by the command; each reaction by the event it reacts to.
    const [required, frozen, opened, approved, posted, unfrozen] = ['CreditAuthorizationRequired', 'AccountFrozen', 'CreditAuthorizationOpened', 'CreditApproved', 'ChargePosted', 'AccountUnfrozen'].map((t) => only(events, t));
    expect([required, frozen].map((e) => e!.metadata.causationId)).toEqual([result.commandId, result.commandId]);
    expect([opened, approved].map((e) => e!.metadata.causationId)).toEqual([required!.eventId, required!.eventId]);
    expect([posted, unfrozen].map((e) => e!.metadata.causationId)).toEqual([approved!.eventId, approved!.eventId]);
    expect(approved!.data).toMatchObject({ decidedBy: 'policy' });
    expect(posted!.data).toMatchObject({ chargeId: 'ch-1', amount: 13_000, authorizationId: 'acc-1-ch-1' });
    expect(await accountRow('acc-1')).toMatchObject({ balance: -13_000, status: 'open', pending_json: null, denied_count: 0 });
    expect(await authRow('acc-1-ch-1')).toMatchObject({ status: 'approved', decided_by: 'policy', overdraft: 3_000 });
    expect(await cardRow('c-active1')).toMatchObject({ status: 'active' });
    await expectProjectionMatchesFold('acc-1');

    const before = await head();
    expect(await reactAgain(events)).toEqual({ pending: 0, committed: [] });
    expect(await head()).toBe(before);
  });

  it('a medium overdraft is queued for review: the account stays frozen and takes no charge meanwhile', async () => {
    await account('acc-1', 10_000, CARDS);
    const { result, appends } = await countingAppends(() => ok(supervisor, charge('acc-1', 'ch-1', 30_000)));
    expect(appends).toBe(1);
    const events = await eventsOfCommand(result.commandId);
    expect(byStream(events)).toEqual({ 'account-acc-1': ['CreditAuthorizationRequired', 'AccountFrozen'], 'authorization-acc-1-ch-1': ['CreditAuthorizationOpened', 'CreditSentToReview'] });
    expectOneAppend(events, result.commandId, 'super1');
    expect(only(events, 'CreditSentToReview').metadata.causationId).toBe(only(events, 'CreditAuthorizationRequired').eventId);
    expect(await accountRow('acc-1')).toMatchObject({ balance: 0, status: 'frozen', pending_json: JSON.stringify({ authorizationId: 'acc-1-ch-1', chargeId: 'ch-1', amount: 30_000, description: 'charge ch-1' }) });
    expect(await authRow('acc-1-ch-1')).toMatchObject({ account_id: 'acc-1', status: 'pending_review', decided_by: null, overdraft: 20_000 });
    expect(await reviewQueue()).toEqual([{ authorization_id: 'acc-1-ch-1', account_id: 'acc-1' }]);
    expect(await cardRow('c-active1')).toMatchObject({ status: 'active' });
    await expectProjectionMatchesFold('acc-1');

    const refused = await send(supervisor, charge('acc-1', 'ch-2', 100));
    expect(refused).toMatchObject({ ok: false, error: { code: 'ACCOUNT_FROZEN', message: expect.stringMatching(/acc-1-ch-1/) } });
    const close = await send(supervisor, { type: 'CloseAccount', accountId: 'acc-1', reason: 'customer request' });
    expect(close).toMatchObject({ ok: false, error: { code: 'AUTHORIZATION_OPEN' } });

    const before = await head();
    expect(await reactAgain(events)).toEqual({ pending: 0, committed: [] });
    expect(await head()).toBe(before);
  });

  it("a large overdraft is denied at once: unfrozen without the charge, the account's active cards suspended (credit_denied, system), others left alone", async () => {
    await account('acc-1', 10_000, CARDS);
    await account('acc-2', 10_000, [{ cardId: 'c-other', last4: '9999', state: 'active' }]);
    const { result, appends } = await countingAppends(() => ok(supervisor, charge('acc-1', 'ch-1', 70_000)));
    expect(appends).toBe(1);
    const events = await eventsOfCommand(result.commandId);
    expect(byStream(events)).toEqual({
      'account-acc-1': ['CreditAuthorizationRequired', 'AccountFrozen', 'AccountUnfrozen'],
      'authorization-acc-1-ch-1': ['CreditAuthorizationOpened', 'CreditDenied'],
      'card-c-active1': ['CardDeactivated'],
      'card-c-active2': ['CardDeactivated'],
    });
    expectOneAppend(events, result.commandId, 'super1');
    const required = only(events, 'CreditAuthorizationRequired');
    const denied = only(events, 'CreditDenied');
    expect(denied.data).toMatchObject({ decidedBy: 'policy' });
    expect(denied.metadata.causationId).toBe(required.eventId);
    const unfrozen = only(events, 'AccountUnfrozen');
    const suspensions = events.filter((e) => e.type === 'CardDeactivated');
    for (const e of [unfrozen, ...suspensions]) expect(e.metadata.causationId).toBe(denied.eventId);
    for (const e of suspensions) expect(e.data).toEqual({ cardId: expect.any(String), reason: 'credit_denied', channel: 'system', note: 'authorisation acc-1-ch-1 was denied' });
    expect(unfrozen.data).toEqual({ accountId: 'acc-1', authorizationId: 'acc-1-ch-1', outcome: 'denied' });

    expect(await accountRow('acc-1')).toMatchObject({ balance: 0, status: 'open', pending_json: null, denied_count: 1 });
    expect(await authRow('acc-1-ch-1')).toMatchObject({ status: 'denied', decided_by: 'policy' });
    expect(await cardRow('c-active1')).toMatchObject({ status: 'suspended', status_reason: 'credit_denied' });
    expect(await cardRow('c-active2')).toMatchObject({ status: 'suspended', status_reason: 'credit_denied' });
    expect(await cardRow('c-lost')).toMatchObject({ status: 'lost', status_reason: 'lost' });
    expect(await cardRow('c-issued')).toMatchObject({ status: 'issued' });
    expect(await cardRow('c-suspended')).toMatchObject({ status: 'suspended', status_reason: 'suspicious_activity' });
    expect(await cardRow('c-other')).toMatchObject({ status: 'active' });
    await expectProjectionMatchesFold('acc-1');

    // An agent cannot lift a credit denial; a supervisor can.
    expect(await send(agent, { type: 'ReactivateCard', cardId: 'c-active1', reason: 'issue_resolved' })).toMatchObject({ ok: false, error: { code: 'NEEDS_SUPERVISOR', message: expect.stringMatching(/card •1111 was suspended on \d{4}-\d\d-\d\d by super1 \(credit_denied\)/) } });

    const before = await head();
    expect(await reactAgain(events)).toEqual({ pending: 0, committed: [] });
    expect(await head()).toBe(before);
  });

  it('an account with an earlier denial is no longer in good standing: even a small overdraft goes to review', async () => {
    await account('acc-1', 10_000);
    await ok(supervisor, charge('acc-1', 'ch-1', 70_000));
    expect(await accountRow('acc-1')).toMatchObject({ denied_count: 1, status: 'open' });
    await ok(supervisor, charge('acc-1', 'ch-2', 11_000));
    expect(await authRow('acc-1-ch-2')).toMatchObject({ status: 'pending_review', overdraft: 1_000 });
    expect(await accountRow('acc-1')).toMatchObject({ status: 'frozen' });
  });
});

describe('a supervisor decides a queued authorisation', () => {
  async function queued(): Promise<void> {
    await account('acc-1', 10_000, CARDS);
    await ok(supervisor, charge('acc-1', 'ch-1', 30_000));
    expect(await authRow('acc-1-ch-1')).toMatchObject({ status: 'pending_review' });
  }

  it('approve: the charge is posted and the account unfrozen, in one atomic append', async () => {
    await queued();
    const { result, appends } = await countingAppends(() => ok(supervisor, { type: 'DecideCreditAuthorization', authorizationId: 'acc-1-ch-1', decision: 'approve', note: 'customer called ahead' }));
    expect(appends).toBe(1);
    const events = await eventsOfCommand(result.commandId);
    expect(byStream(events)).toEqual({ 'authorization-acc-1-ch-1': ['CreditApproved'], 'account-acc-1': ['ChargePosted', 'AccountUnfrozen'] });
    expectOneAppend(events, result.commandId, 'super1');
    const [approved, posted, unfrozen] = ['CreditApproved', 'ChargePosted', 'AccountUnfrozen'].map((t) => only(events, t));
    expect(approved!.data).toEqual({ authorizationId: 'acc-1-ch-1', accountId: 'acc-1', decidedBy: 'supervisor', note: 'customer called ahead' });
    expect(approved!.metadata.causationId).toBe(result.commandId);
    expect([posted, unfrozen].map((e) => e!.metadata.causationId)).toEqual([approved!.eventId, approved!.eventId]);
    expect(await accountRow('acc-1')).toMatchObject({ balance: -30_000, status: 'open', pending_json: null, denied_count: 0 });
    expect(await authRow('acc-1-ch-1')).toMatchObject({ status: 'approved', decided_by: 'super1', decision_note: 'customer called ahead' });
    expect(await reviewQueue()).toEqual([]);
    expect(await cardRow('c-active1')).toMatchObject({ status: 'active' });
    await expectProjectionMatchesFold('acc-1');

    const again = await send(supervisor, { type: 'DecideCreditAuthorization', authorizationId: 'acc-1-ch-1', decision: 'deny' });
    expect(again).toMatchObject({ ok: false, error: { code: 'AUTHORIZATION_DECIDED', message: expect.stringMatching(/^authorisation acc-1-ch-1 was already approved on \d{4}-\d\d-\d\d by super1/) } });

    const before = await head();
    expect(await reactAgain(events)).toEqual({ pending: 0, committed: [] });
    expect(await head()).toBe(before);
  });

  it('deny: the account is unfrozen without the charge and its active cards suspended, in one atomic append', async () => {
    await queued();
    const { result, appends } = await countingAppends(() => ok(supervisor, { type: 'DecideCreditAuthorization', authorizationId: 'acc-1-ch-1', decision: 'deny' }));
    expect(appends).toBe(1);
    const events = await eventsOfCommand(result.commandId);
    expect(byStream(events)).toEqual({
      'authorization-acc-1-ch-1': ['CreditDenied'],
      'account-acc-1': ['AccountUnfrozen'],
      'card-c-active1': ['CardDeactivated'],
      'card-c-active2': ['CardDeactivated'],
    });
    expectOneAppend(events, result.commandId, 'super1');
    const denied = only(events, 'CreditDenied');
    expect(denied.metadata.causationId).toBe(result.commandId);
    for (const e of events.filter((x) => x !== denied)) expect(e.metadata.causationId).toBe(denied.eventId);
    for (const e of events.filter((x) => x.type === 'CardDeactivated')) expect(e.data).toMatchObject({ reason: 'credit_denied', channel: 'system' });
    expect(await accountRow('acc-1')).toMatchObject({ balance: 0, status: 'open', pending_json: null, denied_count: 1 });
    expect(await authRow('acc-1-ch-1')).toMatchObject({ status: 'denied', decided_by: 'super1' });
    expect(await cardRow('c-active1')).toMatchObject({ status: 'suspended', status_reason: 'credit_denied', status_by: 'super1' });
    expect(await cardRow('c-lost')).toMatchObject({ status: 'lost' });
    expect(await cardRow('c-suspended')).toMatchObject({ status: 'suspended', status_reason: 'suspicious_activity' });
    await expectProjectionMatchesFold('acc-1');

    const before = await head();
    expect(await reactAgain(events)).toEqual({ pending: 0, committed: [] });
    expect(await head()).toBe(before);
  });

  it('refuses an unknown authorisation and writes nothing', async () => {
    const before = await head();
    expect(await send(supervisor, { type: 'DecideCreditAuthorization', authorizationId: 'auth-nope', decision: 'approve' })).toMatchObject({ ok: false, error: { code: 'AUTHORIZATION_NOT_FOUND' } });
    expect(await head()).toBe(before);
  });

  it('refuses an authorisation the policy already decided', async () => {
    await account('acc-1', 10_000);
    await ok(supervisor, charge('acc-1', 'ch-1', 12_000));
    expect(await send(supervisor, { type: 'DecideCreditAuthorization', authorizationId: 'acc-1-ch-1', decision: 'deny' })).toMatchObject({
      ok: false,
      error: { code: 'AUTHORIZATION_DECIDED', message: expect.stringMatching(/already approved on \d{4}-\d\d-\d\d by the automatic policy/) },
    });
  });
});

describe('the order of a chain in the log', () => {
  it('a chain is stored in the order it was decided, so no event comes before the event that caused it', async () => {
    await account('acc-1', 10_000);
    const { commandId } = await ok(supervisor, charge('acc-1', 'ch-1', 13_000));
    const events = await eventsOfCommand(commandId);
    const position = new Map(events.map((e) => [e.eventId, e.position]));
    for (const e of events) {
      const cause = position.get(e.metadata.causationId);
      if (cause !== undefined) expect(cause, `${e.type} is stored before its cause`).toBeLessThan(e.position);
    }
  });
});

describe('the process manager run again', () => {
  it('running the CreditDenied reaction again does not suspend a card a supervisor reactivated since', async () => {
    await account('acc-1', 10_000, [{ cardId: 'c-1', last4: '1111', state: 'active' }]);
    await ok(supervisor, charge('acc-1', 'ch-1', 70_000));
    expect(await cardRow('c-1')).toMatchObject({ status: 'suspended', status_reason: 'credit_denied' });
    await ok(supervisor, { type: 'ReactivateCard', cardId: 'c-1', reason: 'issue_resolved', note: 'customer paid at the branch' });
    const denied = (await stream(authorizationStreamId('acc-1-ch-1'))).filter((e) => e.type === 'CreditDenied');
    expect(denied).toHaveLength(1);
    const before = await head();
    const again = await reactAgain(denied);
    expect(await cardRow('c-1')).toMatchObject({ status: 'active' });
    expect(again.committed).toEqual([]);
    expect(await head()).toBe(before);
  });
});

describe('roles', () => {
  it('an agent cannot charge nor decide an authorisation; nothing is written', async () => {
    await account('acc-1', 10_000);
    await ok(supervisor, charge('acc-1', 'ch-1', 30_000));
    const before = await head();
    expect(await send(agent, charge('acc-1', 'ch-2', 100))).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/PostCharge needs the role supervisor; agent1 is agent/) } });
    expect(await send(agent, { type: 'DecideCreditAuthorization', authorizationId: 'acc-1-ch-1', decision: 'approve' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await send(agent, { type: 'CloseAccount', accountId: 'acc-1', reason: 'x' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await head()).toBe(before);
    expect(await authRow('acc-1-ch-1')).toMatchObject({ status: 'pending_review' });
  });

  it('an admin does no account or card work', async () => {
    await account('acc-1', 10_000, [{ cardId: 'c-1', last4: '1111', state: 'active' }]);
    const before = await head();
    const work: Cmd[] = [
      { type: 'OpenAccount', accountId: 'acc-9', holderName: 'Ben Becker', currency: 'EUR', creditLimit: 1_000 },
      { type: 'PostDeposit', accountId: 'acc-1', depositId: 'dep-1', amount: 100 },
      charge('acc-1', 'ch-1', 100),
      { type: 'TransferFunds', transferId: 'tr-1', fromAccountId: 'acc-1', toAccountId: 'acc-9', amount: 100 },
      { type: 'DecideCreditAuthorization', authorizationId: 'acc-1-ch-1', decision: 'approve' },
      { type: 'DeactivateCard', cardId: 'c-1', reason: 'other' },
      { type: 'IssueCard', cardId: 'c-2', accountId: 'acc-1', holderName: 'Ada Andersen', last4: '2222', brand: 'visa', expiryMonth: 1, expiryYear: 2031 },
    ];
    for (const command of work) expect(await send(admin, command)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/admin is admin/) } });
    expect(await head()).toBe(before);
  });

  it('only an admin changes settings', async () => {
    const changes = { creditPolicy: { autoApproveMaxOverdraft: 1, autoDenyOverOverdraft: 2 } };
    expect(await send(supervisor, { type: 'UpdateSettings', changes })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await send(agent, { type: 'UpdateSettings', changes })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await supervisor.call('settings.get', {})).toMatchObject({ ok: true, value: { creditPolicy: { autoApproveMaxOverdraft: 5_000, autoDenyOverOverdraft: 50_000 } } });
  });
});

describe('settings change the policy', () => {
  it('a looser policy approves an overdraft the default would deny', async () => {
    await account('acc-1', 10_000, [{ cardId: 'c-1', last4: '1111', state: 'active' }]);
    await ok(admin, { type: 'UpdateSettings', changes: { creditPolicy: { autoApproveMaxOverdraft: 100_000, autoDenyOverOverdraft: 200_000 } } });
    expect(await supervisor.call('settings.get', {})).toMatchObject({ ok: true, value: { creditPolicy: { autoApproveMaxOverdraft: 100_000, autoDenyOverOverdraft: 200_000 } } });
    await ok(supervisor, charge('acc-1', 'ch-1', 70_000));
    expect(await authRow('acc-1-ch-1')).toMatchObject({ status: 'approved', decided_by: 'policy', overdraft: 60_000 });
    expect(await accountRow('acc-1')).toMatchObject({ balance: -70_000, status: 'open' });
    expect(await cardRow('c-1')).toMatchObject({ status: 'active' });
  });

  it('a stricter policy denies an overdraft the default would approve', async () => {
    await account('acc-1', 10_000, [{ cardId: 'c-1', last4: '1111', state: 'active' }]);
    await ok(admin, { type: 'UpdateSettings', changes: { creditPolicy: { autoApproveMaxOverdraft: 0, autoDenyOverOverdraft: 1_000 } } });
    await ok(supervisor, charge('acc-1', 'ch-1', 12_000));
    expect(await authRow('acc-1-ch-1')).toMatchObject({ status: 'denied', decided_by: 'policy', overdraft: 2_000 });
    expect(await accountRow('acc-1')).toMatchObject({ balance: 0, status: 'open', denied_count: 1 });
    expect(await cardRow('c-1')).toMatchObject({ status: 'suspended', status_reason: 'credit_denied' });
  });

  it('refuses a policy whose approval limit is above its denial limit, and keeps the old one', async () => {
    const r = await send(admin, { type: 'UpdateSettings', changes: { creditPolicy: { autoApproveMaxOverdraft: 10_000, autoDenyOverOverdraft: 5_000 } } });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_POLICY' } });
    expect(await admin.call('settings.get', {})).toMatchObject({ ok: true, value: { creditPolicy: { autoApproveMaxOverdraft: 5_000, autoDenyOverOverdraft: 50_000 } } });
  });
});

describe('authorisations of different accounts', () => {
  it('the same charge id on two accounts opens an authorisation for each, and neither account is left frozen for good', async () => {
    await account('acc-1', 10_000);
    await account('acc-2', 10_000);
    // Charge ids are business ids of one account (a charge run may use "fee-2026-05" on every account).
    await ok(supervisor, charge('acc-1', 'fee-2026-05', 30_000)); // medium: review
    await ok(supervisor, charge('acc-2', 'fee-2026-05', 30_000)); // medium: review
    const queue = await reviewQueue();
    expect(queue.map((q) => q.account_id).sort()).toEqual(['acc-1', 'acc-2']);
    // Deciding every queued authorisation unfreezes every account.
    for (const q of queue) await ok(supervisor, { type: 'DecideCreditAuthorization', authorizationId: q.authorization_id, decision: 'deny' });
    expect(await accountRow('acc-1')).toMatchObject({ status: 'open' });
    expect(await accountRow('acc-2')).toMatchObject({ status: 'open' });
  });
});

describe('the card decider through the backend', () => {
  it('records the channel from the role and refuses a closed card in words an agent can repeat', async () => {
    await account('acc-1', 10_000, [{ cardId: 'c-1', last4: '4417', state: 'active' }]);
    await ok(supervisor, { type: 'CloseCard', cardId: 'c-1', reason: 'customer_request' });
    const closed = (await stream(cardStreamId('c-1'))).at(-1)!;
    expect(closed).toMatchObject({ type: 'CardClosed', data: { channel: 'supervisor', reason: 'customer_request' }, metadata: { operator: 'super1' } });
    const day = closed.recordedAt.slice(0, 10);
    const r = await send(agent, { type: 'ActivateCard', cardId: 'c-1', reason: 'card_received' });
    expect(r).toMatchObject({ ok: false, error: { code: 'CARD_FINAL', message: expect.stringMatching(new RegExp(`^card •4417 was closed on ${day} by super1 \\(customer_request\\); a closed card cannot be activated`)) } });
  });
});
