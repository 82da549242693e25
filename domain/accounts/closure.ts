/**
 * Closing an account closes what still runs on it, as a reaction inside the unit of work of the
 * command that closed it, so the account, its cards and its plans change together or not at all:
 *
 *   AccountClosed → CloseCard (reason `account_closed`, channel `system`) for each live card
 *                 → CancelPaymentPlan (no refund) for each live payment plan
 *
 * The live cards and plans come from the read models (cards, plans), which are up to date with
 * every stored event; each step is decided against its own stream, so a card or plan that ended
 * meanwhile is left as it is, and running the reaction again does nothing twice.
 */
import { cardDecider } from '../cards/decider.js';
import { cardStreamId } from '../cards/events.js';
import type { DomainEvent, Refusal } from '../decider.js';
import { isRefusal } from '../decider.js';
import { planDecider } from '../plans/decider.js';
import { planStreamId } from '../plans/events.js';
import type { UnitOfWork } from '../unitOfWork.js';
import type { AccountEvent } from './events.js';

export interface ClosureReactionPorts {
  /** The ids of the account's cards that are not final (issued, active, suspended). */
  liveCardsOf(accountId: string): Promise<readonly string[]>;
  /** The ids of the account's payment plans that are active or past due. */
  livePlansOf(accountId: string): Promise<readonly string[]>;
}

export async function reactToAccountClosed(uow: UnitOfWork, ports: ClosureReactionPorts, events: readonly (DomainEvent & { eventId: string })[]): Promise<Refusal | void> {
  for (const e of events) {
    if (e.type !== 'AccountClosed') continue;
    const d = (e as unknown as Extract<AccountEvent, { type: 'AccountClosed' }>).data;
    const note = `account ${d.accountId} was closed`;
    for (const cardId of await ports.liveCardsOf(d.accountId)) {
      const closed = await uow.decide(cardStreamId(cardId), cardDecider, { type: 'CloseCard', cardId, reason: 'account_closed', channel: 'system', note }, e.eventId);
      // A card that became final meanwhile is left as it is.
      if (isRefusal(closed)) continue;
    }
    for (const planId of await ports.livePlansOf(d.accountId)) {
      const cancelled = await uow.decide(planStreamId(planId), planDecider, { type: 'CancelPaymentPlan', planId, reason: note, refundLastCharge: false, refundId: `${planId}-last` }, e.eventId);
      if (isRefusal(cancelled)) return cancelled;
    }
  }
}
