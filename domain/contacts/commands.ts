/** The contact commands, as clients send them. E-mail and phone are validated here, at the boundary. */
import { z } from 'zod';
import { defineCommand, type CommandEnv } from '../backend/commandDef.js';
import { handleWork, type Handled } from '../commandHandler.js';
import { isRefusal, refuse, type Refusal } from '../decider.js';
import { reconcileContact } from '../invoices/processManager.js';
import { entityId } from '../shared/schemas.js';
import { CARD_NUMBER_MESSAGE, freeText, isOneLine, notACardNumber, ONE_LINE_MESSAGE, oneLine } from '../shared/text.js';
import { contactDecider, type ContactCommand } from './decider.js';
import { contactStreamId, phoneDigits } from './events.js';
import { contactsWithEmail } from './queries.js';

const STAFF = ['agent', 'supervisor'] as const;
const contactId = entityId('contact');
const accountId = entityId('account');

export const email = z
  .string()
  .trim()
  .max(254, 'at most 254 characters')
  .refine(isOneLine, ONE_LINE_MESSAGE)
  .refine(notACardNumber, CARD_NUMBER_MESSAGE)
  .pipe(z.email({ message: 'must be an e-mail address such as ada@example.com' }));

/** A phone number as people write it: an optional +, digits, spaces, dots, dashes, brackets; 7 to 15 digits (E.164). */
export const phone = z
  .string()
  .trim()
  .regex(/^\+?[\d\s().-]+$/, 'must be a phone number: digits, with an optional leading + and spaces, dashes or brackets')
  .refine((p) => phoneDigits(p).length >= 7 && phoneDigits(p).length <= 15, 'must have 7 to 15 digits, such as +44 20 7946 0018')
  .refine(notACardNumber, CARD_NUMBER_MESSAGE);

async function accountMissing(env: CommandEnv, id: string | null | undefined): Promise<Refusal | null> {
  if (!id) return null;
  const found = await env.store.read((sql) => sql.scalar('SELECT 1 FROM accounts WHERE account_id = ?', [id]));
  return found === undefined ? refuse('ACCOUNT_NOT_FOUND', `there is no account ${id}: check the account id, or leave it empty`) : null;
}

type Input = ContactCommand extends infer C ? (C extends ContactCommand ? Omit<C, 'duplicateOf'> : never) : never;

/** One contact command; after a deactivation or reactivation, its invoices follow (compensation). */
async function run(env: CommandEnv, command: Input): Promise<Handled> {
  const stream = contactStreamId(command.contactId);
  const mail = 'email' in command ? command.email : undefined;
  const handled = await handleWork(env.store, stream, env, async (uow) => {
    const missing = await accountMissing(env, 'accountId' in command ? command.accountId : undefined);
    if (missing) return missing;
    const duplicateOf = mail === undefined ? [] : await env.store.read((sql) => contactsWithEmail(sql, mail, command.contactId));
    const d = await uow.decide(stream, contactDecider, { ...command, duplicateOf } as ContactCommand);
    if (isRefusal(d)) return d;
  });
  if (!handled.ok || (command.type !== 'DeactivateContact' && command.type !== 'ReactivateContact')) return handled;
  // The invoices follow in transactions of their own, after the contact's change is stored.
  const follow = await reconcileContact(env.store, env.metadata, command.contactId, handled.events[0]?.eventId);
  return { ok: true, events: [...handled.events, ...follow] };
}

export const contactCommands = {
  RegisterContact: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('RegisterContact'), contactId, name: oneLine(120), email, phone: phone.optional(), accountId: accountId.optional() }),
    handle: (env, c) => run(env, c),
  }),
  UpdateContact: defineCommand({
    roles: STAFF,
    schema: z
      .strictObject({ type: z.literal('UpdateContact'), contactId, name: oneLine(120).optional(), email: email.optional(), phone: phone.nullable().optional(), accountId: accountId.nullable().optional() })
      .refine((c) => c.name !== undefined || c.email !== undefined || c.phone !== undefined || c.accountId !== undefined, 'give at least one of name, email, phone or accountId to change'),
    handle: (env, c) => run(env, c),
  }),
  DeactivateContact: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('DeactivateContact'), contactId, reason: freeText(500) }),
    handle: (env, c) => run(env, c),
  }),
  ReactivateContact: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('ReactivateContact'), contactId }),
    handle: (env, c) => run(env, c),
  }),
};
