/**
 * Plans for the screens and the renewal job: one row per plan, and its log (notices, charges,
 * declines, retries, lapses, flags) for the plan's detail.
 */
import type { Projection } from '../eventstore/projection.js';
import type { Sql } from '../eventstore/sql.js';
import type { StoredEvent } from '../eventstore/types.js';
import { PLAN_EVENT_TYPES, type PlanEvent } from './events.js';

function log(sql: Sql, e: StoredEvent, planId: string, f: { period?: string | null; chargeId?: string | null; attempt?: number | null; code?: string | null; amount?: number | null; text: string }): void {
  sql.run('INSERT OR IGNORE INTO plan_log (position, plan_id, type, period, charge_id, attempt, code, amount, text, at, by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
    e.position,
    planId,
    e.type,
    f.period ?? null,
    f.chargeId ?? null,
    f.attempt ?? null,
    f.code ?? null,
    f.amount ?? null,
    f.text,
    e.recordedAt,
    e.metadata.operator,
  ]);
}

const touch = (sql: Sql, planId: string, set: string, args: (string | number | null)[], at: string): void => sql.run(`UPDATE plans SET ${set}, updated_at = ? WHERE plan_id = ?`, [...args, at, planId]);

export const plansProjection: Projection = {
  name: 'plans',
  version: 1,
  tables: ['plans', 'plan_log'],
  handles: PLAN_EVENT_TYPES,
  schema: `
    CREATE TABLE plans (
      plan_id         TEXT    PRIMARY KEY,
      account_id      TEXT    NOT NULL,
      method_id       TEXT    NOT NULL,
      amount          INTEGER NOT NULL,
      currency        TEXT    NOT NULL,
      interval        TEXT    NOT NULL,
      start_date      TEXT    NOT NULL,
      status          TEXT    NOT NULL,
      cycle           INTEGER NOT NULL,
      next_due_date   TEXT    NOT NULL,
      next_retry_date TEXT,
      grace_ends_on   TEXT,
      last_charge_id  TEXT,
      flag_reason     TEXT,
      created_at      TEXT    NOT NULL,
      created_by      TEXT    NOT NULL,
      updated_at      TEXT    NOT NULL
    ) STRICT;
    CREATE INDEX plans_account ON plans (account_id, plan_id);
    CREATE INDEX plans_due ON plans (status, next_due_date);
    CREATE TABLE plan_log (
      position  INTEGER PRIMARY KEY,
      plan_id   TEXT    NOT NULL,
      type      TEXT    NOT NULL,
      period    TEXT,
      charge_id TEXT,
      attempt   INTEGER,
      code      TEXT,
      amount    INTEGER,
      text      TEXT    NOT NULL,
      at        TEXT    NOT NULL,
      by        TEXT    NOT NULL
    ) STRICT;
    CREATE INDEX plan_log_plan ON plan_log (plan_id, position);`,
  apply(stored, sql) {
    const e = stored as unknown as PlanEvent;
    const at = stored.recordedAt;
    switch (e.type) {
      case 'PaymentPlanCreated': {
        const d = e.data;
        sql.run("INSERT OR REPLACE INTO plans VALUES (?, ?, ?, ?, ?, ?, ?, 'active', 1, ?, NULL, NULL, NULL, NULL, ?, ?, ?)", [d.planId, d.accountId, d.methodId, d.amount, d.currency, d.interval, d.startDate, d.nextDueDate, at, stored.metadata.operator, at]);
        log(sql, stored, d.planId, { amount: d.amount, text: `created: ${d.interval} from ${d.startDate}` });
        return;
      }
      case 'PaymentPlanCancelled': {
        const d = e.data;
        touch(sql, d.planId, "status = 'cancelled', next_retry_date = NULL, grace_ends_on = NULL", [], at);
        log(sql, stored, d.planId, { chargeId: d.refund?.chargeId ?? null, amount: d.refund?.amount ?? null, text: `cancelled: ${d.reason}${d.refund ? `; refund ${d.refund.refundId} of the last charge ${d.refund.chargeId}` : ''}` });
        return;
      }
      case 'PaymentPlanResubscribed': {
        const d = e.data;
        touch(sql, d.planId, "status = 'active', cycle = ?, next_due_date = ?, next_retry_date = NULL, grace_ends_on = NULL", [d.cycle, d.nextDueDate], at);
        log(sql, stored, d.planId, { text: `resubscribed (cycle ${d.cycle}): next charge on ${d.nextDueDate}` });
        return;
      }
      case 'RenewalNoticeSent':
        log(sql, stored, e.data.planId, { period: e.data.period, amount: e.data.amount, text: e.data.text });
        return;
      case 'PlanChargeSucceeded': {
        const d = e.data;
        touch(sql, d.planId, "status = 'active', next_due_date = ?, next_retry_date = NULL, grace_ends_on = NULL, last_charge_id = ?", [d.nextDueDate, d.chargeId], at);
        log(sql, stored, d.planId, { period: d.period, chargeId: d.chargeId, attempt: d.attempt, amount: d.amount, text: `charged (attempt ${d.attempt}, key ${d.idempotencyKey}, gateway ${d.gatewayRef})` });
        return;
      }
      case 'PlanChargeDeclined': {
        const d = e.data;
        touch(sql, d.planId, "status = 'past_due', next_retry_date = ?, grace_ends_on = ?", [d.nextRetryDate, d.graceEndsOn], at);
        log(sql, stored, d.planId, { period: d.period, chargeId: d.chargeId, attempt: d.attempt, code: d.code, amount: d.amount, text: d.text });
        return;
      }
      case 'PlanChargeTimedOut': {
        const d = e.data;
        log(sql, stored, d.planId, { period: d.period, chargeId: d.chargeId, attempt: d.attempt, text: `the gateway did not answer after ${d.tries} tries with key ${d.idempotencyKey}: the next run tries the same key again` });
        return;
      }
      case 'PaymentPlanLapsed':
        touch(sql, e.data.planId, "status = 'lapsed', next_retry_date = NULL", [], at);
        log(sql, stored, e.data.planId, { period: e.data.period, chargeId: e.data.chargeId, text: e.data.text });
        return;
      case 'PaymentPlanFlagged':
        touch(sql, e.data.planId, 'flag_reason = ?', [e.data.reason], at);
        log(sql, stored, e.data.planId, { text: `flagged: ${e.data.reason}` });
        return;
      case 'PaymentPlanRepointed':
        touch(sql, e.data.planId, 'method_id = ?, flag_reason = NULL', [e.data.methodId], at);
        log(sql, stored, e.data.planId, { text: `payment method changed from ${e.data.fromMethodId} to ${e.data.methodId}` });
        return;
    }
  },
};
