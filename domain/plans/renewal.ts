/**
 * The renewal job for one date: for every plan that has something due (a notice, a charge, a
 * retry, a lapse), do it, one unit of work per step. Safe to run any number of times for the
 * same date: each step is decided against the plan's stream (a done step decides nothing), each
 * charge's id holds the plan, cycle and period (the account ignores a charge id it has seen),
 * and the gateway gets the same idempotency key until an attempt has an answer.
 *
 * The app runs it on start-up and then daily (plans/timer.ts); `cardops plans run --date` runs
 * it by hand.
 */
import { accountDecider } from '../accounts/decider.js';
import { accountStreamId, authorizationIdFor } from '../accounts/events.js';
import type { CommandEnv } from '../backend/commandDef.js';
import type { CardOpsStore } from '../backend/store.js';
import { execute } from '../backend/work.js';
import { isRefusal, type DomainEvent } from '../decider.js';
import { chargeWithRetries, type ChargeOutcome, type PaymentGateway } from '../gateway/port.js';
import { paymentMethodDecider } from '../paymentmethods/decider.js';
import { expiredOn, paymentMethodStreamId } from '../paymentmethods/events.js';
import { formatMoney } from '../shared/money.js';
import { addDays } from './dates.js';
import { planDecider, type ChargeResult } from './decider.js';
import { planStreamId, type ChargeRef, type PlanState } from './events.js';
import { methodView } from './methods.js';
import { renewalStep } from './schedule.js';
import { readPlanSettings, type PlanSettings } from './settings.js';

export interface RenewalReport {
  readonly date: string;
  readonly plans: number;
  readonly notices: number;
  readonly charged: number;
  readonly declined: number;
  readonly timedOut: number;
  readonly lapsed: number;
  readonly failed: readonly { readonly planId: string; readonly code: string; readonly message: string }[];
}

export interface RenewalDeps {
  readonly store: CardOpsStore;
  readonly gateway: PaymentGateway;
  /** Who the events name: the operator who ran it, or `system` for the app's timer. */
  readonly operator?: string;
  /** Tries per charge when the gateway does not answer (same idempotency key each time); default 3. */
  readonly timeoutTries?: number;
}

const running = new WeakMap<CardOpsStore, Promise<unknown>>();

/** Runs the job for `date`; a second call while one runs on the same store waits for it first. */
export function runRenewals(deps: RenewalDeps, date: string): Promise<RenewalReport> {
  const before = running.get(deps.store) ?? Promise.resolve();
  const job = before.catch(() => undefined).then(() => runOnce(deps, date));
  running.set(deps.store, job);
  return job;
}

/** Plans that may have something due by `date`: active or past due, renewing within the notice window. */
function candidates(store: CardOpsStore, date: string, settings: PlanSettings, after: string): Promise<string[]> {
  return store.read((sql) =>
    sql
      .all<{ plan_id: string }>("SELECT plan_id FROM plans WHERE status IN ('active', 'past_due') AND next_due_date <= ? AND plan_id > ? ORDER BY plan_id LIMIT 500", [addDays(date, settings.noticeDays), after])
      .map((r) => r.plan_id),
  );
}

