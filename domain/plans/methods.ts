/** The payment method as a plan sees it, folded from its own stream inside the unit of work. */
import { paymentMethodDecider } from '../paymentmethods/decider.js';
import { paymentMethodStreamId } from '../paymentmethods/events.js';
import type { UnitOfWork } from '../unitOfWork.js';
import type { MethodView } from './text.js';

export async function methodView(uow: UnitOfWork, methodId: string): Promise<MethodView | null> {
  const m = await uow.load(paymentMethodStreamId(methodId), paymentMethodDecider);
  if (m.status === 'none') return null;
  return { methodId: m.methodId, accountId: m.accountId, status: m.status, brand: m.brand, last4: m.last4, expiryMonth: m.expiryMonth, expiryYear: m.expiryYear };
}
