import type { Role } from './roles.js';

export type OperatorEvent =
  | { readonly type: 'OperatorCreated'; readonly data: { readonly operatorId: string; readonly displayName: string; readonly role: Role; readonly passwordHash: string } }
  | { readonly type: 'OperatorRoleChanged'; readonly data: { readonly operatorId: string; readonly from: Role; readonly to: Role } }
  | { readonly type: 'OperatorPasswordReset'; readonly data: { readonly operatorId: string; readonly passwordHash: string } }
  | { readonly type: 'OperatorDisabled'; readonly data: { readonly operatorId: string; readonly reason: string } }
  | { readonly type: 'OperatorEnabled'; readonly data: { readonly operatorId: string } };

export type OperatorEventType = OperatorEvent['type'];
export const OPERATOR_EVENT_TYPES: readonly OperatorEventType[] = ['OperatorCreated', 'OperatorRoleChanged', 'OperatorPasswordReset', 'OperatorDisabled', 'OperatorEnabled'];

export type OperatorState =
  | { readonly status: 'none' }
  | { readonly status: 'active' | 'disabled'; readonly operatorId: string; readonly displayName: string; readonly role: Role; readonly disabledReason?: string };

export const operatorStreamId = (operatorId: string): string => `operator-${operatorId}`;
