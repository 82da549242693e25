/** The account screens' types, straight from the domain's read side (types only). */
import type { AccountRow, AccountSummary, AuthorizationRow, CardRow, TimelineEntry, TimelineKind } from '../../../../domain/accounts/queries.js';
import type { EventView } from '../../../../domain/backend/methods.js';
import type { ActivateReason, Brand, CardReason, ChangeReason, Channel, ReactivateReason, ReissueReason } from '../../../../domain/cards/events.js';

export type { AccountRow, AccountSummary, ActivateReason, AuthorizationRow, Brand, CardRow, CardReason, ChangeReason, Channel, EventView, ReactivateReason, ReissueReason, TimelineEntry, TimelineKind };
