/**
 * Card numbers and control characters never get in, through the backend API: every string field
 * of every command and of every API method (found by walking their schemas, so a field added
 * later is covered too) refuses a card number however it is written, and the refusal never
 * repeats the number.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { Backend, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import { commands, COMMAND_TYPES } from '../../domain/backend/commands.js';
import { methods } from '../../domain/backend/methods.js';
import { serveMessage } from '../../domain/backend/protocol.js';
import { openBackend } from '../../domain/open.js';
import type { Role } from '../../domain/operators/roles.js';
import { containsCardNumber } from '../../domain/shared/text.js';

type Path = readonly (string | number)[];
interface StringField {
  readonly path: Path;
  /** Literal fields along the way (a command's `type`, a union's `mode`), to reach this branch. */
  readonly literals: readonly { path: Path; value: unknown }[];
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  values?: unknown[];
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Every string the schema takes from a client, with its path. Record keys are covered by their own test. */
function stringFields(schema: z.ZodType, path: Path = [], literals: StringField['literals'] = []): StringField[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return [{ path, literals }];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return stringFields(def.innerType!, path, literals);
    case 'pipe':
      return stringFields(def.in!, path, literals);
    case 'array':
      return stringFields(def.element!, [...path, 0], literals);
    case 'union':
      return def.options!.flatMap((o) => stringFields(o, path, literals));
    case 'object': {
      const shape = def.shape!;
      const here = Object.entries(shape).flatMap(([k, v]) => (defOf(v).type === 'literal' ? [{ path: [...path, k], value: defOf(v).values![0] }] : []));
      const all = [...literals, ...here];
      return Object.entries(shape).flatMap(([k, v]) => stringFields(v, [...path, k], all));
    }
    default:
      return [];
  }
}

function setAt(target: Record<string, unknown>, path: Path, value: unknown): void {
  let at: Record<string | number, unknown> = target;
  path.forEach((key, i) => {
    if (i === path.length - 1) at[key] = value;
    else {
      at[key] ??= typeof path[i + 1] === 'number' ? [] : {};
      at = at[key] as Record<string | number, unknown>;
    }
  });
}
function build(field: StringField, value: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const l of field.literals) setAt(out, l.path, l.value);
  setAt(out, field.path, value);
  return out;
}

/** Passwords are hashed at once and never stored, shown or sent on; the page cursor is made by the system. */
const NOT_CLIENT_TEXT = new Set(['password', 'after']);
const fieldName = (f: StringField): string => String(f.path.filter((p) => typeof p === 'string').at(-1));

/** One card number written so that each kind of field's own format would take it. */
const CARD_RENDERINGS = [
  '4111.1111.1111.1111',
  'a_4111_1111_1111_1111',
  'tok_5500_0000_0000_0004',
  '4111.1111.1111.1111@example.com',
  'https://pay.example.com/4111.1111.1111.1111/',
  '\uff13\uff17\uff18\uff12 \uff18\uff12\uff12\uff14\uff16\uff13 \uff11\uff10\uff10\uff10\uff15',
  '4111111111111111 12/29 123',
  '5500\u00a00000\u00a00000\u00a00004',
  '4111\u200d1111\u200d1111\u200d1111',
  '\u0664\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661',
];
const CONTROL_RENDERINGS = ['ada\u0000lovelace', 'ada\u202elovelace', 'ada\u2066lovelace', 'ada\u001blovelace'];
/** Free-text fields take more than one line; every other field is one line. */
const FREE_TEXT = new Set(['reason', 'note']);

let backend: Backend;
const conns = new Map<Role, Connection>();
beforeAll(async () => {
  backend = await openBackend({ log: () => {} });
  await seedDemo(backend.store, { accounts: 0, seed: 1 });
  for (const [role, id] of [['admin', 'admin'], ['agent', 'agent1'], ['supervisor', 'super1']] as const) {
    const c = backend.connect({ origin: 'test' });
    expect(await c.call('auth.login', { operatorId: id, password: 'demo' })).toMatchObject({ ok: true });
    conns.set(role, c);
  }
});

