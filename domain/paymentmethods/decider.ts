import { assertNever, refuse, type Decider, type Decision } from '../decider.js';
import { expiredOn, expiryText, type MethodFacts, type PaymentMethodEvent, type PaymentMethodState } from './events.js';

export type PaymentMethodCommand =
  /** `today` ("YYYY-MM-DD") comes from the clock: a card already expired is refused. */
  | ({ readonly type: 'AddPaymentMethod'; readonly today: string } & MethodFacts)
  | { readonly type: 'RemovePaymentMethod'; readonly methodId: string; readonly reason: string };

const initialState = (): PaymentMethodState => ({ status: 'none' });

function evolve(s: PaymentMethodState, e: PaymentMethodEvent): PaymentMethodState {
  switch (e.type) {
    case 'PaymentMethodAdded':
      return { ...e.data, status: 'active' };
    case 'PaymentMethodRemoved':
      return s.status === 'none' ? s : { ...s, status: 'removed' };
    default:
      return assertNever(e);
  }
}

function decide(c: PaymentMethodCommand, s: PaymentMethodState): Decision<PaymentMethodEvent> {
  switch (c.type) {
    case 'AddPaymentMethod': {
      const { type: _t, today, ...facts } = c;
      if (s.status !== 'none') {
        if (s.token === c.token && s.accountId === c.accountId) return [];
        return refuse('METHOD_EXISTS', `payment method ${c.methodId} already exists (${s.brand} ending ${s.last4}): choose another method id`);
      }
      if (expiredOn(c, today)) return refuse('METHOD_EXPIRED', `the ${c.brand} card ending ${c.last4} expired at the end of ${expiryText(c)}: ask the customer for a card that is still valid`);
      return [{ type: 'PaymentMethodAdded', data: facts }];
    }
    case 'RemovePaymentMethod':
      if (s.status === 'none') return refuse('METHOD_NOT_FOUND', `there is no payment method ${c.methodId}: check the method id on the account`);
      if (s.status === 'removed') return [];
      return [{ type: 'PaymentMethodRemoved', data: { methodId: c.methodId, accountId: s.accountId, reason: c.reason } }];
    default:
      return assertNever(c);
  }
}

export const paymentMethodDecider: Decider<PaymentMethodCommand, PaymentMethodEvent, PaymentMethodState> = { decide, evolve, initialState };
