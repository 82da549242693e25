/** Words for codes: card states, reasons, channels, brands, account states. */
import type { ActivateReason, Brand, CardReason, ChangeReason, Channel, ReactivateReason, ReissueReason } from './types.js';

export const CARD_REASON_LABELS: Readonly<Record<CardReason, string>> = {
  lost: 'Lost',
  stolen: 'Stolen',
  damaged: 'Damaged',
  expired: 'Expired',
  customer_request: 'Customer request',
  issuer_request: 'Issuer request',
  suspicious_activity: 'Suspicious activity',
  credit_denied: 'Credit denied',
  card_received: 'Card received by the customer',
  issue_resolved: 'Issue resolved',
  credit_approved: 'Credit approved',
  account_closed: 'Account closed',
  other: 'Other',
};
/** The codes of a suspension or a closure (the domain's CARD_REASONS). */
export const CARD_REASONS: readonly ChangeReason[] = ['lost', 'stolen', 'damaged', 'expired', 'customer_request', 'issuer_request', 'suspicious_activity', 'credit_denied', 'other'];
/** The codes an activation, a reactivation and a reissue allow (the domain's ACTIVATE_, REACTIVATE_ and REISSUE_REASONS). */
export const ACTIVATE_REASONS: readonly ActivateReason[] = ['card_received', 'customer_request', 'issuer_request', 'other'];
export const REACTIVATE_REASONS: readonly ReactivateReason[] = ['customer_request', 'issue_resolved', 'credit_approved', 'issuer_request', 'other'];
export const REISSUE_REASONS: readonly ReissueReason[] = ['lost', 'stolen', 'damaged', 'expired', 'customer_request', 'issuer_request', 'suspicious_activity', 'other'];
export const reasonLabel = (r: string | null | undefined): string => (r ? (CARD_REASON_LABELS[r as CardReason] ?? r) : '');

export const CHANNEL_LABELS: Readonly<Record<Channel, string>> = { agent: 'Agent', supervisor: 'Supervisor', system: 'System', batch: 'Batch' };
export const channelLabel = (c: unknown): string => (typeof c === 'string' ? (CHANNEL_LABELS[c as Channel] ?? c) : '');

const CARD_STATUS: Readonly<Record<string, { label: string; tone: string }>> = {
  issued: { label: 'Issued', tone: 'badge-accent' },
  active: { label: 'Active', tone: 'badge-success' },
  suspended: { label: 'Suspended', tone: 'badge-warn' },
  lost: { label: 'Lost', tone: 'badge-danger' },
  stolen: { label: 'Stolen', tone: 'badge-danger' },
  expired: { label: 'Expired', tone: '' },
  closed: { label: 'Closed', tone: '' },
};
export const cardStatus = (s: string): { label: string; tone: string } => CARD_STATUS[s] ?? { label: s, tone: '' };

const ACCOUNT_STATUS: Readonly<Record<string, { label: string; tone: string }>> = {
  open: { label: 'Open', tone: 'badge-success' },
  frozen: { label: 'Frozen', tone: 'badge-warn' },
  closed: { label: 'Closed', tone: '' },
};
export const accountStatus = (s: string): { label: string; tone: string } => ACCOUNT_STATUS[s] ?? { label: s, tone: '' };

const AUTH_STATUS: Readonly<Record<string, { label: string; tone: string }>> = {
  opened: { label: 'Opened', tone: '' },
  pending_review: { label: 'Waiting for review', tone: 'badge-warn' },
  approved: { label: 'Approved', tone: 'badge-success' },
  denied: { label: 'Denied', tone: 'badge-danger' },
};
export const authorizationStatus = (s: string): { label: string; tone: string } => AUTH_STATUS[s] ?? { label: s, tone: '' };

/** The same words as BRAND_LABELS in domain/cards/events.ts (the backend's method labels and notices); the renderer imports only types from domain/. */
const BRANDS: Readonly<Record<Brand, string>> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'Amex', discover: 'Discover', jcb: 'JCB', unionpay: 'UnionPay', other: 'Other' };
export const brandLabel = (b: string): string => BRANDS[b as Brand] ?? b;

export const expiry = (month: number, year: number): string => `${String(month).padStart(2, '0')}/${year}`;
/** True once the last day of the expiry month is behind us. */
export function pastExpiry(month: number, year: number, now = new Date()): boolean {
  return year < now.getFullYear() || (year === now.getFullYear() && month < now.getMonth() + 1);
}

/** Local time to the second, for history where order within a minute matters. */
export function formatSeconds(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** "card-CRD-1" → { kind: 'card', id: 'CRD-1' }. */
export function streamOf(streamId: string): { kind: string; id: string } {
  const i = streamId.indexOf('-');
  return i < 0 ? { kind: streamId, id: '' } : { kind: streamId.slice(0, i), id: streamId.slice(i + 1) };
}
