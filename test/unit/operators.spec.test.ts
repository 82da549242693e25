import { describe, it } from 'vitest';
import { operatorDecider, type OperatorCommand } from '../../domain/operators/decider.js';
import type { OperatorEvent } from '../../domain/operators/events.js';
import { DeciderSpecification } from '../../domain/testing/spec.js';

const spec = DeciderSpecification(operatorDecider);
const created: OperatorEvent = { type: 'OperatorCreated', data: { operatorId: 'agent1', displayName: 'Alex', role: 'agent', passwordHash: 'h1' } };
const disabled: OperatorEvent = { type: 'OperatorDisabled', data: { operatorId: 'agent1', reason: 'left the bank' } };
const cmd = <T extends OperatorCommand['type']>(c: Extract<OperatorCommand, { type: T }>): OperatorCommand => c;

describe('CreateOperator', () => {
  it('creates an operator that does not exist', () =>
    spec.given([]).when(cmd({ type: 'CreateOperator', operatorId: 'agent1', displayName: 'Alex', role: 'agent', passwordHash: 'h1' })).then([created]));
  it('refuses an operator that exists', () =>
    spec.given([created]).when(cmd({ type: 'CreateOperator', operatorId: 'agent1', displayName: 'X', role: 'admin', passwordHash: 'h' })).thenRefuses('OPERATOR_EXISTS', /agent1 already exists/));
});

describe('ChangeOperatorRole', () => {
  it('changes the role and records both', () =>
    spec.given([created]).when(cmd({ type: 'ChangeOperatorRole', operatorId: 'agent1', role: 'supervisor' })).then([{ type: 'OperatorRoleChanged', data: { operatorId: 'agent1', from: 'agent', to: 'supervisor' } }]));
  it('does nothing when the role is already that one', () => spec.given([created]).when(cmd({ type: 'ChangeOperatorRole', operatorId: 'agent1', role: 'agent' })).thenNothingHappens());
  it('refuses an unknown operator', () => spec.given([]).when(cmd({ type: 'ChangeOperatorRole', operatorId: 'agent1', role: 'agent' })).thenRefuses('OPERATOR_NOT_FOUND'));
  it('refuses a disabled operator, saying why it is disabled', () =>
    spec.given([created, disabled]).when(cmd({ type: 'ChangeOperatorRole', operatorId: 'agent1', role: 'admin' })).thenRefuses('OPERATOR_DISABLED', /left the bank/));
  it('uses the role of the latest change', () =>
    spec
      .given([created, { type: 'OperatorRoleChanged', data: { operatorId: 'agent1', from: 'agent', to: 'admin' } }])
      .when(cmd({ type: 'ChangeOperatorRole', operatorId: 'agent1', role: 'admin' }))
      .thenNothingHappens());
});

describe('ResetOperatorPassword', () => {
  it('records the new hash', () =>
    spec.given([created]).when(cmd({ type: 'ResetOperatorPassword', operatorId: 'agent1', passwordHash: 'h2' })).then([{ type: 'OperatorPasswordReset', data: { operatorId: 'agent1', passwordHash: 'h2' } }]));
  it('refuses an unknown operator', () => spec.given([]).when(cmd({ type: 'ResetOperatorPassword', operatorId: 'agent1', passwordHash: 'h2' })).thenRefuses('OPERATOR_NOT_FOUND'));
  it('refuses a disabled operator', () => spec.given([created, disabled]).when(cmd({ type: 'ResetOperatorPassword', operatorId: 'agent1', passwordHash: 'h2' })).thenRefuses('OPERATOR_DISABLED'));
});

describe('DisableOperator', () => {
  it('disables with a reason', () => spec.given([created]).when(cmd({ type: 'DisableOperator', operatorId: 'agent1', reason: 'left the bank' })).then([disabled]));
  it('does nothing when already disabled', () => spec.given([created, disabled]).when(cmd({ type: 'DisableOperator', operatorId: 'agent1', reason: 'again' })).thenNothingHappens());
  it('refuses an unknown operator', () => spec.given([]).when(cmd({ type: 'DisableOperator', operatorId: 'agent1', reason: 'x' })).thenRefuses('OPERATOR_NOT_FOUND'));
});

describe('EnableOperator', () => {
  it('enables a disabled operator', () => spec.given([created, disabled]).when(cmd({ type: 'EnableOperator', operatorId: 'agent1' })).then([{ type: 'OperatorEnabled', data: { operatorId: 'agent1' } }]));
  it('does nothing for an active operator', () => spec.given([created]).when(cmd({ type: 'EnableOperator', operatorId: 'agent1' })).thenNothingHappens());
  it('refuses an unknown operator', () => spec.given([]).when(cmd({ type: 'EnableOperator', operatorId: 'agent1' })).thenRefuses('OPERATOR_NOT_FOUND'));
});

