import { routes } from '../outbox/routes.js';

/** The customer is told of what is still due (reminders), and the ledger of paid orders and credit kept. */
export const orderOutboxRoutes = [
  ...routes('order.payment_reminder', ['OrderReminderSent']),
  ...routes('order.paid', ['OrderPaid']),
  ...routes('account.prepaid_credit_added', ['PrepaidCreditAdded']),
];
