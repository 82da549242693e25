/**
 * The API map: every method a client can call, with its parameter schema, who may call it, and
 * what it returns. `Api` (types only) is what the renderer's client and the preload are typed by.
 */
import { z } from 'zod';
import type { VerifyReport } from '../eventstore/projection.js';
import type { StoreStats } from '../eventstore/sqljs/store.js';
import type { EventMetadata, StoredEvent } from '../eventstore/types.js';
import type { OperatorRow } from '../operators/projection.js';
import { password } from '../operators/schemas.js';
import type { Role } from '../operators/roles.js';
import type { Clock, IdGenerator } from '../shared/ports.js';
import { ErrorCodes, type Result } from '../shared/result.js';
import { clientRef, isOneLine, ONE_LINE_MESSAGE, searchText, withoutCardNumber } from '../shared/text.js';
import { SCHEMA_VERSION } from '../eventstore/sqljs/schema.js';
import {
  accountSummary,
  accountTimeline,
  listAccounts,
  listAuthorizations,
  listCards,
  searchAccounts,
  searchCards,
  TIMELINE_KINDS,
  type AccountRow,
  type AccountSummary,
  type AuthorizationRow,
  type CardRow,
  type TimelineEntry,
} from '../accounts/queries.js';
import { readSettings } from '../settings/projection.js';
import type { Settings } from '../settings/settings.js';
import { keysetPage, listParams, type Page, type TableSpec } from './paging.js';
import type { CardOpsStore } from './store.js';
import type { ChargeRunJobs } from '../chargeruns/jobs.js';
import { controlTotals, getRun, listOutcomes, listRuns, type ChargeRunRow, type ControlTotals, type OutcomeRow } from '../chargeruns/queries.js';
import { previewChargeRun } from '../chargeruns/preview.js';
import { feesSchema, period } from '../chargeruns/commands.js';
import type { Preview } from '../chargeruns/events.js';
import type { Sql } from '../eventstore/sql.js';
import { EVENT_COLUMNS, rowToEvent, type EventRow } from '../eventstore/sqljs/rows.js';
import { BootstrapError, DEMO_OPERATORS, initializeStore, seedDemo } from './bootstrap.js';
import { REPORT_FORMATS, reportFileName, type ReportFormat } from '../reports/lines.js';
import { reportTickets } from '../reports/tickets.js';
import { planMethods } from '../plans/api.js';
import { runCardExpiry, type ExpiryReport } from '../cards/expiry.js';
import { isDate } from '../plans/dates.js';
import { outboxMethods } from '../outbox/api.js';
import { contactMethods } from '../contacts/methods.js';
import { invoiceMethods } from '../invoices/methods.js';
import { listRefunds, type RefundableCharge, type RefundRow } from '../refunds/queries.js';
import { refundableCharge } from '../refunds/commands.js';
import { listOrders, orderDetail, type OrderDetail, type OrderRow } from '../orders/queries.js';
import { fxRate, paymentMethod, quotePayment, sendDueOrderReminders, type PaymentQuote } from '../orders/commands.js';
import { amount as minorAmount, currency as currencyCode } from '../shared/schemas.js';
import { controlRequestsParams, listControlRequests, type ControlRequestRow } from '../controls/projection.js';

export interface SessionInfo {
  readonly operatorId: string;
  readonly displayName: string;
  readonly role: Role;
}

export interface CommandOutcome {
  readonly commandId: string;
  /** The events this command wrote; empty when it changed nothing (an idempotent repeat). */
  readonly events: readonly { readonly type: string; readonly streamId: string; readonly position: number }[];
}

/** An event as clients see it: secrets such as password hashes are redacted. */
export interface EventView {
  readonly position: number;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  readonly recordedAt: string;
}

export interface SystemInfo {
  readonly product: 'CardOps';
  /** False on a new store with no operator yet: the app then offers `system.setup`. */
  readonly initialized: boolean;
  readonly schemaVersion: number;
  readonly demo: boolean;
  readonly demoAccounts: number | null;
  readonly initializedAt: string | null;
}

