/** Settings an admin changes: the credit policy now; fees, limits and grace periods as features arrive. */
import { z } from 'zod';
import { assertNever, refuse, type Decider, type Decision } from '../decider.js';
import type { CreditPolicy } from '../authorizations/events.js';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export interface Settings {
  readonly creditPolicy: CreditPolicy;
  /**
   * Refund limits, in minor units of the charge's currency: `agentLimit` caps the sum refunded on one charge
   * (already posted + waiting for approval + this request) and `agentDailyLimit` what one operator refunds in a UTC day
   * in that currency; over either, the refund waits for a supervisor. `byCurrency` overrides both for a currency
   * (JPY has no minor units, so 10,000 is 10,000 yen there); a currency not listed uses the defaults.
   */
  readonly refunds: RefundSettings;
  /** Reminders for an order's unpaid remainder, in minutes after the order was created (default: 1 hour, then 1 day). */
  readonly orderReminders: { readonly afterMinutes: readonly number[] };
  /** Sign-in: lockout after failed attempts, the delay before answering a failure (doubling with each), and the idle timeout of a session. */
  readonly signIn: SignInSettings;
}

export interface SignInSettings {
  readonly maxFailedAttempts: number;
  readonly lockoutMinutes: number;
  /** The first failure waits this long before it is answered; each further one waits twice as long (at most 16 times). */
  readonly failureDelayMs: number;
  readonly idleTimeoutMinutes: number;
}

export interface RefundLimits {
  readonly agentLimit: number;
  readonly agentDailyLimit: number;
}
export interface RefundSettings extends RefundLimits {
  readonly byCurrency: Readonly<Record<string, RefundLimits>>;
}

/** The refund limits of a currency: its own, or the defaults. */
export const refundLimitsFor = (refunds: RefundSettings, currency: string): RefundLimits => {
  const own = Object.prototype.hasOwnProperty.call(refunds.byCurrency, currency) ? refunds.byCurrency[currency] : undefined;
  return own ?? { agentLimit: refunds.agentLimit, agentDailyLimit: refunds.agentDailyLimit };
};

export const DEFAULT_SETTINGS: Settings = {
  creditPolicy: { autoApproveMaxOverdraft: 5_000, autoDenyOverOverdraft: 50_000 },
  refunds: { agentLimit: 10_000, agentDailyLimit: 100_000, byCurrency: {} },
  orderReminders: { afterMinutes: [60, 1440] },
  signIn: { maxFailedAttempts: 5, lockoutMinutes: 15, failureDelayMs: 250, idleTimeoutMinutes: 30 },
};

const minor = z.number().int('whole minor units').min(0, 'not negative').max(Number.MAX_SAFE_INTEGER);
const limits = z.strictObject({ agentLimit: minor, agentDailyLimit: minor });
const byCurrency = z.record(z.string(), limits).superRefine((r, ctx) => {
  for (const code of Object.keys(r)) {
    if (!(/^[A-Z]{3}$/.test(code) && CURRENCIES.has(code))) ctx.addIssue({ code: 'custom', path: [code], message: "not an ISO 4217 currency code: key the limits by a code in capitals, such as EUR, USD or JPY" });
  }
});
export const settingsChanges = z.strictObject({
  creditPolicy: z.strictObject({ autoApproveMaxOverdraft: minor, autoDenyOverOverdraft: minor }).optional(),
  /** `agentDailyLimit` and `byCurrency` left out keep what they were; `byCurrency` given replaces the whole list. */
  refunds: z.strictObject({ agentLimit: minor, agentDailyLimit: minor.optional(), byCurrency: byCurrency.optional() }).optional(),
  orderReminders: z
    .strictObject({
      afterMinutes: z
        .array(z.number().int('whole minutes').min(1, 'at least 1 minute').max(525_600, 'at most a year'))
        .max(10, 'at most 10 reminders')
        .refine((a) => a.every((m, i) => i === 0 || m > a[i - 1]!), 'each reminder must come after the one before it'),
    })
    .optional(),
  signIn: z
    .strictObject({
      maxFailedAttempts: z.number().int('a whole number').min(1, 'at least 1').max(100, 'at most 100'),
      lockoutMinutes: z.number().int('whole minutes').min(1, 'at least 1 minute').max(1440, 'at most a day'),
      failureDelayMs: z.number().int('whole milliseconds').min(0, 'not negative').max(5_000, 'at most 5 seconds'),
      idleTimeoutMinutes: z.number().int('whole minutes').min(1, 'at least 1 minute').max(1440, 'at most a day'),
    })
    .optional(),
});
export type SettingsChanges = z.output<typeof settingsChanges>;

export const SETTINGS_STREAM = 'settings';

export type SettingsEvent = { readonly type: 'SettingsUpdated'; readonly data: { readonly changes: SettingsChanges } };
export type SettingsCommand = { readonly type: 'UpdateSettings'; readonly changes: SettingsChanges };

/** A change of the refund limits on top of what they are (events stored before the daily limit had only `agentLimit`). */
export function mergeRefunds(s: Partial<RefundSettings> | undefined, c: NonNullable<SettingsChanges['refunds']>): RefundSettings {
  const base = { ...DEFAULT_SETTINGS.refunds, ...s };
  return { agentLimit: c.agentLimit, agentDailyLimit: c.agentDailyLimit ?? base.agentDailyLimit, byCurrency: c.byCurrency ?? base.byCurrency };
}

export function applyChanges(s: Settings, changes: SettingsChanges): Settings {
  return {
    ...s,
    ...(changes.creditPolicy ? { creditPolicy: changes.creditPolicy } : {}),
    ...(changes.refunds ? { refunds: mergeRefunds(s.refunds, changes.refunds) } : {}),
    ...(changes.orderReminders ? { orderReminders: changes.orderReminders } : {}),
    ...(changes.signIn ? { signIn: changes.signIn } : {}),
  };
}

export const settingsDecider: Decider<SettingsCommand, SettingsEvent, Settings> = {
  initialState: () => DEFAULT_SETTINGS,
  evolve: (s, e) => applyChanges(s, e.data.changes),
  decide(c, s): Decision<SettingsEvent> {
    switch (c.type) {
      case 'UpdateSettings': {
        const next = applyChanges(s, c.changes);
        const p = next.creditPolicy;
        if (p.autoApproveMaxOverdraft > p.autoDenyOverOverdraft) {
          return refuse('INVALID_POLICY', 'the automatic approval limit must not be above the automatic denial limit, or some overdrafts would be both approved and denied');
        }
        if (JSON.stringify(next) === JSON.stringify(s)) return [];
        return [{ type: 'SettingsUpdated', data: { changes: c.changes } }];
      }
      default:
        return assertNever(c.type);
    }
  },
};
