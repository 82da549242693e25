/** What operators read for a run's state, its outcomes and its exclusions. */
import type { Outcome } from './types';

export interface Tone {
  readonly label: string;
  /** A badge class. */
  readonly tone: string;
}

const STATUS: Readonly<Record<string, Tone>> = {
  planned: { label: 'To approve', tone: 'cr-tone-warn' },
  approved: { label: 'Approved', tone: 'cr-tone-accent' },
  running: { label: 'Running', tone: 'cr-tone-accent' },
  paused: { label: 'Paused', tone: 'cr-tone-warn' },
  cancelled: { label: 'Cancelled', tone: 'cr-tone-danger' },
  completed: { label: 'Completed', tone: 'cr-tone-success' },
};

/** A run that is running with nobody driving it (the app stopped mid-run) is interrupted. */
export const isInterrupted = (run: { status: string; active: boolean }): boolean => run.status === 'running' && !run.active;

export function runStatus(run: { status: string; active: boolean }): Tone {
  if (isInterrupted(run)) return { label: 'Interrupted', tone: 'cr-tone-danger' };
  return STATUS[run.status] ?? { label: run.status, tone: '' };
}

export const OUTCOMES: readonly Outcome[] = ['charged', 'auth_approved', 'auth_denied', 'auth_review', 'skipped', 'failed'];

export const OUTCOME_LABELS: Readonly<Record<Outcome, string>> = {
  charged: 'Charged',
  auth_approved: 'Authorisation approved',
  auth_denied: 'Authorisation denied',
  auth_review: 'Authorisation required (review)',
  skipped: 'Skipped',
  failed: 'Failed',
};

export const OUTCOME_TONES: Readonly<Record<Outcome, string>> = {
  charged: 'cr-tone-success',
  auth_approved: 'cr-tone-success',
  auth_denied: 'cr-tone-danger',
  auth_review: 'cr-tone-warn',
  skipped: '',
  failed: 'cr-tone-danger',
};

const SKIP: Readonly<Record<string, string>> = {
  already_charged: 'Already charged for this period and fee kind',
  no_active_card: 'No active card',
  account_frozen: 'Account frozen',
  account_closed: 'Account closed',
  no_fee_for_currency: 'No fee set for the currency',
  changed_after_approval: 'Became eligible after approval (a new run can charge it)',
};
export const skipLabel = (reason: string): string => SKIP[reason] ?? reason;

/** "2026-11" → "November 2026". */
export function periodLabel(period: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m) return period;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  return d.toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** Seconds as people read them: "45 s", "3 min 20 s", "1 h 05 min". */
export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

export const count = (n: number): string => n.toLocaleString('en-US');
