/**
 * What happens to a charge run after its approval, through the real backend on the real sql.js
 * store: a supervisor's later decision of an authorisation the run queued moves the run's
 * outcome, counts, control totals and reconciliation report with it (they equal the run's charge
 * events in the log at every step); and the approved run charges only the accounts that were
 * eligible at its approval (the others are skipped as changed_after_approval, for a new run).
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import type { Fees } from '../../domain/chargeruns/events.js';
import type { OutcomeRow } from '../../domain/chargeruns/queries.js';
import { openBackend } from '../../domain/open.js';
import { writeReconciliation } from '../../domain/reports/reconciliation.js';

const PERIOD = '2026-11';
const FEES: Fees = { feeKind: 'monthly_fee', perCurrency: { EUR: 1500 } };
const CHARGE = `FEE-${PERIOD}-monthly_fee`;

const open: Backend[] = [];
afterEach(async () => {
  for (const b of open.splice(0)) await b.close();
});

interface World {
  readonly backend: Backend;
  readonly agent: Connection;
  readonly super1: Connection;
  readonly super2: Connection;
  readonly admin: Connection;
}

async function world(): Promise<World> {
  const backend = await openBackend({ log: () => {}, chargeRunBatchSize: 2 });
  open.push(backend);
  await seedDemo(backend.store, { accounts: 0, seed: 1 });
  const as = async (operatorId: string): Promise<Connection> => {
    const c = backend.connect({ origin: 'test' });
    expect((await c.call('auth.login', { operatorId, password: 'demo' })).ok, operatorId).toBe(true);
    return c;
  };
  return { backend, agent: await as('agent1'), super1: await as('super1'), super2: await as('super2'), admin: await as('admin') };
}

type Cmd = { readonly type: string } & Record<string, unknown>;
async function ok(c: Connection, command: Cmd): Promise<void> {
  const r = await c.call('commands.execute', { command });
  if (!r.ok) throw new Error(`${command.type} was refused: ${r.error.code}: ${r.error.message}`);
}

/** An account with a card (active unless told otherwise). */
async function account(w: World, id: string, creditLimit: number, card: 'active' | 'issued' | 'none' = 'active'): Promise<void> {
  await ok(w.agent, { type: 'OpenAccount', accountId: id, holderName: `Holder ${id}`, currency: 'EUR', creditLimit });
  if (card === 'none') return;
  await ok(w.agent, { type: 'IssueCard', cardId: `${id}-c1`, accountId: id, holderName: `Holder ${id}`, last4: '4417', brand: 'visa', expiryMonth: 12, expiryYear: 2035 });
  if (card === 'active') await ok(w.agent, { type: 'ActivateCard', cardId: `${id}-c1`, reason: 'card_received' });
}

async function run(w: World, runId: string) {
  const r = await w.super2.call('chargeRuns.get', { runId });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
async function startAndWait(w: World, runId: string) {
  await ok(w.super2, { type: 'StartChargeRun', runId });
  const r = await w.super2.call('chargeRuns.wait', { runId });
  if (!r.ok) throw new Error(r.error.message);
  expect(r.value.status).toBe('completed');
  return r.value;
}
async function outcomes(w: World, runId: string): Promise<Map<string, OutcomeRow>> {
  const r = await w.super2.call('chargeRuns.outcomes', { runId, limit: 500 });
  if (!r.ok) throw new Error(r.error.message);
  return new Map(r.value.rows.map((o) => [o.accountId, o]));
}

/**
 * The run's charge events, read from the log itself: the ChargePosted events of the run's own
 * batches and those that settle an authorisation the run opened (a supervisor's approval),
 * summed per currency, with their positions per account.
 */
async function chargesInLog(w: World, runId: string): Promise<{ sum: Record<string, number>; at: Map<string, number> }> {
  const opened = new Set<string>();
  const sum: Record<string, number> = {};
  const at = new Map<string, number>();
  let after = 0;
  for (;;) {
    const page = await w.backend.store.readAll({ after, limit: 1000, types: ['CreditAuthorizationOpened', 'ChargePosted'] });
    for (const e of page.events) {
      const d = e.data as { authorizationId?: string; accountId: string; amount: number; currency: string };
      if (e.type === 'CreditAuthorizationOpened') {
        if (e.metadata.correlationId === runId) opened.add(d.authorizationId!);
        continue;
      }
      if (e.metadata.correlationId !== runId && !(d.authorizationId && opened.has(d.authorizationId))) continue;
      sum[d.currency] = (sum[d.currency] ?? 0) + d.amount;
      at.set(d.accountId, e.position);
    }
    if (page.isEnd) return { sum, at };
    after = page.lastPosition;
  }
}

/** The reconciliation report's "posted" control totals and its lines' outcomes, from the CSV. */
async function report(w: World, runId: string): Promise<{ posted: Record<string, number>; outcomes: Record<string, string> }> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(c);
      cb();
    },
  });
  const totals = await writeReconciliation(w.backend.store, runId, 'csv', { generatedAt: '2026-11-30T12:00:00.000Z', generatedBy: 'super2' }, sink);
  const csv = Buffer.concat(chunks).toString('utf8');
  const lines = csv.split('\r\n').map((l) => l.split(','));
  const outcomesByAccount: Record<string, string> = {};
  for (const l of lines) if (/^(A|B|C|D)$/.test(l[0] ?? '') && l.length >= 6) outcomesByAccount[l[0]!] = l[5]!;
  return { posted: { ...totals.posted }, outcomes: outcomesByAccount };
}

