/**
 * The charge_runs projection keeps each run's control totals (charge_run_totals) as its outcome
 * rows change, so that a run's review and report need not add up a million rows. These tests
 * hold it to the plain answer, adding up charge_run_outcomes, over random histories: whole
 * batches and single events, outcomes that replace earlier ones (a retry, an authorisation that
 * is approved in the same batch), two runs side by side, and a replay one event at a time.
 */
import { describe, expect, it } from 'vitest';
import { chargeRunsProjection, PRIOR_OUTCOMES } from '../../domain/chargeruns/projection.js';
import { controlTotals, type ControlTotals } from '../../domain/chargeruns/queries.js';
import { prng as random } from '../../domain/backend/seedAccounts.js';
import { SqlJsEventStore } from '../../domain/eventstore/sqljs/store.js';
import type { Sql } from '../../domain/eventstore/sql.js';
import type { EventMetadata, NewEvent, StreamAppend } from '../../domain/eventstore/types.js';

const SET = "('charged', 'auth_approved', 'auth_denied', 'auth_review')";

/** The control totals as the rows give them: the query controlTotals ran before the totals were kept. */
function addedUp(sql: Sql, runId: string): ControlTotals {
  const rows = sql.all<{ currency: string | null; outcome: string; accounts: number; amount: number }>(
    'SELECT currency, outcome, count(*) AS accounts, coalesce(sum(amount), 0) AS amount FROM charge_run_outcomes WHERE run_id = ? GROUP BY currency, outcome ORDER BY currency, outcome',
    [runId],
  );
  const range = sql.get<{ lo: number | null; hi: number | null }>(`SELECT min(position) AS lo, max(position) AS hi FROM charge_run_outcomes WHERE run_id = ? AND outcome IN ${SET}`, [runId]);
  return { rows, minPosition: range?.lo ?? null, maxPosition: range?.hi ?? null };
}

const CURRENCIES = ['EUR', 'USD', 'CHF'];
// Account ids whose order JavaScript and SQLite see differently are in the mix on purpose.
const ACCOUNTS = [...Array.from({ length: 40 }, (_, i) => `A-${String(i).padStart(3, '0')}`), 'A-\u{1F600}', 'A-\uFF21', 'A-1', 'A-1.5'];

interface World {
  readonly store: SqlJsEventStore;
  readonly runs: readonly string[];
  n: number;
}

async function world(runs: readonly string[]): Promise<World> {
  const store = await SqlJsEventStore.open({ projections: [chargeRunsProjection] });
  for (const runId of runs) {
    await store.append(`chargerun-${runId}`, [
      {
        eventId: `${runId}:planned`,
        type: 'ChargeRunPlanned',
        data: { runId, period: '2026-11', fees: { feeKind: 'monthly_fee', default: 1500 }, preview: { accounts: 0, eligible: 0, totals: {}, eligibleByCurrency: {}, exclusions: {} } },
        metadata: { operator: 'super1', correlationId: `plan-${runId}`, causationId: `plan-${runId}`, commandId: `plan-${runId}` },
      },
    ]);
  }
  return { store, runs, n: 0 };
}

/** The events one account gives in a run's batch, picked at random; or a skip or failure for the batch event. */
function accountEvents(w: World, rnd: () => number, runId: string, accountId: string, meta: EventMetadata): { events: NewEvent[]; skipped?: string; failed?: string } {
  const currency = CURRENCIES[Math.floor(rnd() * CURRENCIES.length)]!;
  const amount = 100 + Math.floor(rnd() * 5000);
  const chargeId = 'FEE-2026-11-monthly_fee';
  const id = (): string => `e${++w.n}`;
  const authorizationId = `auth-${accountId}-${w.n}`;
  const required: NewEvent = { eventId: id(), type: 'CreditAuthorizationRequired', data: { accountId, authorizationId, chargeId, amount, currency, overdraft: amount, description: 'fee' }, metadata: meta };
  switch (Math.floor(rnd() * 6)) {
    case 0:
      return { events: [{ eventId: id(), type: 'ChargePosted', data: { accountId, chargeId, amount, currency, description: 'fee' }, metadata: meta }] };
    case 1:
      return { events: [required, { eventId: id(), type: 'ChargePosted', data: { accountId, chargeId, amount, currency, description: 'fee', authorizationId }, metadata: meta }] };
    case 2:
      return { events: [required, { eventId: id(), type: 'CreditDenied', data: { authorizationId, accountId, reason: 'over limit' }, metadata: meta }] };
    case 3:
      return { events: [required] };
    case 4:
      return { events: [], skipped: 'no_active_card' };
    default:
      return { events: [], failed: 'INVALID_AMOUNT: the amount must be more than zero' };
  }
}

