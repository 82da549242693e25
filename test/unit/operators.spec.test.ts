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
