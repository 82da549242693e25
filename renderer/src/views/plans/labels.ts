/** Words and tones for plan states and log entries. */
import type { PlanStatus } from './types';

const STATUS: Readonly<Record<PlanStatus, { label: string; tone: string }>> = {
  active: { label: 'Active', tone: 'badge-success' },
  past_due: { label: 'Past due', tone: 'badge-warn' },
  lapsed: { label: 'Lapsed', tone: 'badge-danger' },
  cancelled: { label: 'Cancelled', tone: '' },
};
export const planStatus = (s: string): { label: string; tone: string } => STATUS[s as PlanStatus] ?? { label: s, tone: '' };

const LOG: Readonly<Record<string, string>> = {
  PaymentPlanCreated: 'Created',
  PaymentPlanCancelled: 'Cancelled',
  PaymentPlanResubscribed: 'Resubscribed',
  RenewalNoticeSent: 'Renewal notice',
  PlanChargeSucceeded: 'Charged',
  PlanChargeDeclined: 'Declined',
  PlanChargeTimedOut: 'Gateway timeout',
  PaymentPlanLapsed: 'Lapsed',
  PaymentPlanFlagged: 'Flagged',
  PaymentPlanRepointed: 'Method changed',
};
export const logLabel = (type: string): string => LOG[type] ?? type;
export const logTone = (type: string): string =>
  type === 'PlanChargeSucceeded' ? 'badge-success' : type === 'PlanChargeDeclined' || type === 'PaymentPlanLapsed' ? 'badge-danger' : type === 'PlanChargeTimedOut' || type === 'PaymentPlanFlagged' ? 'badge-warn' : '';

export const expiryLabel = (m: number, y: number): string => `${String(m).padStart(2, '0')}/${y}`;

/** The method has expired by `date` (YYYY-MM-DD): cards work to the end of their expiry month. */
export function expiredBy(m: number, y: number, date: string): boolean {
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return date > last;
}

export const todayUtc = (): string => new Date().toISOString().slice(0, 10);

/** `date` plus `months` months, on the same day or the month's last day: the plan's next renewals. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))).toISOString().slice(0, 10);
}
