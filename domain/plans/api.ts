/** The payment plans' and payment methods' queries and the renewal job, as API methods (spread into backend/methods.ts). */
import { z } from 'zod';
import { clientRef } from '../shared/text.js';
import type { MethodContext, MethodDef } from '../backend/methods.js';
import { listParams, type Page } from '../backend/paging.js';
import { simulatorFor } from '../gateway/simulator.js';
import { ErrorCodes, type Result } from '../shared/result.js';
import { isDate, todayOf } from './dates.js';
import { getPlan, listPlans, methodsOfAccount, plansDue, plansOfAccount, type PaymentMethodRow, type PlanLogEntry, type PlanRow } from './queries.js';
import { runRenewals, type RenewalReport } from './renewal.js';
import { readPlanSettings, type PlanSettings } from './settings.js';

const def = <P extends z.ZodType, R>(d: MethodDef<P, R>): MethodDef<P, R> => d;
const done = <T>(value: T): Result<T> => ({ ok: true, value });
const accountId = z.strictObject({ accountId: clientRef('account id', 64) });

export const planMethods = {
  'paymentMethods.ofAccount': def({
    access: 'signedIn',
    params: accountId,
    run: async (ctx: MethodContext, p): Promise<Result<PaymentMethodRow[]>> => done(await ctx.store.read((sql) => methodsOfAccount(sql, p.accountId))),
  }),
  'plans.ofAccount': def({
    access: 'signedIn',
    params: accountId,
    run: async (ctx: MethodContext, p): Promise<Result<PlanRow[]>> => done(await ctx.store.read((sql) => plansOfAccount(sql, p.accountId))),
  }),
  'plans.list': def({
    access: 'read',
    params: listParams,
    run: async (ctx: MethodContext, p): Promise<Result<Page<PlanRow>>> => done(await ctx.store.read((sql) => listPlans(sql, p))),
  }),
  'plans.get': def({
    access: 'read',
    params: z.strictObject({ planId: clientRef('plan id', 64) }),
    run: async (ctx: MethodContext, p): Promise<Result<PlanRow & { log: PlanLogEntry[] }>> => {
      const plan = await ctx.store.read((sql) => getPlan(sql, p.planId));
      return plan ? done(plan) : { ok: false, error: { code: ErrorCodes.notFound, message: `there is no payment plan ${p.planId}: search the plans list by plan or account id` } };
    },
  }),
  /** Live plans renewing today or in the next `days` days (default 7), soonest first. */
  'plans.due': def({
    access: 'read',
    params: z.strictObject({ days: z.number().int().min(0).max(60).optional() }),
    run: async (ctx: MethodContext, p): Promise<Result<{ from: string; days: number; plans: PlanRow[] }>> => {
      const from = todayOf(ctx.clock.now());
      const days = p.days ?? 7;
      return done({ from, days, plans: await ctx.store.read((sql) => plansDue(sql, from, days)) });
    },
  }),
  'plans.settings': def({
    access: 'read',
    params: z.strictObject({}),
    run: async (ctx: MethodContext): Promise<Result<PlanSettings>> => done(await ctx.store.read(readPlanSettings)),
  }),
  /** The renewal job for a date, by hand (the app runs it daily by itself). */
  'plans.run': def({
    // It charges customers: supervision, not for admins.
    access: ['supervisor'],
    params: z.strictObject({ date: z.string().refine(isDate, 'a date as YYYY-MM-DD, e.g. 2026-04-01') }),
    run: async (ctx: MethodContext, p): Promise<Result<RenewalReport>> => {
      const who = ctx.session();
      if (!who) return { ok: false, error: { code: ErrorCodes.unauthenticated, message: 'sign in first' } };
      return done(await runRenewals({ store: ctx.store, gateway: simulatorFor(ctx.store), operator: who.operatorId }, p.date));
    },
  }),
};
