/** Settings an admin changes: the credit policy now; fees, limits and grace periods as features arrive. */
import { z } from 'zod';
import { assertNever, refuse, type Decider, type Decision } from '../decider.js';
import type { CreditPolicy } from '../authorizations/events.js';

export interface Settings {
  readonly creditPolicy: CreditPolicy;
}

export const DEFAULT_SETTINGS: Settings = {
  creditPolicy: { autoApproveMaxOverdraft: 5_000, autoDenyOverOverdraft: 50_000 },
};

const minor = z.number().int('whole minor units').min(0, 'not negative').max(Number.MAX_SAFE_INTEGER);
export const settingsChanges = z.strictObject({
  creditPolicy: z.strictObject({ autoApproveMaxOverdraft: minor, autoDenyOverOverdraft: minor }).optional(),
});
export type SettingsChanges = z.output<typeof settingsChanges>;

export const SETTINGS_STREAM = 'settings';

export type SettingsEvent = { readonly type: 'SettingsUpdated'; readonly data: { readonly changes: SettingsChanges } };
export type SettingsCommand = { readonly type: 'UpdateSettings'; readonly changes: SettingsChanges };

export function applyChanges(s: Settings, changes: SettingsChanges): Settings {
  return { ...s, ...(changes.creditPolicy ? { creditPolicy: changes.creditPolicy } : {}) };
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