/** One batch of a run over some accounts (a retry picks any, already seen or not), as one append or one event per append. */
async function batch(w: World, rnd: () => number, runId: string, no: number, accounts: readonly string[], oneByOne: boolean): Promise<void> {
  const batchId = `${runId}:batch:${no}`;
  const meta: EventMetadata = { operator: 'super2', correlationId: runId, causationId: batchId, commandId: batchId };
  const appends: StreamAppend[] = [];
  const skipped: { accountId: string; reason: string }[] = [];
  const failed: { accountId: string; error: string }[] = [];
  for (const accountId of accounts) {
    const got = accountEvents(w, rnd, runId, accountId, meta);
    if (got.events.length) appends.push({ streamId: `account-${accountId}`, expectedVersion: 'any', events: got.events });
    if (got.skipped) skipped.push({ accountId, reason: got.skipped });
    if (got.failed) failed.push({ accountId, error: got.failed });
  }
  const first = accounts[0] ?? '';
  const last = accounts[accounts.length - 1] ?? '';
  appends.push({
    streamId: `chargerun-${runId}`,
    expectedVersion: 'any',
    events: [{ eventId: batchId, type: 'ChargeRunBatchCompleted', data: { runId, batch: no, firstAccountId: first, lastAccountId: last, counts: {}, totals: {}, skipped, failed }, metadata: meta }],
  });
  if (!oneByOne) {
    await w.store.appendMany(appends);
    return;
  }
  for (const a of appends) for (const e of a.events) await w.store.appendMany([{ ...a, events: [e] }]);
}

function pick(rnd: () => number, from: readonly string[], n: number): string[] {
  const out = new Set<string>();
  while (out.size < n) out.add(from[Math.floor(rnd() * from.length)]!);
  return [...out].sort();
}

