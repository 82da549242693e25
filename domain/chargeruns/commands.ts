/** Charge-run commands: plan (with its preview), approve (four eyes), start, pause, resume, cancel. */
import { z } from 'zod';
import { defineCommand } from '../backend/commandDef.js';
import { executeOne } from '../backend/work.js';
import { PERIOD_RE } from '../shared/periods.js';
import { amount, currency, entityId } from '../shared/schemas.js';
import { freeText, withoutCardNumber } from '../shared/text.js';
import { chargeRunDecider } from './decider.js';
import { chargeRunStreamId } from './events.js';
import { previewChargeRun } from './preview.js';

const SUPERVISORS = ['supervisor', 'admin'] as const;
const runId = entityId('run');

export const period = z.string().trim().regex(PERIOD_RE, 'a period is YYYY-MM, e.g. 2026-11');
export const feesSchema = z
  .strictObject({
    feeKind: withoutCardNumber(z.string().trim().regex(/^[a-z][a-z0-9_]{0,31}$/, 'a fee kind is lower-case letters, digits and underscores, e.g. monthly_fee')).default('monthly_fee'),
    // A fee of zero would make every such account fail at run time (a charge must be more than
    // zero): refuse the plan instead.
    perCurrency: z.record(currency, amount).default({}),
    default: amount.optional(),
  })
  .refine((f) => f.default !== undefined || Object.keys(f.perCurrency).length > 0, 'set a fee: a default in minor units, or one per currency');

export const chargeRunCommands = {
  PlanChargeRun: defineCommand({
    roles: SUPERVISORS,
    schema: z.strictObject({ type: z.literal('PlanChargeRun'), runId, period, fees: feesSchema }),
    handle: async (env, c) => {
      const preview = await env.store.read((sql) => previewChargeRun(sql, c.period, c.fees));
      return executeOne(env, chargeRunStreamId(c.runId), chargeRunDecider, { ...c, preview });
    },
  }),
  ApproveChargeRun: defineCommand({
    roles: SUPERVISORS,
    schema: z.strictObject({ type: z.literal('ApproveChargeRun'), runId }),
    handle: (env, c) => executeOne(env, chargeRunStreamId(c.runId), chargeRunDecider, { ...c, operatorId: env.operatorId }),
  }),
  StartChargeRun: defineCommand({
    roles: SUPERVISORS,
    schema: z.strictObject({ type: z.literal('StartChargeRun'), runId }),
    handle: (env, c) => executeOne(env, chargeRunStreamId(c.runId), chargeRunDecider, c),
  }),
  PauseChargeRun: defineCommand({
    roles: SUPERVISORS,
    schema: z.strictObject({ type: z.literal('PauseChargeRun'), runId }),
    handle: (env, c) => executeOne(env, chargeRunStreamId(c.runId), chargeRunDecider, c),
  }),
  ResumeChargeRun: defineCommand({
    roles: SUPERVISORS,
    schema: z.strictObject({ type: z.literal('ResumeChargeRun'), runId }),
    handle: (env, c) => executeOne(env, chargeRunStreamId(c.runId), chargeRunDecider, c),
  }),
  CancelChargeRun: defineCommand({
    roles: SUPERVISORS,
    schema: z.strictObject({ type: z.literal('CancelChargeRun'), runId, reason: freeText(500).default('cancelled by a supervisor') }),
    handle: (env, c) => executeOne(env, chargeRunStreamId(c.runId), chargeRunDecider, c),
  }),
};
