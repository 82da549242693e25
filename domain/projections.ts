/** Every projection CardOps keeps, in the order they are applied. */
import type { Projection } from './eventstore/projection.js';
import { accountsProjection } from './accounts/projection.js';
import { authorizationsProjection } from './authorizations/projection.js';
import { cardsProjection } from './cards/projection.js';
import { chargeRunsProjection } from './chargeruns/projection.js';
import { operatorsProjection } from './operators/projection.js';
import { outboxProjection } from './outbox/projection.js';
import { paymentMethodsProjection } from './paymentmethods/projection.js';
import { plansProjection } from './plans/projection.js';
import { planSettingsProjection } from './plans/settings.js';
import { settingsProjection } from './settings/projection.js';
import { systemProjection } from './system/projection.js';
import { contactsProjection } from './contacts/projection.js';
import { invoicesProjection } from './invoices/projection.js';
import { refundsProjection } from './refunds/projection.js';
import { ordersProjection } from './orders/projection.js';
import { controlRequestsProjection } from './controls/projection.js';

export const PROJECTIONS: readonly Projection[] = [systemProjection, operatorsProjection, settingsProjection, accountsProjection, cardsProjection, authorizationsProjection, chargeRunsProjection, paymentMethodsProjection, plansProjection, planSettingsProjection, outboxProjection, contactsProjection, invoicesProjection, refundsProjection, ordersProjection, controlRequestsProjection];
