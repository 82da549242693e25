/** The order screens' types, straight from the domain (types only). */
import type { OrderDetail, OrderPaymentRow, OrderRow } from '../../../../domain/orders/queries.js';
import type { PaymentQuote } from '../../../../domain/orders/commands.js';
import type { OrderLine, PaymentMethod } from '../../../../domain/orders/events.js';

export type { OrderDetail, OrderLine, OrderPaymentRow, OrderRow, PaymentMethod, PaymentQuote };

export const METHOD_LABELS: Readonly<Record<PaymentMethod, string>> = { card: 'Card', paypal: 'PayPal', cheque: 'Cheque', bank_transfer: 'Bank transfer', cash: 'Cash' };
export const METHODS = Object.keys(METHOD_LABELS) as PaymentMethod[];
