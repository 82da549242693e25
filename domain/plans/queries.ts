/** Plans and payment methods for the screens and the CLI. */
import type { SqlValue } from 'sql.js';
import { brandLabel } from '../cards/events.js';
import { keysetPage, type ListParams, type Page, type TableSpec } from '../backend/paging.js';
import type { Sql } from '../eventstore/sql.js';
import { addDays } from './dates.js';
import type { PlanStatus } from './events.js';

export interface PlanRow {
  readonly planId: string;
  readonly accountId: string;
  readonly methodId: string;
  readonly amount: number;
  readonly currency: string;
  readonly interval: string;
  readonly startDate: string;
  readonly status: PlanStatus;
  readonly cycle: number;
  readonly nextDueDate: string;
  readonly nextRetryDate: string | null;
  readonly graceEndsOn: string | null;
  readonly lastChargeId: string | null;
  readonly flagReason: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  /** The method's brand, last-4 and expiry, for display. */
  readonly methodLabel: string | null;
}

export interface PlanLogEntry {
  readonly position: number;
  readonly type: string;
  readonly period: string | null;
  readonly chargeId: string | null;
  readonly attempt: number | null;
  readonly code: string | null;
  readonly amount: number | null;
  readonly text: string;
  readonly at: string;
  readonly by: string;
}

export interface PaymentMethodRow {
  readonly methodId: string;
  readonly accountId: string;
  readonly holderName: string;
  readonly brand: string;
  readonly last4: string;
  readonly expiryMonth: number;
  readonly expiryYear: number;
  readonly cardId: string | null;
  readonly status: 'active' | 'removed';
  readonly addedAt: string;
}

const s = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));

const mapPlan = (r: Record<string, SqlValue>): PlanRow => ({
  planId: String(r.plan_id),
  accountId: String(r.account_id),
  methodId: String(r.method_id),
  amount: Number(r.amount),
  currency: String(r.currency),
  interval: String(r.interval),
  startDate: String(r.start_date),
  status: String(r.status) as PlanStatus,
  cycle: Number(r.cycle),
  nextDueDate: String(r.next_due_date),
  nextRetryDate: s(r.next_retry_date),
  graceEndsOn: s(r.grace_ends_on),
  lastChargeId: s(r.last_charge_id),
  flagReason: s(r.flag_reason),
  createdAt: String(r.created_at),
  createdBy: String(r.created_by),
  updatedAt: String(r.updated_at),
  methodLabel: r.brand ? `${brandLabel(String(r.brand))} •••• ${String(r.last4)} (${String(r.expiry_month).padStart(2, '0')}/${String(r.expiry_year)})` : null,
});

const PLAN_SELECT = `plans.plan_id, plans.account_id, plans.method_id, amount, plans.currency, interval, start_date, plans.status, cycle, next_due_date, next_retry_date, grace_ends_on, last_charge_id, flag_reason, created_at, created_by, updated_at,
  (SELECT brand FROM payment_methods m WHERE m.method_id = plans.method_id) AS brand, (SELECT last4 FROM payment_methods m WHERE m.method_id = plans.method_id) AS last4,
  (SELECT expiry_month FROM payment_methods m WHERE m.method_id = plans.method_id) AS expiry_month, (SELECT expiry_year FROM payment_methods m WHERE m.method_id = plans.method_id) AS expiry_year`;

export const plansTable: TableSpec<PlanRow> = {
  table: 'plans',
  key: 'plans.plan_id',
  columns: { planId: 'plans.plan_id', accountId: 'plans.account_id', status: 'plans.status', nextDueDate: 'next_due_date', amount: 'amount', currency: 'plans.currency', updatedAt: 'updated_at' },
  search: ['plans.plan_id', 'plans.account_id'],
  defaultSort: 'nextDueDate',
  select: PLAN_SELECT,
  map: mapPlan,
};

export const listPlans = (sql: Sql, p: ListParams): Page<PlanRow> => keysetPage(sql, plansTable, p);

export function getPlan(sql: Sql, planId: string): (PlanRow & { log: PlanLogEntry[] }) | null {
  const r = sql.get(`SELECT ${PLAN_SELECT} FROM plans WHERE plan_id = ?`, [planId]);
  if (!r) return null;
  const log = sql.all('SELECT position, type, period, charge_id, attempt, code, amount, text, at, by FROM plan_log WHERE plan_id = ? ORDER BY position', [planId]).map(
    (l): PlanLogEntry => ({ position: Number(l.position), type: String(l.type), period: s(l.period), chargeId: s(l.charge_id), attempt: l.attempt === null ? null : Number(l.attempt), code: s(l.code), amount: l.amount === null ? null : Number(l.amount), text: String(l.text), at: String(l.at), by: String(l.by) }),
  );
  return { ...mapPlan(r), log };
}

export const plansOfAccount = (sql: Sql, accountId: string): PlanRow[] => sql.all(`SELECT ${PLAN_SELECT} FROM plans WHERE account_id = ? ORDER BY plan_id`, [accountId]).map(mapPlan);

/** Live plans renewing from `from` to `from + days` (inclusive), soonest first: the "due in the next 7 days" list. */
export function plansDue(sql: Sql, from: string, days: number, limit = 500): PlanRow[] {
  return sql.all(`SELECT ${PLAN_SELECT} FROM plans WHERE plans.status IN ('active', 'past_due') AND next_due_date <= ? ORDER BY next_due_date, plans.plan_id LIMIT ?`, [addDays(from, days), limit]).map(mapPlan);
}

export function methodsOfAccount(sql: Sql, accountId: string): PaymentMethodRow[] {
  return sql.all('SELECT method_id, account_id, holder_name, brand, last4, expiry_month, expiry_year, card_id, status, added_at FROM payment_methods WHERE account_id = ? ORDER BY method_id', [accountId]).map((r) => ({
    methodId: String(r.method_id),
    accountId: String(r.account_id),
    holderName: String(r.holder_name),
    brand: String(r.brand),
    last4: String(r.last4),
    expiryMonth: Number(r.expiry_month),
    expiryYear: Number(r.expiry_year),
    cardId: s(r.card_id),
    status: r.status === 'removed' ? 'removed' : 'active',
    addedAt: String(r.added_at),
  }));
}

/** Live plans paid with a method linked to this card. */
export function plansPaidWithCard(sql: Sql, cardId: string): { planId: string; methodId: string }[] {
  return sql
    .all<{ plan_id: string; method_id: string }>("SELECT p.plan_id, p.method_id FROM payment_methods m JOIN plans p ON p.method_id = m.method_id WHERE m.card_id = ? AND p.status <> 'cancelled' ORDER BY p.plan_id", [cardId])
    .map((r) => ({ planId: r.plan_id, methodId: r.method_id }));
}
