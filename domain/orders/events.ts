/**
 * An order paid by several payments, each with its own method, amount and currency. Every
 * payment in another currency records the exact decimal rate it was taken at and its amount in
 * the order's base currency, rounded half-even. The order is paid when the payments reach the
 * total (a shortfall of at most 0.5% of the converted payments' base amounts is written off); an
 * overpayment becomes prepaid credit on the account.
 */
export const PAYMENT_METHODS = ['card', 'paypal', 'cheque', 'bank_transfer', 'cash'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface OrderLine {
  readonly description: string;
  readonly quantity: number;
  /** Minor units of the base currency. */
  readonly unitPrice: number;
}

export interface OrderPayment {
  readonly paymentId: string;
  readonly method: PaymentMethod;
  /** Minor units of `currency`. */
  readonly amount: number;
  readonly currency: string;
  /** 1 unit of `currency` = `fxRate` units of the base currency, as an exact decimal; null without a conversion. */
  readonly fxRate: string | null;
  /** The base-currency amount before rounding, exact, in minor units (e.g. "9211.5"). */
  readonly exactBaseAmount: string;
  /** Minor units of the base currency, rounded half-even. */
  readonly baseAmount: number;
  readonly rounding: 'half_even';
}

export type OrderEvent =
  | { readonly type: 'OrderCreated'; readonly data: { readonly orderId: string; readonly accountId: string; readonly baseCurrency: string; readonly lines: readonly OrderLine[]; readonly total: number } }
  | { readonly type: 'OrderPaymentAdded'; readonly data: OrderPayment & { readonly orderId: string } }
  | { readonly type: 'OrderPaymentCancelled'; readonly data: { readonly orderId: string; readonly paymentId: string; readonly baseAmount: number; readonly reason: string } }
  /**
   * The payments fell short by at most 0.5% of the amount that was converted (`convertedAmount`: the base amounts of the
   * payments in another currency): the difference is written off. Events stored before the tolerance was measured on the
   * converted amount have no `convertedAmount` or `percentOfConverted`.
   */
  | { readonly type: 'OrderFxShortfallWrittenOff'; readonly data: { readonly orderId: string; readonly amount: number; readonly currency: string; readonly convertedAmount?: number; readonly percentOfConverted?: string; readonly percentOfTotal: string } }
  | { readonly type: 'OrderPaid'; readonly data: { readonly orderId: string; readonly accountId: string; readonly total: number; readonly paid: number; readonly currency: string } }
  /** Paid beyond the total: the difference goes to the account as prepaid credit (PrepaidCreditAdded). */
  | { readonly type: 'OrderOverpaid'; readonly data: { readonly orderId: string; readonly accountId: string; readonly amount: number; readonly currency: string } }
  | { readonly type: 'OrderReminderSent'; readonly data: { readonly orderId: string; readonly accountId: string; readonly reminder: number; readonly afterMinutes: number; readonly due: number; readonly currency: string } };

export const ORDER_EVENT_TYPES: readonly OrderEvent['type'][] = ['OrderCreated', 'OrderPaymentAdded', 'OrderPaymentCancelled', 'OrderFxShortfallWrittenOff', 'OrderPaid', 'OrderOverpaid', 'OrderReminderSent'];

export type OrderState =
  | { readonly status: 'none' }
  | {
      readonly status: 'open' | 'paid';
      readonly orderId: string;
      readonly accountId: string;
      readonly baseCurrency: string;
      readonly total: number;
      readonly createdAt?: string;
      readonly payments: Readonly<Record<string, OrderPayment & { readonly cancelled: boolean }>>;
      readonly remindersSent: number;
    };

export const orderStreamId = (orderId: string): string => `order-${orderId}`;
/** The prepaid credit's posting id on the account: one per order (a colon never occurs in typed ids). */
export const orderCreditId = (orderId: string): string => `order:${orderId}`;

export const activePayments = (s: Extract<OrderState, { payments: unknown }>): (OrderPayment & { cancelled: boolean })[] => Object.values(s.payments).filter((p) => !p.cancelled);
export const paidBase = (s: Extract<OrderState, { payments: unknown }>): number => activePayments(s).reduce((sum, p) => sum + p.baseAmount, 0);
