/** Operator commands, for admins. Passwords are hashed here, before the pure decider. */
import { defineCommand, type CommandEnv } from '../backend/commandDef.js';
import { hashPassword } from '../backend/passwords.js';
import { handleCommand, type Handled } from '../commandHandler.js';
import { refuse } from '../decider.js';
import { operatorDecider } from './decider.js';
import { operatorStreamId } from './events.js';
import { operatorCommandSchemas as s } from './schemas.js';
import { grantFor } from '../controls/fourEyes.js';

const ADMIN = ['admin'] as const;

const refused = (code: string, message: string): Handled => ({ ok: false, refusal: refuse(code, message) });

async function isActiveAdmin(env: CommandEnv, operatorId: string): Promise<boolean> {
  return env.store.read((sql) => sql.scalar("SELECT 1 FROM operators WHERE operator_id = ? AND role = 'admin' AND status = 'active'", [operatorId]) !== undefined);
}
async function otherActiveAdmins(env: CommandEnv, operatorId: string): Promise<number> {
  return env.store.read((sql) => Number(sql.scalar("SELECT count(*) FROM operators WHERE role = 'admin' AND status = 'active' AND operator_id <> ?", [operatorId])));
}

export const operatorCommands = {
  CreateOperator: defineCommand({
    roles: ADMIN,
    schema: s.CreateOperator,
    // A new supervisor or admin waits for a second admin once the store has two.
    handle: async (env, c) => {
      const grant = await grantFor(env);
      return handleCommand(
        env.store,
        operatorDecider,
        operatorStreamId(c.operatorId),
        { type: 'CreateOperator', operatorId: c.operatorId, displayName: c.displayName, role: c.role, passwordHash: await hashPassword(c.password), ...(grant ? { grant } : {}) },
        env,
      );
    },
  }),
  ChangeOperatorRole: defineCommand({
    roles: ADMIN,
    schema: s.ChangeOperatorRole,
    handle: async (env, c) => {
      if (c.role !== 'admin' && (await isActiveAdmin(env, c.operatorId)) && (await otherActiveAdmins(env, c.operatorId)) === 0) {
        return refused('LAST_ADMIN', `${c.operatorId} is the last active admin: make another operator admin first, or nobody could manage operators`);
      }
      // A change to supervisor or admin waits for a second admin once the store has two.
      const grant = await grantFor(env);
      return handleCommand(env.store, operatorDecider, operatorStreamId(c.operatorId), { ...c, ...(grant ? { grant } : {}) }, env);
    },
  }),
  ResetOperatorPassword: defineCommand({
    roles: ADMIN,
    schema: s.ResetOperatorPassword,
    handle: async (env, c) =>
      handleCommand(env.store, operatorDecider, operatorStreamId(c.operatorId), { type: 'ResetOperatorPassword', operatorId: c.operatorId, passwordHash: await hashPassword(c.password) }, env),
  }),
  DisableOperator: defineCommand({
    roles: ADMIN,
    schema: s.DisableOperator,
    handle: async (env, c) => {
      if (c.operatorId === env.operatorId) return refused('CANNOT_DISABLE_SELF', 'you cannot disable yourself: ask another admin');
      if ((await isActiveAdmin(env, c.operatorId)) && (await otherActiveAdmins(env, c.operatorId)) === 0) {
        return refused('LAST_ADMIN', `${c.operatorId} is the last active admin: make another operator admin first`);
      }
      return handleCommand(env.store, operatorDecider, operatorStreamId(c.operatorId), c, env);
    },
  }),
  EnableOperator: defineCommand({
    roles: ADMIN,
    schema: s.EnableOperator,
    handle: (env, c) => handleCommand(env.store, operatorDecider, operatorStreamId(c.operatorId), c, env),
  }),
  /** A second admin approves a pending role grant (not the admin who asked): it applies at once. */
  ApproveRoleGrant: defineCommand({
    roles: ADMIN,
    schema: s.ApproveRoleGrant,
    handle: (env, c) => handleCommand(env.store, operatorDecider, operatorStreamId(c.operatorId), { ...c, approvedBy: env.operatorId }, env),
  }),
  /** Any admin rejects a pending role grant; the admin who asked may withdraw it this way. */
  RejectRoleGrant: defineCommand({
    roles: ADMIN,
    schema: s.RejectRoleGrant,
    handle: (env, c) => handleCommand(env.store, operatorDecider, operatorStreamId(c.operatorId), { ...c, rejectedBy: env.operatorId }, env),
  }),
};
