/** What a feature declares for each of its commands: the input schema, who may send it, and how it is handled. */
import type { z } from 'zod';
import type { Handled } from '../commandHandler.js';
import type { EventMetadata } from '../eventstore/types.js';
import type { Role } from '../operators/roles.js';
import type { Clock } from '../shared/ports.js';
import type { CardOpsStore } from './store.js';

export interface CommandEnv {
  readonly store: CardOpsStore;
  readonly metadata: EventMetadata;
  readonly operatorId: string;
  readonly role: Role;
  /** The backend's clock, for commands that depend on the date (an invoice's year of issue). */
  readonly clock?: Clock;
}

export interface CommandDef<S extends z.ZodType> {
  readonly schema: S;
  readonly roles: readonly Role[];
  readonly handle: (env: CommandEnv, command: z.output<S>) => Promise<Handled>;
}

export const defineCommand = <S extends z.ZodType>(def: CommandDef<S>): CommandDef<S> => def;

/** The channel a card issuer records for a change: who, broadly, made it. */
export const channelOf = (role: Role): 'agent' | 'supervisor' => (role === 'agent' ? 'agent' : 'supervisor');
