/**
 * The backend application service: the one typed API of commands and queries that the Electron
 * preload, the browser build and the CLI all call. Input is validated here, roles are checked
 * here, and every event written here records the operator who caused it.
 */
import { z } from 'zod';
import type { StoredEvent } from '../eventstore/types.js';
import { StoreError } from '../eventstore/types.js';
import type { Role } from '../operators/roles.js';
import { randomIds, systemClock, type Clock, type IdGenerator } from '../shared/ports.js';
import { ErrorCodes, type AppError, type Result } from '../shared/result.js';
import { commands, COMMAND_TYPES, type CommandType } from './commands.js';
import type { CommandEnv } from './commandDef.js';
import type { Handled } from '../commandHandler.js';
import { PagingError } from './paging.js';
import type { CardOpsStore } from './store.js';
import { methods, type MethodContext } from './methods.js';
import { validationError } from './validation.js';
import { verifyPassword } from './passwords.js';
import { commandFingerprint } from './fingerprint.js';
import { ChargeRunJobs } from '../chargeruns/jobs.js';
import type { RunProgress } from '../chargeruns/executor.js';
import { startOrderReminderSweep } from '../orders/scheduler.js';
import { reportTickets } from '../reports/tickets.js';

export type { Api, ApiMethod, ApiParams, ApiResult, SessionInfo, CommandOutcome } from './methods.js';
import type { ApiMethod, ApiParams, ApiResult, SessionInfo } from './methods.js';

/** A message the backend sends on its own: live updates and progress. */
export type Push =
  | { readonly topic: 'events'; readonly payload: { readonly lastPosition: number; readonly count: number; readonly types: readonly string[]; readonly streams: readonly string[] } }
  | { readonly topic: 'progress'; readonly payload: { readonly task: string; readonly done: number; readonly total: number } }
  | { readonly topic: 'chargerun'; readonly payload: RunProgress };

export interface Connection {
  readonly session: SessionInfo | null;
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<Result<ApiResult<M>>>;
  /** The same, for input that has not been type-checked (from a carrier). */
  callUnknown(method: string, params: unknown): Promise<Result<unknown>>;
  onPush(listener: (push: Push) => void): () => void;
  close(): void;
}

export interface ConnectOptions {
  /** Where the calls come from, recorded nowhere but useful in logs: electron, web, cli, test. */
  readonly origin: string;
  /** The CLI's read-only commands need no operator: they may call `read` methods unsigned. */
  readonly localReadOnly?: boolean;
}

export interface Backend {
  connect(options: ConnectOptions): Connection;
  readonly store: CardOpsStore;
  close(): Promise<void>;
}

export interface BackendDeps {
  readonly store: CardOpsStore;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  /** Accounts per charge-run batch (default 10 000). */
  readonly chargeRunBatchSize?: number;
}

