/** CreditCard: the card's lifecycle and nothing else. Never a card number or CVC: last-4, brand, expiry. */
/** The reason codes of a suspension or a closure (DeactivateCard, CloseCard). */
export const CARD_REASONS = ['lost', 'stolen', 'damaged', 'expired', 'customer_request', 'issuer_request', 'suspicious_activity', 'credit_denied', 'other'] as const;
/** Every card change carries a reason code: these are the ones an activation, a reactivation and a reissue allow. */
export const ACTIVATE_REASONS = ['card_received', 'customer_request', 'issuer_request', 'other'] as const;
export const REACTIVATE_REASONS = ['customer_request', 'issue_resolved', 'credit_approved', 'issuer_request', 'other'] as const;
export const REISSUE_REASONS = ['lost', 'stolen', 'damaged', 'expired', 'customer_request', 'issuer_request', 'suspicious_activity', 'other'] as const;
export type ChangeReason = (typeof CARD_REASONS)[number];
export type ActivateReason = (typeof ACTIVATE_REASONS)[number];
export type ReactivateReason = (typeof REACTIVATE_REASONS)[number];
export type ReissueReason = (typeof REISSUE_REASONS)[number];
/** `account_closed`: set by the system when CloseAccount closes the account's live cards. */
export type CardReason = ChangeReason | ActivateReason | ReactivateReason | ReissueReason | 'account_closed';
/** The card statuses that can still change (not final): the account's live cards. */
export const LIVE_STATUSES = ['issued', 'active', 'suspended'] as const;

/** Valid through the last day of its expiry month: expired from the first day of the month after. `today` is YYYY-MM-DD. */
export const expiredBy = (card: { readonly expiryMonth: number; readonly expiryYear: number }, today: string): boolean =>
  card.expiryYear * 12 + card.expiryMonth < Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7));
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
  /** `reason`: absent on events stored before every change carried one. */
  | { readonly type: 'CardActivated'; readonly data: { readonly cardId: string; readonly channel: Channel; readonly reason?: ActivateReason; readonly note?: string } }
  | { readonly type: 'CardDeactivated'; readonly data: Change }
  | { readonly type: 'CardReactivated'; readonly data: { readonly cardId: string; readonly channel: Channel; readonly reason?: ReactivateReason; readonly note?: string } }
  | { readonly type: 'CardReportedLost'; readonly data: Change }
  | { readonly type: 'CardReportedStolen'; readonly data: Change }
  | { readonly type: 'CardExpired'; readonly data: Change }
  | { readonly type: 'CardClosed'; readonly data: Change }
  | { readonly type: 'CardReissued'; readonly data: { readonly cardId: string; readonly newCardId: string; readonly channel: Channel; readonly reason?: ReissueReason; readonly note?: string } };

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
