/**
 * When a lost or stolen card is reissued, the plans paid with a payment method that stands for
 * the old card are flagged for an agent to re-point to the new card's method (the new card has
 * a new number, so the processor issues a new token; CardOps cannot re-point by itself). It runs
 * inside the unit of work of the ReissueCard command, so the flags commit with the reissue.
 */
import { cardDecider } from '../cards/decider.js';
import { cardStreamId, type CardEvent } from '../cards/events.js';
import type { DomainEvent, Refusal } from '../decider.js';
import { isRefusal } from '../decider.js';
import type { UnitOfWork } from '../unitOfWork.js';
import { planDecider } from './decider.js';
import { planStreamId } from './events.js';

export interface PlanReactionPorts {
  /** The live plans paid with a method linked to this card, with that method (from the read models). */
  plansPaidWithCard(cardId: string): Promise<readonly { readonly planId: string; readonly methodId: string }[]>;
}

export async function reactToCardEvents(uow: UnitOfWork, ports: PlanReactionPorts, events: readonly (DomainEvent & { eventId: string })[]): Promise<Refusal | void> {
  for (const e of events) {
    if (e.type !== 'CardReissued') continue;
    const d = (e as unknown as Extract<CardEvent, { type: 'CardReissued' }>).data;
    const old = await uow.load(cardStreamId(d.cardId), cardDecider);
    if (old.status !== 'lost' && old.status !== 'stolen') continue;
    for (const p of await ports.plansPaidWithCard(d.cardId)) {
      const reason = `card ending ${old.last4} was reported ${old.status} and reissued as card ${d.newCardId}: add the new card's token as a payment method and re-point this plan to it`;
      const flagged = await uow.decide(planStreamId(p.planId), planDecider, { type: 'FlagPaymentPlan', planId: p.planId, methodId: p.methodId, cardId: d.cardId, newCardId: d.newCardId, reason }, e.eventId);
      if (isRefusal(flagged)) return flagged;
    }
  }
}
