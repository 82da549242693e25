/**
 * Controls through the backend API on the real sql.js store: admins administer and supervisors
 * supervise; four eyes for role grants and control settings; hardened sign-in.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import { openBackend } from '../../domain/open.js';

let backend: Backend;
async function as(operatorId: string, password = 'demo'): Promise<Connection> {
  const c = backend.connect({ origin: 'test' });
  const r = await c.call('auth.login', { operatorId, password });
  if (!r.ok) throw new Error(`${operatorId}: ${r.error.code} ${r.error.message}`);
  return c;
}
const exec = (c: Connection, command: Record<string, unknown>) => c.call('commands.execute', { command });
async function ok(c: Connection, command: Record<string, unknown>) {
  const r = await exec(c, command);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
const head = () => backend.store.headPosition();

describe('admins administer; supervisors supervise', () => {
  beforeEach(async () => {
    backend = await openBackend({ log: () => {} });
    await seedDemo(backend.store, { accounts: 0, seed: 1 });
  });
  afterEach(async () => backend.close());

  it('refuses an admin every charge-run step, refund decision and authorisation decision, naming the supervisor role, and writes nothing', async () => {
    const [agent, super1, super2, admin] = [await as('agent1'), await as('super1'), await as('super2'), await as('admin')];
    await ok(agent, { type: 'OpenAccount', accountId: 'acc1', holderName: 'Ada Andersen', currency: 'EUR', creditLimit: 100_000 });
    await ok(agent, { type: 'OpenAccount', accountId: 'acc2', holderName: 'Bo Berg', currency: 'EUR', creditLimit: 10_000 });
    await ok(super1, { type: 'PostCharge', accountId: 'acc1', chargeId: 'ch1', amount: 50_000, description: 'hotel' });
    await ok(agent, { type: 'RequestRefund', refundId: 'r1', accountId: 'acc1', chargeId: 'ch1', amount: 40_000, reason: 'duplicate' });
    await ok(super1, { type: 'PostCharge', accountId: 'acc2', chargeId: 'ch2', amount: 30_000, description: 'flight' });
    const fees = { feeKind: 'monthly_fee', perCurrency: {}, default: 1500 };
    await ok(super1, { type: 'PlanChargeRun', runId: 'run-1', period: '2026-11', fees });
    const before = await head();

    const commands: Record<string, unknown>[] = [
      { type: 'PlanChargeRun', runId: 'run-2', period: '2026-11', fees },
      { type: 'ApproveChargeRun', runId: 'run-1' },
      { type: 'StartChargeRun', runId: 'run-1' },
      { type: 'PauseChargeRun', runId: 'run-1' },
      { type: 'ResumeChargeRun', runId: 'run-1' },
      { type: 'CancelChargeRun', runId: 'run-1', reason: 'no' },
      { type: 'ApproveRefund', refundId: 'r1' },
      { type: 'RejectRefund', refundId: 'r1', note: 'no' },
      { type: 'DecideCreditAuthorization', authorizationId: 'acc2-ch2', decision: 'approve' },
    ];
    for (const command of commands) {
      const r = await exec(admin, command);
      expect(r, String(command.type)).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: `${String(command.type)} needs the role supervisor; admin is admin: admins administer, supervisors supervise. Ask a supervisor to do it` } });
    }
    for (const [m, p] of [
      ['chargeRuns.preview', { period: '2026-11', fees }],
      ['chargeRuns.wait', { runId: 'run-1', retryFailed: true }],
      ['plans.run', { date: '2026-11-01' }],
    ] as const) {
      const r = await admin.callUnknown(m, p);
      expect(r, m).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(new RegExp(`^${m.replace('.', '\\.')} needs the role supervisor; admin is admin`)) } });
    }
    expect(await head()).toBe(before);
    // Admins still read the runs.
    expect(await admin.call('chargeRuns.get', { runId: 'run-1' })).toMatchObject({ ok: true, value: { status: 'planned' } });
    // Supervisors do all of it.
    await ok(super2, { type: 'ApproveChargeRun', runId: 'run-1' });
    await ok(super2, { type: 'ApproveRefund', refundId: 'r1' });
    await ok(super2, { type: 'DecideCreditAuthorization', authorizationId: 'acc2-ch2', decision: 'approve' });
  });
});

/** A clock the test moves by hand, and a sleep that records how long a failed sign-in would wait. */
let t = 0;
const clock = { now: () => new Date(t).toISOString() };
const advanceMinutes = (m: number) => (t += m * 60_000);
let slept: number[] = [];
async function openWorld(): Promise<void> {
  t = Date.parse('2026-11-02T09:00:00.000Z');
  slept = [];
  backend = await openBackend({ log: () => {}, clock, sleep: async (ms) => void slept.push(ms) });
  await seedDemo(backend.store, { accounts: 0, seed: 1 });
}
const streamTypes = async (streamId: string) => (await backend.store.readStream(streamId)).events.map((e) => e.type);
const pending = async (c: Connection) => {
  const r = await c.call('controls.requests', { status: 'pending' });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('four eyes for role grants and control settings', () => {
  beforeEach(openWorld);
  afterEach(async () => {
    const report = await backend.store.verify();
    expect(report.differences).toEqual([]);
    await backend.close();
  });

  it('with one admin, a grant and a control setting apply at once', async () => {
    const admin = await as('admin');
    const made = await ok(admin, { type: 'CreateOperator', operatorId: 'sup3', displayName: 'Sue', role: 'supervisor', password: 'a long passphrase' });
    expect(made.events.map((e) => e.type)).toEqual(['OperatorCreated']);
    expect((await ok(admin, { type: 'ChangeOperatorRole', operatorId: 'agent1', role: 'supervisor' })).events.map((e) => e.type)).toEqual(['OperatorRoleChanged']);
    expect((await ok(admin, { type: 'UpdateSettings', changes: { refunds: { agentLimit: 20_000 } } })).events.map((e) => e.type)).toEqual(['SettingsUpdated']);
    expect(await pending(admin)).toEqual([]);
  });

  it('with two admins, granting supervisor or admin waits for the other admin; every request and decision is on the operator timeline', async () => {
    const admin = await as('admin');
    await ok(admin, { type: 'CreateOperator', operatorId: 'admin2', displayName: 'Second Admin', role: 'admin', password: 'another long passphrase' });
    const admin2 = await as('admin2', 'another long passphrase');

    // A new supervisor: only the request is written; nobody can sign in as sup3 yet.
    const asked = await ok(admin, { type: 'CreateOperator', operatorId: 'sup3', displayName: 'Sue', role: 'supervisor', password: 'a long passphrase' });
    expect(asked.events.map((e) => `${e.type}@${e.streamId}`)).toEqual(['RoleGrantRequested@operator-sup3']);
    const requestId = asked.commandId;
    expect(await backend.connect({ origin: 'test' }).call('auth.login', { operatorId: 'sup3', password: 'a long passphrase' })).toMatchObject({ ok: false, error: { code: 'BAD_CREDENTIALS' } });
    expect(await pending(admin2)).toEqual([
      expect.objectContaining({ requestId, kind: 'role_grant', streamId: 'operator-sup3', subject: 'sup3', details: { role: 'supervisor', kind: 'create', displayName: 'Sue' }, requestedBy: 'admin', status: 'pending', decidedBy: null }),
    ]);
    // Another request for sup3 meanwhile is refused; the requester cannot approve their own.
    expect(await exec(admin2, { type: 'CreateOperator', operatorId: 'sup3', displayName: 'Sue', role: 'agent', password: 'a long passphrase' })).toMatchObject({ ok: false, error: { code: 'GRANT_PENDING' } });
    const before = await head();
    expect(await exec(admin, { type: 'ApproveRoleGrant', operatorId: 'sup3', requestId })).toMatchObject({ ok: false, error: { code: 'FOUR_EYES', message: expect.stringMatching(/another admin must approve it/) } });
    expect(await exec(admin2, { type: 'ApproveRoleGrant', operatorId: 'sup3', requestId: 'nope' })).toMatchObject({ ok: false, error: { code: 'NO_PENDING_REQUEST' } });
    expect(await head()).toBe(before);
    // The second admin approves: the operator exists with the role asked for.
    expect((await ok(admin2, { type: 'ApproveRoleGrant', operatorId: 'sup3', requestId })).events.map((e) => e.type)).toEqual(['RoleGrantApproved', 'OperatorCreated']);
    expect((await as('sup3', 'a long passphrase')).session).toMatchObject({ role: 'supervisor' });
    const timeline = await admin.call('history.stream', { streamId: 'operator-sup3' });
    expect(timeline.ok && timeline.value.events.map((e) => [e.type, e.metadata.operator])).toEqual([
      ['RoleGrantRequested', 'admin'],
      ['RoleGrantApproved', 'admin2'],
      ['OperatorCreated', 'admin2'],
    ]);
    expect(timeline.ok && timeline.value.events[0]!.data).toMatchObject({ passwordHash: '[redacted]' });
    expect(await exec(admin2, { type: 'ApproveRoleGrant', operatorId: 'sup3', requestId })).toMatchObject({ ok: false, error: { code: 'NO_PENDING_REQUEST' } });

    // A change of role to supervisor: requested, then rejected with a reason; the role stays.
    const change = await ok(admin, { type: 'ChangeOperatorRole', operatorId: 'agent1', role: 'supervisor' });
    expect(change.events.map((e) => e.type)).toEqual(['RoleGrantRequested']);
    expect(await exec(admin, { type: 'ChangeOperatorRole', operatorId: 'agent1', role: 'admin' })).toMatchObject({ ok: false, error: { code: 'GRANT_PENDING' } });
    expect((await ok(admin2, { type: 'RejectRoleGrant', operatorId: 'agent1', requestId: change.commandId, reason: 'not yet trained' })).events.map((e) => e.type)).toEqual(['RoleGrantRejected']);
    expect((await as('agent1')).session).toMatchObject({ role: 'agent' });
    expect(await streamTypes('operator-agent1')).toEqual(['OperatorCreated', 'RoleGrantRequested', 'RoleGrantRejected']);
    const all = await admin.call('controls.requests', {});
    expect(all.ok && all.value.map((r) => [r.subject, r.status, r.decidedBy, r.reason])).toEqual([
      ['agent1', 'rejected', 'admin2', 'not yet trained'],
      ['sup3', 'approved', 'admin2', null],
    ]);
    // Making admin of a supervisor needs approval too; taking a role away or adding an agent does not.
    expect((await ok(admin2, { type: 'ChangeOperatorRole', operatorId: 'super1', role: 'admin' })).events.map((e) => e.type)).toEqual(['RoleGrantRequested']);
    expect((await ok(admin, { type: 'ChangeOperatorRole', operatorId: 'super2', role: 'agent' })).events.map((e) => e.type)).toEqual(['OperatorRoleChanged']);
    expect((await ok(admin, { type: 'CreateOperator', operatorId: 'agent7', displayName: 'Seven', role: 'agent', password: 'a long passphrase' })).events.map((e) => e.type)).toEqual(['OperatorCreated']);
    // Only admins see and decide requests.
    const agent = await as('agent1');
    expect(await agent.call('controls.requests', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await exec(agent, { type: 'ApproveRoleGrant', operatorId: 'super1', requestId: 'x' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('with two admins, a control setting waits for the other admin; the order reminders change at once', async () => {
    const admin = await as('admin');
    await ok(admin, { type: 'CreateOperator', operatorId: 'admin2', displayName: 'Second Admin', role: 'admin', password: 'another long passphrase' });
    const admin2 = await as('admin2', 'another long passphrase');
    const policy = { autoApproveMaxOverdraft: 1_000, autoDenyOverOverdraft: 9_000 };

    const asked = await ok(admin, { type: 'UpdateSettings', changes: { creditPolicy: policy } });
    expect(asked.events.map((e) => `${e.type}@${e.streamId}`)).toEqual(['SettingsChangeRequested@settings']);
    expect(await admin.call('settings.get', {})).toMatchObject({ ok: true, value: { creditPolicy: { autoApproveMaxOverdraft: 5_000, autoDenyOverOverdraft: 50_000 } } });
    expect(await pending(admin2)).toEqual([expect.objectContaining({ requestId: asked.commandId, kind: 'settings_change', subject: 'settings', details: { changes: { creditPolicy: policy } }, requestedBy: 'admin' })]);
    // An invalid change is refused when asked, not when approved.
    expect(await exec(admin, { type: 'UpdateSettings', changes: { creditPolicy: { autoApproveMaxOverdraft: 9_000, autoDenyOverOverdraft: 1_000 } } })).toMatchObject({ ok: false, error: { code: 'INVALID_POLICY' } });
    expect((await ok(admin, { type: 'UpdateSettings', changes: { orderReminders: { afterMinutes: [30] } } })).events.map((e) => e.type)).toEqual(['SettingsUpdated']);
    expect(await exec(admin, { type: 'ApproveSettingsChange', requestId: asked.commandId })).toMatchObject({ ok: false, error: { code: 'FOUR_EYES' } });
    expect((await ok(admin2, { type: 'ApproveSettingsChange', requestId: asked.commandId })).events.map((e) => e.type)).toEqual(['SettingsChangeApproved', 'SettingsUpdated']);
    expect(await admin.call('settings.get', {})).toMatchObject({ ok: true, value: { creditPolicy: policy, orderReminders: { afterMinutes: [30] } } });

    const limit = await ok(admin2, { type: 'UpdateSettings', changes: { refunds: { agentLimit: 1 } } });
    expect(limit.events.map((e) => e.type)).toEqual(['SettingsChangeRequested']);
    await ok(admin, { type: 'RejectSettingsChange', requestId: limit.commandId, reason: 'too low' });
    expect(await admin.call('settings.get', {})).toMatchObject({ ok: true, value: { refunds: { agentLimit: 10_000 } } });
    expect(await streamTypes('settings')).toEqual(['SettingsChangeRequested', 'SettingsUpdated', 'SettingsChangeApproved', 'SettingsUpdated', 'SettingsChangeRequested', 'SettingsChangeRejected']);
    expect(await pending(admin)).toEqual([]);
  });
});

describe('hardened sign-in', () => {
  beforeEach(openWorld);
  afterEach(async () => backend.close());
  const login = (operatorId: string, password: string) => backend.connect({ origin: 'test' }).call('auth.login', { operatorId, password });
  const BAD = { ok: false, error: { code: 'BAD_CREDENTIALS', message: 'wrong operator name or password (after 5 failed attempts an operator is locked for 15 minutes: wait, or ask an admin to reset the password)' } };

  it('locks an operator for 15 minutes after 5 failed attempts, waiting longer after each failure; every failure and the lockout are events', async () => {
    for (let i = 0; i < 5; i++) expect(await login('agent1', `wrong-${i}`)).toEqual(BAD);
    expect(slept).toEqual([250, 500, 1000, 2000, 4000]);
    const events = (await backend.store.readStream('operator-agent1')).events.slice(1);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ...[1, 2, 3, 4, 5].map((attempt) => ['OperatorSignInFailed', { operatorId: 'agent1', attempt, reason: 'wrong_password', origin: 'test' }]),
      ['OperatorLockedOut', { operatorId: 'agent1', attempts: 5, until: '2026-11-02T09:15:00.000Z' }],
    ]);
    // Locked: even the right password gets the same answer, and the attempt is recorded.
    expect(await login('agent1', 'demo')).toEqual(BAD);
    expect((await streamTypes('operator-agent1')).at(-1)).toBe('OperatorSignInFailed');
    expect((await backend.store.readStream('operator-agent1')).events.at(-1)!.data).toMatchObject({ reason: 'locked' });
    const admin = await as('admin');
    const list = await admin.call('operators.list', { filters: { operatorId: 'agent1' } });
    expect(list.ok && list.value.rows[0]).toMatchObject({ operatorId: 'agent1', lockedUntil: '2026-11-02T09:15:00.000Z' });
    advanceMinutes(14);
    expect(await login('agent1', 'demo')).toEqual(BAD);
    advanceMinutes(2);
    expect(await login('agent1', 'demo')).toMatchObject({ ok: true, value: { operatorId: 'agent1' } });
  });

  it('a success clears the failures; an admin resetting the password lifts a lockout', async () => {
    await login('super1', 'wrong');
    await login('super1', 'wrong');
    expect(await login('super1', 'demo')).toMatchObject({ ok: true });
    expect((await streamTypes('operator-super1')).slice(1)).toEqual(['OperatorSignInFailed', 'OperatorSignInFailed', 'OperatorSignInFailuresCleared']);
    await login('super1', 'wrong');
    expect((await backend.store.readStream('operator-super1')).events.at(-1)!.data).toMatchObject({ attempt: 1 });
    for (let i = 0; i < 4; i++) await login('super1', 'wrong');
    expect((await streamTypes('operator-super1')).at(-1)).toBe('OperatorLockedOut');
    await ok(await as('admin'), { type: 'ResetOperatorPassword', operatorId: 'super1', password: 'a fresh passphrase' });
    expect(await login('super1', 'a fresh passphrase')).toMatchObject({ ok: true });
  });

  it('an unknown name gets the same answer and the same growing delay, and nothing is recorded', async () => {
    const before = await head();
    for (let i = 0; i < 6; i++) expect(await login('ghost', 'demo')).toEqual(BAD);
    expect(slept).toEqual([250, 500, 1000, 2000, 4000, 4000]);
    expect(await head()).toBe(before);
  });

  it('takes the attempts, the lockout and the delay from the settings', async () => {
    const admin = await as('admin');
    await ok(admin, { type: 'UpdateSettings', changes: { signIn: { maxFailedAttempts: 3, lockoutMinutes: 5, failureDelayMs: 0, idleTimeoutMinutes: 30 } } });
    for (let i = 0; i < 3; i++) await login('agent1', 'wrong');
    expect(slept).toEqual([]);
    expect((await backend.store.readStream('operator-agent1')).events.at(-1)).toMatchObject({ type: 'OperatorLockedOut', data: { attempts: 3, until: '2026-11-02T09:05:00.000Z' } });
    advanceMinutes(6);
    expect(await login('agent1', 'demo')).toMatchObject({ ok: true });
  });

  it('expires a signed-in connection after 30 minutes idle: the next call answers SESSION_EXPIRED', async () => {
    const agent = await as('agent1');
    advanceMinutes(29);
    expect(await agent.call('accounts.list', {})).toMatchObject({ ok: true });
    advanceMinutes(29);
    expect(await agent.call('accounts.list', {})).toMatchObject({ ok: true });
    advanceMinutes(31);
    expect(await agent.call('auth.session', {})).toEqual({ ok: true, value: null });
    expect(await agent.call('accounts.list', {})).toEqual({ ok: false, error: { code: 'SESSION_EXPIRED', message: 'the session of agent1 expired after 30 minutes without use: sign in again' } });
    expect(await agent.call('accounts.list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect((await agent.call('auth.login', { operatorId: 'agent1', password: 'demo' })).ok).toBe(true);
    expect(await agent.call('accounts.list', {})).toMatchObject({ ok: true });
    // The timeout is a setting.
    const admin = await as('admin');
    await ok(admin, { type: 'UpdateSettings', changes: { signIn: { maxFailedAttempts: 5, lockoutMinutes: 15, failureDelayMs: 250, idleTimeoutMinutes: 5 } } });
    expect(await admin.call('accounts.list', {})).toMatchObject({ ok: true });
    advanceMinutes(6);
    expect(await admin.call('accounts.list', {})).toMatchObject({ ok: false, error: { code: 'SESSION_EXPIRED' } });
  });

  it('new passwords need 12 characters; the demo operators keep demo and are flagged as demo', async () => {
    const admin = await as('admin');
    const short = await exec(admin, { type: 'CreateOperator', operatorId: 'clerk', displayName: 'Clerk', role: 'agent', password: 'elevenchars' });
    expect(short).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/at least 12 characters/) } });
    expect(await exec(admin, { type: 'ResetOperatorPassword', operatorId: 'agent1', password: 's3cret' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/at least 12 characters/) } });
    expect(await exec(admin, { type: 'CreateOperator', operatorId: 'clerk', displayName: 'Clerk', role: 'agent', password: 'twelve chars' })).toMatchObject({ ok: true });
    const list = await admin.call('operators.list', {});
    expect(list.ok && list.value.rows.map((r) => [r.operatorId, r.demo])).toEqual([
      ['admin', true],
      ['agent1', true],
      ['clerk', false],
      ['super1', true],
      ['super2', true],
    ]);
    expect((await backend.store.readStream('operator-admin')).events[0]!.data).toMatchObject({ demo: true });
    const fresh = await openBackend({ log: () => {} });
    const c = fresh.connect({ origin: 'test' });
    expect(await c.call('system.setup', { mode: 'admin', password: 'elevenchars' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/12 characters/) } });
    expect(await c.call('system.setup', { mode: 'admin', password: 'twelve chars' })).toMatchObject({ ok: true });
    await fresh.close();
  });
});