export function createBackend(deps: BackendDeps): Backend {
  const { store } = deps;
  const clock = deps.clock ?? systemClock;
  const ids = deps.ids ?? randomIds;
  const connections = new Set<{ push: (p: Push) => void; signedIn: () => boolean }>();
  const broadcast = (p: Push): void => {
    for (const c of connections) if (c.signedIn()) c.push(p);
  };
  const jobs = new ChargeRunJobs(store, (payload) => broadcast({ topic: 'chargerun', payload }), deps.chargeRunBatchSize);
  const stopReminders = startOrderReminderSweep(store, clock, ids);

  const unsubscribe = (() => {
    let started = false;
    let stop: (() => void) | undefined;
    return {
      start(): void {
        if (started) return;
        started = true;
        void store.headPosition().then((head) => {
          stop = store.subscribe(head, (events: readonly StoredEvent[]) => {
            const last = events[events.length - 1];
            if (!last) return;
            const push: Push = {
              topic: 'events',
              payload: {
                lastPosition: last.position,
                count: events.length,
                types: [...new Set(events.slice(0, 1000).map((e) => e.type))],
                streams: [...new Set(events.slice(0, 100).map((e) => e.streamId))],
              },
            };
            broadcast(push);
          });
        });
      },
      stop(): void {
        stop?.();
      },
    };
  })();

  function connect(options: ConnectOptions): Connection {
    let session: SessionInfo | null = null;
    /** The identity of this sign-in: what it was given (report tickets) dies when it ends. */
    let sessionKey: object | null = null;
    const endSession = (): void => {
      if (sessionKey) reportTickets(store).revokeSession(sessionKey);
      sessionKey = null;
      session = null;
    };
    const listeners = new Set<(p: Push) => void>();
    const entry = { push: (p: Push) => listeners.forEach((l) => l(p)), signedIn: () => session !== null };
    connections.add(entry);
    unsubscribe.start();

    /** The operator behind the session, as the read model has it now: a disabled operator stops at once. */
    async function currentOperator(): Promise<Result<SessionInfo>> {
      if (!session) return { ok: false, error: { code: ErrorCodes.unauthenticated, message: 'sign in first' } };
      const id = session.operatorId;
      const row = await store.read((sql) => sql.get<{ display_name: string; role: Role; status: string }>('SELECT display_name, role, status FROM operators WHERE operator_id = ?', [id]));
      if (!row || row.status !== 'active') {
        endSession();
        return { ok: false, error: { code: ErrorCodes.unauthenticated, message: `operator ${id} is no longer active: sign in again` } };
      }
      session = { operatorId: id, displayName: row.display_name, role: row.role };
      return { ok: true, value: session };
    }

    const ctx: MethodContext = {
      store,
      jobs,
      clock,
      ids,
      origin: options.origin,
      progress: (task, done, total) => entry.push({ topic: 'progress', payload: { task, done, total } }),
      session: () => session,
      sessionKey: () => sessionKey,
      async login(operatorId, password) {
        const row = await store.read((sql) => sql.get<{ display_name: string; role: Role; status: string; password_hash: string }>('SELECT display_name, role, status, password_hash FROM operators WHERE operator_id = ?', [operatorId]));
        const good = row ? await verifyPassword(password, row.password_hash) : await verifyPassword(password, DUMMY_HASH);
        if (!row || !good) return { ok: false, error: { code: ErrorCodes.badCredentials, message: 'wrong operator name or password' } };
        if (row.status !== 'active') return { ok: false, error: { code: ErrorCodes.badCredentials, message: `operator ${operatorId} is disabled: ask an admin to enable it` } };
        endSession();
        session = { operatorId, displayName: row.display_name, role: row.role };
        sessionKey = {};
        return { ok: true, value: session };
      },
      logout() {
        endSession();
      },
      async execute(input, envelope) {
        const op = await currentOperator();
        if (!op.ok) return op;
        const type = (input as { type?: unknown } | null)?.type;
        if (typeof type !== 'string' || !(COMMAND_TYPES as string[]).includes(type)) {
          return { ok: false, error: { code: ErrorCodes.unknownCommand, message: `unknown command ${JSON.stringify(type ?? null)}: the commands are ${COMMAND_TYPES.join(', ')}` } };
        }
        const t = type as CommandType;
        const def = commands[t];
        if (!(def.roles as readonly Role[]).includes(op.value.role)) {
          return { ok: false, error: { code: ErrorCodes.forbidden, message: `${t} needs the role ${def.roles.join(' or ')}; ${op.value.operatorId} is ${op.value.role}` } };
        }
        const parsed = (def.schema as z.ZodType).safeParse(input);
        if (!parsed.success) return { ok: false, error: validationError(t, parsed.error) };
        const commandId = envelope.commandId ?? ids.next();
        const metadata = { operator: op.value.operatorId, correlationId: envelope.correlationId ?? commandId, causationId: envelope.causationId ?? commandId, commandId, commandFingerprint: commandFingerprint(t, parsed.data) };
        // The per-type handler receives the data its own schema produced.
        const handle = def.handle as (env: CommandEnv, c: unknown) => Promise<Handled>;
        const handled = await handle({ store, metadata, operatorId: op.value.operatorId, role: op.value.role, clock }, parsed.data);
        if (!handled.ok) {
          const { code, message, details } = handled.refusal;
          return { ok: false, error: details ? { code, message, details } : { code, message } };
        }
        if (t === 'StartChargeRun' || t === 'ResumeChargeRun') {
          // The run goes on in the background, batch by batch; progress is pushed to every operator.
          const runId = (parsed.data as { runId: string }).runId;
          void jobs.ensure(runId, op.value.operatorId).catch((e: unknown) => broadcast({ topic: 'progress', payload: { task: `chargerun ${runId} stopped: ${(e as Error).message}`, done: 0, total: 0 } }));
        }
        return { ok: true, value: { commandId, events: handled.events.map((e) => ({ type: e.type, streamId: e.streamId, position: e.position })) } };
      },
      requireRole: async (roles) => {
        const op = await currentOperator();
        if (!op.ok) return op;
        if (roles !== 'any' && !roles.includes(op.value.role)) {
          return { ok: false, error: { code: ErrorCodes.forbidden, message: `this needs the role ${roles.join(' or ')}; ${op.value.operatorId} is ${op.value.role}` } };
        }
        return op;
      },
    };

    async function callUnknown(method: string, params: unknown): Promise<Result<unknown>> {
      if (!Object.hasOwn(methods, method)) {
        return { ok: false, error: { code: ErrorCodes.unknownMethod, message: `unknown method ${method}` } };
      }
      const def = methods[method as ApiMethod];
      const parsed = (def.params as z.ZodType).safeParse(params ?? {});
      if (!parsed.success) return { ok: false, error: validationError(method, parsed.error) };
      if (def.access !== 'public') {
        const readOnly = def.access === 'read' || ('readOnly' in def && def.readOnly === true);
        if (!(readOnly && options.localReadOnly)) {
          const allowed = await ctx.requireRole(def.access === 'read' || def.access === 'signedIn' ? 'any' : def.access);
          if (!allowed.ok) return allowed;
        }
      }
      try {
        return await (def.run as (c: MethodContext, p: unknown) => Promise<Result<unknown>>)(ctx, parsed.data);
      } catch (e) {
        return { ok: false, error: toAppError(e) };
      }
    }

    return {
      get session() {
        return session;
      },
      call: (method, params) => callUnknown(method, params) as never,
      callUnknown,
      onPush(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      close() {
        connections.delete(entry);
        listeners.clear();
        endSession();
      },
    };
  }

  return {
    connect,
    store,
    async close() {
      unsubscribe.stop();
      stopReminders();
      await jobs.stopAll();
      await store.close();
    },
  };
}

/** A hash to compare against when the operator does not exist, so timing does not tell. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export function toAppError(e: unknown): AppError {
  if (e instanceof StoreError) return { code: e.code, message: e.message, details: e.details };
  if (e instanceof PagingError) return { code: ErrorCodes.validation, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { code: ErrorCodes.internal, message: `an unexpected error: ${message}. Nothing was saved for this request.` };
}