describe('role grants that wait for a second admin', () => {
  const grant = { requestId: 'req-1', requestedBy: 'admin' };
  const requested: OperatorEvent = { type: 'RoleGrantRequested', data: { requestId: 'req-1', operatorId: 'agent1', role: 'supervisor', requestedBy: 'admin', kind: 'change', from: 'agent' } };
  it('a change to supervisor with a grant is only a request', () =>
    spec.given([created]).when(cmd({ type: 'ChangeOperatorRole', operatorId: 'agent1', role: 'supervisor', grant })).then([requested]));
  it('a change to agent is direct even with a grant', () =>
    spec
      .given([created, { type: 'OperatorRoleChanged', data: { operatorId: 'agent1', from: 'agent', to: 'supervisor' } }])
      .when(cmd({ type: 'ChangeOperatorRole', operatorId: 'agent1', role: 'agent', grant }))
      .then([{ type: 'OperatorRoleChanged', data: { operatorId: 'agent1', from: 'supervisor', to: 'agent' } }]));
  it('refuses another change while one is pending', () => spec.given([created, requested]).when(cmd({ type: 'ChangeOperatorRole', operatorId: 'agent1', role: 'admin', grant })).thenRefuses('GRANT_PENDING', /req-1/));
  it('refuses the requester approving their own grant', () => spec.given([created, requested]).when(cmd({ type: 'ApproveRoleGrant', operatorId: 'agent1', requestId: 'req-1', approvedBy: 'admin' })).thenRefuses('FOUR_EYES'));
  it('another admin approves: the role changes', () =>
    spec
      .given([created, requested])
      .when(cmd({ type: 'ApproveRoleGrant', operatorId: 'agent1', requestId: 'req-1', approvedBy: 'admin2' }))
      .then([
        { type: 'RoleGrantApproved', data: { requestId: 'req-1', operatorId: 'agent1', role: 'supervisor', requestedBy: 'admin', approvedBy: 'admin2' } },
        { type: 'OperatorRoleChanged', data: { operatorId: 'agent1', from: 'agent', to: 'supervisor' } },
      ]));
  it('a rejected grant is no longer pending', () =>
    spec
      .given([created, requested, { type: 'RoleGrantRejected', data: { requestId: 'req-1', operatorId: 'agent1', role: 'supervisor', requestedBy: 'admin', rejectedBy: 'admin2', reason: 'no' } }])
      .when(cmd({ type: 'ApproveRoleGrant', operatorId: 'agent1', requestId: 'req-1', approvedBy: 'admin2' }))
      .thenRefuses('NO_PENDING_REQUEST'));
});

describe('sign-in failures', () => {
  const failed = (attempt: number): OperatorEvent => ({ type: 'OperatorSignInFailed', data: { operatorId: 'agent1', attempt, reason: 'wrong_password', origin: 'test' } });
  const fail = cmd({ type: 'RecordFailedSignIn', operatorId: 'agent1', at: '2026-11-02T09:00:00.000Z', origin: 'test', maxAttempts: 3, lockoutMinutes: 15 });
  it('counts a failure', () => spec.given([created, failed(1)]).when(fail).then([failed(2)]));
  it('locks at the last allowed attempt', () =>
    spec.given([created, failed(1), failed(2)]).when(fail).then([failed(3), { type: 'OperatorLockedOut', data: { operatorId: 'agent1', attempts: 3, until: '2026-11-02T09:15:00.000Z' } }]));
  it('while locked, records the attempt without counting it', () =>
    spec
      .given([created, { type: 'OperatorLockedOut', data: { operatorId: 'agent1', attempts: 3, until: '2026-11-02T09:15:00.000Z' } }])
      .when(fail)
      .then([{ type: 'OperatorSignInFailed', data: { operatorId: 'agent1', attempt: 0, reason: 'locked', origin: 'test' } }]));
  it('a success after failures clears them', () =>
    spec.given([created, failed(1)]).when(cmd({ type: 'RecordSuccessfulSignIn', operatorId: 'agent1' })).then([{ type: 'OperatorSignInFailuresCleared', data: { operatorId: 'agent1', failures: 1 } }]));
  it('a success without failures records nothing', () => spec.given([created]).when(cmd({ type: 'RecordSuccessfulSignIn', operatorId: 'agent1' })).thenNothingHappens());
});
