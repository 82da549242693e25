import { assertNever, refuse, type Decider, type Decision } from '../decider.js';
import { formatMoney } from '../shared/money.js';
import { convert, isPositiveRate, percentOf, withinFxTolerance } from './fx.js';
import { activePayments, paidBase, type OrderEvent, type OrderLine, type OrderState, type PaymentMethod } from './events.js';

export type OrderCommand =
  | {
      readonly type: 'CreateOrder';
      readonly orderId: string;
      readonly accountId: string;
      readonly baseCurrency: string;
      readonly lines: readonly OrderLine[];
      readonly total: number;
      /** The account as it is now; null when there is none. */
      readonly account: { readonly currency: string; readonly status: string } | null;
    }
  | { readonly type: 'AddOrderPayment'; readonly orderId: string; readonly paymentId: string; readonly method: PaymentMethod; readonly amount: number; readonly currency: string; readonly fxRate?: string }
  | { readonly type: 'CancelOrderPayment'; readonly orderId: string; readonly paymentId: string; readonly reason: string }
  /** `afterMinutes`: Settings.orderReminders; `now`: the clock. */
  | { readonly type: 'SendOrderReminder'; readonly orderId: string; readonly now: string; readonly afterMinutes: readonly number[] };

export const initialState = (): OrderState => ({ status: 'none' });

export function evolve(state: OrderState, event: OrderEvent): OrderState {
  const { at } = event as { at?: string };
  if (event.type === 'OrderCreated') {
    const d = event.data;
    return { status: 'open', orderId: d.orderId, accountId: d.accountId, baseCurrency: d.baseCurrency, total: d.total, ...(at ? { createdAt: at } : {}), payments: {}, remindersSent: 0 };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'OrderPaymentAdded': {
      const { orderId: _o, ...p } = event.data;
      return { ...state, payments: { ...state.payments, [p.paymentId]: { ...p, cancelled: false } } };
    }
    case 'OrderPaymentCancelled': {
      const p = state.payments[event.data.paymentId];
      return p ? { ...state, payments: { ...state.payments, [p.paymentId]: { ...p, cancelled: true } } } : state;
    }
    case 'OrderPaid':
      return { ...state, status: 'paid' };
    case 'OrderFxShortfallWrittenOff':
    case 'OrderOverpaid':
      return state;
    case 'OrderReminderSent':
      return { ...state, remindersSent: event.data.reminder };
    default:
      return assertNever(event);
  }
}

const money = (amount: number, currency: string): string => formatMoney({ amount, currency });

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const tooLarge = (what: string, currency: string) =>
  refuse('AMOUNT_TOO_LARGE', `${what} more than ${money(Number.MAX_SAFE_INTEGER, currency)}, the largest amount kept exactly: split the order or check the amounts`);

/** Paid when the payments reach the total; a shortfall of at most 0.5% of the converted payments' base amounts is written off; beyond the total is overpaid. */
function settle(state: Extract<OrderState, { payments: unknown }>): OrderEvent[] {
  const paid = paidBase(state);
  const { orderId, accountId, total, baseCurrency: currency } = state;
  const paidEvent: OrderEvent = { type: 'OrderPaid', data: { orderId, accountId, total, paid, currency } };
  if (paid > total) return [paidEvent, { type: 'OrderOverpaid', data: { orderId, accountId, amount: paid - total, currency } }];
  if (paid === total) return [paidEvent];
  // The tolerance covers what a conversion could have cost: the payments that were converted, not the whole order.
  const converted = activePayments(state).reduce((sum, p) => sum + (p.fxRate !== null ? p.baseAmount : 0), 0);
  const shortfall = total - paid;
  if (withinFxTolerance(shortfall, converted)) {
    return [{ type: 'OrderFxShortfallWrittenOff', data: { orderId, amount: shortfall, currency, convertedAmount: converted, percentOfConverted: percentOf(shortfall, converted), percentOfTotal: percentOf(shortfall, total) } }, paidEvent];
  }
  return [];
}