export interface MethodContext {
  readonly store: CardOpsStore;
  readonly jobs: ChargeRunJobs;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly origin: string;
  progress(task: string, done: number, total: number): void;
  session(): SessionInfo | null;
  /** The identity of the current sign-in (null when signed out): a new sign-in, a sign-out or closing the connection ends it. */
  sessionKey(): object | null;
  login(operatorId: string, password: string): Promise<Result<SessionInfo>>;
  logout(): void;
  execute(command: unknown, envelope: { commandId?: string; correlationId?: string; causationId?: string }): Promise<Result<CommandOutcome>>;
  requireRole(roles: readonly Role[] | 'any', what?: string): Promise<Result<SessionInfo>>;
}

/** `public`: anyone; `signedIn`: any operator; `read`: any operator, or the CLI's read-only commands; else the roles listed. */
export type Access = 'public' | 'signedIn' | 'read' | readonly Role[];

export interface MethodDef<P extends z.ZodType, R> {
  readonly access: Access;
  /** Changes nothing: the CLI's read-only commands may call it without an operator. */
  readonly readOnly?: boolean;
  readonly params: P;
  readonly run: (ctx: MethodContext, params: z.output<P>) => Promise<Result<R>>;
}

const method = <P extends z.ZodType, R>(def: MethodDef<P, R>): MethodDef<P, R> => def;
const done = <T>(value: T): Result<T> => ({ ok: true, value });

const SECRET_KEYS = new Set(['passwordHash', 'password']);
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.has(k) ? '[redacted]' : redact(v)]));
  }
  return value;
}
export const toView = (e: StoredEvent): EventView => ({ ...e, data: redact(e.data) });

const rowToView = (r: EventRow): EventView => toView(rowToEvent(r));

/**
 * "Caused by" and "led to", by causation ids. A command and the reactions it sets off are one
 * transaction, stored at neighbouring positions, so "led to" reads a window of positions around
 * the event (a primary-key range) and filters it in SQL, never a scan of the whole log.
 */
const RELATED_WINDOW = 5_000;

