/** RequestRefund (agents and supervisors), ApproveRefund and RejectRefund (supervisors), as clients send them. */
import { z } from 'zod';
import { defineCommand, type CommandEnv } from '../backend/commandDef.js';
import { handleWork, type Handled } from '../commandHandler.js';
import { refuse, isRefusal } from '../decider.js';
import { amount, entityId } from '../shared/schemas.js';
import { freeText } from '../shared/text.js';
import { readSettings } from '../settings/projection.js';
import { fold } from '../decider.js';
import { REFUND_REASONS, refundable, refundStreamId, type RefundEvent } from './events.js';
import { refundDecider } from './decider.js';
import { refundedByOn, refundLocation, refundsOfCharge, type RefundableCharge } from './queries.js';
import { decideRefund, findCharge, oneAtATimeFor, refundPolicy, requestRefund } from './request.js';
import { systemClock } from '../shared/ports.js';
import { refundLimitsFor } from '../settings/settings.js';
import type { CardOpsStore } from '../backend/store.js';

const STAFF = ['agent', 'supervisor'] as const;
const SUPERVISOR = ['supervisor'] as const;
const reason = z.enum(REFUND_REASONS, { message: `must be one of ${REFUND_REASONS.join(', ')}` });

async function decideExisting(env: CommandEnv, refundId: string, command: { type: 'ApproveRefund'; note?: string } | { type: 'RejectRefund'; note: string }): Promise<Handled> {
  const at = await env.store.read((sql) => refundLocation(sql, refundId));
  if (!at) return { ok: false, refusal: refuse('REFUND_NOT_FOUND', `there is no refund ${refundId}: check the refund id in the approval queue`) };
  return handleWork(env.store, refundStreamId(at.accountId, at.chargeId), env, async (uow) => {
    const d = await decideRefund(uow, at, { ...command, refundId, by: env.operatorId });
    if (isRefusal(d)) return d;
  });
}

export const refundCommands = {
  RequestRefund: defineCommand({
    roles: STAFF,
    schema: z.strictObject({
      type: z.literal('RequestRefund'),
      refundId: entityId('refund'),
      accountId: entityId('account'),
      chargeId: entityId('charge'),
      amount,
      reason,
      note: freeText(500).optional(),
    }),
    handle: async (env, c) => {
      const { type: _t, ...req } = c;
      const taken = await env.store.read((sql) => refundLocation(sql, c.refundId));
      if (taken && (taken.accountId !== c.accountId || taken.chargeId !== c.chargeId)) {
        return { ok: false, refusal: refuse('REFUND_ID_TAKEN', `refund id ${c.refundId} is already used for charge ${taken.chargeId} of account ${taken.accountId}: choose a new refund id`) };
      }
      // One request of an operator at a time, so the day's sum read before deciding is exact when the refund is stored.
      return oneAtATimeFor(env.operatorId, async () => {
        const policy = await refundPolicy(env.store, (env.clock ?? systemClock).now());
        return handleWork(env.store, refundStreamId(c.accountId, c.chargeId), env, async (uow) => {
          const d = await requestRefund(uow, { ...req, requestedBy: env.operatorId }, policy);
          if (isRefusal(d)) return d;
        });
      });
    },
  }),
  ApproveRefund: defineCommand({
    roles: SUPERVISOR,
    schema: z.strictObject({ type: z.literal('ApproveRefund'), refundId: entityId('refund'), note: freeText(500).optional() }),
    handle: (env, c) => decideExisting(env, c.refundId, { type: 'ApproveRefund', ...(c.note ? { note: c.note } : {}) }),
  }),
  RejectRefund: defineCommand({
    roles: SUPERVISOR,
    schema: z.strictObject({ type: z.literal('RejectRefund'), refundId: entityId('refund'), note: freeText(500) }),
    handle: (env, c) => decideExisting(env, c.refundId, { type: 'RejectRefund', note: c.note }),
  }),
};

/** What is left to refund of a charge, for the refund dialog: from the streams themselves, so it is exact; `operatorId` (asking) on `day` for the day's sum. */
export async function refundableCharge(store: CardOpsStore, accountId: string, chargeId: string, asker?: { operatorId: string; day: string }): Promise<RefundableCharge | null> {
  const charge = await findCharge(store, accountId, chargeId);
  if (!charge) return null;
  const { events } = await store.readStream(refundStreamId(accountId, chargeId));
  const ledger = fold(refundDecider, events.map((e) => ({ type: e.type, data: e.data, at: e.recordedAt }) as RefundEvent));
  const left = ledger.status === 'open' ? refundable(ledger) : charge.amount;
  const limits = refundLimitsFor(await store.read((sql) => readSettings(sql).refunds), charge.currency);
  const refundedToday = asker ? await store.read((sql) => refundedByOn(sql, asker.operatorId, charge.currency, asker.day)) : 0;
  return {
    accountId,
    chargeId,
    description: charge.description,
    chargeAmount: charge.amount,
    currency: charge.currency,
    committed: charge.amount - left,
    refundable: left,
    agentLimit: limits.agentLimit,
    agentDailyLimit: limits.agentDailyLimit,
    refundedToday,
    refunds: await store.read((sql) => refundsOfCharge(sql, accountId, chargeId)),
  };
}