export function decide(command: OrderCommand, state: OrderState): Decision<OrderEvent> {
  const c = command;
  if (c.type === 'CreateOrder') {
    if (state.status !== 'none') {
      if (state.accountId === c.accountId && state.total === c.total && state.baseCurrency === c.baseCurrency) return [];
      return refuse('ORDER_EXISTS', `order ${c.orderId} already exists for account ${state.accountId}: choose another order id`);
    }
    if (!c.account) return refuse('ACCOUNT_NOT_FOUND', `there is no account ${c.accountId}: check the account id`);
    if (c.account.status === 'closed') return refuse('ACCOUNT_CLOSED', `account ${c.accountId} is closed: it takes no new orders`);
    if (c.account.currency !== c.baseCurrency) return refuse('CURRENCY_MISMATCH', `account ${c.accountId} is in ${c.account.currency}: the order's base currency must be ${c.account.currency}, so an overpayment can be kept as credit`);
    if (!c.lines.length) return refuse('ORDER_EMPTY', 'an order needs at least one line');
    // Exact: BigInt products, and no line or sum beyond the largest safe integer.
    let big = 0n;
    for (const [i, l] of c.lines.entries()) {
      const net = BigInt(l.quantity) * BigInt(l.unitPrice);
      if (net > MAX) return tooLarge(`line ${i + 1} (${l.quantity} × ${money(l.unitPrice, c.baseCurrency)}) comes to`, c.baseCurrency);
      big += net;
    }
    if (big > MAX) return tooLarge('the lines add up to', c.baseCurrency);
    const sum = Number(big);
    if (sum !== c.total) return refuse('ORDER_TOTAL_MISMATCH', `the lines add up to ${money(sum, c.baseCurrency)}, not the total of ${money(c.total, c.baseCurrency)}: correct the lines or the total`);
    if (c.total <= 0) return refuse('INVALID_AMOUNT', 'the order total must be more than zero');
    return [{ type: 'OrderCreated', data: { orderId: c.orderId, accountId: c.accountId, baseCurrency: c.baseCurrency, lines: c.lines, total: c.total } }];
  }
  if (state.status === 'none') return refuse('ORDER_NOT_FOUND', `there is no order ${c.orderId}: check the order id`);
  const base = state.baseCurrency;
  switch (c.type) {
    case 'AddOrderPayment': {
      const known = state.payments[c.paymentId];
      if (known) {
        if (known.amount === c.amount && known.currency === c.currency && known.method === c.method) return []; // idempotent by payment id
        return refuse('PAYMENT_ID_TAKEN', `payment ${c.paymentId} is already on order ${c.orderId} for ${money(known.amount, known.currency)}: a different payment needs a new payment id`);
      }
      if (state.status === 'paid') return refuse('ORDER_PAID', `order ${c.orderId} is already paid: no more payments are needed`);
      if (c.amount <= 0) return refuse('INVALID_AMOUNT', `the payment must be more than zero (got ${c.amount})`);
      let conversion: { fxRate: string | null; exactBaseAmount: string; baseAmount: number };
      if (c.currency === base) {
        if (c.fxRate !== undefined && !(isPositiveRate(c.fxRate) && convert(1, base, base, c.fxRate).exactBaseAmount === '1'))
          return refuse('FX_RATE_NOT_ALLOWED', `the payment is in the order's base currency ${base}: leave the exchange rate out`);
        conversion = { fxRate: null, exactBaseAmount: String(c.amount), baseAmount: c.amount };
      } else {
        if (c.fxRate === undefined) return refuse('FX_RATE_REQUIRED', `the payment is in ${c.currency} and the order in ${base}: give the exchange rate it was taken at (1 ${c.currency} = ? ${base})`);
        if (!isPositiveRate(c.fxRate)) return refuse('INVALID_FX_RATE', `exchange rate "${c.fxRate}" is not valid: write it as a decimal number above zero, such as 1.0853`);
        conversion = convert(c.amount, c.currency, base, c.fxRate);
        if (conversion.baseAmount <= 0) return refuse('INVALID_AMOUNT', `${money(c.amount, c.currency)} at ${c.fxRate} is less than ${money(1, base)}: the payment is too small to count`);
      }
      if (!Number.isSafeInteger(conversion.baseAmount)) return tooLarge(`the payment of ${money(c.amount, c.currency)} at ${c.fxRate ?? '1'} comes to`, base);
      if (!Number.isSafeInteger(paidBase(state) + conversion.baseAmount)) return tooLarge(`the payments of order ${c.orderId} would add up to`, base);
      const added: OrderEvent = { type: 'OrderPaymentAdded', data: { orderId: c.orderId, paymentId: c.paymentId, method: c.method, amount: c.amount, currency: c.currency, ...conversion, rounding: 'half_even' } };
      const next = evolve(state, added);
      return next.status === 'none' ? [added] : [added, ...settle(next)];
    }
    case 'CancelOrderPayment': {
      const p = state.payments[c.paymentId];
      if (!p) return refuse('PAYMENT_NOT_FOUND', `order ${c.orderId} has no payment ${c.paymentId}: check the payment id`);
      if (p.cancelled) return [];
      if (state.status === 'paid') return refuse('ORDER_PAID', `order ${c.orderId} is paid: a payment can no longer be cancelled; refund the customer instead`);
      return [{ type: 'OrderPaymentCancelled', data: { orderId: c.orderId, paymentId: c.paymentId, baseAmount: p.baseAmount, reason: c.reason } }];
    }
    case 'SendOrderReminder': {
      if (state.status !== 'open' || !state.createdAt) return [];
      const created = Date.parse(state.createdAt);
      const now = Date.parse(c.now);
      // The latest reminder that is due and not yet sent (after a long pause, one reminder, not a burst).
      let due = -1;
      c.afterMinutes.forEach((m, i) => {
        if (i >= state.remindersSent && created + m * 60_000 <= now) due = i;
      });
      if (due < 0) return [];
      return [{ type: 'OrderReminderSent', data: { orderId: c.orderId, accountId: state.accountId, reminder: due + 1, afterMinutes: c.afterMinutes[due]!, due: state.total - paidBase(state), currency: base } }];
    }
    default:
      return assertNever(c);
  }
}

export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = { decide, evolve, initialState };
