/** Operator: who may sign in, with which role. */
import { assertNever, refuse, type Decider, type Decision } from '../decider.js';
import type { OperatorEvent, OperatorState } from './events.js';
import type { Role } from './roles.js';

/** The decider's commands carry a password hash: hashing is impure and happens before. */
export type OperatorCommand =
  | { readonly type: 'CreateOperator'; readonly operatorId: string; readonly displayName: string; readonly role: Role; readonly passwordHash: string }
  | { readonly type: 'ChangeOperatorRole'; readonly operatorId: string; readonly role: Role }
  | { readonly type: 'ResetOperatorPassword'; readonly operatorId: string; readonly passwordHash: string }
  | { readonly type: 'DisableOperator'; readonly operatorId: string; readonly reason: string }
  | { readonly type: 'EnableOperator'; readonly operatorId: string };

export const initialState = (): OperatorState => ({ status: 'none' });

export function evolve(state: OperatorState, event: OperatorEvent): OperatorState {
  switch (event.type) {
    case 'OperatorCreated':
      return { status: 'active', operatorId: event.data.operatorId, displayName: event.data.displayName, role: event.data.role };
    case 'OperatorRoleChanged':
      return state.status === 'none' ? state : { ...state, role: event.data.to };
    case 'OperatorPasswordReset':
      return state;
    case 'OperatorDisabled':
      return state.status === 'none' ? state : { ...state, status: 'disabled', disabledReason: event.data.reason };
    case 'OperatorEnabled':
      return state.status === 'none' ? state : { ...state, status: 'active', disabledReason: undefined };
    default:
      return assertNever(event);
  }
}

export function decide(command: OperatorCommand, state: OperatorState): Decision<OperatorEvent> {
  const id = command.operatorId;
  if (command.type === 'CreateOperator') {
    if (state.status !== 'none') return refuse('OPERATOR_EXISTS', `operator ${id} already exists: choose another name`);
    return [{ type: 'OperatorCreated', data: { operatorId: id, displayName: command.displayName, role: command.role, passwordHash: command.passwordHash } }];
  }
  if (state.status === 'none') return refuse('OPERATOR_NOT_FOUND', `there is no operator ${id}: check the name, or create the operator first`);
  switch (command.type) {
    case 'ChangeOperatorRole':
      if (state.status === 'disabled') return refuse('OPERATOR_DISABLED', `operator ${id} is disabled (${state.disabledReason ?? 'no reason given'}): enable it before changing its role`);
      if (state.role === command.role) return [];
      return [{ type: 'OperatorRoleChanged', data: { operatorId: id, from: state.role, to: command.role } }];
    case 'ResetOperatorPassword':
      if (state.status === 'disabled') return refuse('OPERATOR_DISABLED', `operator ${id} is disabled (${state.disabledReason ?? 'no reason given'}): enable it before resetting its password`);
      return [{ type: 'OperatorPasswordReset', data: { operatorId: id, passwordHash: command.passwordHash } }];
    case 'DisableOperator':
      if (state.status === 'disabled') return [];
      return [{ type: 'OperatorDisabled', data: { operatorId: id, reason: command.reason } }];
    case 'EnableOperator':
      if (state.status === 'active') return [];
      return [{ type: 'OperatorEnabled', data: { operatorId: id } }];
    default:
      return assertNever(command);
  }
}

export const operatorDecider: Decider<OperatorCommand, OperatorEvent, OperatorState> = { decide, evolve, initialState };
