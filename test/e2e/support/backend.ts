/** Test data made the way any client makes it: commands through the real backend, as a signed-in operator. */
import type { ApiMethod, ApiParams, ApiResult, CommandOutcome } from '../../../domain/backend/backend.js';
import type { Command } from '../../../domain/backend/commands.js';
import type { TestApp } from './app.js';

export interface Operator {
  /** Runs a command; throws with the backend's code and message when it is refused. */
  exec(command: Command): Promise<CommandOutcome>;
  /** Calls a method; throws when it fails. */
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>>;
  close(): void;
}

export async function signedInAs(app: TestApp, operatorId: string, password = 'demo'): Promise<Operator> {
  const c = app.backend.connect({ origin: 'test' });
  const login = await c.call('auth.login', { operatorId, password });
  if (!login.ok) throw new Error(`${operatorId} cannot sign in: ${login.error.code} ${login.error.message}`);
  const call = async <M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> => {
    const r = await c.call(method, params);
    if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
    return r.value;
  };
  return {
    call,
    exec: (command) => call('commands.execute', { command }),
    close: () => c.close(),
  };
}
