/**
 * Account: the balance and credit limit, in integer minor units of one ISO 4217 currency.
 * balance < 0 means the customer owes; available credit = limit + balance.
 * Every posting is its own event type and carries its business id.
 */
export type AccountStatus = 'open' | 'frozen' | 'closed';

export interface PendingAuthorization {
  readonly authorizationId: string;
  readonly chargeId: string;
  readonly amount: number;
  readonly description: string;
}

export type AccountEvent =
  | { readonly type: 'AccountOpened'; readonly data: { readonly accountId: string; readonly holderName: string; readonly currency: string; readonly creditLimit: number } }
  | { readonly type: 'DepositReceived'; readonly data: { readonly accountId: string; readonly depositId: string; readonly amount: number; readonly currency: string } }
  | { readonly type: 'TransferSent'; readonly data: { readonly accountId: string; readonly transferId: string; readonly toAccountId: string; readonly amount: number; readonly currency: string } }
  | { readonly type: 'TransferReceived'; readonly data: { readonly accountId: string; readonly transferId: string; readonly fromAccountId: string; readonly amount: number; readonly currency: string } }
  | {
      readonly type: 'ChargePosted';
      readonly data: { readonly accountId: string; readonly chargeId: string; readonly amount: number; readonly currency: string; readonly description: string; readonly authorizationId?: string };
    }
  | {
      readonly type: 'CreditAuthorizationRequired';
      readonly data: PendingAuthorization & { readonly accountId: string; readonly currency: string; readonly availableCredit: number; readonly overdraft: number };
    }
  | { readonly type: 'AccountFrozen'; readonly data: { readonly accountId: string; readonly authorizationId: string } }
  | { readonly type: 'AccountUnfrozen'; readonly data: { readonly accountId: string; readonly authorizationId: string; readonly outcome: 'approved' | 'denied' } }
  | { readonly type: 'AccountClosed'; readonly data: { readonly accountId: string; readonly reason: string } }
  /** A refund of one of the account's charges (domain/refunds), credited as its own posting. */
  | { readonly type: 'RefundPosted'; readonly data: { readonly accountId: string; readonly refundId: string; readonly chargeId: string; readonly amount: number; readonly currency: string; readonly reason: string } }
  /** Prepaid credit (an order's overpayment, domain/orders): it raises the balance and is spent by later charges first. */
  | { readonly type: 'PrepaidCreditAdded'; readonly data: { readonly accountId: string; readonly creditId: string; readonly source: string; readonly amount: number; readonly currency: string } }
  /** The part of a charge that the prepaid credit paid: the charge uses the credit before anything else. */
  | { readonly type: 'PrepaidCreditApplied'; readonly data: { readonly accountId: string; readonly chargeId: string; readonly amount: number; readonly currency: string; readonly remaining: number } };

export const ACCOUNT_EVENT_TYPES: readonly AccountEvent['type'][] = [
  'AccountOpened',
  'DepositReceived',
  'TransferSent',
  'TransferReceived',
  'ChargePosted',
  'CreditAuthorizationRequired',
  'AccountFrozen',
  'AccountUnfrozen',
  'AccountClosed',
  'RefundPosted',
  'PrepaidCreditAdded',
  'PrepaidCreditApplied',
];

/** The kinds of posting, as the messages name them. */
export type PostingKind = 'deposit' | 'transfer_out' | 'transfer_in' | 'charge' | 'refund' | 'prepaid_credit';

/** What holds a posting id: enough to tell a repeat of the same posting from another use of the id. */
export interface PostingRecord {
  readonly kind: PostingKind;
  readonly amount: number;
  /** The other account of a transfer. */
  readonly counterparty?: string;
  /** When it was recorded (known for stored events). */
  readonly at?: string;
}

/** Posting ids the state knows of. A full fold knows all; a batch loader may know only those its commands ask about. */
export interface PostingIds {
  has(id: string): boolean;
  get(id: string): PostingRecord | undefined;
}

export type AccountState =
  | { readonly status: 'none' }
  | {
      readonly status: AccountStatus;
      readonly accountId: string;
      readonly holderName: string;
      readonly currency: string;
      readonly creditLimit: number;
      readonly balance: number;
      readonly pending: PendingAuthorization | null;
      /** Authorisations denied so far: an account with none is in good standing. */
      readonly deniedCount: number;
      readonly postings: PostingIds;
      /** Prepaid credit not yet spent by a charge (absent: none). */
      readonly prepaidCredit?: number;
      readonly closedAt?: string;
      readonly closedBy?: string;
    };

export const accountStreamId = (accountId: string): string => `account-${accountId}`;
export const availableCredit = (s: { creditLimit: number; balance: number }): number => s.creditLimit + s.balance;

/** A charge's authorisation id: charge ids are unique per account only, so the account is part of it. */
export const authorizationIdFor = (accountId: string, chargeId: string): string => `${accountId}-${chargeId}`;

/** A refund's posting id: the colon keeps it apart from every id people type (entity ids have none). */
export const refundPostingId = (refundId: string): string => `refund:${refundId}`;
