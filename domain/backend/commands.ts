/**
 * Every command CardOps takes: its input schema, the roles that may send it, and its handler.
 * The handler turns validated input into a decider command (hashing passwords, reading what
 * the rules need from read models) and runs it through the command handler.
 */
import type { z } from 'zod';
import { handleCommand, type Handled } from '../commandHandler.js';
import { refuse } from '../decider.js';
import type { EventMetadata } from '../eventstore/types.js';
import { operatorDecider } from '../operators/decider.js';
import { operatorStreamId } from '../operators/events.js';
import type { Role } from '../operators/roles.js';
import { operatorCommandSchemas } from '../operators/schemas.js';
import { hashPassword } from './passwords.js';
import type { CardOpsStore } from './store.js';

export const commandSchemas = {
  ...operatorCommandSchemas,
} as const;

export type CommandType = keyof typeof commandSchemas;
/** A command as a client sends it: `{ type, ...fields }`. */
export type Command = { [K in CommandType]: z.input<(typeof commandSchemas)[K]> }[CommandType];
type Parsed<K extends CommandType> = z.output<(typeof commandSchemas)[K]>;

export interface CommandEnv {
  readonly store: CardOpsStore;
  readonly metadata: EventMetadata;
  readonly operatorId: string;
}

interface CommandDef<K extends CommandType> {
  readonly roles: readonly Role[];
  readonly handle: (env: CommandEnv, command: Parsed<K>) => Promise<Handled>;
}

const ADMIN: readonly Role[] = ['admin'];

async function activeAdminsOtherThan(store: CardOpsStore, operatorId: string): Promise<number> {
  return store.read((sql) => Number(sql.scalar("SELECT count(*) FROM operators WHERE role = 'admin' AND status = 'active' AND operator_id <> ?", [operatorId])));
}

const refused = (code: string, message: string): Handled => ({ ok: false, refusal: refuse(code, message) });

export const commands: { readonly [K in CommandType]: CommandDef<K> } = {
  CreateOperator: {
    roles: ADMIN,
    handle: async (env, c) =>
      handleCommand(env.store, operatorDecider, operatorStreamId(c.operatorId), { type: 'CreateOperator', operatorId: c.operatorId, displayName: c.displayName, role: c.role, passwordHash: await hashPassword(c.password) }, env),
  },
  ChangeOperatorRole: {
    roles: ADMIN,
    handle: async (env, c) => {
      if (c.role !== 'admin' && (await activeAdminsOtherThan(env.store, c.operatorId)) === 0 && (await isActiveAdmin(env.store, c.operatorId))) {
        return refused('LAST_ADMIN', `${c.operatorId} is the last active admin: make another operator admin first, or nobody could manage operators`);
      }
      return handleCommand(env.store, operatorDecider, operatorStreamId(c.operatorId), c, env);
    },
  },
  ResetOperatorPassword: {
    roles: ADMIN,
    handle: async (env, c) =>
      handleCommand(env.store, operatorDecider, operatorStreamId(c.operatorId), { type: 'ResetOperatorPassword', operatorId: c.operatorId, passwordHash: await hashPassword(c.password) }, env),
  },
  DisableOperator: {
    roles: ADMIN,
    handle: async (env, c) => {
      if (c.operatorId === env.operatorId) return refused('CANNOT_DISABLE_SELF', 'you cannot disable yourself: ask another admin');
      if ((await isActiveAdmin(env.store, c.operatorId)) && (await activeAdminsOtherThan(env.store, c.operatorId)) === 0) {
        return refused('LAST_ADMIN', `${c.operatorId} is the last active admin: make another operator admin first`);
      }
      return handleCommand(env.store, operatorDecider, operatorStreamId(c.operatorId), c, env);
    },
  },
  EnableOperator: {
    roles: ADMIN,
    handle: (env, c) => handleCommand(env.store, operatorDecider, operatorStreamId(c.operatorId), c, env),
  },
};

async function isActiveAdmin(store: CardOpsStore, operatorId: string): Promise<boolean> {
  return store.read((sql) => sql.scalar("SELECT 1 FROM operators WHERE operator_id = ? AND role = 'admin' AND status = 'active'", [operatorId]) !== undefined);
}

export const COMMAND_TYPES = Object.keys(commandSchemas) as CommandType[];
