/**
 * The monthly charge run through the real backend (openBackend over an in-memory sql.js store,
 * seeded with demo data, the demo operators signed in): four eyes for every role that can plan,
 * a full run that reconciles with the log and the balances, the authorisation chain in batches,
 * the same period twice, pause/resume/cancel at batch boundaries, the host answering while a run
 * executes, and failed accounts retried.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend, CommandOutcome, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import type { Fees, Outcome } from '../../domain/chargeruns/events.js';
import { openBackend } from '../../domain/open.js';
import { previewChargeRun } from '../../domain/chargeruns/preview.js';
import { listOutcomes } from '../../domain/chargeruns/queries.js';
import { chargeRunStreamId } from '../../domain/chargeruns/events.js';
import type { Result } from '../../domain/shared/result.js';
import { balances, batchesOf, batchProblems, chargedByRun, chargeEvents, decrease, eligibleAccounts, exactlyOnceProblems, sumCounts } from './fixtures/chargerun-checks.js';

const PERIOD = '2026-11';
const open: Backend[] = [];
afterEach(async () => {
  for (const b of open.splice(0)) await b.close();
});

interface World {
  readonly backend: Backend;
  readonly super1: Connection;
  readonly super2: Connection;
  readonly admin: Connection;
  readonly agent: Connection;
  readonly accountIds: readonly string[];
}

async function world(accounts: number, batchSize: number, seed = 3): Promise<World> {
  const backend = await openBackend({ log: () => {}, chargeRunBatchSize: batchSize });
  open.push(backend);
  await seedDemo(backend.store, { accounts, seed });
  const as = async (operatorId: string): Promise<Connection> => {
    const c = backend.connect({ origin: 'test' });
    const r = await c.call('auth.login', { operatorId, password: 'demo' });
    expect(r.ok, `sign in as ${operatorId}`).toBe(true);
    return c;
  };
  const [super1, super2, admin, agent] = await Promise.all([as('super1'), as('super2'), as('admin'), as('agent1')]);
  const accountIds = await backend.store.read((sql) => sql.all<{ account_id: string }>('SELECT account_id FROM accounts ORDER BY account_id').map((r) => r.account_id));
  expect(accountIds).toHaveLength(accounts);
  return { backend, super1, super2, admin, agent, accountIds };
}

type Cmd = { readonly type: string } & Record<string, unknown>;
const send = (c: Connection, command: Cmd): Promise<Result<CommandOutcome>> => c.call('commands.execute', { command });
async function ok(c: Connection, command: Cmd): Promise<CommandOutcome> {
  const r = await send(c, command);
  if (!r.ok) throw new Error(`${command.type} was refused: ${r.error.code}: ${r.error.message}`);
  return r.value;
}
async function refused(w: World, c: Connection, command: Cmd, code: string, message?: RegExp): Promise<void> {
  const head = await w.backend.store.headPosition();
  const r = await send(c, command);
  expect(r.ok, `${command.type} should be refused with ${code}`).toBe(false);
  if (r.ok) return;
  expect(r.error.code).toBe(code);
  if (message) expect(r.error.message).toMatch(message);
  expect(await w.backend.store.headPosition(), `a refused ${command.type} writes nothing`).toBe(head);
}

const plan = (runId: string, fees: Fees, period = PERIOD): Cmd => ({ type: 'PlanChargeRun', runId, period, fees });
async function getRun(w: World, runId: string) {
  const r = await w.super2.call('chargeRuns.get', { runId });
  if (!r.ok) throw new Error(`chargeRuns.get ${runId}: ${r.error.message}`);
  return r.value;
}
async function waitRun(w: World, runId: string) {
  const r = await w.super2.call('chargeRuns.wait', { runId });
  if (!r.ok) throw new Error(`chargeRuns.wait ${runId}: ${r.error.message}`);
  return r.value;
}
/** Until no driver is left in the host for the run (a pause or cancel is seen at the next batch boundary). */
async function settled(w: World, runId: string) {
  const until = Date.now() + 20_000;
  for (;;) {
    const run = await getRun(w, runId);
    if (!run.active) return run;
    if (Date.now() > until) throw new Error(`charge run ${runId} is still being driven after 20 s`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
/** Plans as super1, approves as super2, starts as super2. */
async function planApproveStart(w: World, runId: string, fees: Fees): Promise<void> {
  await ok(w.super1, plan(runId, fees));
  await ok(w.super2, { type: 'ApproveChargeRun', runId });
  await ok(w.super2, { type: 'StartChargeRun', runId });
}
const outcomeRows = (w: World, runId: string) =>
  w.backend.store.read((sql) => new Map(sql.all<{ account_id: string; outcome: Outcome }>('SELECT account_id, outcome FROM charge_run_outcomes WHERE run_id = ?', [runId]).map((r) => [r.account_id, r.outcome])));
async function expectVerified(w: World): Promise<void> {
  const report = await w.backend.store.verify();
  expect(report.differences).toEqual([]);
  expect(report.ok).toBe(true);
}
const FEES: Fees = { feeKind: 'monthly_fee', perCurrency: { EUR: 1500, USD: 1700, GBP: 1300 } };
const chargeId = (f: Fees, period = PERIOD) => `FEE-${period}-${f.feeKind}`;

describe('four eyes', () => {
  it('the planner cannot approve their own run, whatever their role; an agent cannot plan; refusals write nothing', async () => {
    const w = await world(200, 500);
    const fees: Fees = { feeKind: 'monthly_fee', perCurrency: {}, default: 1500 };
    for (const [planner, approver] of [
      [w.super1, w.super2],
      [w.super2, w.super1],
    ] as const) {
      const who = planner.session!.operatorId;
      const runId = `run-4eyes-${who}`;
      await ok(planner, plan(runId, fees));
      await refused(w, planner, { type: 'ApproveChargeRun', runId }, 'FOUR_EYES', new RegExp(`${who} planned charge run ${runId} for ${PERIOD}, so another supervisor must approve it`));
      // The same operator on another connection (another window, the CLI) is refused too.
      const again = w.backend.connect({ origin: 'test' });
      expect((await again.call('auth.login', { operatorId: who, password: 'demo' })).ok).toBe(true);
      await refused(w, again, { type: 'ApproveChargeRun', runId }, 'FOUR_EYES');
      await refused(w, planner, { type: 'StartChargeRun', runId }, 'NOT_APPROVED', /not approved yet/);
      expect(await getRun(w, runId)).toMatchObject({ status: 'planned', plannedBy: who, approvedBy: null });
      await refused(w, w.agent, { type: 'ApproveChargeRun', runId }, 'FORBIDDEN', /ApproveChargeRun needs the role supervisor; agent1 is agent/);
      await ok(approver, { type: 'ApproveChargeRun', runId });
      expect(await getRun(w, runId)).toMatchObject({ status: 'approved', plannedBy: who, approvedBy: approver.session!.operatorId });
      // Once approved, the planner still cannot approve (nor does a second approval by another supervisor count).
      await refused(w, planner, { type: 'ApproveChargeRun', runId }, 'RUN_STATE');
      // The approver approving again changes nothing.
      const head = await w.backend.store.headPosition();
      expect((await ok(approver, { type: 'ApproveChargeRun', runId })).events).toEqual([]);
      expect(await w.backend.store.headPosition()).toBe(head);
    }
    await refused(w, w.agent, plan('run-by-agent', fees), 'FORBIDDEN', /PlanChargeRun needs the role supervisor;/);
    const gone = await w.super1.call('chargeRuns.get', { runId: 'run-by-agent' });
    expect(gone.ok ? gone.value : gone.error.code).toBe('NOT_FOUND');
    await refused(w, w.super2, plan('run-4eyes-super1', fees), 'RUN_EXISTS');
    // The runs list shows each run's planner and approver.
    const list = await w.super1.call('chargeRuns.list', {});
    expect(list.ok && list.value.rows.map((r) => [r.runId, r.plannedBy, r.approvedBy]).sort()).toEqual([
      ['run-4eyes-super1', 'super1', 'super2'],
      ['run-4eyes-super2', 'super2', 'super1'],
    ]);
  });
});

describe('a full run', () => {
  it('charges every eligible account exactly once, and the run, the log and the balances reconcile', async () => {
    const w = await world(3000, 500);
    const eligible = await w.backend.store.read((sql) => eligibleAccounts(sql, FEES));
    const before = await w.backend.store.read(balances);
    const byCurrency = await w.backend.store.read((sql) =>
      sql.all<{ currency: string; n: number }>(
        "SELECT a.currency, count(*) AS n FROM accounts a WHERE a.status = 'open' AND EXISTS (SELECT 1 FROM cards c WHERE c.account_id = a.account_id AND c.status = 'active') GROUP BY 1",
      ),
    );
    await ok(w.super1, plan('run-full', FEES));
    const planned = await getRun(w, 'run-full');
    expect(planned.preview.accounts).toBe(3000);
    expect(planned.preview.eligible).toBe(eligible.length);
    expect(planned.preview.eligible + sumCounts(planned.preview.exclusions as Partial<Record<Outcome, number>>)).toBe(3000);
    expect(planned.preview.exclusions.no_fee_for_currency, 'CHF has no fee').toBe(byCurrency.find((r) => r.currency === 'CHF')?.n);
    expect(planned.preview.totals).toEqual(Object.fromEntries(byCurrency.filter((r) => FEES.perCurrency[r.currency]).map((r) => [r.currency, r.n * FEES.perCurrency[r.currency]!])));
    await ok(w.super2, { type: 'ApproveChargeRun', runId: 'run-full' });
    await ok(w.super2, { type: 'StartChargeRun', runId: 'run-full' });
    const run = await waitRun(w, 'run-full');

    expect(run).toMatchObject({ status: 'completed', plannedBy: 'super1', approvedBy: 'super2', batches: 6, active: false });
    expect(sumCounts(run.counts), 'outcome counts add up to the accounts').toBe(3000);
    expect(run.counts.skipped).toBe(3000 - eligible.length);
    expect((run.counts.charged ?? 0) + (run.counts.auth_approved ?? 0) + (run.counts.auth_denied ?? 0) + (run.counts.auth_review ?? 0)).toBe(eligible.length);
    expect(run.counts.failed).toBe(0);

    const events = await w.backend.store.read((sql) => chargeEvents(sql, chargeId(FEES)));
    expect(exactlyOnceProblems(events, eligible)).toEqual([]);
    const logTotals = await w.backend.store.read((sql) => chargedByRun(sql, 'run-full'));
    expect(run.totals).toEqual(logTotals);
    expect(decrease(before, await w.backend.store.read(balances)), 'the balance projection moved by the run total').toEqual(logTotals);
    // The control totals (what the reconciliation report prints) agree.
    const control: Record<string, number> = {};
    for (const r of run.controlTotals.rows) if (r.currency && (r.outcome === 'charged' || r.outcome === 'auth_approved')) control[r.currency] = (control[r.currency] ?? 0) + r.amount;
    expect(control).toEqual(logTotals);
    const outcomes = await outcomeRows(w, 'run-full');
    expect(outcomes.size, 'one outcome row per account').toBe(3000);
    const tally: Partial<Record<Outcome, number>> = {};
    for (const o of outcomes.values()) tally[o] = (tally[o] ?? 0) + 1;
    expect(tally).toEqual(Object.fromEntries(Object.entries(run.counts).filter(([, n]) => n > 0)));
    expect(await w.backend.store.read((sql) => batchProblems(batchesOf(sql, 'run-full'), w.accountIds, 500))).toEqual([]);
    // A retry of a run with no failed account writes nothing.
    const head = await w.backend.store.headPosition();
    const retried = await w.super2.call('chargeRuns.wait', { runId: 'run-full', retryFailed: true });
    expect(retried.ok && retried.value.batches).toBe(6);
    expect(await w.backend.store.headPosition()).toBe(head);
    await expectVerified(w);
  });
});

describe('prepaid credit', () => {
  it('a run spends an account\'s prepaid credit first, as a single PostCharge does (the credit comes from an overpaid order)', async () => {
    const w = await world(200, 50);
    const eligible = await w.backend.store.read((sql) => eligibleAccounts(sql, FEES));
    const target = eligible.find((id) => id.length > 0)!;
    const currency = await w.backend.store.read((sql) => String(sql.scalar('SELECT currency FROM accounts WHERE account_id = ?', [target])));
    const fee = FEES.perCurrency[currency]!;
    // An order of 10.00 paid 20.00: 10.00 of prepaid credit, less than the fee, so both parts show.
    await ok(w.agent, { type: 'CreateOrder', orderId: 'ORD-CREDIT', accountId: target, baseCurrency: currency, lines: [{ description: 'Card sleeve', quantity: 1, unitPrice: 1000 }], total: 1000 });
    await ok(w.agent, { type: 'AddOrderPayment', orderId: 'ORD-CREDIT', paymentId: 'PAY-1', method: 'cash', amount: 2000, currency });
    const credit = () => w.backend.store.read((sql) => Number(sql.scalar('SELECT coalesce(max(prepaid_credit), 0) FROM account_credits WHERE account_id = ?', [target])));
    expect(await credit()).toBe(1000);
    await planApproveStart(w, 'run-credit', FEES);
    const run = await waitRun(w, 'run-credit');
    expect(run.counts.failed).toBe(0);
    const applied = await w.backend.store.read((sql) =>
      sql.all<{ data: string }>("SELECT data FROM events WHERE stream_id = ? AND type = 'PrepaidCreditApplied'", [`account-${target}`]).map((r) => JSON.parse(r.data) as { chargeId: string; amount: number; remaining: number }),
    );
    expect(applied).toEqual([expect.objectContaining({ chargeId: chargeId(FEES), amount: Math.min(1000, fee), remaining: 1000 - Math.min(1000, fee) })]);
    expect(await credit()).toBe(1000 - Math.min(1000, fee));
    await expectVerified(w);
  });
});

describe('authorisations in a run', () => {
  // Policy: approve overdrafts up to 500.00, deny over 1 200.00, review in between; a fee of 1 500.00.
  const POLICY = { autoApproveMaxOverdraft: 50_000, autoDenyOverOverdraft: 120_000 };
  const BIG: Fees = { feeKind: 'monthly_fee', perCurrency: {}, default: 150_000 };

  it('auto-approved, auto-denied (cards suspended) and queued-for-review outcomes follow the policy and match the authorisations; the same period twice charges nobody; another fee kind does', async () => {
    const w = await world(3000, 500, 4);
    await refused(w, w.super1, { type: 'UpdateSettings', changes: { creditPolicy: POLICY } }, 'FORBIDDEN');
    await ok(w.admin, { type: 'UpdateSettings', changes: { creditPolicy: POLICY } });
    // What each eligible account must get, worked out from the read models before the run.
    const expected = new Map<string, Outcome>();
    const accounts = await w.backend.store.read((sql) =>
      sql.all<{ account_id: string; avail: number; denied_count: number }>('SELECT account_id, credit_limit + balance AS avail, denied_count FROM accounts ORDER BY account_id'),
    );
    const eligible = new Set(await w.backend.store.read((sql) => eligibleAccounts(sql, BIG)));
    for (const a of accounts) {
      if (!eligible.has(a.account_id)) {
        expected.set(a.account_id, 'skipped');
        continue;
      }
      const over = 150_000 - a.avail;
      expected.set(a.account_id, over <= 0 ? 'charged' : over > POLICY.autoDenyOverOverdraft ? 'auth_denied' : over <= POLICY.autoApproveMaxOverdraft && a.denied_count === 0 ? 'auth_approved' : 'auth_review');
    }
    const activeCardsBefore = await w.backend.store.read((sql) => sql.all<{ card_id: string; account_id: string }>("SELECT card_id, account_id FROM cards WHERE status = 'active'"));
    const reviewBefore = await w.backend.store.read((sql) => Number(sql.scalar("SELECT count(*) FROM authorizations WHERE status = 'pending_review'")));
    const before = await w.backend.store.read(balances);

    await planApproveStart(w, 'run-auth', BIG);
    const run = await waitRun(w, 'run-auth');
    expect(run.status).toBe('completed');
    const outcomes = await outcomeRows(w, 'run-auth');
    const mismatches = [...expected].filter(([a, o]) => outcomes.get(a) !== o).map(([a, o]) => `${a}: expected ${o}, got ${outcomes.get(a)}`);
    expect(mismatches.slice(0, 10)).toEqual([]);
    const want: Record<Outcome, number> = { charged: 0, auth_approved: 0, auth_denied: 0, auth_review: 0, skipped: 0, failed: 0 };
    for (const o of expected.values()) want[o]++;
    expect(run.counts).toEqual(want);
    for (const o of ['charged', 'auth_approved', 'auth_denied', 'auth_review'] as const) expect(want[o], `the seed gives ${o} cases`).toBeGreaterThan(0);

    // The review's outcome filter, page by page, gives exactly each outcome's accounts; every
    // outcome but 'charged' is read from the partial outcome index, 'charged' in account order.
    for (const o of ['charged', 'auth_approved', 'auth_denied', 'auth_review', 'skipped'] as const) {
      const got: string[] = [];
      let after: string | undefined;
      do {
        const page = await w.super2.call('chargeRuns.outcomes', { runId: 'run-auth', filters: { outcome: o }, limit: 400, ...(after ? { after } : {}) });
        if (!page.ok) throw new Error(page.error.message);
        got.push(...page.value.rows.map((r) => r.accountId));
        after = page.value.next ?? undefined;
      } while (after);
      expect(got, o).toEqual([...expected].filter(([, x]) => x === o).map(([a]) => a).sort());
      const plan = await w.backend.store.read((sql) => {
        const queries: string[] = [];
        const spy = { ...sql, all: (q: string, args?: unknown[]) => (queries.push(q), sql.all(q, args as never)) } as typeof sql;
        listOutcomes(spy, 'run-auth', { filters: { outcome: o }, limit: 10 });
        // The top level of the plan (the card column's subquery sorts a few rows of its own).
        return sql.all<{ parent: number; detail: string }>(`EXPLAIN QUERY PLAN ${queries[0]}`, ['run-auth', o, 11]).filter((r) => r.parent === 0).map((r) => r.detail).join('; ');
      });
      if (o === 'charged') expect(plan, o).not.toMatch(/charge_run_outcomes_outcome/);
      else expect(plan, o).toMatch(/USING INDEX charge_run_outcomes_outcome/);
      expect(plan, o).not.toMatch(/TEMP B-TREE/);
    }
    const byOutcome = await w.super2.call('chargeRuns.outcomes', { runId: 'run-auth', sort: 'outcome' });
    expect(!byOutcome.ok && byOutcome.error.message).toMatch(/cannot sort by outcome: choose one of accountId/);

    // The authorisations table: one per account over its limit, decided as the outcome says.
    const auths = await w.backend.store.read((sql) =>
      sql.all<{ account_id: string; status: string; decided_by: string | null }>('SELECT account_id, status, decided_by FROM authorizations WHERE charge_id = ?', [chargeId(BIG)]),
    );
    const authStatus: Record<string, string> = { auth_approved: 'approved', auth_denied: 'denied', auth_review: 'pending_review' };
    expect(auths.length).toBe(want.auth_approved + want.auth_denied + want.auth_review);
    for (const a of auths) expect(authStatus[expected.get(a.account_id)!], a.account_id).toBe(a.status);
    for (const a of auths.filter((x) => x.status !== 'pending_review')) expect(a.decided_by).toBe('policy');
    expect(await w.backend.store.read((sql) => Number(sql.scalar("SELECT count(*) FROM authorizations WHERE status = 'pending_review'")))).toBe(reviewBefore + want.auth_review);
    // Denied: every card active before is suspended for credit_denied; the account is open again. Review: frozen.
    const rows = await w.backend.store.read((sql) => new Map(sql.all<{ account_id: string; status: string }>('SELECT account_id, status FROM accounts').map((r) => [r.account_id, r.status])));
    const cardsNow = await w.backend.store.read((sql) => new Map(sql.all<{ card_id: string; status: string; status_reason: string | null }>('SELECT card_id, status, status_reason FROM cards').map((r) => [r.card_id, r])));
    let suspended = 0;
    for (const c of activeCardsBefore) {
      const o = expected.get(c.account_id);
      const now = cardsNow.get(c.card_id)!;
      if (o === 'auth_denied') {
        expect(now, c.card_id).toMatchObject({ status: 'suspended', status_reason: 'credit_denied' });
        suspended++;
      } else expect(now.status, c.card_id).toBe('active');
    }
    expect(suspended).toBeGreaterThanOrEqual(want.auth_denied);
    for (const [a, o] of expected) {
      if (o === 'auth_review') expect(rows.get(a), a).toBe('frozen');
      if (o === 'auth_denied' || o === 'auth_approved' || o === 'charged') expect(rows.get(a), a).toBe('open');
    }
    const logTotals = await w.backend.store.read((sql) => chargedByRun(sql, 'run-auth'));
    expect(run.totals).toEqual(logTotals);
    expect(decrease(before, await w.backend.store.read(balances))).toEqual(logTotals);
    expect(exactlyOnceProblems(await w.backend.store.read((sql) => chargeEvents(sql, chargeId(BIG))), [...eligible])).toEqual([]);

    // The same period and fee kind again: nobody to charge, and the preview says so.
    const first = run.counts;
    const headBefore = await w.backend.store.headPosition();
    const balancesBefore = await w.backend.store.read(balances);
    await ok(w.super2, plan('run-auth-again', { ...BIG, default: 100 }));
    const again = await getRun(w, 'run-auth-again');
    const previewed = await w.super1.call('chargeRuns.preview', { period: PERIOD, fees: BIG });
    expect(previewed.ok && previewed.value, 'the preview of the same period and kind, asked again').toEqual(again.preview);
    expect(again.preview.eligible).toBe(0);
    expect(again.preview.totals).toEqual({});
    expect(again.preview.exclusions.already_charged).toBe(first.charged! + first.auth_approved! + first.auth_denied! + first.auth_review!);
    expect(sumCounts(again.preview.exclusions as Partial<Record<Outcome, number>>)).toBe(3000);
    await ok(w.super1, { type: 'ApproveChargeRun', runId: 'run-auth-again' });
    await ok(w.super1, { type: 'StartChargeRun', runId: 'run-auth-again' });
    const second = await waitRun(w, 'run-auth-again');
    expect(second.status).toBe('completed');
    expect(second.counts).toMatchObject({ charged: 0, auth_approved: 0, auth_denied: 0, auth_review: 0, failed: 0, skipped: 3000 });
    expect(second.totals).toEqual({});
    expect(await w.backend.store.read((sql) => sql.scalar("SELECT count(*) FROM events WHERE position > ? AND stream_id <> 'chargerun-run-auth-again'", [headBefore]))).toBe(0);
    expect(await w.backend.store.read(balances)).toEqual(balancesBefore);
    const skippedAlready = await w.backend.store.read((sql) => sql.scalar("SELECT count(*) FROM charge_run_outcomes WHERE run_id = 'run-auth-again' AND reason = 'already_charged'"));
    expect(skippedAlready).toBe(again.preview.exclusions.already_charged);

    // Another fee kind for the same period is another charge.
    const CARD: Fees = { feeKind: 'card_fee', perCurrency: {}, default: 500 };
    const eligibleCard = await w.backend.store.read((sql) => eligibleAccounts(sql, CARD));
    await ok(w.super1, plan('run-card-fee', CARD));
    expect((await getRun(w, 'run-card-fee')).preview.eligible).toBe(eligibleCard.length);
    expect(eligibleCard.length).toBeGreaterThan(0);
    await ok(w.super2, { type: 'ApproveChargeRun', runId: 'run-card-fee' });
    await ok(w.super2, { type: 'StartChargeRun', runId: 'run-card-fee' });
    const third = await waitRun(w, 'run-card-fee');
    expect(third.counts.skipped).toBe(3000 - eligibleCard.length);
    expect(exactlyOnceProblems(await w.backend.store.read((sql) => chargeEvents(sql, chargeId(CARD))), eligibleCard)).toEqual([]);
    // ... and the monthly fee was not charged again.
    expect(exactlyOnceProblems(await w.backend.store.read((sql) => chargeEvents(sql, chargeId(BIG))), [...eligible])).toEqual([]);
    await expectVerified(w);
  });
});

describe('pause, resume and cancel', () => {
  const BATCH = 200;
  const fees: Fees = { feeKind: 'monthly_fee', perCurrency: {}, default: 1500 };

  async function expectStoppedAtBoundary(w: World, runId: string, status: string) {
    const run = await settled(w, runId);
    expect(run.status).toBe(status);
    const done = sumCounts(run.counts);
    expect(done % BATCH, `${done} accounts done: a whole number of batches`).toBe(0);
    expect(done, 'stopped before the end').toBeLessThan(w.accountIds.length);
    expect(run.batches).toBe(done / BATCH);
    // Nothing more happens while it stays stopped.
    const head = await w.backend.store.headPosition();
    await new Promise((r) => setTimeout(r, 60));
    expect(await w.backend.store.headPosition()).toBe(head);
    // Exactly the accounts of the committed batches were decided; no account after them has a charge.
    const outcomes = await outcomeRows(w, runId);
    expect([...outcomes.keys()].sort()).toEqual(w.accountIds.slice(0, done));
    const charged = await w.backend.store.read((sql) => chargeEvents(sql, chargeId(fees)));
    const processed = new Set(w.accountIds.slice(0, done));
    expect([...charged.firstPosting].filter((a) => !processed.has(a))).toEqual([]);
    return run;
  }

  it('a pause right after start stops the run at a batch boundary; resume finishes it, nobody charged twice', async () => {
    const w = await world(3000, BATCH);
    const eligible = await w.backend.store.read((sql) => eligibleAccounts(sql, fees));
    await planApproveStart(w, 'run-pause', fees);
    await ok(w.super1, { type: 'PauseChargeRun', runId: 'run-pause' });
    const paused = await expectStoppedAtBoundary(w, 'run-pause', 'paused');
    // Pausing again changes nothing; chargeRuns.wait does not drive a paused run.
    expect((await ok(w.super2, { type: 'PauseChargeRun', runId: 'run-pause' })).events).toEqual([]);
    expect(await waitRun(w, 'run-pause')).toMatchObject({ status: 'paused', batches: paused.batches });
    await refused(w, w.super2, { type: 'StartChargeRun', runId: 'run-pause' }, 'RUN_STATE', /is paused: it cannot be started/);

    await ok(w.super2, { type: 'ResumeChargeRun', runId: 'run-pause' });
    const done = await waitRun(w, 'run-pause');
    expect(done.status).toBe('completed');
    expect(sumCounts(done.counts)).toBe(3000);
    expect(done.batches).toBe(3000 / BATCH);
    expect(exactlyOnceProblems(await w.backend.store.read((sql) => chargeEvents(sql, chargeId(fees))), eligible)).toEqual([]);
    expect(await w.backend.store.read((sql) => batchProblems(batchesOf(sql, 'run-pause'), w.accountIds, BATCH))).toEqual([]);
    await refused(w, w.super2, { type: 'PauseChargeRun', runId: 'run-pause' }, 'RUN_STATE', /is completed/);
    await expectVerified(w);
  });

  it('a pause sent in the middle of the run (on a progress push) takes effect at the next batch boundary', async () => {
    const w = await world(3000, BATCH);
    const eligible = await w.backend.store.read((sql) => eligibleAccounts(sql, fees));
    let pausedAt = -1;
    let pauseSent: Promise<unknown> | undefined;
    w.super1.onPush((p) => {
      if (p.topic === 'chargerun' && p.payload.runId === 'run-mid' && p.payload.done >= 3 * BATCH && !pauseSent) {
        pausedAt = p.payload.done;
        pauseSent = ok(w.super1, { type: 'PauseChargeRun', runId: 'run-mid' });
      }
    });
    await planApproveStart(w, 'run-mid', fees);
    await waitRun(w, 'run-mid');
    await pauseSent;
    expect(pausedAt).toBeGreaterThanOrEqual(3 * BATCH);
    const paused = await expectStoppedAtBoundary(w, 'run-mid', 'paused');
    expect(sumCounts(paused.counts)).toBeGreaterThanOrEqual(pausedAt);
    await ok(w.super2, { type: 'ResumeChargeRun', runId: 'run-mid' });
    const done = await waitRun(w, 'run-mid');
    expect(done.status).toBe('completed');
    expect(sumCounts(done.counts)).toBe(3000);
    expect(exactlyOnceProblems(await w.backend.store.read((sql) => chargeEvents(sql, chargeId(fees))), eligible)).toEqual([]);
    expect(await w.backend.store.read((sql) => batchProblems(batchesOf(sql, 'run-mid'), w.accountIds, BATCH))).toEqual([]);
  });

  it('cancel stops the run at a batch boundary and it cannot be resumed or started again', async () => {
    const w = await world(3000, BATCH);
    await planApproveStart(w, 'run-cancel', fees);
    await ok(w.super1, { type: 'CancelChargeRun', runId: 'run-cancel', reason: 'wrong fee schedule' });
    const run = await expectStoppedAtBoundary(w, 'run-cancel', 'cancelled');
    expect(run.finishedAt).not.toBeNull();
    await refused(w, w.super2, { type: 'ResumeChargeRun', runId: 'run-cancel' }, 'RUN_STATE', /is cancelled: it cannot be resumed/);
    await refused(w, w.super2, { type: 'StartChargeRun', runId: 'run-cancel' }, 'RUN_STATE', /is cancelled: it cannot be started/);
    await refused(w, w.super2, { type: 'PauseChargeRun', runId: 'run-cancel' }, 'RUN_STATE');
    const head = await w.backend.store.headPosition();
    expect((await ok(w.super2, { type: 'CancelChargeRun', runId: 'run-cancel' })).events, 'cancelling again changes nothing').toEqual([]);
    expect(await waitRun(w, 'run-cancel')).toMatchObject({ status: 'cancelled', batches: run.batches });
    expect(await w.backend.store.headPosition()).toBe(head);
    const stream = await w.backend.store.readStream('chargerun-run-cancel');
    expect(stream.events.at(-1)!.type).toBe('ChargeRunCancelled');
    expect(stream.events.at(-1)!.data).toMatchObject({ reason: 'wrong fee schedule' });
    await expectVerified(w);
  });
});

describe('the host while a run executes', () => {
  it('answers a card search sent from a timer after the start, before the run completes', async () => {
    const w = await world(3000, 200);
    const fees: Fees = { feeKind: 'monthly_fee', perCurrency: {}, default: 1500 };
    let completedAt = 0;
    w.super1.onPush((p) => {
      if (p.topic === 'chargerun' && p.payload.runId === 'run-busy' && p.payload.status === 'completed') completedAt = performance.now();
    });
    await planApproveStart(w, 'run-busy', fees);
    // A request that arrives from outside (a timer here, a socket or IPC message in the app) is a
    // macrotask: it is served only if the run gives the event loop back between batches.
    const answered = await new Promise<{ at: number; found: number; batches: number; status: string }>((resolve, reject) => {
      setTimeout(() => {
        w.agent
          .call('cards.search', { query: 'CRD-00001' })
          .then(async (r) => {
            const at = performance.now();
            const run = await w.backend.store.read((sql) => sql.get<{ status: string; batches: number }>("SELECT status, batches FROM charge_runs WHERE run_id = 'run-busy'"));
            resolve({ at, found: r.ok ? r.value.length : -1, batches: run!.batches, status: run!.status });
          })
          .catch(reject);
      }, 0);
    });
    expect(answered.found).toBeGreaterThan(0);
    expect(answered.status, 'the search was answered while the run was still running').toBe('running');
    expect(answered.batches).toBeLessThan(3000 / 200);
    const run = await waitRun(w, 'run-busy');
    expect(run.status).toBe('completed');
    expect(completedAt).toBeGreaterThan(answered.at);
  });
});

describe('the host between the steps of a batch', () => {
  it('gives the event loop back between deciding a batch and writing it, so a request waits for one step, not two', async () => {
    const w = await world(2000, 250);
    const fees: Fees = { feeKind: 'monthly_fee', perCurrency: {}, default: 1500 };
    // What the host does, in order: its reads and appends, and the timers that got a turn.
    const log: string[] = [];
    const store = w.backend.store;
    const read = store.read.bind(store);
    const appendMany = store.appendMany.bind(store);
    // The run's own reads; another caller's (the wait below, reading the run) may come at any turn.
    const runs = (fn: unknown): boolean => /decideBatch|loadAccountSlice/.test(String(fn));
    store.read = ((fn) => (runs(fn) && log.push('read'), read(fn))) as typeof store.read;
    store.appendMany = ((appends) => (log.push(`append ${appends.length}`), appendMany(appends))) as typeof store.appendMany;
    // Another caller's turns: a chain of immediates, which gets a turn whenever the loop does.
    // (A 0 ms timer did not: it is due 1 ms after it is set, and a batch of 250 accounts can be
    // decided and written in less, so a yield came and went with no timer due.)
    let ticking = true;
    const tick = (): void => {
      log.push('tick');
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    await planApproveStart(w, 'run-steps', fees);
    const run = await waitRun(w, 'run-steps');
    ticking = false;
    expect(run.status).toBe('completed');
    // Each batch's append (the big ones: a batch, not a command) comes after another turn, not
    // straight after the reads that decided it (as it did before the executor yielded there).
    const batches = log.map((e, i) => [e, i] as const).filter(([e]) => /^append \d{3,}$/.test(e));
    expect(batches.length).toBeGreaterThanOrEqual(2000 / 250 - 2);
    // From the second batch on: the first yield can come in the same turn of the loop as the
    // start, before the timers' phase (a setImmediate runs before the next timers).
    for (const [, i] of batches.slice(1)) expect(log[i - 1], `before ${log[i]} at ${i}`).toBe('tick');
  });
});

describe('failed accounts', () => {
  it('a failure is recorded per account with its error; a retry decides exactly those accounts again and the counts still add up', async () => {
    // The only failure the rules give for an open account with an active card: a fee of zero
    // (the Account decider refuses an amount that is not more than zero). PlanChargeRun refuses
    // such a plan now (see the zero-fee test below), so this run's plan is stored as a store
    // written before that rule would hold it: the planned event appended directly.
    const w = await world(2000, 500);
    const fees: Fees = { feeKind: 'monthly_fee', perCurrency: { CHF: 0 }, default: 1500 };
    const eligible = await w.backend.store.read((sql) => eligibleAccounts(sql, fees));
    const chf = new Set(
      await w.backend.store.read((sql) => sql.all<{ account_id: string }>("SELECT account_id FROM accounts WHERE currency = 'CHF'").map((r) => r.account_id)),
    );
    const failing = eligible.filter((a) => chf.has(a));
    expect(failing.length).toBeGreaterThan(0);
    const preview = await w.backend.store.read((sql) => previewChargeRun(sql, PERIOD, fees));
    await w.backend.store.append(chargeRunStreamId('run-fail'), [
      { eventId: 'legacy-plan:run-fail', type: 'ChargeRunPlanned', data: { runId: 'run-fail', period: PERIOD, fees, preview }, metadata: { operator: 'super1', correlationId: 'legacy', causationId: 'legacy', commandId: 'legacy' } },
    ]);
    const early = await w.super2.call('chargeRuns.wait', { runId: 'run-fail', retryFailed: true });
    expect(early.ok ? 'ok' : early.error.code, 'a run is retried only once it completed').toBe('RUN_STATE');
    await ok(w.super2, { type: 'ApproveChargeRun', runId: 'run-fail' });
    await ok(w.super2, { type: 'StartChargeRun', runId: 'run-fail' });
    const run = await waitRun(w, 'run-fail');
    expect(run.status).toBe('completed');
    expect(run.counts.failed).toBe(failing.length);
    expect(sumCounts(run.counts)).toBe(2000);
    const failedRows = await w.backend.store.read((sql) => sql.all<{ account_id: string; reason: string }>("SELECT account_id, reason FROM charge_run_outcomes WHERE run_id = 'run-fail' AND outcome = 'failed' ORDER BY account_id"));
    expect(failedRows.map((r) => r.account_id)).toEqual(failing);
    for (const r of failedRows) expect(r.reason).toMatch(/INVALID_AMOUNT: the amount must be more than zero/);
    const charged = eligible.filter((a) => !chf.has(a));
    expect(exactlyOnceProblems(await w.backend.store.read((sql) => chargeEvents(sql, chargeId(fees))), charged)).toEqual([]);

    const head = await w.backend.store.headPosition();
    const retried = await w.super2.call('chargeRuns.wait', { runId: 'run-fail', retryFailed: true });
    if (!retried.ok) throw new Error(retried.error.message);
    expect(retried.value.batches).toBe(run.batches + 1);
    expect(retried.value.counts).toEqual(run.counts);
    const added = await w.backend.store.read((sql) => sql.all<{ stream_id: string; type: string; data: string }>('SELECT stream_id, type, data FROM events WHERE position > ?', [head]));
    expect(added.map((e) => e.type)).toEqual(['ChargeRunBatchCompleted']);
    const retryBatch = JSON.parse(added[0]!.data) as { retry?: boolean; failed: { accountId: string }[] };
    expect(retryBatch.retry).toBe(true);
    expect(retryBatch.failed.map((f) => f.accountId)).toEqual(failing);
    expect(exactlyOnceProblems(await w.backend.store.read((sql) => chargeEvents(sql, chargeId(fees))), charged)).toEqual([]);
    await expectVerified(w);
  });

  it('a fee of 0 is refused at planning, rather than planned as eligible and failing every such account at run time', async () => {
    const w = await world(1000, 500);
    const fees: Fees = { feeKind: 'monthly_fee', perCurrency: { CHF: 0 }, default: 1500 };
    const planned = await send(w.super1, plan('run-zero', fees));
    // Either the plan is refused as bad input, or its preview and its run leave those accounts out (nothing to charge).
    if (!planned.ok) return expect(planned.error.code).toBe('VALIDATION_FAILED');
    const preview = (await getRun(w, 'run-zero')).preview;
    await ok(w.super2, { type: 'ApproveChargeRun', runId: 'run-zero' });
    await ok(w.super2, { type: 'StartChargeRun', runId: 'run-zero' });
    const run = await waitRun(w, 'run-zero');
    expect(run.counts.failed, 'no account fails because of its own plan').toBe(0);
    expect(preview.eligible).toBe((run.counts.charged ?? 0) + (run.counts.auth_approved ?? 0) + (run.counts.auth_denied ?? 0) + (run.counts.auth_review ?? 0));
  });
});
