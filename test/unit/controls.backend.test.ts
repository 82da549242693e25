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
