/**
 * Creating a store's first operators. This cannot go through the API (no admin exists yet), so
 * it is allowed only while the store has no operator at all, and its events record the
 * operator `system`.
 */
import { operatorDecider } from '../operators/decider.js';
import { operatorId as operatorIdSchema } from '../operators/schemas.js';
import { describeIssues } from './validation.js';
import { operatorStreamId, type OperatorEvent } from '../operators/events.js';
import type { Role } from '../operators/roles.js';
import { MIN_PASSWORD_LENGTH } from '../operators/schemas.js';
import { isRefusal } from '../decider.js';
import { eventIdFor } from '../commandHandler.js';
import type { NewEvent, StreamAppend } from '../eventstore/types.js';
import { randomIds, type IdGenerator } from '../shared/ports.js';
import { SYSTEM_STREAM, type SystemEvent } from '../system/events.js';
import { hashPassword } from './passwords.js';
import type { CardOpsStore } from './store.js';
import { seedDemoAccounts } from './seedAccounts.js';

export const DEMO_OPERATORS: readonly { operatorId: string; displayName: string; role: Role }[] = [
  { operatorId: 'admin', displayName: 'Administrator', role: 'admin' },
  { operatorId: 'agent1', displayName: 'Alex Agent', role: 'agent' },
  { operatorId: 'super1', displayName: 'Sam Supervisor', role: 'supervisor' },
  { operatorId: 'super2', displayName: 'Pat Supervisor', role: 'supervisor' },
];
export const DEMO_PASSWORD = 'demo';

export class BootstrapError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function operatorCount(store: CardOpsStore): Promise<number> {
  return store.read((sql) => Number(sql.scalar('SELECT count(*) FROM operators')));
}

function systemEvent(commandId: string, i: number, e: SystemEvent): NewEvent {
  return { eventId: eventIdFor(commandId, i), type: e.type, data: e.data, metadata: { operator: 'system', correlationId: commandId, causationId: commandId, commandId } };
}

async function operatorAppends(operators: readonly { operatorId: string; displayName: string; role: Role; password: string; demo?: true }[], commandId: string): Promise<StreamAppend[]> {
  const out: StreamAppend[] = [];
  for (const [i, o] of operators.entries()) {
    const decision = operatorDecider.decide(
      { type: 'CreateOperator', operatorId: o.operatorId, displayName: o.displayName, role: o.role, passwordHash: await hashPassword(o.password), ...(o.demo ? { demo: o.demo } : {}) },
      operatorDecider.initialState(),
    );
    if (isRefusal(decision)) throw new BootstrapError(decision.code, decision.message);
    out.push({
      streamId: operatorStreamId(o.operatorId),
      expectedVersion: 'no_stream',
      events: decision.map((e: OperatorEvent, j) => ({ eventId: eventIdFor(`${commandId}-${i}`, j), type: e.type, data: e.data, metadata: { operator: 'system', correlationId: commandId, causationId: commandId, commandId } })),
    });
  }
  return out;
}

/** `cardops init`: the store's first admin. Refused if the store already has operators. */
export async function initializeStore(store: CardOpsStore, admin: { operatorId?: string; password: string }, ids: IdGenerator = randomIds): Promise<void> {
  if ((await operatorCount(store)) > 0) throw new BootstrapError('ALREADY_INITIALIZED', 'this store is already initialized: it has operators. Sign in as an admin to add more.');
  if (admin.password.length < MIN_PASSWORD_LENGTH) throw new BootstrapError('VALIDATION_FAILED', `the admin password needs at least ${MIN_PASSWORD_LENGTH} characters: a passphrase of a few words is easy to remember`);
  const operatorId = admin.operatorId ?? 'admin';
  const name = operatorIdSchema.safeParse(operatorId);
  if (!name.success) throw new BootstrapError('VALIDATION_FAILED', `the admin's operator name is not valid: ${describeIssues(name.error.issues).map((i) => i.message).join('; ')}`);
  const commandId = ids.next();
  await store.appendMany([
    { streamId: SYSTEM_STREAM, expectedVersion: 'no_stream', events: [systemEvent(commandId, 0, { type: 'StoreInitialized', data: { adminOperatorId: operatorId } })] },
    ...(await operatorAppends([{ operatorId, displayName: 'Administrator', role: 'admin', password: admin.password }], commandId)),
  ]);
}

/**
 * `cardops seed`: deterministic demo data on an empty store: the demo operators (password
 * `demo`), and the record that the store holds demo data (the app shows a banner).
 */
export async function seedDemo(store: CardOpsStore, options: { accounts: number; seed: number; onProgress?: (done: number, total: number) => void }, ids: IdGenerator = randomIds): Promise<{ operators: number; accounts: number; events: number }> {
  if ((await operatorCount(store)) > 0) throw new BootstrapError('ALREADY_INITIALIZED', 'demo data goes into a new, empty store only: this one already has operators. Seed a new file with --db.');
  const commandId = ids.next();
  await store.appendMany([
    {
      streamId: SYSTEM_STREAM,
      expectedVersion: 'no_stream',
      events: [
        systemEvent(commandId, 0, { type: 'StoreInitialized', data: { adminOperatorId: 'admin' } }),
        systemEvent(commandId, 1, { type: 'DemoDataSeeded', data: { accounts: options.accounts, seed: options.seed } }),
      ],
    },
    // The demo operators keep the short password `demo`: they are flagged as demo (`demo: true`).
    ...(await operatorAppends(DEMO_OPERATORS.map((o) => ({ ...o, password: DEMO_PASSWORD, demo: true as const })), commandId)),
  ]);
  const seeded = await seedDemoAccounts(store, { accounts: options.accounts, seed: options.seed, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  return { operators: DEMO_OPERATORS.length, accounts: seeded.accounts, events: seeded.events };
}
