/** Four eyes for role grants and control settings: needed once the store has two active admins. */
import type { CommandEnv } from '../backend/commandDef.js';
import type { CardOpsStore } from '../backend/store.js';

export async function activeAdmins(store: CardOpsStore): Promise<number> {
  return store.read((sql) => Number(sql.scalar("SELECT count(*) FROM operators WHERE role = 'admin' AND status = 'active'")));
}

/** The grant a command carries when a second admin must approve it: the request id is the command's id. */
export async function grantFor(env: CommandEnv): Promise<{ requestId: string; requestedBy: string } | undefined> {
  return (await activeAdmins(env.store)) >= 2 ? { requestId: env.metadata.commandId, requestedBy: env.operatorId } : undefined;
}
