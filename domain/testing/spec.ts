/**
 * Given/when/then specifications for deciders, after Emmett's DeciderSpecification:
 *
 *   spec.given([OperatorCreated…]).when({ type: 'DisableOperator', … }).then([OperatorDisabled…])
 *   spec.given([]).when(cmd).thenRefuses('OPERATOR_NOT_FOUND')
 *
 * It throws an AssertionError (node:assert) when the decider does otherwise, so it works under
 * any test runner.
 */
import { deepStrictEqual, fail, match, strictEqual } from 'node:assert/strict';
import { isRefusal, type Decider, type DomainEvent } from '../decider.js';

export interface Then<E> {
  then(expected: readonly E[]): void;
  thenNothingHappens(): void;
  thenRefuses(code: string, message?: RegExp): void;
}

export function DeciderSpecification<C, E extends DomainEvent, S>(decider: Decider<C, E, S>) {
  return {
    given(events: readonly E[]) {
      return {
        when(command: C): Then<E> {
          const state = events.reduce(decider.evolve, decider.initialState());
          const decision = decider.decide(command, state);
          return {
            then(expected) {
              if (isRefusal(decision)) fail(`expected events, but the command was refused: ${decision.code}: ${decision.message}`);
              deepStrictEqual(decision, expected);
            },
            thenNothingHappens() {
              if (isRefusal(decision)) fail(`expected no events, but the command was refused: ${decision.code}: ${decision.message}`);
              deepStrictEqual(decision, []);
            },
            thenRefuses(code, message) {
              if (!isRefusal(decision)) fail(`expected refusal ${code}, but the command produced ${JSON.stringify(decision)}`);
              strictEqual(decision.code, code);
              if (message) match(decision.message, message);
            },
          };
        },
      };
    },
  };
}
