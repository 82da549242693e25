/** The settings screen's types, from the domain (types only). */
import type { Settings } from '../../../../domain/settings/settings.js';
import type { PlanSettings } from '../../../../domain/plans/settings.js';
import type { EventView } from '../../../../domain/backend/methods.js';

export type { EventView, PlanSettings, Settings };

/** Everything the screen shows: the settings stream's projection and the payment plans' own. */
export interface AllSettings {
  readonly settings: Settings;
  readonly plans: PlanSettings;
}

/** Who changed a section last, and when (from the settings streams' events). */
export interface LastChange {
  readonly operator: string;
  readonly at: string;
}
