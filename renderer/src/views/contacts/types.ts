/** The contact screens' types, straight from the domain's read side (types only). */
import type { ContactRow } from '../../../../domain/contacts/queries.js';
import type { EventView } from '../../../../domain/backend/methods.js';

export type { ContactRow, EventView };
