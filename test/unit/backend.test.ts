import { beforeEach, describe, expect, it } from 'vitest';
import type { Backend, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import { serveMessage, MAX_MESSAGE_BYTES } from '../../domain/backend/protocol.js';
import { openBackend } from '../../domain/open.js';

let backend: Backend;
async function as(operatorId: string, password = 'demo'): Promise<Connection> {
  const c = backend.connect({ origin: 'test' });
  const r = await c.call('auth.login', { operatorId, password });
  expect(r.ok).toBe(true);
  return c;
}
const head = () => backend.store.headPosition();

beforeEach(async () => {
  backend = await openBackend({ log: () => {} });
  await seedDemo(backend.store, { accounts: 0, seed: 1 });
});

describe('signing in', () => {
  it('accepts the right password and refuses a wrong one or an unknown operator alike', async () => {
    const c = backend.connect({ origin: 'test' });
    const bad = await c.call('auth.login', { operatorId: 'agent1', password: 'nope' });
    const unknown = await c.call('auth.login', { operatorId: 'ghost', password: 'demo' });
    expect(bad).toEqual({ ok: false, error: { code: 'BAD_CREDENTIALS', message: 'wrong operator name or password (after 5 failed attempts an operator is locked for 15 minutes: wait, or ask an admin to reset the password)' } });
    expect(unknown).toEqual(bad);
    expect(c.session).toBeNull();
    const good = await c.call('auth.login', { operatorId: 'agent1', password: 'demo' });
    expect(good).toEqual({ ok: true, value: { operatorId: 'agent1', displayName: 'Alex Agent', role: 'agent' } });
  });

  it('refuses commands and non-public queries before signing in', async () => {
    const c = backend.connect({ origin: 'test' });
    const r = await c.call('commands.execute', { command: { type: 'EnableOperator', operatorId: 'agent1' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await c.call('operators.list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await c.call('system.info', {})).toMatchObject({ ok: true, value: { demo: true, product: 'CardOps' } });
  });

  it('stops a disabled operator at the next call, and refuses their sign-in', async () => {
    const agent = await as('agent1');
    const admin = await as('admin');
    expect(await admin.call('commands.execute', { command: { type: 'DisableOperator', operatorId: 'agent1', reason: 'left the bank' } })).toMatchObject({ ok: true });
    expect(await agent.call('events.list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    const again = await backend.connect({ origin: 'test' }).call('auth.login', { operatorId: 'agent1', password: 'demo' });
    expect(again).toMatchObject({ ok: false, error: { message: expect.stringMatching(/disabled/) } });
  });
});

describe('commands', () => {
  it('checks the role in the backend: an agent cannot create operators, and nothing is written', async () => {
    const agent = await as('agent1');
    const before = await head();
    const r = await agent.call('commands.execute', { command: { type: 'CreateOperator', operatorId: 'mallory', displayName: 'M', role: 'admin', password: 'long-enough-secret' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/needs the role admin; agent1 is agent/) } });
    expect(await head()).toBe(before);
    expect(await (await as('admin')).call('operators.list', {})).toMatchObject({ ok: true });
    expect(await agent.call('operators.list', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('validates input, names every bad field, and writes nothing', async () => {
    const admin = await as('admin');
    const before = await head();
    const r = await admin.call('commands.execute', { command: { type: 'CreateOperator', operatorId: 'X!', displayName: '', role: 'boss', password: 'pw' } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('VALIDATION_FAILED');
    for (const field of ['operatorId', 'displayName', 'role', 'password']) expect(r.error.message).toContain(`${field}:`);
    expect(await head()).toBe(before);
    const extra = await admin.call('commands.execute', { command: { type: 'EnableOperator', operatorId: 'agent1', sneaky: true } });
    expect(extra).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('records operator, command, correlation and causation ids on every event', async () => {
    const admin = await as('admin');
    const r = await admin.call('commands.execute', { command: { type: 'ChangeOperatorRole', operatorId: 'agent1', role: 'supervisor' }, commandId: 'cmd-1', correlationId: 'call-42' });
    expect(r).toEqual({ ok: true, value: { commandId: 'cmd-1', events: [{ type: 'OperatorRoleChanged', streamId: 'operator-agent1', position: expect.any(Number) }] } });
    const h = await admin.call('history.stream', { streamId: 'operator-agent1' });
    if (!h.ok) throw new Error(h.error.message);
    expect(h.value.events.at(-1)).toMatchObject({ metadata: { operator: 'admin', commandId: 'cmd-1', correlationId: 'call-42', causationId: 'cmd-1' }, recordedAt: expect.stringMatching(/Z$/) });
  });

  it('is idempotent by command id: a repeat writes nothing and succeeds', async () => {
    const admin = await as('admin');
    const command = { type: 'CreateOperator', operatorId: 'agent9', displayName: 'Nine', role: 'agent', password: 'long-enough-secret' } as const;
    const first = await admin.call('commands.execute', { command, commandId: 'same' });
    const again = await admin.call('commands.execute', { command, commandId: 'same' });
    expect(first).toMatchObject({ ok: true, value: { events: [{ type: 'OperatorCreated' }] } });
    expect(again).toEqual({ ok: true, value: { commandId: 'same', events: [] } });
    const other = await admin.call('commands.execute', { command });
    expect(other).toMatchObject({ ok: false, error: { code: 'OPERATOR_EXISTS' } });
  });

  it('decides again after a concurrent write: two creations of one operator, one wins', async () => {
    const a = await as('admin');
    const results = await Promise.all([1, 2].map((n) => a.call('commands.execute', { command: { type: 'CreateOperator', operatorId: 'twin', displayName: `Twin ${n}`, role: 'agent', password: 'long-enough-secret' } })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toMatchObject([{ error: { code: 'OPERATOR_EXISTS' } }]);
  });

  it('keeps at least one active admin, and an admin cannot disable themselves', async () => {
    const admin = await as('admin');
    expect(await admin.call('commands.execute', { command: { type: 'DisableOperator', operatorId: 'admin', reason: 'x' } })).toMatchObject({ ok: false, error: { code: 'CANNOT_DISABLE_SELF' } });
    expect(await admin.call('commands.execute', { command: { type: 'ChangeOperatorRole', operatorId: 'admin', role: 'agent' } })).toMatchObject({ ok: false, error: { code: 'LAST_ADMIN' } });
    expect(await admin.call('commands.execute', { command: { type: 'ChangeOperatorRole', operatorId: 'super1', role: 'admin' } })).toMatchObject({ ok: true });
    expect(await admin.call('commands.execute', { command: { type: 'ChangeOperatorRole', operatorId: 'admin', role: 'agent' } })).toMatchObject({ ok: true });
  });

  it('a new password works and the old one stops working', async () => {
    const admin = await as('admin');
    expect(await admin.call('commands.execute', { command: { type: 'ResetOperatorPassword', operatorId: 'agent1', password: 'n3w-pass-phrase' } })).toMatchObject({ ok: true });
    const c = backend.connect({ origin: 'test' });
    expect(await c.call('auth.login', { operatorId: 'agent1', password: 'demo' })).toMatchObject({ ok: false });
    expect(await c.call('auth.login', { operatorId: 'agent1', password: 'n3w-pass-phrase' })).toMatchObject({ ok: true });
  });
});

describe('queries', () => {
  it('never shows a password hash', async () => {
    const admin = await as('admin');
    const h = await admin.call('history.stream', { streamId: 'operator-agent1' });
    expect(JSON.stringify(h)).not.toMatch(/scrypt\$/);
    expect(h).toMatchObject({ ok: true, value: { events: [{ data: { passwordHash: '[redacted]' } }] } });
    const all = await admin.call('events.list', { limit: 100 });
    expect(JSON.stringify(all)).not.toMatch(/scrypt\$/);
  });

  it('pages operators by keyset, sorted and searched in SQL', async () => {
    const admin = await as('admin');
    for (let i = 0; i < 12; i++) {
      const r = await admin.call('commands.execute', { command: { type: 'CreateOperator', operatorId: `clerk${String(i).padStart(2, '0')}`, displayName: `Clerk ${12 - i}`, role: 'agent', password: 'long-enough-secret' } });
      expect(r.ok).toBe(true);
    }
    const ids: string[] = [];
    let after: string | undefined;
    for (let n = 0; n < 10; n++) {
      const p = await admin.call('operators.list', { sort: 'operatorId', direction: 'desc', limit: 5, ...(after ? { after } : {}) });
      if (!p.ok) throw new Error(p.error.message);
      ids.push(...p.value.rows.map((r) => r.operatorId));
      if (!p.value.next) break;
      after = p.value.next;
    }
    expect(ids).toHaveLength(16);
    expect(ids).toEqual([...ids].sort().reverse());
    const byName = await admin.call('operators.list', { sort: 'displayName', search: 'clerk 1', limit: 100 });
    expect(byName.ok && byName.value.rows.map((r) => r.displayName)).toEqual(['Clerk 1', 'Clerk 10', 'Clerk 11', 'Clerk 12']);
    expect(await admin.call('operators.list', { sort: 'password_hash' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await admin.call('operators.list', { after: 'garbage' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });
});

describe('the protocol', () => {
  it('answers an unknown method, a malformed message and an oversized one with typed errors', async () => {
    const c = await as('admin');
    expect(await serveMessage(c, JSON.stringify({ kind: 'request', id: 1, method: 'nope.nothing', params: {} }))).toMatchObject({ id: 1, ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await serveMessage(c, '{not json')).toMatchObject({ ok: false, error: { code: 'MALFORMED_MESSAGE' } });
    expect(await serveMessage(c, { kind: 'request', id: 'x', method: 5 })).toMatchObject({ ok: false, error: { code: 'MALFORMED_MESSAGE' } });
    expect(await serveMessage(c, JSON.stringify({ kind: 'request', id: 2, method: 'system.info', params: { pad: 'x'.repeat(MAX_MESSAGE_BYTES) } }))).toMatchObject({ ok: false, error: { code: 'MESSAGE_TOO_LARGE' } });
    expect(await serveMessage(c, JSON.stringify({ kind: 'request', id: 3, method: 'system.info', params: { bad: 1 } }))).toMatchObject({ id: 3, ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await serveMessage(c, { kind: 'request', id: 4, method: 'auth.session' })).toEqual({ kind: 'reply', id: 4, ok: true, result: { operatorId: 'admin', displayName: 'Administrator', role: 'admin' } });
  });

  it('pushes live updates to signed-in connections', async () => {
    const admin = await as('admin');
    const pushes: string[] = [];
    admin.onPush((p) => p.topic === 'events' && pushes.push(...p.payload.types));
    await new Promise((r) => setTimeout(r, 10));
    await admin.call('commands.execute', { command: { type: 'ChangeOperatorRole', operatorId: 'agent1', role: 'supervisor' } });
    expect(pushes).toEqual(['OperatorRoleChanged']);
  });
});

describe('first run', () => {
  it('a new store offers setup once: the first admin, then never again', async () => {
    const fresh = await openBackend({ log: () => {} });
    const c = fresh.connect({ origin: 'test' });
    expect(await c.call('system.info', {})).toMatchObject({ ok: true, value: { initialized: false, demo: false } });
    expect(await c.call('system.setup', { mode: 'admin', password: 'pw' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await c.call('system.setup', { mode: 'admin', password: 'correct horse' })).toEqual({ ok: true, value: { operators: ['admin'] } });
    expect(await c.call('system.info', {})).toMatchObject({ ok: true, value: { initialized: true, demo: false } });
    const before = await fresh.store.headPosition();
    expect(await c.call('system.setup', { mode: 'demo' })).toMatchObject({ ok: false, error: { code: 'ALREADY_INITIALIZED' } });
    expect(await fresh.store.headPosition()).toBe(before);
    expect(await c.call('auth.login', { operatorId: 'admin', password: 'correct horse' })).toMatchObject({ ok: true });
  });
});
