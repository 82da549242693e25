/**
 * The one refund path, as plain functions on a unit of work: the RequestRefund command uses
 * them, and so can another feature's handler or process manager (cancelling a payment plan with
 * "refund the last charge") inside its own unit of work, so the refund commits atomically with
 * whatever caused it.
 *
 *   RequestRefund → RefundRequested + RefundApproved (within the limits) → Account: RefundPosted
 *                 → RefundRequested + RefundSentForApproval (over one) … ApproveRefund → RefundApproved → RefundPosted
 *
 * The limits hold across requests: the agent limit caps the sum refunded on the charge (posted +
 * waiting + this one), the daily limit what the requester refunded that UTC day in the currency.
 */
import { accountDecider } from '../accounts/decider.js';
import { accountStreamId, type AccountEvent } from '../accounts/events.js';
import { isRefusal, type Refusal } from '../decider.js';
import type { CardOpsStore } from '../backend/store.js';
import type { EventStore } from '../eventstore/types.js';
import { readSettings } from '../settings/projection.js';
import { refundLimitsFor, type RefundLimits } from '../settings/settings.js';
import { refundedByOn } from './queries.js';
import type { UnitOfWork } from '../unitOfWork.js';
import { refundDecider, type RefundCommand, type RefundRequest } from './decider.js';
import { refundStreamId, type ChargeFacts, type RefundEvent } from './events.js';

export type { RefundRequest };

type Decided = readonly ((RefundEvent | AccountEvent) & { eventId: string })[];

/** The charge as the account's stream holds it (a posted charge; one still waiting for authorisation is not refundable). */
export async function findCharge(store: Pick<EventStore, 'readStream'>, accountId: string, chargeId: string): Promise<ChargeFacts | null> {
  const { events } = await store.readStream(accountStreamId(accountId));
  for (const e of events) {
    if (e.type !== 'ChargePosted') continue;
    const d = e.data as Extract<AccountEvent, { type: 'ChargePosted' }>['data'];
    if (d.chargeId === chargeId) return { accountId, chargeId, amount: d.amount, currency: d.currency, description: d.description };
  }
  return null;
}

/** An approved refund credits the account, as its own posting linked to the charge. */
async function postApproved(uow: UnitOfWork, decided: readonly (RefundEvent & { eventId: string })[]): Promise<Refusal | Decided> {
  const out: ((RefundEvent | AccountEvent) & { eventId: string })[] = [...decided];
  const ledger = decided.length ? await uow.load(refundStreamId(decided[0]!.data.accountId, decided[0]!.data.chargeId), refundDecider) : null;
  for (const e of decided) {
    if (e.type !== 'RefundApproved') continue;
    const d = e.data;
    const reason = ledger?.status === 'open' ? (ledger.refunds[d.refundId]?.reason ?? 'other') : 'other';
    const posted = await uow.decide(accountStreamId(d.accountId), accountDecider, { type: 'PostRefund', accountId: d.accountId, refundId: d.refundId, chargeId: d.chargeId, amount: d.amount, reason }, e.eventId);
    if (isRefusal(posted)) return posted;
    out.push(...posted);
  }
  return out;
}

/**
 * What a refund request is decided against besides its charge: the limits of a currency
 * (settings) and what an operator already refunded today in it (the refunds read model).
 */
export interface RefundPolicy {
  readonly limits: (currency: string) => RefundLimits;
  readonly refundedToday: (requestedBy: string, currency: string) => Promise<number>;
}

/** The policy as the store holds it now; `now` (the clock) says which UTC day "today" is. */
export async function refundPolicy(store: CardOpsStore, now: string): Promise<RefundPolicy> {
  const settings = await store.read((sql) => readSettings(sql).refunds);
  const day = now.slice(0, 10);
  return { limits: (currency) => refundLimitsFor(settings, currency), refundedToday: (by, currency) => store.read((sql) => refundedByOn(sql, by, currency, day)) };
}

const queues = new Map<string, Promise<unknown>>();
/**
 * Runs one operator's refund requests one after another (in this process, which owns the store): the day's sum read
 * before deciding is then still the sum when the refund is stored, so two requests at once cannot both pass the daily limit.
 */
export function oneAtATimeFor<T>(requestedBy: string, fn: () => Promise<T>): Promise<T> {
  const before = queues.get(requestedBy) ?? Promise.resolve();
  const run = before.then(fn, fn);
  const tail = run.catch(() => undefined);
  queues.set(requestedBy, tail);
  void tail.then(() => {
    if (queues.get(requestedBy) === tail) queues.delete(requestedBy);
  });
  return run;
}

/** Requests a refund of one charge; within the limits of its currency it is posted in the same unit of work. */
export async function requestRefund(uow: UnitOfWork, req: RefundRequest, policy: RefundPolicy, causedBy?: string): Promise<Refusal | Decided> {
  const charge = await findCharge(uow.store, req.accountId, req.chargeId);
  const limits = charge ? policy.limits(charge.currency) : { agentLimit: 0, agentDailyLimit: 0 };
  const refundedToday = charge ? await policy.refundedToday(req.requestedBy, charge.currency) : 0;
  const command: RefundCommand = { type: 'RequestRefund', ...req, charge, ...limits, refundedToday };
  const decided = await uow.decide(refundStreamId(req.accountId, req.chargeId), refundDecider, command, causedBy);
  if (isRefusal(decided)) return decided;
  return postApproved(uow, decided);
}

/** A supervisor's decision on a refund waiting for approval; approval posts it. */
export async function decideRefund(uow: UnitOfWork, at: { accountId: string; chargeId: string }, command: Extract<RefundCommand, { type: 'ApproveRefund' | 'RejectRefund' }>): Promise<Refusal | Decided> {
  const decided = await uow.decide(refundStreamId(at.accountId, at.chargeId), refundDecider, command);
  if (isRefusal(decided)) return decided;
  return postApproved(uow, decided);
}