describe('charge-run control totals are kept as the outcome rows change', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`equal adding up the outcome rows after every batch, and after a replay (seed ${seed})`, async () => {
      const rnd = random(seed);
      const w = await world(['r1', 'r2']);
      const check = async (when: string): Promise<void> => {
        for (const runId of w.runs) {
          const [kept, rows] = await w.store.read((sql) => [controlTotals(sql, runId), addedUp(sql, runId)] as const);
          expect(kept, `${runId} ${when}`).toEqual(rows);
        }
      };
      const batches = new Map<string, number>();
      for (let step = 0; step < 14; step++) {
        const runId = w.runs[Math.floor(rnd() * w.runs.length)]!;
        const no = (batches.get(runId) ?? 0) + 1;
        batches.set(runId, no);
        // Early steps are fresh slices; later ones also redo accounts a run has seen (as a retry does).
        const accounts = pick(rnd, step < 4 ? ACCOUNTS.slice(step * 10, step * 10 + 10) : ACCOUNTS, 1 + Math.floor(rnd() * 9));
        await batch(w, rnd, runId, no, accounts, rnd() < 0.3);
        await check(`after step ${step}`);
      }
      const someRows = await w.store.read((sql) => Number(sql.scalar('SELECT count(*) FROM charge_run_totals')));
      expect(someRows).toBeGreaterThan(4);
      // verify replays the log one event at a time with apply, and compares every table.
      const report = await w.store.verify();
      expect(report.differences).toEqual([]);
      expect(report.ok).toBe(true);
      await w.store.close();
    });
  }

  it('a group that loses its last account is gone, as it is from a GROUP BY', async () => {
    const w = await world(['r1']);
    const meta = (no: number): EventMetadata => ({ operator: 'super2', correlationId: 'r1', causationId: `r1:batch:${no}`, commandId: `r1:batch:${no}` });
    const batchEvent = (no: number, failed: { accountId: string; error: string }[]): NewEvent => ({
      eventId: `r1:batch:${no}`,
      type: 'ChargeRunBatchCompleted',
      data: { runId: 'r1', batch: no, firstAccountId: 'A-1', lastAccountId: 'A-1', counts: {}, totals: {}, skipped: [], failed },
      metadata: meta(no),
    });
    await w.store.appendMany([{ streamId: 'chargerun-r1', expectedVersion: 'any', events: [batchEvent(1, [{ accountId: 'A-1', error: 'boom' }])] }]);
    expect((await w.store.read((sql) => controlTotals(sql, 'r1'))).rows).toEqual([{ currency: null, outcome: 'failed', accounts: 1, amount: 0 }]);
    await w.store.appendMany([
      { streamId: 'account-A-1', expectedVersion: 'any', events: [{ eventId: 'c1', type: 'ChargePosted', data: { accountId: 'A-1', chargeId: 'FEE', amount: 1500, currency: 'EUR', description: 'fee' }, metadata: meta(2) }] },
      { streamId: 'chargerun-r1', expectedVersion: 'any', events: [batchEvent(2, [])] },
    ]);
    const after = await w.store.read((sql) => controlTotals(sql, 'r1'));
    expect(after.rows).toEqual([{ currency: 'EUR', outcome: 'charged', accounts: 1, amount: 1500 }]);
    expect(after).toEqual(await w.store.read((sql) => addedUp(sql, 'r1')));
    await w.store.close();
  });

  it('finds the earlier rows of accounts whose ids JavaScript and SQLite order differently', async () => {
    // 'A-\uFF21' sorts after 'A-\u{1F600}' in UTF-16 and before it in UTF-8: a range taken in
    // JavaScript's order would be empty in SQLite's and miss the row the second batch replaces.
    const w = await world(['r1']);
    const fails = (no: number, ids: string[]): StreamAppend => ({
      streamId: 'chargerun-r1',
      expectedVersion: 'any',
      events: [
        {
          eventId: `r1:batch:${no}`,
          type: 'ChargeRunBatchCompleted',
          data: { runId: 'r1', batch: no, firstAccountId: ids[0]!, lastAccountId: ids[ids.length - 1]!, counts: {}, totals: {}, skipped: [], failed: ids.map((accountId) => ({ accountId, error: 'boom' })) },
          metadata: { operator: 'super2', correlationId: 'r1', causationId: `r1:batch:${no}`, commandId: `r1:batch:${no}` },
        },
      ],
    });
    await w.store.appendMany([fails(1, ['A-\uFF21'])]);
    await w.store.appendMany([fails(2, ['A-\u{1F600}', 'A-\uFF21'])]);
    const kept = await w.store.read((sql) => controlTotals(sql, 'r1'));
    expect(kept.rows).toEqual([{ currency: null, outcome: 'failed', accounts: 2, amount: 0 }]);
    expect(kept).toEqual(await w.store.read((sql) => addedUp(sql, 'r1')));
    await w.store.close();
  });

  it('looks up earlier outcome rows by their key, never by reading the whole run', async () => {
    // With the list of accounts as the inner loop, each look-up read every row of the run: a
    // replay one event at a time of a 1M run stalled on it.
    const w = await world(['r1']);
    const plan = await w.store.read((sql) => sql.all<{ parent: number; detail: string }>(`EXPLAIN QUERY PLAN ${PRIOR_OUTCOMES}`, ['["A-1"]', 'r1']));
    expect(plan.map((r) => r.detail)).toEqual(['SCAN j VIRTUAL TABLE INDEX 1:', 'SEARCH o USING PRIMARY KEY (run_id=? AND account_id=?)']);
    await w.store.close();
  });
});
