import { routes } from '../outbox/routes.js';

/** A posted refund is money going back to the cardholder: the ledger and the customer's notice need it. */
export const refundOutboxRoutes = routes('refund.posted', ['RefundPosted']);
