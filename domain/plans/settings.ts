/**
 * The payment plans' settings (an admin changes them): renewal notice lead time, grace period,
 * the retry schedule after a decline, and the decline codes that must never be retried. They
 * live on their own stream so this feature adds no field to anyone else's settings.
 */
import { z } from 'zod';
import { assertNever, refuse, type Decider, type Decision } from '../decider.js';
import type { Projection } from '../eventstore/projection.js';
import type { Sql } from '../eventstore/sql.js';
import { httpUrl, withoutCardNumber } from '../shared/text.js';

export interface PlanSettings {
  /** A renewal notice goes out this many days before the renewal date. */
  readonly noticeDays: number;
  /** Days after the renewal date during which a declined charge is retried before the plan lapses. */
  readonly graceDays: number;
  /** Retries after a decline, in days after the renewal date (each within the grace period). */
  readonly retryDays: readonly number[];
  /** Decline codes that stop the retries at once (the card is gone, or the issuer said never). */
  readonly neverRetryCodes: readonly string[];
  /** Where a customer pays a declined or lapsed plan: the plan id is appended. */
  readonly payLinkBase: string;
}

export const DEFAULT_PLAN_SETTINGS: PlanSettings = {
  noticeDays: 7,
  graceDays: 2,
  retryDays: [1, 2],
  neverRetryCodes: ['lost_card', 'stolen_card', 'pickup_card', 'invalid_card', 'account_closed', 'do_not_retry'],
  payLinkBase: 'https://pay.cardops.example/plans/',
};

const code = withoutCardNumber(z.string().trim().regex(/^[a-z0-9_]{2,40}$/, 'a decline code is 2 to 40 lower-case letters, digits or underscores'));
export const planSettingsChanges = z
  .strictObject({
    noticeDays: z.number().int('whole days').min(1, 'at least 1 day').max(60, 'at most 60 days').optional(),
    graceDays: z.number().int('whole days').min(0, 'not negative').max(30, 'at most 30 days').optional(),
    retryDays: z.array(z.number().int('whole days').min(1, 'at least 1 day after the renewal date').max(30)).max(10, 'at most 10 retries').optional(),
    neverRetryCodes: z.array(code).max(50).optional(),
    payLinkBase: httpUrl(200).optional(),
  })
  .refine((c) => !c.retryDays || c.retryDays.every((d, i, a) => i === 0 || d > a[i - 1]!), { message: 'each retry must come after the one before it', path: ['retryDays'] });
export type PlanSettingsChanges = z.output<typeof planSettingsChanges>;

export const PLAN_SETTINGS_STREAM = 'settings-plans';
export type PlanSettingsEvent = { readonly type: 'PlanSettingsUpdated'; readonly data: { readonly changes: PlanSettingsChanges } };
export type PlanSettingsCommand = { readonly type: 'UpdatePlanSettings'; readonly changes: PlanSettingsChanges };

const applyChanges = (s: PlanSettings, c: PlanSettingsChanges): PlanSettings => ({ ...s, ...Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) });

export const planSettingsDecider: Decider<PlanSettingsCommand, PlanSettingsEvent, PlanSettings> = {
  initialState: () => DEFAULT_PLAN_SETTINGS,
  evolve: (s, e) => applyChanges(s, e.data.changes),
  decide(c, s): Decision<PlanSettingsEvent> {
    switch (c.type) {
      case 'UpdatePlanSettings': {
        const next = applyChanges(s, c.changes);
        const late = next.retryDays.find((d) => d > next.graceDays);
        if (late !== undefined) return refuse('RETRY_AFTER_GRACE', `a retry ${late} days after the renewal date falls after the ${next.graceDays}-day grace period: shorten the retries or lengthen the grace period`);
        if (JSON.stringify(next) === JSON.stringify(s)) return [];
        return [{ type: 'PlanSettingsUpdated', data: { changes: c.changes } }];
      }
      default:
        return assertNever(c.type);
    }
  },
};

export const planSettingsProjection: Projection = {
  name: 'plan_settings',
  version: 1,
  tables: ['plan_settings'],
  handles: ['PlanSettingsUpdated'],
  schema: 'CREATE TABLE plan_settings (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, updated_at TEXT NOT NULL) STRICT;',
  apply(e, sql) {
    const next = applyChanges(readPlanSettings(sql), (e as unknown as PlanSettingsEvent).data.changes);
    sql.run('INSERT OR REPLACE INTO plan_settings (id, json, updated_at) VALUES (1, ?, ?)', [JSON.stringify(next), e.recordedAt]);
  },
};

export function readPlanSettings(sql: Sql): PlanSettings {
  const json = sql.scalar('SELECT json FROM plan_settings WHERE id = 1');
  return typeof json === 'string' ? { ...DEFAULT_PLAN_SETTINGS, ...(JSON.parse(json) as Partial<PlanSettings>) } : DEFAULT_PLAN_SETTINGS;
}
