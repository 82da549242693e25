/** Operator: who may sign in, with which role; role grants that wait for a second admin; sign-in failures and lockouts. */
import { assertNever, refuse, type Decider, type Decision } from '../decider.js';
import type { OperatorEvent, OperatorState, RoleGrantRequest } from './events.js';
import type { Role } from './roles.js';

/** Roles whose grant needs a second admin once the store has two active admins. */
export const GUARDED_ROLES: readonly Role[] = ['supervisor', 'admin'];

/** Present when the grant needs a second admin (the backend knows how many admins there are). */
export interface GrantRequest {
  readonly requestId: string;
  readonly requestedBy: string;
}

/** The decider's commands carry a password hash: hashing is impure and happens before. */
export type OperatorCommand =
  | { readonly type: 'CreateOperator'; readonly operatorId: string; readonly displayName: string; readonly role: Role; readonly passwordHash: string; readonly demo?: true; readonly grant?: GrantRequest }
  | { readonly type: 'ChangeOperatorRole'; readonly operatorId: string; readonly role: Role; readonly grant?: GrantRequest }
  | { readonly type: 'ResetOperatorPassword'; readonly operatorId: string; readonly passwordHash: string }
  | { readonly type: 'DisableOperator'; readonly operatorId: string; readonly reason: string }
  | { readonly type: 'EnableOperator'; readonly operatorId: string }
  | { readonly type: 'ApproveRoleGrant'; readonly operatorId: string; readonly requestId: string; readonly approvedBy: string }
  | { readonly type: 'RejectRoleGrant'; readonly operatorId: string; readonly requestId: string; readonly rejectedBy: string; readonly reason: string }
  | { readonly type: 'RecordFailedSignIn'; readonly operatorId: string; readonly at: string; readonly origin: string; readonly maxAttempts: number; readonly lockoutMinutes: number }
  | { readonly type: 'RecordSuccessfulSignIn'; readonly operatorId: string };

export const initialState = (): OperatorState => ({ status: 'none' });

const controls = (s: OperatorState) => ({
  ...(s.pendingGrant ? { pendingGrant: s.pendingGrant } : {}),
  ...(s.failedSignIns ? { failedSignIns: s.failedSignIns } : {}),
  ...(s.lockedUntil ? { lockedUntil: s.lockedUntil } : {}),
});
const withoutGrant = (s: OperatorState): OperatorState => {
  const { pendingGrant: _drop, ...rest } = s;
  return rest as OperatorState;
};

export function evolve(state: OperatorState, event: OperatorEvent): OperatorState {
  switch (event.type) {
    case 'OperatorCreated':
      return { ...controls(state), status: 'active', operatorId: event.data.operatorId, displayName: event.data.displayName, role: event.data.role };
    case 'OperatorRoleChanged':
      return state.status === 'none' ? state : { ...state, role: event.data.to };
    case 'OperatorPasswordReset': {
      // A new password from an admin also lifts a lockout.
      const { failedSignIns: _f, lockedUntil: _l, ...rest } = state;
      return rest as OperatorState;
    }
    case 'OperatorDisabled':
      return state.status === 'none' ? state : { ...state, status: 'disabled', disabledReason: event.data.reason };
    case 'OperatorEnabled':
      return state.status === 'none' ? state : { ...state, status: 'active', disabledReason: undefined };
    case 'RoleGrantRequested':
      return { ...state, pendingGrant: event.data };
    case 'RoleGrantApproved':
    case 'RoleGrantRejected':
      return withoutGrant(state);
    case 'OperatorSignInFailed':
      return event.data.reason === 'locked' ? state : { ...state, failedSignIns: event.data.attempt };
    case 'OperatorLockedOut':
      return { ...state, failedSignIns: 0, lockedUntil: event.data.until };
    case 'OperatorSignInFailuresCleared':
      return { ...state, failedSignIns: 0 };
    default:
      return assertNever(event);
  }
}

const pendingRefusal = (p: RoleGrantRequest) =>
  refuse('GRANT_PENDING', `${p.requestedBy} asked to ${p.kind === 'create' ? 'create' : 'make'} ${p.operatorId} ${p.role} (request ${p.requestId}); a second admin must approve or reject that first`, { requestId: p.requestId });

