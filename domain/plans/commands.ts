/** The payment plan commands, as clients send them. */
import { z } from 'zod';
import { accountDecider } from '../accounts/decider.js';
import { accountStreamId } from '../accounts/events.js';
import { defineCommand, type CommandEnv } from '../backend/commandDef.js';
import { execute } from '../backend/work.js';
import { isRefusal, refuse } from '../decider.js';
import { methodId } from '../paymentmethods/commands.js';
import { oneAtATimeFor, refundPolicy, requestRefund } from '../refunds/request.js';
import { systemClock } from '../shared/ports.js';
import { amount, currency, entityId } from '../shared/schemas.js';
import { freeText } from '../shared/text.js';
import { handleCommand } from '../commandHandler.js';
import { isDate, todayOf } from './dates.js';
import { planDecider } from './decider.js';
import { PLAN_INTERVALS, planStreamId } from './events.js';
import { methodView } from './methods.js';
import { PLAN_SETTINGS_STREAM, planSettingsChanges, planSettingsDecider } from './settings.js';

const STAFF = ['agent', 'supervisor'] as const;
const planId = entityId('plan');
const date = z.string().trim().refine(isDate, 'a date as YYYY-MM-DD, e.g. 2026-04-01');
const today = (env: CommandEnv): string => todayOf((env.clock ?? systemClock).now());

export const planCommands = {
  CreatePaymentPlan: defineCommand({
    roles: STAFF,
    schema: z.strictObject({
      type: z.literal('CreatePaymentPlan'),
      planId,
      accountId: entityId('account'),
      methodId,
      amount,
      currency,
      interval: z.enum(PLAN_INTERVALS, { message: 'the interval is monthly' }),
      startDate: date,
    }),
    handle: (env, c) =>
      execute(env, planStreamId(c.planId), async (uow) => {
        const account = await uow.load(accountStreamId(c.accountId), accountDecider);
        if (account.status === 'none') return refuse('ACCOUNT_NOT_FOUND', `there is no account ${c.accountId}: check the account id`);
        if (account.status === 'closed') return refuse('ACCOUNT_CLOSED', `account ${c.accountId} is closed: no payment plan can start on it`);
        if (account.currency !== c.currency) return refuse('CURRENCY_MISMATCH', `account ${c.accountId} is kept in ${account.currency}: make the plan's amount ${account.currency} too`);
        return uow.decide(planStreamId(c.planId), planDecider, { ...c, method: await methodView(uow, c.methodId), today: today(env) });
      }),
  }),
  CancelPaymentPlan: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('CancelPaymentPlan'), planId, reason: freeText(500), refundLastCharge: z.boolean().optional(), refundId: entityId('refund').optional() }),
    // With a refund, one request of the operator at a time (the daily refund limit, see domain/refunds/request.ts).
    handle: (env, c) =>
      oneAtATimeFor(env.operatorId, () =>
        execute(env, planStreamId(c.planId), async (uow) => {
          const cancelled = await uow.decide(planStreamId(c.planId), planDecider, { type: 'CancelPaymentPlan', planId: c.planId, reason: c.reason, refundLastCharge: c.refundLastCharge ?? false, refundId: c.refundId ?? `${c.planId}-last` });
          if (isRefusal(cancelled)) return cancelled;
          const e = cancelled[0];
          if (e?.type !== 'PaymentPlanCancelled' || !e.data.refund) return cancelled;
          // The refund takes the one refund path (domain/refunds), in this unit of work: cancelled and refunded together, or neither.
          const r = e.data.refund;
          const policy = await refundPolicy(env.store, (env.clock ?? systemClock).now());
          const refunded = await requestRefund(uow, { refundId: r.refundId, accountId: e.data.accountId, chargeId: r.chargeId, amount: r.amount, reason: 'requested_by_customer', note: `payment plan ${c.planId} cancelled: ${c.reason}`, requestedBy: env.operatorId }, policy, e.eventId);
          if (isRefusal(refunded)) return refunded;
          return [...cancelled, ...refunded];
        }),
      ),
  }),
  ResubscribePaymentPlan: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('ResubscribePaymentPlan'), planId }),
    handle: (env, c) =>
      execute(env, planStreamId(c.planId), async (uow) => {
        const plan = await uow.load(planStreamId(c.planId), planDecider);
        const method = plan.status === 'none' ? null : await methodView(uow, plan.methodId);
        return uow.decide(planStreamId(c.planId), planDecider, { type: 'ResubscribePaymentPlan', planId: c.planId, today: today(env), method });
      }),
  }),
  RepointPaymentPlan: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('RepointPaymentPlan'), planId, methodId }),
    handle: (env, c) => execute(env, planStreamId(c.planId), async (uow) => uow.decide(planStreamId(c.planId), planDecider, { ...c, method: await methodView(uow, c.methodId), today: today(env) })),
  }),
  UpdatePlanSettings: defineCommand({
    roles: ['admin'],
    schema: z.strictObject({ type: z.literal('UpdatePlanSettings'), changes: planSettingsChanges }),
    handle: (env, c) => handleCommand(env.store, planSettingsDecider, PLAN_SETTINGS_STREAM, c, env),
  }),
};
