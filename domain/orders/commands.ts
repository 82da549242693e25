/** CreateOrder, AddOrderPayment, CancelOrderPayment (agents and supervisors), as clients send them; the reminder sweep. */
import { z } from 'zod';
import { defineCommand, type CommandEnv } from '../backend/commandDef.js';
import { handleWork, type Handled } from '../commandHandler.js';
import { accountDecider } from '../accounts/decider.js';
import { accountStreamId } from '../accounts/events.js';
import { fold, isRefusal, type Refusal } from '../decider.js';
import type { EventMetadata } from '../eventstore/types.js';
import { amount, currency, entityId, nonNegativeMinor } from '../shared/schemas.js';
import { freeText, oneLine, withoutCardNumber } from '../shared/text.js';
import { readSettings } from '../settings/projection.js';
import { runUnitOfWork, type UnitOfWork } from '../unitOfWork.js';
import type { CardOpsStore } from '../backend/store.js';
import { orderDecider, type OrderCommand } from './decider.js';
import { orderStreamId, PAYMENT_METHODS, paidBase, type OrderEvent } from './events.js';
import { FX_RATE_RE } from './fx.js';
import { openOrdersForReminders } from './queries.js';
import { reactToOrder } from './reactions.js';

const STAFF = ['agent', 'supervisor'] as const;
const orderId = entityId('order');
const paymentId = entityId('payment');
const line = z.strictObject({
  description: oneLine(200),
  quantity: z.number({ message: 'must be a whole number' }).int('must be a whole number').min(1, 'at least 1').max(1_000_000, 'at most 1,000,000'),
  unitPrice: nonNegativeMinor,
});
export const fxRate = withoutCardNumber(z.string().trim().regex(FX_RATE_RE, 'must be a decimal number such as 1.0853 (digits and one point, at most 12 decimals)'));
export const paymentMethod = z.enum(PAYMENT_METHODS, { message: `must be one of ${PAYMENT_METHODS.join(', ')}` });

/** Decides an order command and what it sets off (an overpayment credits the account). */
export async function decideOrder(uow: UnitOfWork, command: OrderCommand, causedBy?: string): Promise<Refusal | void> {
  const decided = await uow.decide(orderStreamId(command.orderId), orderDecider, command, causedBy);
  if (isRefusal(decided)) return decided;
  const reacted = await reactToOrder(uow, decided);
  if (isRefusal(reacted)) return reacted;
}

const run = (env: CommandEnv, id: string, work: (uow: UnitOfWork) => Promise<Refusal | void>): Promise<Handled> => handleWork(env.store, orderStreamId(id), env, work);

export const orderCommands = {
  CreateOrder: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('CreateOrder'), orderId, accountId: entityId('account'), baseCurrency: currency, lines: z.array(line).min(1, 'an order needs at least one line').max(200, 'at most 200 lines'), total: amount }),
    handle: (env, c) =>
      run(env, c.orderId, async (uow) => {
        const account = await uow.load(accountStreamId(c.accountId), accountDecider);
        return decideOrder(uow, { ...c, account: account.status === 'none' ? null : { currency: account.currency, status: account.status } });
      }),
  }),
  AddOrderPayment: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('AddOrderPayment'), orderId, paymentId, method: paymentMethod, amount, currency, fxRate: fxRate.optional() }),
    handle: (env, c) => run(env, c.orderId, (uow) => decideOrder(uow, c)),
  }),
  CancelOrderPayment: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('CancelOrderPayment'), orderId, paymentId, reason: freeText(500) }),
    handle: (env, c) => run(env, c.orderId, (uow) => decideOrder(uow, c)),
  }),
};

export interface PaymentQuote {
  readonly fxRate: string | null;
  readonly exactBaseAmount: string;
  readonly baseAmount: number;
  readonly baseCurrency: string;
  readonly dueBefore: number;
  /** What would still be due after this payment (0 when it settles the order). */
  readonly dueAfter: number;
  readonly outcome: 'part_paid' | 'paid' | 'paid_with_fx_write_off' | 'overpaid';
  readonly writeOff: number;
  readonly credit: number;
}

/** What a payment would do, decided by the same rules as AddOrderPayment, writing nothing: the dialog shows it before saving. */
export async function quotePayment(store: CardOpsStore, p: { orderId: string; method: (typeof PAYMENT_METHODS)[number]; amount: number; currency: string; fxRate?: string }): Promise<{ ok: true; value: PaymentQuote } | { ok: false; refusal: Refusal }> {
  const { events } = await store.readStream(orderStreamId(p.orderId));
  const state = fold(orderDecider, events.map((e) => ({ type: e.type, data: e.data, at: e.recordedAt }) as OrderEvent));
  const d = orderDecider.decide({ type: 'AddOrderPayment', orderId: p.orderId, paymentId: '__quote__', method: p.method, amount: p.amount, currency: p.currency, ...(p.fxRate !== undefined ? { fxRate: p.fxRate } : {}) }, state);
  if (isRefusal(d)) return { ok: false, refusal: d };
  if (state.status === 'none') throw new Error('unreachable: an order that does not exist is refused');
  const added = d.find((e) => e.type === 'OrderPaymentAdded') as Extract<OrderEvent, { type: 'OrderPaymentAdded' }>;
  const writeOff = d.find((e) => e.type === 'OrderFxShortfallWrittenOff') as Extract<OrderEvent, { type: 'OrderFxShortfallWrittenOff' }> | undefined;
  const over = d.find((e) => e.type === 'OrderOverpaid') as Extract<OrderEvent, { type: 'OrderOverpaid' }> | undefined;
  const paid = d.some((e) => e.type === 'OrderPaid');
  const dueBefore = state.total - paidBase(state);
  return {
    ok: true,
    value: {
      fxRate: added.data.fxRate,
      exactBaseAmount: added.data.exactBaseAmount,
      baseAmount: added.data.baseAmount,
      baseCurrency: state.baseCurrency,
      dueBefore,
      dueAfter: paid ? 0 : dueBefore - added.data.baseAmount,
      outcome: over ? 'overpaid' : writeOff ? 'paid_with_fx_write_off' : paid ? 'paid' : 'part_paid',
      writeOff: writeOff?.data.amount ?? 0,
      credit: over?.data.amount ?? 0,
    },
  };
}

/**
 * Sends every reminder that is due now (Settings.orderReminders, default 1 hour then 1 day after
 * the order was created) for orders not yet paid, in one unit of work: each OrderReminderSent
 * goes to the outbox (`order.payment_reminder`) in the same transaction.
 */
export async function sendDueOrderReminders(store: CardOpsStore, now: string, metadata: EventMetadata): Promise<{ sent: number }> {
  const { afterMinutes } = await store.read((sql) => readSettings(sql).orderReminders);
  if (!afterMinutes.length) return { sent: 0 };
  const first = afterMinutes[0]!;
  const candidates = (await store.read((sql) => openOrdersForReminders(sql, afterMinutes.length))).filter((o) => Date.parse(o.createdAt) + first * 60_000 <= Date.parse(now));
  if (!candidates.length) return { sent: 0 };
  const r = await runUnitOfWork(store, metadata, async (uow) => {
    for (const o of candidates) {
      const d = await uow.decide(orderStreamId(o.orderId), orderDecider, { type: 'SendOrderReminder', orderId: o.orderId, now, afterMinutes });
      if (isRefusal(d)) return d;
    }
  });
  return { sent: r.ok ? r.events.length : 0 };
}
