import { assertNever, refuse, type Decider, type Decision } from '../decider.js';
import { zeroCounts, type ChargeRunEvent, type ChargeRunState, type Fees, type Outcome, type Preview } from './events.js';

export type ChargeRunCommand =
  | { readonly type: 'PlanChargeRun'; readonly runId: string; readonly period: string; readonly fees: Fees; readonly preview: Preview }
  | { readonly type: 'ApproveChargeRun'; readonly runId: string; readonly operatorId: string; readonly preview?: Preview }
  | { readonly type: 'StartChargeRun'; readonly runId: string }
  | { readonly type: 'PauseChargeRun'; readonly runId: string }
  | { readonly type: 'ResumeChargeRun'; readonly runId: string }
  | { readonly type: 'CancelChargeRun'; readonly runId: string; readonly reason: string };

export const initialState = (): ChargeRunState => ({ status: 'none' });

const add = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> => {
  const out: Record<string, number> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
};

export function evolve(state: ChargeRunState, event: ChargeRunEvent): ChargeRunState {
  const { at, by, position } = event as { at?: string; by?: string; position?: number };
  if (event.type === 'ChargeRunPlanned') {
    const d = event.data;
    return { status: 'planned', runId: d.runId, period: d.period, fees: d.fees, preview: d.preview, plannedBy: by ?? 'unknown', batches: 0, cursor: null, counts: zeroCounts(), totals: {}, failed: new Set() };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ChargeRunApproved':
      return { ...state, status: 'approved', approvedBy: by ?? 'unknown', ...(position !== undefined ? { approvalPosition: position } : {}) };
    case 'ChargeRunStarted':
    case 'ChargeRunResumed':
      return { ...state, status: 'running' };
    case 'ChargeRunPaused':
      return { ...state, status: 'paused' };
    case 'ChargeRunCancelled':
      return { ...state, status: 'cancelled', ...(at ? { finishedAt: at } : {}) };
    case 'ChargeRunCompleted':
      return { ...state, status: 'completed', ...(at ? { finishedAt: at } : {}) };
    case 'ChargeRunBatchCompleted': {
      const d = event.data;
      const failed = new Set(state.failed);
      const counts: Record<Outcome, number> = { ...state.counts };
      if (d.retry) {
        // A retry re-decides failed accounts: they leave `failed` and count under their new outcome.
        counts.failed -= failed.size;
        failed.clear();
      }
      for (const f of d.failed) failed.add(f.accountId);
      for (const [k, v] of Object.entries(d.counts) as [Outcome, number][]) counts[k] += v;
      return { ...state, batches: state.batches + 1, cursor: d.retry ? state.cursor : d.lastAccountId, counts, totals: add(state.totals, d.totals), failed };
    }
    default:
      return assertNever(event);
  }
}

const who = (s: Exclude<ChargeRunState, { status: 'none' }>): string => `charge run ${s.runId} for ${s.period}`;

export function decide(command: ChargeRunCommand, state: ChargeRunState): Decision<ChargeRunEvent> {
  const c = command;
  if (c.type === 'PlanChargeRun') {
    if (state.status !== 'none') return refuse('RUN_EXISTS', `charge run ${c.runId} already exists: choose another run id`);
    return [{ type: 'ChargeRunPlanned', data: { runId: c.runId, period: c.period, fees: c.fees, preview: c.preview } }];
  }
  if (state.status === 'none') return refuse('RUN_NOT_FOUND', `there is no charge run ${c.runId}: check the run id`);
  const wrong = (what: string) => refuse('RUN_STATE', `${who(state)} is ${state.status}: it cannot be ${what}`, { status: state.status });
  switch (c.type) {
    case 'ApproveChargeRun':
      if (state.status === 'approved' && state.approvedBy === c.operatorId) return [];
      if (state.status !== 'planned') return wrong('approved');
      if (state.plannedBy === c.operatorId) {
        return refuse('FOUR_EYES', `${c.operatorId} planned ${who(state)}, so another supervisor must approve it (four eyes)`);
      }
      return [{ type: 'ChargeRunApproved', data: { runId: c.runId, plannedBy: state.plannedBy, ...(c.preview ? { preview: c.preview } : {}) } }];
    case 'StartChargeRun':
      if (state.status === 'running') return [];
      if (state.status === 'planned') return refuse('NOT_APPROVED', `${who(state)} is not approved yet: a supervisor other than ${state.plannedBy} must approve it first`);
      if (state.status !== 'approved') return wrong('started');
      return [{ type: 'ChargeRunStarted', data: { runId: c.runId } }];
    case 'PauseChargeRun':
      if (state.status === 'paused') return [];
      if (state.status !== 'running') return wrong('paused');
      return [{ type: 'ChargeRunPaused', data: { runId: c.runId } }];
    case 'ResumeChargeRun':
      if (state.status === 'running') return [];
      if (state.status !== 'paused') return wrong('resumed');
      return [{ type: 'ChargeRunResumed', data: { runId: c.runId } }];
    case 'CancelChargeRun':
      if (state.status === 'cancelled') return [];
      if (state.status === 'completed') return wrong('cancelled');
      return [{ type: 'ChargeRunCancelled', data: { runId: c.runId, reason: c.reason } }];
    default:
      return assertNever(c);
  }
}

export const chargeRunDecider: Decider<ChargeRunCommand, ChargeRunEvent, ChargeRunState> = { decide, evolve, initialState };
