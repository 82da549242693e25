/**
 * What an order's events set off, in the same unit of work: an overpayment becomes prepaid
 * credit on the account (its own event, PrepaidCreditAdded, usable by later charges).
 */
import { accountDecider } from '../accounts/decider.js';
import { accountStreamId, type AccountEvent } from '../accounts/events.js';
import { isRefusal, type Refusal } from '../decider.js';
import type { UnitOfWork } from '../unitOfWork.js';
import { orderCreditId, type OrderEvent } from './events.js';

export async function reactToOrder(uow: UnitOfWork, events: readonly (OrderEvent & { eventId: string })[]): Promise<Refusal | (AccountEvent & { eventId: string })[]> {
  const out: (AccountEvent & { eventId: string })[] = [];
  for (const e of events) {
    if (e.type !== 'OrderOverpaid') continue;
    const d = e.data;
    const credited = await uow.decide(
      accountStreamId(d.accountId),
      accountDecider,
      { type: 'AddPrepaidCredit', accountId: d.accountId, creditId: orderCreditId(d.orderId), source: `overpayment of order ${d.orderId}`, amount: d.amount, currency: d.currency },
      e.eventId,
    );
    if (isRefusal(credited)) return credited;
    out.push(...credited);
  }
  return out;
}
