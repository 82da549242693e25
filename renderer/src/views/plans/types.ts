/** The payment plans screens' types, from the domain's read side (types only). */
import type { PaymentMethodRow, PlanLogEntry, PlanRow } from '../../../../domain/plans/queries.js';
import type { PlanStatus } from '../../../../domain/plans/events.js';
import type { PlanSettings } from '../../../../domain/plans/settings.js';
import type { RenewalReport } from '../../../../domain/plans/renewal.js';

export type { PaymentMethodRow, PlanLogEntry, PlanRow, PlanSettings, PlanStatus, RenewalReport };
export type PlanDetail = PlanRow & { readonly log: readonly PlanLogEntry[] };
export type PlanAction = 'cancel' | 'resubscribe' | 'repoint';