function decideGrant(command: Extract<OperatorCommand, { type: 'ApproveRoleGrant' | 'RejectRoleGrant' }>, state: OperatorState): Decision<OperatorEvent> {
  const id = command.operatorId;
  const p = state.pendingGrant;
  if (!p || p.requestId !== command.requestId) {
    return refuse('NO_PENDING_REQUEST', `there is no pending role grant ${command.requestId} for ${id}${p ? ` (the pending one is ${p.requestId})` : ''}: it may have been decided already; list the pending requests`);
  }
  if (command.type === 'RejectRoleGrant') {
    return [{ type: 'RoleGrantRejected', data: { requestId: p.requestId, operatorId: id, role: p.role, requestedBy: p.requestedBy, rejectedBy: command.rejectedBy, reason: command.reason } }];
  }
  if (command.approvedBy === p.requestedBy) {
    return refuse('FOUR_EYES', `${p.requestedBy} asked for this grant, so another admin must approve it (four eyes)`);
  }
  const approved: OperatorEvent = { type: 'RoleGrantApproved', data: { requestId: p.requestId, operatorId: id, role: p.role, requestedBy: p.requestedBy, approvedBy: command.approvedBy } };
  if (p.kind === 'create') {
    if (state.status !== 'none') return refuse('OPERATOR_EXISTS', `operator ${id} already exists: reject this request`);
    return [approved, { type: 'OperatorCreated', data: { operatorId: id, displayName: p.displayName ?? id, role: p.role, passwordHash: p.passwordHash ?? '' } }];
  }
  if (state.status === 'none') return refuse('OPERATOR_NOT_FOUND', `there is no operator ${id}: reject this request`);
  if (state.status === 'disabled') return refuse('OPERATOR_DISABLED', `operator ${id} is disabled (${state.disabledReason ?? 'no reason given'}): enable it before approving a new role, or reject the request`);
  return state.role === p.role ? [approved] : [approved, { type: 'OperatorRoleChanged', data: { operatorId: id, from: state.role, to: p.role } }];
}

export function decide(command: OperatorCommand, state: OperatorState): Decision<OperatorEvent> {
  const id = command.operatorId;
  if (command.type === 'CreateOperator') {
    if (state.status !== 'none') return refuse('OPERATOR_EXISTS', `operator ${id} already exists: choose another name`);
    if (state.pendingGrant) return pendingRefusal(state.pendingGrant);
    if (command.grant && GUARDED_ROLES.includes(command.role)) {
      return [
        {
          type: 'RoleGrantRequested',
          data: { requestId: command.grant.requestId, operatorId: id, role: command.role, requestedBy: command.grant.requestedBy, kind: 'create', displayName: command.displayName, passwordHash: command.passwordHash },
        },
      ];
    }
    return [{ type: 'OperatorCreated', data: { operatorId: id, displayName: command.displayName, role: command.role, passwordHash: command.passwordHash, ...(command.demo ? { demo: true as const } : {}) } }];
  }
  if (command.type === 'ApproveRoleGrant' || command.type === 'RejectRoleGrant') return decideGrant(command, state);
  if (state.status === 'none') return refuse('OPERATOR_NOT_FOUND', `there is no operator ${id}: check the name, or create the operator first`);
  switch (command.type) {
    case 'ChangeOperatorRole':
      if (state.status === 'disabled') return refuse('OPERATOR_DISABLED', `operator ${id} is disabled (${state.disabledReason ?? 'no reason given'}): enable it before changing its role`);
      if (state.pendingGrant) return pendingRefusal(state.pendingGrant);
      if (state.role === command.role) return [];
      if (command.grant && GUARDED_ROLES.includes(command.role)) {
        return [{ type: 'RoleGrantRequested', data: { requestId: command.grant.requestId, operatorId: id, role: command.role, requestedBy: command.grant.requestedBy, kind: 'change', from: state.role } }];
      }
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
    case 'RecordFailedSignIn': {
      if (state.lockedUntil && state.lockedUntil > command.at) {
        return [{ type: 'OperatorSignInFailed', data: { operatorId: id, attempt: state.failedSignIns ?? 0, reason: 'locked', origin: command.origin } }];
      }
      const attempt = (state.failedSignIns ?? 0) + 1;
      const failed: OperatorEvent = { type: 'OperatorSignInFailed', data: { operatorId: id, attempt, reason: 'wrong_password', origin: command.origin } };
      if (attempt < command.maxAttempts) return [failed];
      const until = new Date(Date.parse(command.at) + command.lockoutMinutes * 60_000).toISOString();
      return [failed, { type: 'OperatorLockedOut', data: { operatorId: id, attempts: attempt, until } }];
    }
    case 'RecordSuccessfulSignIn':
      return state.failedSignIns ? [{ type: 'OperatorSignInFailuresCleared', data: { operatorId: id, failures: state.failedSignIns } }] : [];
    default:
      return assertNever(command);
  }
}

export const operatorDecider: Decider<OperatorCommand, OperatorEvent, OperatorState> = { decide, evolve, initialState };
