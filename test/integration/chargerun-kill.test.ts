/**
 * Kill at random points: a store seeded, planned and approved with the CLI; then
 * `cardops charge-run start|resume --batch-size 200` is SIGKILLed again and again at random
 * moments (while it opens the store, between batches, in the middle of a batch's decision or of
 * its journal write, just before the run completes), resumed each time, until a resume runs to
 * the end. After every kill the store must reopen and hold only whole batches; at the end every
 * eligible account has exactly one charge for the period, the outcome counts add up, the
 * projections equal a replay, and no batch is there twice.
 *
 * KILL_SEED=<n> replays one sequence of kill points.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { chargeRunDecider } from '../../domain/chargeruns/decider.js';
import type { ChargeRunEvent, ChargeRunState, Fees, Outcome } from '../../domain/chargeruns/events.js';
import { openStore } from '../../domain/open.js';
import { balances, batchesOf, batchProblems, chargedByRun, chargeEvents, decrease, eligibleAccounts, exactlyOnceProblems, sumCounts } from './fixtures/chargerun-checks.js';
import { journalBytes, journalGrowth, runCli, runCliJson, spawnCli } from './fixtures/cli.js';
import { captureLog, removeTempStores, tempStore } from './fixtures/helpers.js';

afterAll(removeTempStores);

const ACCOUNTS = 5000;
const BATCH = 200;
const MIN_KILLS = 10;
const MAX_ITERATIONS = 80;
const PERIOD = '2026-11';
const RUN = 'run-kill';
/** 600.00 in every currency: with the default policy, some accounts are charged, some approved, some denied, some sent to review. */
const FEE = 60_000;
const FEES: Fees = { feeKind: 'monthly_fee', perCurrency: {}, default: FEE };
const CHARGE_ID = `FEE-${PERIOD}-monthly_fee`;

type Run = Exclude<ChargeRunState, { status: 'none' }>;

/** The run folded from its stream, here (not with the executor), with who and when. */
async function foldRun(store: Awaited<ReturnType<typeof openStore>>): Promise<Run | null> {
  const { events } = await store.readStream(`chargerun-${RUN}`);
  const s = events.reduce((st, e) => chargeRunDecider.evolve(st, { type: e.type, data: e.data, at: e.recordedAt, by: e.metadata.operator } as ChargeRunEvent), chargeRunDecider.initialState());
  return s.status === 'none' ? null : s;
}

