/**
 * The credit-authorisation process managers, as reactions inside the unit of work of the
 * command that set them off, so the whole chain commits atomically:
 *
 *   CreditAuthorizationRequired → open the authorisation and apply the policy
 *   CreditApproved              → post the charge and unfreeze the account
 *   CreditDenied                → unfreeze without the charge; suspend the account's active cards (credit_denied)
 *
 * Each step is idempotent (the deciders answer "nothing to do" the second time), so running a
 * reaction again (by hand, or after a crash) never does anything twice. A step the rules refuse
 * fails the whole unit of work: nothing is left half done, such as an account frozen by an
 * authorisation that was never opened.
 */
import { accountDecider } from '../accounts/decider.js';
import { accountStreamId, type AccountEvent } from '../accounts/events.js';
import { cardDecider } from '../cards/decider.js';
import { cardStreamId } from '../cards/events.js';
import { isRefusal, type DomainEvent, type Refusal } from '../decider.js';
import type { UnitOfWork } from '../unitOfWork.js';
import { authorizationDecider } from './decider.js';
import { authorizationStreamId, type AuthorizationEvent, type CreditPolicy } from './events.js';

export interface ReactionPorts {
  readonly policy: CreditPolicy;
  /** The ids of the account's active cards (from the cards read model). */
  activeCardsOf(accountId: string): Promise<readonly string[]>;
}

type Reactable = (AccountEvent | AuthorizationEvent) & { readonly eventId: string };

/** Reacts to the events a step decided, and to the events those reactions decide, to the end of the chain. */
export async function react(uow: UnitOfWork, ports: ReactionPorts, events: readonly (DomainEvent & { eventId: string })[]): Promise<Refusal | void> {
  const queue = [...events] as Reactable[];
  while (queue.length) {
    const e = queue.shift()!;
    const next = await step(uow, ports, e);
    if (!Array.isArray(next)) return next as Refusal;
    queue.push(...next);
  }
}

async function step(uow: UnitOfWork, ports: ReactionPorts, e: Reactable): Promise<Reactable[] | Refusal> {
  switch (e.type) {
    case 'CreditAuthorizationRequired': {
      const d = e.data;
      const account = await uow.load(accountStreamId(d.accountId), accountDecider);
      const goodStanding = account.status !== 'none' && account.deniedCount === 0;
      const decided = await uow.decide(
        authorizationStreamId(d.authorizationId),
        authorizationDecider,
        { type: 'OpenCreditAuthorization', facts: { authorizationId: d.authorizationId, accountId: d.accountId, chargeId: d.chargeId, amount: d.amount, currency: d.currency, overdraft: d.overdraft, description: d.description }, goodStanding, policy: ports.policy },
        e.eventId,
      );
      return decided as Reactable[] | Refusal;
    }
    case 'CreditApproved': {
      const decided = await uow.decide(accountStreamId(e.data.accountId), accountDecider, { type: 'SettleAuthorizedCharge', accountId: e.data.accountId, authorizationId: e.data.authorizationId }, e.eventId);
      return decided as Reactable[] | Refusal;
    }
    case 'CreditDenied': {
      const released = await uow.decide(accountStreamId(e.data.accountId), accountDecider, { type: 'ReleaseAuthorization', accountId: e.data.accountId, authorizationId: e.data.authorizationId }, e.eventId);
      if (isRefusal(released)) return released;
      // Release and suspensions commit together: a release with nothing to do means this
      // reaction ran before, and a card reactivated since must stay active.
      if (!released.length) return [];
      for (const cardId of await ports.activeCardsOf(e.data.accountId)) {
        // A card that is no longer active (reported lost meanwhile, say) is left as it is.
        await uow.decide(cardStreamId(cardId), cardDecider, { type: 'DeactivateCard', cardId, reason: 'credit_denied', channel: 'system', note: `authorisation ${e.data.authorizationId} was denied` }, e.eventId);
      }
      return released as Reactable[];
    }
    default:
      return [];
  }
}
