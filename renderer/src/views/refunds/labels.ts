import type { RefundReason } from './types';

export const REFUND_REASON_LABELS: Readonly<Record<RefundReason, string>> = {
  duplicate: 'Duplicate charge',
  fraudulent: 'Fraudulent charge',
  requested_by_customer: 'Requested by the customer',
  service_not_provided: 'Service not provided',
  other: 'Other',
};
export const REFUND_REASONS = Object.keys(REFUND_REASON_LABELS) as RefundReason[];

export const refundReasonLabel = (r: string): string => REFUND_REASON_LABELS[r as RefundReason] ?? r;

export function refundStatus(s: string): { label: string; tone: string } {
  switch (s) {
    case 'awaiting_approval':
      return { label: 'Waiting for approval', tone: 'badge-accent' };
    case 'posted':
      return { label: 'Posted', tone: 'badge-success' };
    case 'approved':
      return { label: 'Approved', tone: 'badge-success' };
    case 'rejected':
      return { label: 'Rejected', tone: 'badge-danger' };
    default:
      return { label: s, tone: '' };
  }
}

/** A new refund id: readable, unique, within the 64 characters an id may have. */
export const newRefundId = (): string => `rf-${crypto.randomUUID().slice(0, 13)}`;
