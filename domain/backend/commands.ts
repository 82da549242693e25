/**
 * Every command CardOps takes, gathered from the features: its input schema, the roles that may
 * send it, and its handler.
 */
import type { z } from 'zod';
import { accountCommands } from '../accounts/commands.js';
import { cardCommands } from '../cards/commands.js';
import { chargeRunCommands } from '../chargeruns/commands.js';
import { operatorCommands } from '../operators/commands.js';
import { settingsCommands } from '../settings/commands.js';
import { contactCommands } from '../contacts/commands.js';
import { invoiceCommands } from '../invoices/commands.js';
import { paymentMethodCommands } from '../paymentmethods/commands.js';
import { planCommands } from '../plans/commands.js';
import { outboxCommands } from '../outbox/commands.js';
import { refundCommands } from '../refunds/commands.js';
import { orderCommands } from '../orders/commands.js';

export const commands = {
  ...operatorCommands,
  ...settingsCommands,
  ...accountCommands,
  ...cardCommands,
  ...chargeRunCommands,
  ...contactCommands,
  ...invoiceCommands,
  ...paymentMethodCommands,
  ...planCommands,
  ...outboxCommands,
  ...refundCommands,
  ...orderCommands,
} as const;

export type CommandType = keyof typeof commands;
/** A command as a client sends it: `{ type, ...fields }`. */
export type Command = { [K in CommandType]: z.input<(typeof commands)[K]['schema']> }[CommandType];

export const COMMAND_TYPES = Object.keys(commands) as CommandType[];
