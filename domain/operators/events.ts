import type { Role } from './roles.js';

/** A role grant waiting for a second admin: a new supervisor or admin, or a change of role to one. */
export interface RoleGrantRequest {
  readonly requestId: string;
  readonly operatorId: string;
  readonly role: Role;
  readonly requestedBy: string;
  /** `create`: the operator is created by the approval (its name and password hash wait here). */
  readonly kind: 'create' | 'change';
  readonly from?: Role;
  readonly displayName?: string;
  readonly passwordHash?: string;
}

export type OperatorEvent =
  | { readonly type: 'OperatorCreated'; readonly data: { readonly operatorId: string; readonly displayName: string; readonly role: Role; readonly passwordHash: string; readonly demo?: true } }
  | { readonly type: 'OperatorRoleChanged'; readonly data: { readonly operatorId: string; readonly from: Role; readonly to: Role } }
  | { readonly type: 'OperatorPasswordReset'; readonly data: { readonly operatorId: string; readonly passwordHash: string } }
  | { readonly type: 'OperatorDisabled'; readonly data: { readonly operatorId: string; readonly reason: string } }
  | { readonly type: 'OperatorEnabled'; readonly data: { readonly operatorId: string } }
  | { readonly type: 'RoleGrantRequested'; readonly data: RoleGrantRequest }
  | { readonly type: 'RoleGrantApproved'; readonly data: { readonly requestId: string; readonly operatorId: string; readonly role: Role; readonly requestedBy: string; readonly approvedBy: string } }
  | { readonly type: 'RoleGrantRejected'; readonly data: { readonly requestId: string; readonly operatorId: string; readonly role: Role; readonly requestedBy: string; readonly rejectedBy: string; readonly reason: string } }
  | { readonly type: 'OperatorSignInFailed'; readonly data: { readonly operatorId: string; readonly attempt: number; readonly reason: 'wrong_password' | 'locked'; readonly origin: string } }
  | { readonly type: 'OperatorLockedOut'; readonly data: { readonly operatorId: string; readonly attempts: number; readonly until: string } }
  | { readonly type: 'OperatorSignInFailuresCleared'; readonly data: { readonly operatorId: string; readonly failures: number } };

export type OperatorEventType = OperatorEvent['type'];
export const OPERATOR_EVENT_TYPES: readonly OperatorEventType[] = [
  'OperatorCreated',
  'OperatorRoleChanged',
  'OperatorPasswordReset',
  'OperatorDisabled',
  'OperatorEnabled',
  'RoleGrantRequested',
  'RoleGrantApproved',
  'RoleGrantRejected',
  'OperatorSignInFailed',
  'OperatorLockedOut',
  'OperatorSignInFailuresCleared',
];

/** What every state carries: a grant waiting for a second admin, and the sign-in failures since the last success or lockout. */
interface Controls {
  readonly pendingGrant?: RoleGrantRequest;
  readonly failedSignIns?: number;
  readonly lockedUntil?: string;
}

export type OperatorState =
  | ({ readonly status: 'none' } & Controls)
  | ({ readonly status: 'active' | 'disabled'; readonly operatorId: string; readonly displayName: string; readonly role: Role; readonly disabledReason?: string } & Controls);

export const operatorStreamId = (operatorId: string): string => `operator-${operatorId}`;