const commandFields = COMMAND_TYPES.flatMap((type) =>
  stringFields(commands[type].schema as z.ZodType)
    .filter((f) => !NOT_CLIENT_TEXT.has(fieldName(f)))
    .map((f) => ({ type, field: f, roles: commands[type].roles as readonly Role[] })),
);
const methodFields = Object.entries(methods).flatMap(([name, def]) =>
  stringFields(def.params as z.ZodType)
    .filter((f) => !NOT_CLIENT_TEXT.has(fieldName(f)))
    .map((f) => ({ name, field: f })),
);

interface Refusal {
  readonly ok: boolean;
  readonly error?: { code: string; message: string; details?: { issues?: { path: string[]; message: string }[] } };
}
const issueAt = (r: Refusal, path: Path): string | undefined => r.error?.details?.issues?.find((i) => i.path.join('.') === path.map(String).join('.'))?.message;

describe('every string field of every command refuses a card number', () => {
  it('found the fields by walking the schemas', () => {
    expect(commandFields.length).toBeGreaterThan(60);
    const names = new Set(commandFields.map((c) => fieldName(c.field)));
    for (const n of ['accountId', 'cardId', 'chargeId', 'depositId', 'transferId', 'refundId', 'orderId', 'paymentId', 'planId', 'methodId', 'contactId', 'invoiceId', 'runId', 'operatorId', 'email', 'phone', 'token', 'feeKind', 'payLinkBase', 'description', 'note', 'reason', 'holderName', 'name', 'displayName', 'authorizationId']) {
      expect(names, n).toContain(n);
    }
  });

  it.each(commandFields.map((c) => [`${c.type} ${c.field.path.join('.')}`, c] as const))('%s', async (_, { field, roles }) => {
    const conn = conns.get(roles[0]!)!;
    const before = await backend.store.headPosition();
    for (const value of CARD_RENDERINGS) {
      const r = (await conn.call('commands.execute', { command: build(field, value) as never })) as Refusal;
      expect(r.ok, value).toBe(false);
      expect(r.error?.code, value).toBe('VALIDATION_FAILED');
      expect(issueAt(r, field.path), `${field.path.join('.')} = ${JSON.stringify(value)}`).toBeDefined();
      expect(containsCardNumber(JSON.stringify(r)), JSON.stringify(r)).toBe(false);
    }
    expect(await backend.store.headPosition()).toBe(before);
  });
});

describe('every string parameter of every API method refuses a card number', () => {
  it('found the parameters by walking the schemas', () => {
    const names = new Set(methodFields.map((c) => fieldName(c.field)));
    for (const n of ['commandId', 'correlationId', 'accountId', 'query', 'search', 'sort', 'eventId', 'streamId', 'runId', 'chargeId', 'orderId', 'contactId', 'invoiceId', 'planId', 'operatorId']) expect(names, n).toContain(n);
  });

  it.each(methodFields.map((m) => [`${m.name} ${m.field.path.join('.')}`, m] as const))('%s', async (_, { name, field }) => {
    const conn = conns.get('admin')!;
    for (const value of CARD_RENDERINGS) {
      const r = (await conn.callUnknown(name, build(field, value))) as Refusal;
      expect(r.ok, value).toBe(false);
      expect(issueAt(r, field.path), `${name} ${field.path.join('.')} = ${JSON.stringify(value)}`).toBeDefined();
      expect(containsCardNumber(JSON.stringify(r)), JSON.stringify(r)).toBe(false);
    }
  });

  it('a filter value refuses a card number too', async () => {
    const r = (await conns.get('agent')!.call('accounts.list', { filters: { status: '4111.1111.1111.1111' } })) as Refusal;
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(containsCardNumber(JSON.stringify(r))).toBe(false);
  });
});

