/**
 * PaymentMethod: a tokenised card the customer pays with. Never the card number, never the CVC:
 * the processor's token, the holder's name, brand, last-4 and expiry. `cardId` links a method
 * to one of our own cards when it stands for one, so a lost or stolen card's plans can be found.
 */
import type { Brand } from '../cards/events.js';

export interface MethodFacts {
  readonly methodId: string;
  readonly accountId: string;
  readonly token: string;
  readonly holderName: string;
  readonly brand: Brand;
  readonly last4: string;
  readonly expiryMonth: number;
  readonly expiryYear: number;
  readonly cardId?: string;
}

export type PaymentMethodEvent =
  | { readonly type: 'PaymentMethodAdded'; readonly data: MethodFacts }
  | { readonly type: 'PaymentMethodRemoved'; readonly data: { readonly methodId: string; readonly accountId: string; readonly reason: string } };

export const PAYMENT_METHOD_EVENT_TYPES: readonly PaymentMethodEvent['type'][] = ['PaymentMethodAdded', 'PaymentMethodRemoved'];

export type PaymentMethodState = { readonly status: 'none' } | (MethodFacts & { readonly status: 'active' | 'removed' });

export const paymentMethodStreamId = (methodId: string): string => `paymentmethod-${methodId}`;

/** "YYYY-MM-DD" of the last day a card with this expiry can be charged (cards expire at the end of their month). */
export function lastValidDay(expiryMonth: number, expiryYear: number): string {
  const last = new Date(Date.UTC(expiryYear, expiryMonth, 0)).getUTCDate();
  return `${expiryYear}-${String(expiryMonth).padStart(2, '0')}-${String(last).padStart(2, '0')}`;
}

/** Whether the method can no longer be charged on `date` ("YYYY-MM-DD"). */
export const expiredOn = (m: { expiryMonth: number; expiryYear: number }, date: string): boolean => date > lastValidDay(m.expiryMonth, m.expiryYear);

export const expiryText = (m: { expiryMonth: number; expiryYear: number }): string => `${String(m.expiryMonth).padStart(2, '0')}/${m.expiryYear}`;