async function runOnce(deps: RenewalDeps, date: string): Promise<RenewalReport> {
  const { store } = deps;
  const settings = await store.read(readPlanSettings);
  const counts = { plans: 0, notices: 0, charged: 0, declined: 0, timedOut: 0, lapsed: 0 };
  const failed: { planId: string; code: string; message: string }[] = [];
  let after = '';
  for (;;) {
    const ids = await candidates(store, date, settings, after);
    if (!ids.length) break;
    after = ids[ids.length - 1]!;
    for (const planId of ids) {
      counts.plans++;
      try {
        for (const type of await renewPlan(deps, planId, date, settings)) {
          if (type === 'RenewalNoticeSent') counts.notices++;
          else if (type === 'PlanChargeSucceeded') counts.charged++;
          else if (type === 'PlanChargeDeclined') counts.declined++;
          else if (type === 'PlanChargeTimedOut') counts.timedOut++;
          else if (type === 'PaymentPlanLapsed') counts.lapsed++;
        }
      } catch (e) {
        failed.push({ planId, code: (e as { code?: string }).code ?? 'INTERNAL_ERROR', message: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  return { date, ...counts, failed };
}

async function loadPlan(store: CardOpsStore, planId: string): Promise<PlanState> {
  const { events } = await store.readStream(planStreamId(planId));
  return events.reduce((s, e) => planDecider.evolve(s, { type: e.type, data: e.data } as never), planDecider.initialState());
}

/** Does every step due for one plan on `date` (a missed month is caught up, one period at a time); returns the event types written. */
export async function renewPlan(deps: RenewalDeps, planId: string, date: string, settings: PlanSettings): Promise<string[]> {
  const written: string[] = [];
  for (let guard = 0; guard < 36; guard++) {
    const state = await loadPlan(deps.store, planId);
    const step = renewalStep(state, date, settings);
    if (state.status === 'none' || step.kind === 'none') break;
    let types: string[];
    if (step.kind === 'notice') {
      types = await run(deps, planId, `renewal:${planId}:${date}:notice:${step.dueDate}`, async (uow) => uow.decide(planStreamId(planId), planDecider, { type: 'SendRenewalNotice', planId, date, method: await methodView(uow, state.methodId), settings }));
    } else if (step.kind === 'lapse') {
      types = await run(deps, planId, `renewal:${planId}:${date}:lapse`, (uow) => uow.decide(planStreamId(planId), planDecider, { type: 'LapsePaymentPlan', planId, date, settings }));
    } else {
      const outcome = await attemptCharge(deps, state, step.charge);
      types = await recordCharge(deps, state, date, step.charge, outcome, settings);
    }
    if (!types.length) break;
    written.push(...types);
    if (types.includes('PlanChargeTimedOut')) break;
  }
  return written;
}

/** Asks the gateway, unless the method cannot be charged on the renewal date (then it is a decline without a call). */
async function attemptCharge(deps: RenewalDeps, plan: Exclude<PlanState, { status: 'none' }>, charge: ChargeRef): Promise<ChargeResult> {
  // A charge the account could not take is not asked of the gateway: the plan waits (a frozen account) or an agent acts (a closed one).
  const status = await deps.store.read((sql) => sql.scalar('SELECT status FROM accounts WHERE account_id = ?', [plan.accountId]));
  if (status !== 'open') throw Object.assign(new Error(`account ${plan.accountId} is ${String(status ?? 'missing')}: plan ${plan.planId} was not charged for ${charge.period}; it is tried again on the next run`), { code: 'ACCOUNT_NOT_OPEN' });
  const { events } = await deps.store.readStream(paymentMethodStreamId(plan.methodId));
  const m = events.reduce((s, e) => paymentMethodDecider.evolve(s, { type: e.type, data: e.data } as never), paymentMethodDecider.initialState());
  if (m.status === 'none' || m.status === 'removed') return { kind: 'declined', code: 'method_removed' };
  if (expiredOn(m, charge.dueDate)) return { kind: 'declined', code: 'expired_card' };
  const outcome: ChargeOutcome = await chargeWithRetries(
    deps.gateway,
    { token: m.token, amount: plan.amount, currency: plan.currency, idempotencyKey: charge.idempotencyKey, description: `payment plan ${plan.planId}, ${charge.period}` },
    deps.timeoutTries ?? 3,
  );
  return outcome;
}

async function recordCharge(deps: RenewalDeps, plan: Exclude<PlanState, { status: 'none' }>, date: string, charge: ChargeRef, result: ChargeResult, settings: PlanSettings): Promise<string[]> {
  const commandId = `renewal:${plan.planId}:${date}:${charge.idempotencyKey}:${result.kind}`;
  const record = (withPosting: boolean) =>
    run(deps, plan.planId, commandId, async (uow) => {
      const decided = await uow.decide(planStreamId(plan.planId), planDecider, { type: 'RecordPlanCharge', planId: plan.planId, date, charge, result, settings });
      if (isRefusal(decided) || !withPosting) return decided;
      const ok = decided.find((e) => e.type === 'PlanChargeSucceeded');
      if (!ok) return decided;
      // The approved charge is posted on the account, with the plan's charge id as its posting id: exactly once.
      const posted = await uow.decide(
        accountStreamId(plan.accountId),
        accountDecider,
        { type: 'PostCharge', accountId: plan.accountId, chargeId: charge.chargeId, amount: plan.amount, description: `Payment plan ${plan.planId}, ${charge.period} (${formatMoney(plan)})`, authorizationId: authorizationIdFor(plan.accountId, charge.chargeId) },
        ok.eventId,
      );
      if (isRefusal(posted)) return posted;
      return [...decided, ...posted];
    });
  try {
    return await record(true);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ACCOUNT_REFUSED') throw e;
    // The gateway took the money but the account refuses the posting (closed meanwhile): record the
    // plan's charge anyway, so it is never taken twice, and report the posting for an agent.
    const types = await record(false);
    throw Object.assign(new Error(`${(e as Error).message}; the plan's charge ${charge.chargeId} was recorded without an account posting`), { code: 'ACCOUNT_REFUSED', types });
  }
}

/** One unit of work as the job's operator; a refusal is an error (the job's steps are decided from fresh state, so one means something is wrong). */
async function run(deps: RenewalDeps, planId: string, commandId: string, work: Parameters<typeof execute>[2]): Promise<string[]> {
  const operator = deps.operator ?? 'system';
  const env: CommandEnv = { store: deps.store, metadata: { operator, commandId, correlationId: commandId, causationId: commandId }, operatorId: operator, role: 'supervisor' };
  const handled = await execute(env, planStreamId(planId), work);
  if (!handled.ok) {
    const accountRefusal = handled.refusal.code.startsWith('ACCOUNT');
    throw Object.assign(new Error(`${handled.refusal.message} [${handled.refusal.code}]`), { code: accountRefusal ? 'ACCOUNT_REFUSED' : handled.refusal.code });
  }
  return handled.events.map((e: DomainEvent) => e.type);
}