describe('control characters', () => {
  it.each(commandFields.map((c) => [`${c.type} ${c.field.path.join('.')}`, c] as const))('%s refuses NUL, escape and bidirectional overrides; newlines unless free text', async (_, { field, roles }) => {
    const conn = conns.get(roles[0]!)!;
    for (const value of CONTROL_RENDERINGS) {
      const r = (await conn.call('commands.execute', { command: build(field, value) as never })) as Refusal;
      expect(issueAt(r, field.path), `${field.path.join('.')} = ${JSON.stringify(value)}`).toBeDefined();
    }
    const twoLines = (await conn.call('commands.execute', { command: build(field, 'first line\nsecond line') as never })) as Refusal;
    if (FREE_TEXT.has(fieldName(field))) expect(issueAt(twoLines, field.path)).toBeUndefined();
    else expect(issueAt(twoLines, field.path), field.path.join('.')).toBeDefined();
  });

  it('a name with a bidirectional override or a newline is refused with a message that says why; a note keeps its lines', async () => {
    const agent = conns.get('agent')!;
    const before = await backend.store.headPosition();
    for (const holderName of ['Ada\u202eecalevoL', 'Ada\nLovelace', 'Ada\u0000']) {
      const r = (await agent.call('commands.execute', { command: { type: 'OpenAccount', accountId: 'acc-ctl', holderName, currency: 'EUR', creditLimit: 0 } })) as Refusal;
      expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/holderName: must be one line without control characters/) } });
    }
    expect(await backend.store.headPosition()).toBe(before);
    expect(await agent.call('commands.execute', { command: { type: 'OpenAccount', accountId: 'acc-ctl', holderName: 'Ada Lovelace', currency: 'EUR', creditLimit: 0 } })).toMatchObject({ ok: true });
    const closed = await conns.get('supervisor')!.call('commands.execute', { command: { type: 'CloseAccount', accountId: 'acc-ctl', reason: 'customer asked:\n\tby phone' } });
    expect(closed).toMatchObject({ ok: true });
  });
});

describe('a refusal never repeats a card number', () => {
  it('an unknown field named like a card number', async () => {
    const r = (await conns.get('agent')!.call('commands.execute', { command: { type: 'OpenAccount', accountId: 'acc-x', holderName: 'A', currency: 'EUR', creditLimit: 0, '4111 1111 1111 1111': 1 } as never })) as Refusal;
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(r.error?.message).toMatch(/looks like a card number, not shown/);
    expect(containsCardNumber(JSON.stringify(r))).toBe(false);
  });

  it('an unknown command type, an unknown method and a malformed request', async () => {
    const agent = conns.get('agent')!;
    const cmd = (await agent.call('commands.execute', { command: { type: '4111 1111 1111 1111' } as never })) as Refusal;
    expect(cmd).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    const method = (await agent.callUnknown('4111.1111.1111.1111', {})) as Refusal;
    expect(method).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    const malformed = await serveMessage(agent, JSON.stringify({ kind: 'request', id: 1, method: 'auth.session', params: {}, '4111-1111-1111-1111': true }));
    expect(malformed).toMatchObject({ ok: false, error: { code: 'MALFORMED_MESSAGE' } });
    for (const r of [cmd, method, malformed]) expect(containsCardNumber(JSON.stringify(r)), JSON.stringify(r)).toBe(false);
  });
});

describe('web addresses in settings are http(s)', () => {
  it('refuses javascript:, data:, file: and ftp: pay links, and takes an https one', async () => {
    const admin = conns.get('admin')!;
    const before = await backend.store.headPosition();
    for (const payLinkBase of ['javascript:alert(1)//', 'data:text/html,<b>pay</b>', 'file:///etc/passwd', 'ftp://pay.example.com/', 'https://pay.example.com/\nplans/']) {
      const r = (await admin.call('commands.execute', { command: { type: 'UpdatePlanSettings', changes: { payLinkBase } } as never })) as Refusal;
      expect(r, payLinkBase).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/payLinkBase/) } });
    }
    expect(await backend.store.headPosition()).toBe(before);
    expect(await admin.call('commands.execute', { command: { type: 'UpdatePlanSettings', changes: { payLinkBase: 'https://pay.example.com/plans/' } } as never })).toMatchObject({ ok: true });
  });
});
