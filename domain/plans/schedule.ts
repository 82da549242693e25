/**
 * What the renewal job does next for one plan on a given date: one pure function, so the rules
 * (notice window, due charge, retry schedule, grace period) are in one place, and the decider
 * checks each step again when it is recorded.
 */
import { addDays, periodOf } from './dates.js';
import { chargeIdFor, idempotencyKeyFor, type ChargeRef, type PlanState } from './events.js';
import type { PlanSettings } from './settings.js';

export type RenewalStep =
  | { readonly kind: 'none' }
  | { readonly kind: 'notice'; readonly dueDate: string; readonly period: string }
  | { readonly kind: 'charge'; readonly charge: ChargeRef }
  | { readonly kind: 'lapse'; readonly reason: string };

type Live = Exclude<PlanState, { status: 'none' }>;

export function renewalStep(s: PlanState, date: string, settings: Pick<PlanSettings, 'noticeDays'>): RenewalStep {
  if (s.status === 'none' || s.status === 'cancelled' || s.status === 'lapsed') return { kind: 'none' };
  const a = s.attempt;
  if (a) {
    if (a.timedOutKey) return { kind: 'charge', charge: { cycle: a.cycle, period: a.period, dueDate: a.dueDate, chargeId: a.chargeId, idempotencyKey: a.timedOutKey, attempt: a.declines + 1 } };
    if (a.graceEndsOn && date > a.graceEndsOn) return { kind: 'lapse', reason: `the grace period ended on ${a.graceEndsOn} without a payment` };
    if (a.nextRetryDate && date >= a.nextRetryDate) return { kind: 'charge', charge: chargeRef(s, a.dueDate, a.declines + 1) };
    return { kind: 'none' };
  }
  if (date >= s.nextDueDate) return { kind: 'charge', charge: chargeRef(s, s.nextDueDate, 1) };
  if (s.noticeFor !== s.nextDueDate && date >= addDays(s.nextDueDate, -settings.noticeDays)) return { kind: 'notice', dueDate: s.nextDueDate, period: periodOf(s.nextDueDate) };
  return { kind: 'none' };
}

export function chargeRef(s: Live, dueDate: string, attempt: number): ChargeRef {
  const period = periodOf(dueDate);
  const chargeId = chargeIdFor(s.planId, s.cycle, period);
  return { cycle: s.cycle, period, dueDate, chargeId, idempotencyKey: idempotencyKeyFor(chargeId, attempt), attempt };
}

/** The first retry date after `date` on the schedule, within the grace period; null when there is none. */
export function nextRetryDate(dueDate: string, date: string, settings: Pick<PlanSettings, 'graceDays' | 'retryDays'>): string | null {
  const graceEnd = addDays(dueDate, settings.graceDays);
  for (const d of settings.retryDays) {
    const at = addDays(dueDate, d);
    if (at > date && at <= graceEnd) return at;
  }
  return null;
}