async function verified(w: World): Promise<void> {
  const r = await w.admin.call('system.verify', {});
  if (!r.ok) throw new Error(r.error.message);
  expect(r.value.differences).toEqual([]);
  expect(r.value.ok).toBe(true);
}

describe('a charge run follows the later decisions of the authorisations it queued', () => {
  it('approved: charged with the charge’s amount and position; denied: denied; counts, control totals and the report equal the log at every step', async () => {
    const w = await world();
    // Every overdraft goes to a supervisor.
    await ok(w.admin, { type: 'UpdateSettings', changes: { creditPolicy: { autoApproveMaxOverdraft: 0, autoDenyOverOverdraft: 10_000_000 } } });
    await account(w, 'A', 100_000); // charged outright
    await account(w, 'B', 1_000); // 1,500 over a 1,000 limit: review, then approved
    await account(w, 'C', 1_000); // review, then denied
    await account(w, 'D', 100_000, 'none'); // skipped: no active card
    await ok(w.super1, { type: 'PlanChargeRun', runId: 'r1', period: PERIOD, fees: FEES });
    await ok(w.super2, { type: 'ApproveChargeRun', runId: 'r1' });
    const done = await startAndWait(w, 'r1');
    expect(done.counts).toMatchObject({ charged: 1, auth_review: 2, skipped: 1 });

    const agree = async (want: { B: string; C: string; posted: number }): Promise<void> => {
      const log = await chargesInLog(w, 'r1');
      const r = await run(w, 'r1');
      const byAccount = await outcomes(w, 'r1');
      expect(byAccount.get('B')?.outcome).toBe(want.B);
      expect(byAccount.get('C')?.outcome).toBe(want.C);
      expect(log.sum).toEqual({ EUR: want.posted });
      // The run's running totals, its control totals and the report: all the log's charges.
      expect(r.totals).toEqual(log.sum);
      const posted = r.controlTotals.rows.filter((x) => x.outcome === 'charged' || x.outcome === 'auth_approved').reduce((n, x) => n + x.amount, 0);
      expect(posted).toBe(want.posted);
      const rep = await report(w, 'r1');
      expect(rep.posted).toEqual(log.sum);
      expect(rep.outcomes).toMatchObject({ A: 'charged', B: want.B, C: want.C, D: 'skipped' });
      // Every charged line sits at its charge event in the log.
      for (const [a, o] of byAccount) if (o.outcome === 'charged' || o.outcome === 'auth_approved') expect(o.position, a).toBe(log.at.get(a));
      // The counts add up to the control totals, outcome by outcome.
      for (const o of ['charged', 'auth_approved', 'auth_denied', 'auth_review', 'skipped'] as const) {
        expect(r.counts[o] ?? 0, o).toBe(r.controlTotals.rows.filter((x) => x.outcome === o).reduce((n, x) => n + x.accounts, 0));
      }
      expect(r.chargedAccounts).toBe((r.counts.charged ?? 0) + (r.counts.auth_approved ?? 0));
    };
    await agree({ B: 'auth_review', C: 'auth_review', posted: 1500 });
    await verified(w);

    await ok(w.super1, { type: 'DecideCreditAuthorization', authorizationId: `B-${CHARGE}`, decision: 'approve', note: 'good customer' });
    await agree({ B: 'auth_approved', C: 'auth_review', posted: 3000 });
    const b = (await outcomes(w, 'r1')).get('B')!;
    expect([b.amount, b.currency, b.chargeId]).toEqual([1500, 'EUR', CHARGE]);
    await verified(w);

    await ok(w.super1, { type: 'DecideCreditAuthorization', authorizationId: `C-${CHARGE}`, decision: 'deny', note: 'over limit' });
    await agree({ B: 'auth_approved', C: 'auth_denied', posted: 3000 });
    const r = await run(w, 'r1');
    expect(r.counts).toMatchObject({ charged: 1, auth_approved: 1, auth_denied: 1, auth_review: 0, skipped: 1 });
    expect(r.controlTotals.rows.find((x) => x.outcome === 'auth_review')).toBeUndefined();
    // The review screen's filter by outcome reads the moved rows.
    const review = await w.super2.call('chargeRuns.outcomes', { runId: 'r1', filters: { outcome: 'auth_review' } });
    expect(review.ok && review.value.rows).toEqual([]);
    // The span of the run's charge events reaches the later charge.
    const log = await chargesInLog(w, 'r1');
    expect(r.controlTotals.maxPosition).toBeGreaterThanOrEqual(log.at.get('B')!);
    await verified(w);
  });

  it('a decision sent with the run’s id as its correlation id moves the run the same way, and nothing else can pass for the run', async () => {
    const w = await world();
    await ok(w.admin, { type: 'UpdateSettings', changes: { creditPolicy: { autoApproveMaxOverdraft: 0, autoDenyOverOverdraft: 10_000_000 } } });
    await account(w, 'B', 1_000);
    await ok(w.super1, { type: 'PlanChargeRun', runId: 'r1', period: PERIOD, fees: FEES });
    await ok(w.super2, { type: 'ApproveChargeRun', runId: 'r1' });
    await startAndWait(w, 'r1');
    const r = await w.super1.call('commands.execute', { command: { type: 'DecideCreditAuthorization', authorizationId: `B-${CHARGE}`, decision: 'approve' }, correlationId: 'r1' });
    expect(r.ok).toBe(true);
    // A charge of another account sent with the run's id as correlation id is not the run's.
    await account(w, 'X', 100_000);
    const other = await w.super1.call('commands.execute', { command: { type: 'PostCharge', accountId: 'X', chargeId: 'hotel', amount: 700, description: 'hotel' }, correlationId: 'r1' });
    expect(other.ok).toBe(true);
    const got = await run(w, 'r1');
    expect(got.counts).toMatchObject({ auth_approved: 1, auth_review: 0 });
    expect(got.totals).toEqual({ EUR: 1500 });
    expect([...(await outcomes(w, 'r1')).keys()]).toEqual(['B']);
    await verified(w);
  });
});