describe('charge run: SIGKILL the CLI at random points, resume each time', () => {
  it(`charges every eligible account exactly once over ${MIN_KILLS}+ kills of the CLI`, async () => {
    const path = tempStore('cardops-chargerun-kill-');
    const seed = Number(process.env.KILL_SEED ?? Date.now() % 1_000_000);
    let rng = seed;
    const random = (): number => {
      rng = (rng * 1103515245 + 12345) % 2147483648;
      return rng / 2147483648;
    };
    const context = (i: number | string): string => `KILL_SEED=${seed}, iteration ${i}, store ${path}`;

    // Seed, plan as super1, approve as super2: all with the CLI.
    const seeded = await runCliJson<{ ok: boolean; accounts: number }>(['seed', '--db', path, '--accounts', String(ACCOUNTS)]);
    expect(seeded).toMatchObject({ ok: true, accounts: ACCOUNTS });
    const planned = await runCliJson<{ ok: boolean; runId: string; preview: { accounts: number; eligible: number } }>(['charge-run', 'plan', '--db', path, '--period', PERIOD, '--fee', String(FEE), '--as', 'super1', '--run', RUN]);
    expect(planned).toMatchObject({ ok: true, runId: RUN, preview: { accounts: ACCOUNTS } });
    const selfApproval = await runCli(['charge-run', 'approve', '--db', path, '--run', RUN, '--as', 'super1', '--json']);
    expect(selfApproval.code, 'the planner cannot approve (four eyes)').toBe(3);
    expect(JSON.parse(selfApproval.stdout.trim())).toMatchObject({ ok: false, error: { code: 'FOUR_EYES' } });
    expect(await runCliJson(['charge-run', 'approve', '--db', path, '--run', RUN, '--as', 'super2'])).toMatchObject({ ok: true, status: 'approved' });

    // What the run must do, worked out from the read models before it starts.
    const before = await openStore({ path, log: () => {} });
    const eligible = await before.read((sql) => eligibleAccounts(sql, FEES));
    const allAccounts = await before.read((sql) => sql.all<{ account_id: string }>('SELECT account_id FROM accounts ORDER BY account_id').map((r) => r.account_id));
    const balancesBefore = await before.read(balances);
    const expectedOutcomes: Record<Outcome, number> = { charged: 0, auth_approved: 0, auth_denied: 0, auth_review: 0, skipped: ACCOUNTS - eligible.length, failed: 0 };
    const eligibleSet = new Set(eligible);
    for (const a of await before.read((sql) => sql.all<{ account_id: string; avail: number; denied_count: number }>('SELECT account_id, credit_limit + balance AS avail, denied_count FROM accounts'))) {
      if (!eligibleSet.has(a.account_id)) continue;
      const over = FEE - a.avail;
      expectedOutcomes[over <= 0 ? 'charged' : over > 50_000 ? 'auth_denied' : over <= 5_000 && a.denied_count === 0 ? 'auth_approved' : 'auth_review']++;
    }
    await before.close();
    expect(planned.preview.eligible).toBe(eligible.length);
    expect(allAccounts).toHaveLength(ACCOUNTS);
    for (const o of ['charged', 'auth_approved', 'auth_denied', 'auth_review'] as const) expect(expectedOutcomes[o], `the seed gives ${o} cases`).toBeGreaterThan(0);
    const totalBatches = Math.ceil(ACCOUNTS / BATCH);

    let kills = 0;
    /** Kills that landed after the child had written to the store, while the run was unfinished. */
    let midRunKills = 0;
    let started = false;
    let finalOutput: string | undefined;
    let lastBatches = 0;
    const progress: number[] = [];

    for (let i = 0; ; i++) {
      expect(i, `${context(i)}: no resume completed the run`).toBeLessThan(MAX_ITERATIONS);
      const verb = started ? 'resume' : 'start';
      const from = journalBytes(path);
      const child = spawnCli(['charge-run', verb, '--db', path, '--run', RUN, '--as', 'super2', '--batch-size', String(BATCH), '--json']);
      const enough = midRunKills >= MIN_KILLS;
      let wrote = false;
      if (!enough) {
        const remaining = totalBatches - lastBatches;
        if (random() < 0.2) {
          // While the CLI starts (opening the store, replaying the journal, signing in), at its first write at the latest.
          wrote = await journalGrowth(path, from, 1, child, Date.now() + Math.floor(random() * 700));
        } else {
          // After one or two commits of this child, at a random moment of what follows. Near the
          // end, after the first one, so that enough kills land before the run completes.
          const times = remaining > 2 * (MIN_KILLS - midRunKills) + 2 ? 1 + Math.floor(random() * 2) : 1;
          wrote = await journalGrowth(path, from, times, child);
          const jitter = remaining > 2 * (MIN_KILLS - midRunKills) + 2 ? random() * 12 : random() * 2;
          if (jitter >= 1) await new Promise((r) => setTimeout(r, Math.floor(jitter)));
        }
      }
      if (!enough && child.running()) {
        await child.kill();
        expect(child.process.signalCode, context(i)).toBe('SIGKILL');
        kills++;
      } else {
        await child.closed;
        expect(child.process.exitCode, `${context(i)}: cardops charge-run ${verb} ended with ${child.process.exitCode}; stderr:\n${child.stderr()}\nstdout:\n${child.stdout()}`).toBe(0);
        finalOutput = child.stdout();
      }

      // Reopen the store here as the next start of the app would (now and then; otherwise the next
      // CLI process meets the crash on its own) and check what every crash must leave.
      const last = finalOutput !== undefined;
      if (last || !started || i % 2 === 0 || lastBatches >= totalBatches - 4) {
        const captured = captureLog();
        const store = await openStore({ path, log: captured.log, idleCheckpointMs: 0 });
        try {
          for (const w of captured.warnings()) expect(w, context(i)).toMatch(/torn record/);
          const run = await foldRun(store);
          expect(run, context(i)).not.toBeNull();
          started = run!.status !== 'approved';
          const done = sumCounts(run!.counts);
          expect(done, `${context(i)}: only whole batches`).toBe(Math.min(ACCOUNTS, run!.batches * BATCH));
          expect(await store.read((sql) => batchProblems(batchesOf(sql, RUN), allAccounts, BATCH)), context(i)).toEqual([]);
          // The accounts decided so far are charged, exactly once; no account after them is.
          const decided = new Set(allAccounts.slice(0, done));
          expect(exactlyOnceProblems(await store.read((sql) => chargeEvents(sql, CHARGE_ID)), eligible.filter((a) => decided.has(a))), context(i)).toEqual([]);
          // The run's read model agrees with its stream.
          const row = await store.read((sql) => sql.get<{ status: string; batches: number; counts_json: string }>('SELECT status, batches, counts_json FROM charge_runs WHERE run_id = ?', [RUN]));
          expect({ status: row!.status, batches: row!.batches }, context(i)).toEqual({ status: run!.status, batches: run!.batches });
          expect(JSON.parse(row!.counts_json), context(i)).toEqual(run!.batches ? run!.counts : {});
          if (!last && run!.status !== 'completed' && wrote) midRunKills++;
          if (run!.batches > lastBatches) progress.push(run!.batches);
          lastBatches = run!.batches;
          if (i % 6 === 0) expect((await store.verify()).differences, context(i)).toEqual([]);
          if (run!.status === 'completed' && !last) {
            // The kill landed after the run completed (while the CLI was closing the store).
            finalOutput = '';
          }
        } finally {
          // Mostly a clean close; now and then a crash of this process too.
          if (i % 4 === 3) store.abandon();
          else await store.close();
        }
      } else if (wrote) {
        midRunKills++;
      }
      if (finalOutput !== undefined) break;
    }

    // The kills did what the test says: ten or more landed mid-run, and the run advanced between them.
    expect(kills, context('end')).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(midRunKills, context('end')).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(progress.length, `${context('end')}: batches seen at ${progress.join(', ')}`).toBeGreaterThanOrEqual(3);

    if (finalOutput) {
      const summary = JSON.parse(finalOutput.trim().split('\n').at(-1)!) as { ok: boolean; run: { status: string; counts: Record<Outcome, number>; batches: number } };
      expect(summary).toMatchObject({ ok: true, run: { status: 'completed', batches: totalBatches } });
      expect(sumCounts(summary.run.counts)).toBe(ACCOUNTS);
    }

    const store = await openStore({ path, log: () => {} });
    try {
      const run = (await foldRun(store))!;
      expect(run.status, context('end')).toBe('completed');
      expect(run.counts, context('end')).toEqual(expectedOutcomes);
      expect(sumCounts(run.counts)).toBe(ACCOUNTS);
      const { events } = await store.readStream(`chargerun-${RUN}`);
      const types = events.map((e) => e.type);
      expect(types.filter((t) => t === 'ChargeRunStarted')).toHaveLength(1);
      expect(types.filter((t) => t === 'ChargeRunCompleted')).toHaveLength(1);
      expect(types.at(-1)).toBe('ChargeRunCompleted');
      const batches = await store.read((sql) => batchesOf(sql, RUN));
      expect(batches.map((b) => b.batch)).toEqual(Array.from({ length: totalBatches }, (_, k) => k + 1));
      expect(batchProblems(batches, allAccounts, BATCH)).toEqual([]);
      expect(exactlyOnceProblems(await store.read((sql) => chargeEvents(sql, CHARGE_ID)), eligible)).toEqual([]);
      const logTotals = await store.read((sql) => chargedByRun(sql, RUN));
      expect(run.totals).toEqual(logTotals);
      expect(decrease(balancesBefore, await store.read(balances))).toEqual(logTotals);
      expect(await store.read((sql) => sql.scalar('SELECT count(*) FROM charge_run_outcomes WHERE run_id = ?', [RUN]))).toBe(ACCOUNTS);
      // One authorisation per account over its limit, none twice.
      expect(await store.read((sql) => sql.scalar('SELECT count(*) FROM authorizations WHERE charge_id = ?', [CHARGE_ID]))).toBe(expectedOutcomes.auth_approved + expectedOutcomes.auth_denied + expectedOutcomes.auth_review);
      const report = await store.verify();
      expect(report.differences).toEqual([]);
      expect(report.ok).toBe(true);
    } finally {
      await store.close();
    }
    const status = await runCliJson<{ ok: boolean; run: { status: string; counts: Record<Outcome, number> } }>(['charge-run', 'status', '--db', path, '--run', RUN]);
    expect(status.run.status).toBe('completed');
    expect(status.run.counts).toEqual(expectedOutcomes);
  });
});
