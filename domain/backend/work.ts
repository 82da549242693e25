/** Running a command through a unit of work, with the process-manager reactions it sets off. */
import { handleWork, type Handled } from '../commandHandler.js';
import type { Decider, DomainEvent, Refusal } from '../decider.js';
import { isRefusal } from '../decider.js';
import { reactToAccountClosed } from '../accounts/closure.js';
import { react, type ReactionPorts } from '../authorizations/processManager.js';
import { reactToCardEvents } from '../plans/processManager.js';
import { plansPaidWithCard } from '../plans/queries.js';
import { readSettings } from '../settings/projection.js';
import type { UnitOfWork } from '../unitOfWork.js';
import type { CommandEnv } from './commandDef.js';
import type { CardOpsStore } from './store.js';

export async function reactionPorts(store: CardOpsStore): Promise<ReactionPorts> {
  const policy = await store.read((sql) => readSettings(sql).creditPolicy);
  return {
    policy,
    activeCardsOf: (accountId) => store.read((sql) => sql.all<{ card_id: string }>("SELECT card_id FROM cards WHERE account_id = ? AND status = 'active' ORDER BY card_id", [accountId]).map((r) => r.card_id)),
  };
}

/** An account's live cards and plans, for the closure reaction (domain/accounts/closure.ts). */
const closurePorts = (store: CardOpsStore) => ({
  liveCardsOf: (accountId: string) => store.read((sql) => sql.all<{ card_id: string }>("SELECT card_id FROM cards WHERE account_id = ? AND status IN ('issued', 'active', 'suspended') ORDER BY card_id", [accountId]).map((r) => r.card_id)),
  livePlansOf: (accountId: string) => store.read((sql) => sql.all<{ plan_id: string }>("SELECT plan_id FROM plans WHERE account_id = ? AND status IN ('active', 'past_due') ORDER BY plan_id", [accountId]).map((r) => r.plan_id)),
});

/**
 * `work` decides against one or more streams; every event it decides is then reacted to. A
 * command id already stored on `primaryStream` answers "no change" (an idempotent repeat).
 */
export async function execute(env: CommandEnv, primaryStream: string, work: (uow: UnitOfWork) => Promise<Refusal | readonly (DomainEvent & { eventId: string })[]>): Promise<Handled> {
  const ports = await reactionPorts(env.store);
  return handleWork(env.store, primaryStream, env, async (uow) => {
    const decided = await work(uow);
    if (isRefusal(decided)) return decided;
    const refused = await react(uow, ports, decided);
    if (refused) return refused;
    const closing = await reactToAccountClosed(uow, closurePorts(env.store), decided);
    if (closing) return closing;
    return reactToCardEvents(uow, { plansPaidWithCard: (cardId) => env.store.read((sql) => plansPaidWithCard(sql, cardId)) }, decided);
  });
}

/** One command against one stream, plus its reactions. */
export function executeOne<C, E extends DomainEvent, S>(env: CommandEnv, streamId: string, decider: Decider<C, E, S>, command: C): Promise<Handled> {
  return execute(env, streamId, (uow) => uow.decide(streamId, decider, command));
}
