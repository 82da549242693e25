/**
 * PaymentPlan: a recurring charge of an account, paid with one of its payment methods. Its
 * failsafes (see DOMAIN.md, aggregate 7): one charge per plan, subscription cycle and period at
 * most (both are part of the charge id); no charge after cancellation; a re-subscription starts
 * a new cycle, so it charges again; a notice before each renewal; a grace period with retries
 * after a decline, then `lapsed`.
 */
export type PlanStatus = 'active' | 'past_due' | 'lapsed' | 'cancelled';
export const PLAN_STATUSES: readonly PlanStatus[] = ['active', 'past_due', 'lapsed', 'cancelled'];
export const PLAN_INTERVALS = ['monthly'] as const;
export type PlanInterval = (typeof PLAN_INTERVALS)[number];

export interface PlanFacts {
  readonly planId: string;
  readonly accountId: string;
  readonly methodId: string;
  readonly amount: number;
  readonly currency: string;
  readonly interval: PlanInterval;
  readonly startDate: string;
}

interface PlanRef {
  readonly planId: string;
  readonly accountId: string;
}

/** A charge the plan tries: the period (YYYY-MM of its renewal date) and the cycle are in its id. */
export interface ChargeRef {
  readonly cycle: number;
  readonly period: string;
  readonly dueDate: string;
  readonly chargeId: string;
  /** The gateway's idempotency key: the same for every try of one attempt (a timeout is retried with it). */
  readonly idempotencyKey: string;
  readonly attempt: number;
}

export type PlanEvent =
  | { readonly type: 'PaymentPlanCreated'; readonly data: PlanFacts & { readonly nextDueDate: string } }
  | { readonly type: 'PaymentPlanCancelled'; readonly data: PlanRef & { readonly reason: string; readonly refund?: { readonly refundId: string; readonly chargeId: string; readonly amount: number; readonly currency: string } } }
  | { readonly type: 'PaymentPlanResubscribed'; readonly data: PlanRef & { readonly cycle: number; readonly nextDueDate: string } }
  | {
      readonly type: 'RenewalNoticeSent';
      readonly data: PlanRef & { readonly cycle: number; readonly period: string; readonly dueDate: string; readonly amount: number; readonly currency: string; readonly methodId: string; readonly methodExpired: boolean; readonly text: string };
    }
  | { readonly type: 'PlanChargeSucceeded'; readonly data: PlanRef & ChargeRef & { readonly amount: number; readonly currency: string; readonly gatewayRef: string; readonly nextDueDate: string } }
  | {
      readonly type: 'PlanChargeDeclined';
      readonly data: PlanRef &
        ChargeRef & { readonly amount: number; readonly currency: string; readonly code: string; readonly retryable: boolean; readonly nextRetryDate: string | null; readonly graceEndsOn: string; readonly payLink: string; readonly text: string };
    }
  /** The gateway did not answer, even after retries with the same idempotency key: the next run tries that key again. */
  | { readonly type: 'PlanChargeTimedOut'; readonly data: PlanRef & ChargeRef & { readonly tries: number } }
  | { readonly type: 'PaymentPlanLapsed'; readonly data: PlanRef & { readonly period: string; readonly chargeId: string; readonly reason: string; readonly payLink: string; readonly text: string } }
  | { readonly type: 'PaymentPlanFlagged'; readonly data: PlanRef & { readonly methodId: string; readonly cardId: string; readonly newCardId: string; readonly reason: string } }
  | { readonly type: 'PaymentPlanRepointed'; readonly data: PlanRef & { readonly fromMethodId: string; readonly methodId: string } };

export const PLAN_EVENT_TYPES: readonly PlanEvent['type'][] = [
  'PaymentPlanCreated',
  'PaymentPlanCancelled',
  'PaymentPlanResubscribed',
  'RenewalNoticeSent',
  'PlanChargeSucceeded',
  'PlanChargeDeclined',
  'PlanChargeTimedOut',
  'PaymentPlanLapsed',
  'PaymentPlanFlagged',
  'PaymentPlanRepointed',
];

/** The attempt in progress for the period being charged (after a decline or a timeout). */
export interface OpenAttempt {
  readonly cycle: number;
  readonly period: string;
  readonly dueDate: string;
  readonly chargeId: string;
  /** Declines so far. */
  readonly declines: number;
  /** Set after a timeout: the key to try again, unchanged. */
  readonly timedOutKey: string | null;
  readonly nextRetryDate: string | null;
  readonly graceEndsOn: string | null;
}

export type PlanState =
  | { readonly status: 'none' }
  | (PlanFacts & {
      readonly status: PlanStatus;
      readonly cycle: number;
      readonly nextDueDate: string;
      /** The renewal date the last notice was for. */
      readonly noticeFor: string | null;
      readonly attempt: OpenAttempt | null;
      readonly lastCharge: { readonly chargeId: string; readonly amount: number; readonly currency: string } | null;
      readonly refunded: readonly string[];
      readonly flag: { readonly cardId: string; readonly newCardId: string; readonly reason: string } | null;
    });

export const planStreamId = (planId: string): string => `plan-${planId}`;
export const chargeIdFor = (planId: string, cycle: number, period: string): string => `plan-${planId}-c${cycle}-${period}`;
export const idempotencyKeyFor = (chargeId: string, attempt: number): string => `${chargeId}-a${attempt}`;
