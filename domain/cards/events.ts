/** CreditCard: the card's lifecycle and nothing else. Never a card number or CVC: last-4, brand, expiry. */
export const CARD_REASONS = ['lost', 'stolen', 'damaged', 'expired', 'customer_request', 'issuer_request', 'suspicious_activity', 'credit_denied', 'other'] as const;
export type CardReason = (typeof CARD_REASONS)[number];
export const CHANNELS = ['agent', 'supervisor', 'system', 'batch'] as const;
export type Channel = (typeof CHANNELS)[number];
export const BRANDS = ['visa', 'mastercard', 'amex', 'discover', 'jcb', 'unionpay', 'other'] as const;
export type Brand = (typeof BRANDS)[number];
/** How a brand is written for people (the Cards panel writes them the same way): "Visa", "Mastercard", "Amex". */
export const BRAND_LABELS: Readonly<Record<Brand, string>> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'Amex', discover: 'Discover', jcb: 'JCB', unionpay: 'UnionPay', other: 'Other' };
export const brandLabel = (brand: string): string => BRAND_LABELS[brand as Brand] ?? brand;
export type CardStatus = 'issued' | 'active' | 'suspended' | 'lost' | 'stolen' | 'expired' | 'closed';
export const FINAL_STATUSES: readonly CardStatus[] = ['lost', 'stolen', 'expired', 'closed'];

interface Change {
  readonly cardId: string;
  readonly channel: Channel;
  readonly reason: CardReason;
  readonly note?: string;
}

export type CardEvent =
  | {
      readonly type: 'CardIssued';
      readonly data: { readonly cardId: string; readonly accountId: string; readonly holderName: string; readonly last4: string; readonly brand: Brand; readonly expiryMonth: number; readonly expiryYear: number; readonly channel: Channel; readonly replaces?: string };
    }
  | { readonly type: 'CardActivated'; readonly data: { readonly cardId: string; readonly channel: Channel } }
  | { readonly type: 'CardDeactivated'; readonly data: Change }
  | { readonly type: 'CardReactivated'; readonly data: { readonly cardId: string; readonly channel: Channel; readonly note?: string } }
  | { readonly type: 'CardReportedLost'; readonly data: Change }
  | { readonly type: 'CardReportedStolen'; readonly data: Change }
  | { readonly type: 'CardExpired'; readonly data: Change }
  | { readonly type: 'CardClosed'; readonly data: Change }
  | { readonly type: 'CardReissued'; readonly data: { readonly cardId: string; readonly newCardId: string; readonly channel: Channel } };

export const CARD_EVENT_TYPES: readonly CardEvent['type'][] = ['CardIssued', 'CardActivated', 'CardDeactivated', 'CardReactivated', 'CardReportedLost', 'CardReportedStolen', 'CardExpired', 'CardClosed', 'CardReissued'];

export interface CardFacts {
  readonly cardId: string;
  readonly accountId: string;
  readonly holderName: string;
  readonly last4: string;
  readonly brand: Brand;
  readonly expiryMonth: number;
  readonly expiryYear: number;
  readonly replaces?: string;
  readonly replacedBy?: string;
}

export type CardState =
  | { readonly status: 'none' }
  | (CardFacts & {
      readonly status: CardStatus;
      /** The last status change: what, when, by whom and why, for refusals an agent can repeat. */
      readonly since: { readonly at?: string; readonly by?: string; readonly reason?: CardReason; readonly channel: Channel };
    });

export const cardStreamId = (cardId: string): string => `card-${cardId}`;
