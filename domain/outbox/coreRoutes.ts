/** Routes for events of features that predate the outbox: card state changes and charges. */
import { CARD_EVENT_TYPES } from '../cards/events.js';
import { routes } from './routes.js';

/** Every card lifecycle event is a state change third parties care about (issuers, fraud, wallets). */
export const cardOutboxRoutes = routes('card.state_changed', CARD_EVENT_TYPES);

/** Charges posted on an account (charge runs, plans, manual) and the ones that need a credit decision. */
export const chargeOutboxRoutes = [...routes('charge.posted', ['ChargePosted']), ...routes('charge.authorization_required', ['CreditAuthorizationRequired'])];
