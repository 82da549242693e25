/** The account screens' types, straight from the domain's read side (types only). */
import type { AccountRow, AccountSummary, AuthorizationRow, CardRow, TimelineEntry, TimelineKind } from '../../../../domain/accounts/queries.js';
import type { EventView } from '../../../../domain/backend/methods.js';
import type { Brand, CardReason, Channel } from '../../../../domain/cards/events.js';

export type { AccountRow, AccountSummary, AuthorizationRow, Brand, CardRow, CardReason, Channel, EventView, TimelineEntry, TimelineKind };