describe('the approved run is the run that executes', () => {
  it('charges the accounts eligible at approval, skips those that became eligible after it (changed_after_approval), and a new run takes them', async () => {
    const w = await world();
    await ok(w.admin, { type: 'UpdateSettings', changes: { creditPolicy: { autoApproveMaxOverdraft: 0, autoDenyOverOverdraft: 10_000_000 } } });
    await account(w, 'A', 100_000); // eligible throughout: charged
    await account(w, 'D', 100_000, 'issued'); // its card is activated after the approval
    await account(w, 'E', 100_000); // a second card activated after the approval: still eligible then
    await account(w, 'F', 100_000); // its card suspended and reactivated after the approval: eligible then
    await account(w, 'G', 100_000); // reported lost after the approval and replaced by an active card
    await account(w, 'H', 1_000); // frozen by an authorisation at the approval, unfrozen after it
    await ok(w.super1, { type: 'PostCharge', accountId: 'H', chargeId: 'big', amount: 5_000, description: 'hotel' });
    await ok(w.super1, { type: 'PlanChargeRun', runId: 'r1', period: PERIOD, fees: FEES });
    await account(w, 'B', 100_000); // opened after planning, before the approval: charged
    await ok(w.super2, { type: 'ApproveChargeRun', runId: 'r1' });

    expect((await run(w, 'r1')).eligibleAtApproval).toBe(5); // A, B, E, F, G
    expect((await run(w, 'r1')).preview.eligible).toBe(4); // A, E, F, G at planning

    await account(w, 'C', 100_000); // opened after the approval
    await ok(w.agent, { type: 'ActivateCard', cardId: 'D-c1', reason: 'card_received' });
    await ok(w.agent, { type: 'IssueCard', cardId: 'E-c2', accountId: 'E', holderName: 'Holder E', last4: '9001', brand: 'visa', expiryMonth: 12, expiryYear: 2035 });
    await ok(w.agent, { type: 'ActivateCard', cardId: 'E-c2', reason: 'card_received' });
    await ok(w.agent, { type: 'DeactivateCard', cardId: 'F-c1', reason: 'customer_request' });
    await ok(w.agent, { type: 'ReactivateCard', cardId: 'F-c1', reason: 'issue_resolved' });
    await ok(w.agent, { type: 'ReportCardLost', cardId: 'G-c1' });
    await ok(w.agent, { type: 'IssueCard', cardId: 'G-c2', accountId: 'G', holderName: 'Holder G', last4: '9002', brand: 'visa', expiryMonth: 12, expiryYear: 2035 });
    await ok(w.agent, { type: 'ActivateCard', cardId: 'G-c2', reason: 'card_received' });
    const held = await w.backend.store.read((sql) => String(sql.scalar("SELECT authorization_id FROM authorizations WHERE account_id = 'H'")));
    await ok(w.super2, { type: 'DecideCreditAuthorization', authorizationId: held, decision: 'approve' });

    const done = await startAndWait(w, 'r1');
    const got = await outcomes(w, 'r1');
    const summary = Object.fromEntries([...got].map(([a, o]) => [a, o.reason ? `${o.outcome}:${o.reason}` : o.outcome]));
    expect(summary).toEqual({
      A: 'charged',
      B: 'charged',
      C: 'skipped:changed_after_approval',
      D: 'skipped:changed_after_approval',
      E: 'charged',
      F: 'charged',
      G: 'charged',
      H: 'skipped:changed_after_approval',
    });
    expect(done.eligibleAtApproval).toBe(5);
    expect(done.chargedAccounts).toBe(5);
    expect(done.counts).toMatchObject({ charged: 5, skipped: 3 });
    const rep = await report(w, 'r1');
    expect(rep.posted).toEqual({ EUR: 5 * 1500 });
    await verified(w);

    // A new run for the same period and fee takes the accounts the first one left.
    await ok(w.super1, { type: 'PlanChargeRun', runId: 'r2', period: PERIOD, fees: FEES });
    await ok(w.super2, { type: 'ApproveChargeRun', runId: 'r2' });
    const second = await startAndWait(w, 'r2');
    const again = await outcomes(w, 'r2');
    // (H's approved hotel charge left it over its limit: the fee waits for a supervisor.)
    expect(Object.fromEntries([...again].filter(([, o]) => o.outcome !== 'skipped').map(([a, o]) => [a, o.outcome]))).toEqual({ C: 'charged', D: 'charged', H: 'auth_review' });
    expect(second.eligibleAtApproval).toBe(3);
    expect(second.chargedAccounts).toBe(2);
    await verified(w);
  });

  it('what changed after the approval is still known after the projections are rebuilt from the log', async () => {
    const w = await world();
    await account(w, 'A', 100_000);
    await account(w, 'B', 100_000);
    await ok(w.super1, { type: 'PlanChargeRun', runId: 'r1', period: PERIOD, fees: FEES });
    await ok(w.super2, { type: 'ApproveChargeRun', runId: 'r1' });
    await account(w, 'Z', 100_000); // opened after the approval
    const rebuilt = await w.admin.call('system.rebuild', {});
    expect(rebuilt.ok, JSON.stringify(rebuilt)).toBe(true);
    await verified(w);
    await startAndWait(w, 'r1');
    const got = await outcomes(w, 'r1');
    expect(got.get('Z')).toMatchObject({ outcome: 'skipped', reason: 'changed_after_approval' });
    expect([got.get('A')?.outcome, got.get('B')?.outcome]).toEqual(['charged', 'charged']);
    await verified(w);
  });
});
