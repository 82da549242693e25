/**
 * Drives a running charge run to its end, one batch at a time. Each batch is ONE atomic append:
 * the charges, the authorisation chains, the card suspensions and the run's own
 * ChargeRunBatchCompleted event (appended with the run stream's expected version). So:
 * - a crash loses at most the batch in flight, and the run resumes after its last committed batch;
 * - a pause or cancel appended meanwhile makes the batch's append conflict: nothing of that batch
 *   is written, and the driver stops at the batch boundary;
 * - a charge is one event per (account, period, fee kind): the posting's event id is derived from
 *   it, so neither a second run nor a re-decided batch can store it twice.
 */
import { readSettings } from '../settings/projection.js';
import { ConcurrencyError, type EventMetadata } from '../eventstore/types.js';
import type { CardOpsStore } from '../backend/store.js';
import { chargeRunDecider } from './decider.js';
import { chargeRunStreamId, OUTCOMES, type ChargeRunEvent, type ChargeRunState, type Outcome } from './events.js';
import { decideBatch, loadAccounts, loadAccountSlice } from './batch.js';

export interface RunProgress {
  readonly runId: string;
  readonly status: string;
  readonly done: number;
  readonly total: number;
  readonly counts: Readonly<Record<Outcome, number>>;
  readonly perSecond: number;
  readonly etaSeconds: number | null;
}

export interface DriveOptions {
  readonly store: CardOpsStore;
  /** Who drives the run: recorded on every event it writes. */
  readonly operatorId: string;
  readonly batchSize?: number;
  readonly onProgress?: (p: RunProgress) => void;
  /** Only the failed accounts, again. */
  readonly retryFailed?: boolean;
  /** Asked between batches: true stops the driver (the run stays running, to be resumed). */
  readonly shouldStop?: () => boolean;
}

export async function loadRun(store: CardOpsStore, runId: string): Promise<{ version: number; state: ChargeRunState }> {
  const { version, events } = await store.readStream(chargeRunStreamId(runId));
  const state = events.reduce((s, e) => chargeRunDecider.evolve(s, { type: e.type, data: e.data, at: e.recordedAt, by: e.metadata.operator, position: e.position } as ChargeRunEvent), chargeRunDecider.initialState());
  return { version, state };
}

/** One turn of the event loop: timers and I/O (a window's requests) run before the next step. */
const yieldToOthers = (): Promise<void> => new Promise<void>((r) => setImmediate(r));

/**
 * Accounts per batch. A batch is written in one synchronous step, during which the host answers
 * nothing: 4,000 keeps that step well under 100 ms on a 2-core machine (5,000 did not quite),
 * so a search during a run waits no longer, and costs next to nothing in throughput.
 */
export const DEFAULT_BATCH_SIZE = 4_000;

const processed = (s: Exclude<ChargeRunState, { status: 'none' }>): number => OUTCOMES.reduce((n, o) => n + s.counts[o], 0);

/** Runs batches while the run is `running`; returns the state it stopped in. */
export async function driveChargeRun(runId: string, o: DriveOptions): Promise<ChargeRunState> {
  const { store } = o;
  const batchSize = o.batchSize ?? DEFAULT_BATCH_SIZE;
  const stream = chargeRunStreamId(runId);
  let { version, state } = await loadRun(store, runId);
  const policy = await store.read((sql) => readSettings(sql).creditPolicy);
  const started = performance.now();
  const doneAtStart = state.status === 'none' ? 0 : processed(state);
  let conflicts = 0;

  const report = (): void => {
    if (state.status === 'none' || !o.onProgress) return;
    const done = processed(state);
    const secs = (performance.now() - started) / 1000;
    const perSecond = secs > 0 ? (done - doneAtStart) / secs : 0;
    const left = Math.max(0, state.preview.accounts - done);
    o.onProgress({ runId, status: state.status, done, total: state.preview.accounts, counts: state.counts, perSecond, etaSeconds: perSecond > 0 ? left / perSecond : null });
  };

  for (;;) {
    // A retry of failed accounts runs on a completed run; everything else only while running.
    if (state.status !== 'running' && !(o.retryFailed && state.status === 'completed')) return state;
    if (o.shouldStop?.()) return state;
    const s = state;
    const batchNo = s.batches + 1;
    const batchId = `${runId}:batch:${batchNo}`;
    const metadata: EventMetadata = { operator: o.operatorId, correlationId: runId, causationId: batchId, commandId: batchId };
    const retrying = o.retryFailed === true;
    const rows = await store.read((sql) => (retrying ? loadAccounts(sql, [...s.failed]) : loadAccountSlice(sql, s.cursor, batchSize)));
    if (!rows.length || (retrying && !s.failed.size)) {
      if (retrying) return state;
      const done: ChargeRunEvent = { type: 'ChargeRunCompleted', data: { runId, counts: s.counts, totals: s.totals } };
      try {
        await store.append(stream, [{ eventId: `${runId}:completed`, type: done.type, data: done.data, metadata }], { expectedVersion: version });
      } catch (e) {
        if (!(e instanceof ConcurrencyError)) throw e;
        ({ version, state } = await loadRun(store, runId));
        continue;
      }
      state = chargeRunDecider.evolve(state, done);
      version++;
      report();
      return state;
    }
    const decided = await store.read((sql) => decideBatch(sql, { runId, period: s.period, fees: s.fees, policy, metadata, accounts: rows, contiguous: !retrying, ...(s.approvalPosition !== undefined ? { approvalPosition: s.approvalPosition } : {}) }));
    // Let the host answer other requests between deciding and writing: each holds the thread
    // for a while, and an agent's search should wait for one of them, not for both. An account
    // changed meanwhile makes the append conflict, and the batch is decided again.
    await yieldToOthers();
    const batch: ChargeRunEvent = {
      type: 'ChargeRunBatchCompleted',
      data: {
        runId,
        batch: batchNo,
        firstAccountId: rows[0]!.account_id,
        lastAccountId: rows[rows.length - 1]!.account_id,
        counts: decided.counts,
        totals: decided.totals,
        skipped: decided.skipped,
        failed: decided.failed,
        ...(retrying ? { retry: true } : {}),
      },
    };
    try {
      await store.appendMany([...decided.appends, { streamId: stream, expectedVersion: version, events: [{ eventId: batchId, type: batch.type, data: batch.data, metadata }] }]);
    } catch (e) {
      if (!(e instanceof ConcurrencyError)) throw e;
      // Paused, cancelled, or an account changed under us: nothing of the batch was written.
      // Read the run again and decide the batch again from fresh state.
      if (++conflicts > 20) throw new Error(`charge run ${runId}: batch ${batchNo} kept conflicting with other writers; resume it later`, { cause: e });
      ({ version, state } = await loadRun(store, runId));
      continue;
    }
    conflicts = 0;
    state = chargeRunDecider.evolve(state, batch);
    version++;
    report();
    if (retrying) return state;
    // Let the host answer other requests (searches, a pause) between batches.
    await yieldToOthers();
  }
}