/** How many positions one `events.list` call with a type filter looks at, at most. */
export const EVENTS_SCAN_WINDOW = 50_000;
export function relatedEvents(sql: Sql, eventId: string): { event: EventView; causedBy: EventView | null; ledTo: EventView[] } | null {
  const row = sql.get<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE event_id = ?`, [eventId]);
  if (!row) return null;
  const event = rowToView(row);
  const { causationId, commandId } = event.metadata;
  const cause = causationId && causationId !== commandId ? sql.get<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE event_id = ?`, [causationId]) : undefined;
  const led = sql.all<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position BETWEEN ? AND ? AND metadata ->> '$.causationId' = ? AND event_id <> ? ORDER BY position`, [
    row.position - RELATED_WINDOW,
    row.position + RELATED_WINDOW,
    eventId,
    eventId,
  ]);
  return { event, causedBy: cause ? rowToView(cause) : null, ledTo: led.map(rowToView) };
}

const operatorsTable: TableSpec<OperatorRow> = {
  table: 'operators',
  key: 'operator_id',
  columns: { operatorId: 'operator_id', displayName: 'display_name', role: 'role', status: 'status', updatedAt: 'updated_at' },
  search: ['operator_id', 'display_name'],
  defaultSort: 'operatorId',
  select: 'operator_id, display_name, role, status, demo, locked_until, created_at, updated_at',
  map: (r) => ({
    operatorId: String(r.operator_id),
    displayName: String(r.display_name),
    role: String(r.role),
    status: r.status === 'disabled' ? 'disabled' : 'active',
    demo: r.demo === 1,
    lockedUntil: typeof r.locked_until === 'string' ? r.locked_until : null,
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  }),
};

export const methods = {
  ...contactMethods,
  ...invoiceMethods,
  'auth.login': method({
    access: 'public',
    params: z.strictObject({ operatorId: withoutCardNumber(z.string().trim().min(1, 'enter your operator name').max(64).refine(isOneLine, ONE_LINE_MESSAGE)), password: z.string().min(1, 'enter your password').max(200) }),
    run: (ctx, p): Promise<Result<SessionInfo>> => ctx.login(p.operatorId, p.password),
  }),
  'auth.logout': method({
    access: 'public',
    params: z.strictObject({}),
    run: async (ctx): Promise<Result<null>> => {
      ctx.logout();
      return done(null);
    },
  }),
  'auth.session': method({
    access: 'public',
    params: z.strictObject({}),
    run: async (ctx): Promise<Result<SessionInfo | null>> => done(ctx.session()),
  }),
  'commands.execute': method({
    access: 'signedIn',
    params: z.strictObject({
      command: z.unknown(),
      commandId: clientRef('command id', 200).optional(),
      correlationId: clientRef('correlation id', 200).optional(),
    }),
    run: (ctx, p): Promise<Result<CommandOutcome>> =>
      ctx.execute(p.command, {
        ...(p.commandId ? { commandId: p.commandId } : {}),
        ...(p.correlationId ? { correlationId: p.correlationId } : {}),
      }),
  }),
  'operators.list': method({
    access: ['admin'],
    params: listParams,
    run: async (ctx, p): Promise<Result<Page<OperatorRow>>> => done(await ctx.store.read((sql) => keysetPage(sql, operatorsTable, p))),
  }),
  /** Role grants and control-settings changes, pending or decided (approve or reject with ApproveRoleGrant/RejectRoleGrant, ApproveSettingsChange/RejectSettingsChange). */
  'controls.requests': method({
    access: ['admin'],
    params: controlRequestsParams,
    run: async (ctx, p): Promise<Result<ControlRequestRow[]>> => done(await ctx.store.read((sql) => listControlRequests(sql, p))),
  }),
  'accounts.list': method({
    access: 'signedIn',
    params: listParams,
    run: async (ctx, p): Promise<Result<Page<AccountRow>>> => done(await ctx.store.read((sql) => listAccounts(sql, p))),
  }),
  'accounts.summary': method({
    access: 'signedIn',
    params: z.strictObject({ accountId: clientRef('account id', 64) }),
    run: async (ctx, p): Promise<Result<AccountSummary>> => {
      const s = await ctx.store.read((sql) => accountSummary(sql, p.accountId));
      return s ? done(s) : { ok: false, error: { code: ErrorCodes.notFound, message: `there is no account ${p.accountId}: search by name, card last-4 or account id` } };
    },
  }),
  'accounts.timeline': method({
    access: 'signedIn',
    params: z.strictObject({
      accountId: clientRef('account id', 64),
      kinds: z.array(z.enum(TIMELINE_KINDS)).optional(),
      before: z.number().int().min(1).optional(),
      limit: z.number().int().min(1).max(500).optional(),
    }),
    run: async (ctx, p): Promise<Result<{ entries: TimelineEntry[]; next: number | null }>> =>
      done(await ctx.store.read((sql) => accountTimeline(sql, p.accountId, { ...(p.kinds ? { kinds: p.kinds } : {}), ...(p.before ? { before: p.before } : {}), ...(p.limit ? { limit: p.limit } : {}) }))),
  }),
  'cards.list': method({
    access: 'signedIn',
    params: listParams,
    run: async (ctx, p): Promise<Result<Page<CardRow>>> => done(await ctx.store.read((sql) => listCards(sql, p))),
  }),
  /** The daily card-expiry job for a date, by hand (the app runs it daily by itself, as operator `system`). */
  'cards.expire': method({
    access: ['supervisor', 'admin'],
    params: z.strictObject({ date: z.string().refine(isDate, 'a date as YYYY-MM-DD, e.g. 2026-06-01') }),
    run: async (ctx, p): Promise<Result<ExpiryReport>> => {
      const who = ctx.session();
      if (!who) return { ok: false, error: { code: ErrorCodes.unauthenticated, message: 'sign in first' } };
      return done(await runCardExpiry(ctx.store, p.date, who.operatorId));
    },
  }),
  'cards.search': method({
    access: 'signedIn',
    params: z.strictObject({ query: searchText(100), limit: z.number().int().min(1).max(100).optional() }),
    run: async (ctx, p): Promise<Result<CardRow[]>> => done(await ctx.store.read((sql) => searchCards(sql, p.query, p.limit))),
  }),
  'search.global': method({
    access: 'signedIn',
    params: z.strictObject({ query: searchText(100), limit: z.number().int().min(1).max(50).optional() }),
    run: async (ctx, p): Promise<Result<{ accounts: AccountRow[]; cards: CardRow[]; operators: OperatorRow[] }>> =>
      done(
        await ctx.store.read((sql) => {
          const limit = p.limit ?? 8;
          const admin = ctx.session()?.role === 'admin';
          return {
            accounts: searchAccounts(sql, p.query, limit),
            cards: searchCards(sql, p.query, limit),
            operators: admin && p.query.trim() ? keysetPage(sql, operatorsTable, { search: p.query, limit }).rows.slice() : [],
          };
        }),
      ),
  }),
  'authorizations.list': method({
    access: 'signedIn',
    params: listParams,
    run: async (ctx, p): Promise<Result<Page<AuthorizationRow>>> => done(await ctx.store.read((sql) => listAuthorizations(sql, p))),
  }),
  'chargeRuns.list': method({
    access: ['supervisor', 'admin'],
    readOnly: true,
    params: listParams,
    run: async (ctx, p): Promise<Result<Page<ChargeRunRow & { active: boolean }>>> => {
      const page = await ctx.store.read((sql) => listRuns(sql, p));
      return done({ ...page, rows: page.rows.map((r) => ({ ...r, active: ctx.jobs.isActive(r.runId) })) });
    },
  }),
  'chargeRuns.get': method({
    access: ['supervisor', 'admin'],
    readOnly: true,
    params: z.strictObject({ runId: clientRef('run id', 64) }),
    run: async (ctx, p): Promise<Result<ChargeRunRow & { active: boolean; controlTotals: ControlTotals }>> => {
      const r = await ctx.store.read((sql) => {
        const run = getRun(sql, p.runId);
        return run ? { ...run, active: ctx.jobs.isActive(p.runId), controlTotals: controlTotals(sql, p.runId) } : null;
      });
      return r ? done(r) : { ok: false, error: { code: ErrorCodes.notFound, message: `there is no charge run ${p.runId}` } };
    },
  }),
  /** Planning is supervision: admins do not plan runs. */
  'chargeRuns.preview': method({
    access: ['supervisor'],
    params: z.strictObject({ period, fees: feesSchema }),
    run: async (ctx, p): Promise<Result<Preview>> => done(await ctx.store.read((sql) => previewChargeRun(sql, p.period, p.fees))),
  }),
  'chargeRuns.outcomes': method({
    access: ['supervisor', 'admin'],
    readOnly: true,
    params: listParams.extend({ runId: clientRef('run id', 64) }),
    run: async (ctx, p): Promise<Result<Page<OutcomeRow>>> => {
      const { runId, ...list } = p;
      return done(await ctx.store.read((sql) => listOutcomes(sql, runId, list)));
    },
  }),
  /** Drives a running run (or retries its failed accounts): supervision, not for admins. */
  'chargeRuns.wait': method({
    access: ['supervisor'],
    params: z.strictObject({ runId: clientRef('run id', 64), retryFailed: z.boolean().optional() }),
    run: async (ctx, p): Promise<Result<ChargeRunRow & { active: boolean; controlTotals: ControlTotals }>> => {
      const who = ctx.session();
      if (!who) return { ok: false, error: { code: ErrorCodes.unauthenticated, message: 'sign in first' } };
      const run = await ctx.store.read((sql) => getRun(sql, p.runId));
      if (!run) return { ok: false, error: { code: ErrorCodes.notFound, message: `there is no charge run ${p.runId}` } };
      if (p.retryFailed && run.status !== 'completed') return { ok: false, error: { code: 'RUN_STATE', message: `charge run ${p.runId} is ${run.status}: failed accounts are retried once it has completed` } };
      if (run.status === 'running' || p.retryFailed) await ctx.jobs.ensure(p.runId, who.operatorId, p.retryFailed ? { retryFailed: true } : {});
      const after = await ctx.store.read((sql) => getRun(sql, p.runId)!);
      return done({ ...after, active: ctx.jobs.isActive(p.runId), controlTotals: await ctx.store.read((sql) => controlTotals(sql, p.runId)) });
    },
  }),
  'refunds.list': method({
    access: 'signedIn',
    params: listParams,
    run: async (ctx, p): Promise<Result<Page<RefundRow>>> => done(await ctx.store.read((sql) => listRefunds(sql, p))),
  }),
  'refunds.refundable': method({
    access: 'signedIn',
    params: z.strictObject({ accountId: clientRef('account id', 64), chargeId: clientRef('charge id', 64) }),
    run: async (ctx, p): Promise<Result<RefundableCharge>> => {
      const who = ctx.session();
      const r = await refundableCharge(ctx.store, p.accountId, p.chargeId, who ? { operatorId: who.operatorId, day: ctx.clock.now().slice(0, 10) } : undefined);
      return r ? done(r) : { ok: false, error: { code: ErrorCodes.notFound, message: `account ${p.accountId} has no posted charge ${p.chargeId}: only posted charges can be refunded` } };
    },
  }),
  'orders.list': method({
    access: 'signedIn',
    params: listParams,
    run: async (ctx, p): Promise<Result<Page<OrderRow>>> => done(await ctx.store.read((sql) => listOrders(sql, p))),
  }),
  'orders.get': method({
    access: 'signedIn',
    params: z.strictObject({ orderId: clientRef('order id', 64) }),
    run: async (ctx, p): Promise<Result<OrderDetail>> => {
      const o = await ctx.store.read((sql) => orderDetail(sql, p.orderId));
      return o ? done(o) : { ok: false, error: { code: ErrorCodes.notFound, message: `there is no order ${p.orderId}: check the order id` } };
    },
  }),
  /** What a payment would do (conversion, what stays due, write-off or credit), by AddOrderPayment's own rules, writing nothing. */
  'orders.quotePayment': method({
    access: ['agent', 'supervisor'],
    params: z.strictObject({ orderId: clientRef('order id', 64), method: paymentMethod, amount: minorAmount, currency: currencyCode, fxRate: fxRate.optional() }),
    run: async (ctx, p): Promise<Result<PaymentQuote>> => {
      const q = await quotePayment(ctx.store, p);
      return q.ok ? done(q.value) : { ok: false, error: { code: q.refusal.code, message: q.refusal.message } };
    },
  }),
  /** Sends the order reminders due now (the backend also does so every minute). */
  'orders.sendDueReminders': method({
    access: ['supervisor'],
    params: z.strictObject({}),
    run: async (ctx): Promise<Result<{ sent: number }>> => {
      const who = ctx.session();
      if (!who) return { ok: false, error: { code: ErrorCodes.unauthenticated, message: 'sign in first' } };
      const id = ctx.ids.next();
      return done(await sendDueOrderReminders(ctx.store, ctx.clock.now(), { operator: who.operatorId, correlationId: id, causationId: id, commandId: id }));
    },
  }),
  'settings.get': method({
    access: 'signedIn',
    params: z.strictObject({}),
    run: async (ctx): Promise<Result<Settings>> => done(await ctx.store.read((sql) => readSettings(sql))),
  }),
  'events.related': method({
    access: 'read',
    params: z.strictObject({ eventId: clientRef('event id', 300) }),
    run: async (ctx, p): Promise<Result<{ event: EventView; causedBy: EventView | null; ledTo: EventView[] }>> => {
      const found = await ctx.store.read((sql) => relatedEvents(sql, p.eventId));
      return found ? done(found) : { ok: false, error: { code: ErrorCodes.notFound, message: `there is no event ${p.eventId}` } };
    },
  }),
  /**
   * The log in order of position: a whole-log read, so admins only (and the CLI's read-only
   * commands, which open the store file themselves). A call with `types` looks at most
   * EVENTS_SCAN_WINDOW positions past `after` (a rare type would otherwise have one call scan the
   * whole log): it may return fewer events than `limit` with `isEnd` false; ask again from `lastPosition`.
   */
  'events.list': method({
    access: ['admin'],
    readOnly: true,
    params: z.strictObject({
      after: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(10_000).optional(),
      types: z.array(clientRef('event type', 100)).max(50).optional(),
    }),
    run: async (ctx, p): Promise<Result<{ events: EventView[]; lastPosition: number; isEnd: boolean }>> => {
      const after = p.after ?? 0;
      const limit = p.limit ?? 100;
      if (!p.types?.length) {
        const page = await ctx.store.readAll({ after, limit });
        return done({ events: page.events.map(toView), lastPosition: page.lastPosition, isEnd: page.isEnd });
      }
      const types = p.types;
      const head = await ctx.store.headPosition();
      const until = Math.min(head, after + EVENTS_SCAN_WINDOW);
      const rows = await ctx.store.read((sql) =>
        sql.all<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? AND position <= ? AND type IN (${types.map(() => '?').join(',')}) ORDER BY position LIMIT ?`, [after, until, ...types, limit + 1]),
      );
      const full = rows.length > limit;
      if (full) rows.pop();
      const events = rows.map(rowToView);
      const lastPosition = full ? events[events.length - 1]!.position : until;
      return done({ events, lastPosition, isEnd: !full && until >= head });
    },
  }),
  'history.stream': method({
    access: 'read',
    params: z.strictObject({ streamId: clientRef('stream id', 200) }),
    run: async (ctx, p): Promise<Result<{ streamId: string; version: number; events: EventView[] }>> => {
      const s = await ctx.store.readStream(p.streamId);
      if (!s.events.length) return { ok: false, error: { code: ErrorCodes.notFound, message: `there is no stream ${p.streamId}: check the id (streams are named like operator-agent1)` } };
      return done({ streamId: s.streamId, version: s.version, events: s.events.map(toView) });
    },
  }),
  'system.info': method({
    access: 'public',
    params: z.strictObject({}),
    run: async (ctx): Promise<Result<SystemInfo>> => {
      const info = await ctx.store.read((sql) => Object.fromEntries(sql.all<{ key: string; value: string }>('SELECT key, value FROM system_info').map((r) => [r.key, r.value])));
      const operators = await ctx.store.read((sql) => Number(sql.scalar('SELECT count(*) FROM operators')));
      return done({
        product: 'CardOps',
        initialized: operators > 0,
        schemaVersion: SCHEMA_VERSION,
        demo: info.demo === 'true',
        demoAccounts: info.demo_accounts ? Number(info.demo_accounts) : null,
        initializedAt: info.initialized_at ?? null,
      });
    },
  }),
  'system.setup': method({
    access: 'public',
    params: z.discriminatedUnion('mode', [
      z.strictObject({ mode: z.literal('admin'), password }),
      z.strictObject({ mode: z.literal('demo') }),
    ]),
    run: async (ctx, p): Promise<Result<{ operators: string[] }>> => {
      const done = (operators: string[]): Result<{ operators: string[] }> => ({ ok: true, value: { operators } });
      try {
        if (p.mode === 'admin') {
          await initializeStore(ctx.store, { password: p.password }, ctx.ids);
          return done(['admin']);
        }
        await seedDemo(ctx.store, { accounts: 1000, seed: 1, onProgress: (d, t) => ctx.progress('seed', d, t) }, ctx.ids);
        return done(DEMO_OPERATORS.map((o) => o.operatorId));
      } catch (e) {
        if (e instanceof BootstrapError) return { ok: false, error: { code: e.code, message: e.message } };
        throw e;
      }
    },
  }),
  /** Counts every event and stream (scans of the whole log's indexes): admins only, and the CLI's read-only `cardops stats`. */
  'system.stats': method({
    access: ['admin'],
    readOnly: true,
    params: z.strictObject({}),
    run: async (ctx): Promise<Result<StoreStats>> => done(ctx.store.stats()),
  }),
  /**
   * Replays the log and checks the projections and the ledger: a heavy read, so admins only (the
   * CLI's read-only `cardops verify` opens the store file itself). It runs in slices that let other
   * calls through, and one verify or rebuild runs at a time: another one meanwhile gets STORE_BUSY.
   */
  'system.verify': method({
    access: ['admin'],
    readOnly: true,
    params: z.strictObject({}),
    run: async (ctx): Promise<Result<VerifyReport>> => done(await ctx.store.verify((d, t) => ctx.progress('verify', d, t))),
  }),
  'system.rebuild': method({
    access: ['admin'],
    params: z.strictObject({ projections: z.array(clientRef('projection name', 100)).optional() }),
    run: async (ctx, p): Promise<Result<{ events: number; projections: string[] }>> => done(await ctx.store.rebuild(p.projections, (d, t) => ctx.progress('rebuild', d, t))),
  }),
  /**
   * A one-time ticket (60 s, and only while the session that asked for it lasts) to fetch a run's reconciliation report outside the message protocol:
   * the browser twin's download route and the Electron host redeem it (domain/reports/tickets.ts).
   */
  'reports.ticket': method({
    access: ['supervisor', 'admin'],
    params: z.strictObject({ runId: clientRef('run id', 64), format: z.enum(REPORT_FORMATS) }),
    run: async (ctx, p): Promise<Result<{ ticket: string; expiresAt: string; fileName: string; format: ReportFormat }>> => {
      const who = ctx.session();
      const key = ctx.sessionKey();
      if (!who || !key) return { ok: false, error: { code: ErrorCodes.unauthenticated, message: 'sign in first' } };
      const exists = await ctx.store.read((sql) => getRun(sql, p.runId) !== null);
      if (!exists) return { ok: false, error: { code: ErrorCodes.notFound, message: `there is no charge run ${p.runId}` } };
      if (ctx.sessionKey() !== key) return { ok: false, error: { code: ErrorCodes.unauthenticated, message: 'the session ended: sign in again' } };
      // The ticket dies with this sign-in: after a sign-out or disconnect it no longer downloads.
      const t = reportTickets(ctx.store).issue({ runId: p.runId, format: p.format, operatorId: who.operatorId, session: key });
      return done({ ...t, fileName: reportFileName(p.runId, p.format), format: p.format });
    },
  }),
  ...planMethods,
  ...outboxMethods,
} as const;

type Methods = typeof methods;
export type ApiMethod = keyof Methods;
export type ApiParams<M extends ApiMethod> = z.input<Methods[M]['params']>;
export type ApiResult<M extends ApiMethod> = Methods[M] extends MethodDef<z.ZodType, infer R> ? R : never;
/** The whole API as types: method → params and result. */
export type Api = { readonly [M in ApiMethod]: { readonly params: ApiParams<M>; readonly result: ApiResult<M> } };
