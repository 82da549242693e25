/** CreditAuthorization: opened when a charge goes beyond the available credit; decided by policy or by a supervisor. */
export interface CreditPolicy {
  /** Approve at once when the overdraft is at most this (minor units) and the account is in good standing. */
  readonly autoApproveMaxOverdraft: number;
  /** Deny at once when the overdraft is over this (minor units). In between: manual review. */
  readonly autoDenyOverOverdraft: number;
}

export interface AuthorizationFacts {
  readonly authorizationId: string;
  readonly accountId: string;
  readonly chargeId: string;
  readonly amount: number;
  readonly currency: string;
  readonly overdraft: number;
  readonly description: string;
}

export type DecidedBy = 'policy' | 'supervisor';

export type AuthorizationEvent =
  | { readonly type: 'CreditAuthorizationOpened'; readonly data: AuthorizationFacts & { readonly goodStanding: boolean } }
  | { readonly type: 'CreditApproved'; readonly data: { readonly authorizationId: string; readonly accountId: string; readonly decidedBy: DecidedBy; readonly note?: string } }
  | { readonly type: 'CreditDenied'; readonly data: { readonly authorizationId: string; readonly accountId: string; readonly decidedBy: DecidedBy; readonly note?: string } }
  | { readonly type: 'CreditSentToReview'; readonly data: { readonly authorizationId: string; readonly accountId: string; readonly reason: string } };

export const AUTHORIZATION_EVENT_TYPES: readonly AuthorizationEvent['type'][] = ['CreditAuthorizationOpened', 'CreditApproved', 'CreditDenied', 'CreditSentToReview'];

export type AuthorizationStatus = 'pending_review' | 'approved' | 'denied';

export type AuthorizationState =
  | { readonly status: 'none' }
  | (AuthorizationFacts & { readonly status: 'opened' | AuthorizationStatus; readonly decidedAt?: string; readonly decidedBy?: string });

export const authorizationStreamId = (authorizationId: string): string => `authorization-${authorizationId}`;
