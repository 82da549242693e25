/** What third parties hear of payment plans: renewal notices, declines (with a way to pay) and lapses. */
import { routes } from '../outbox/routes.js';

export const planOutboxRoutes = [
  ...routes('plan.renewal_notice', ['RenewalNoticeSent']),
  ...routes('plan.charge_declined', ['PlanChargeDeclined']),
  ...routes('plan.lapsed', ['PaymentPlanLapsed']),
  ...routes('plan.state_changed', ['PaymentPlanCreated', 'PaymentPlanCancelled', 'PaymentPlanResubscribed']),
];
