/**
 * Deciders, in Emmett's style: `decide(command, state)` returns the events a command causes, or
 * a refusal that says why not; `evolve(state, event)` folds an event into the state. Both are
 * pure. The same decider serves one command from a screen and a batch of a million accounts.
 */
import type { AppError } from './shared/result.js';

export interface DomainEvent<T extends string = string, D = unknown> {
  readonly type: T;
  readonly data: D;
  /** When and by whom a stored event was recorded; set when folding stored events, absent on new ones. */
  readonly at?: string;
  readonly by?: string;
}

/** A command refused by the rules: nothing is written. */
export interface Refusal extends AppError {
  readonly kind: 'refusal';
}

export type Decision<E> = readonly E[] | Refusal;

export interface Decider<C, E extends DomainEvent, S> {
  readonly decide: (command: C, state: S) => Decision<E>;
  readonly evolve: (state: S, event: E) => S;
  readonly initialState: () => S;
  /**
   * A business key that becomes the event's id, for events that must exist at most once
   * whatever command carries them (an account's postings: `posting:<account>:<posting id>`).
   * The store's unique event id then enforces the rule a second time.
   */
  readonly eventKey?: (event: E) => string | undefined;
}

export const refuse = (code: string, message: string, details?: Record<string, unknown>): Refusal =>
  details ? { kind: 'refusal', code, message, details } : { kind: 'refusal', code, message };

export const isRefusal = <E>(d: Decision<E>): d is Refusal => !Array.isArray(d);

export function fold<E extends DomainEvent, S>(decider: Pick<Decider<unknown, E, S>, 'evolve' | 'initialState'>, events: readonly E[]): S {
  return events.reduce(decider.evolve, decider.initialState());
}

/** Exhaustiveness check for a `switch` over a discriminated union. */
export function assertNever(x: never): never {
  throw new Error(`unexpected case: ${JSON.stringify(x)}`);
}
