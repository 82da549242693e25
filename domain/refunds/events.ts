/**
 * Refunds: the refunds of ONE charge form one aggregate (a ledger per charge), so the rule
 * "the refunds of a charge never add up to more than the charge" is checked against one
 * stream, and two requests at once conflict on its version: the second is decided again and
 * refused. A refund is partial or full, idempotent by refund id, and once the refunds of the
 * charge (or the requester's refunds of the day) pass the agent limits of the currency it waits
 * for a supervisor other than the requester (maker-checker).
 */
export const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer', 'service_not_provided', 'other'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

export type RefundStatus = 'awaiting_approval' | 'approved' | 'rejected';

interface RefundRef {
  readonly refundId: string;
  readonly accountId: string;
  readonly chargeId: string;
}

export type RefundEvent =
  | {
      readonly type: 'RefundRequested';
      readonly data: RefundRef & { readonly amount: number; readonly currency: string; readonly reason: RefundReason; readonly note?: string; readonly requestedBy: string; readonly chargeAmount: number };
    }
  /** Within the agent limit: approved at once, by the limit. */
  | { readonly type: 'RefundApproved'; readonly data: RefundRef & { readonly amount: number; readonly currency: string; readonly approvedBy: string; readonly automatic: boolean; readonly note?: string } }
  /**
   * Over a limit: it waits for a supervisor. `over` says which limit (`charge`: the refunds of the charge with this one,
   * `refundedOnCharge`, pass `agentLimit`; `daily`: the requester's refunds of the day with this one, `refundedToday`,
   * pass `agentDailyLimit`). Events stored before the limits held across requests have only `agentLimit`.
   */
  | {
      readonly type: 'RefundSentForApproval';
      readonly data: RefundRef & {
        readonly amount: number;
        readonly currency: string;
        readonly agentLimit: number;
        readonly over?: 'charge' | 'daily';
        readonly refundedOnCharge?: number;
        readonly agentDailyLimit?: number;
        readonly refundedToday?: number;
      };
    }
  | { readonly type: 'RefundRejected'; readonly data: RefundRef & { readonly rejectedBy: string; readonly note: string } };

export const REFUND_EVENT_TYPES: readonly RefundEvent['type'][] = ['RefundRequested', 'RefundApproved', 'RefundSentForApproval', 'RefundRejected'];

export interface RefundEntry {
  readonly refundId: string;
  readonly amount: number;
  readonly reason: RefundReason;
  readonly status: RefundStatus;
  readonly requestedBy: string;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
}

export type RefundLedger =
  | { readonly status: 'none' }
  | {
      readonly status: 'open';
      readonly accountId: string;
      readonly chargeId: string;
      readonly chargeAmount: number;
      readonly currency: string;
      readonly refunds: Readonly<Record<string, RefundEntry>>;
    };

/** The facts of the charge being refunded, read from the account's stream. */
export interface ChargeFacts {
  readonly accountId: string;
  readonly chargeId: string;
  readonly amount: number;
  readonly currency: string;
  readonly description: string;
}

/** `:` never occurs in an entity id, so account and charge ids cannot run into each other. */
export const refundStreamId = (accountId: string, chargeId: string): string => `refunds-${accountId}:${chargeId}`;

/** What is still refundable: the charge less every refund posted or waiting for approval. */
export function refundable(ledger: RefundLedger): number {
  if (ledger.status === 'none') return 0;
  return ledger.chargeAmount - Object.values(ledger.refunds).reduce((sum, r) => sum + (r.status === 'rejected' ? 0 : r.amount), 0);
}
