/** AddPaymentMethod and RemovePaymentMethod, as clients send them. Never a card number or CVC. */
import { z } from 'zod';
import { accountDecider } from '../accounts/decider.js';
import { accountStreamId } from '../accounts/events.js';
import { defineCommand } from '../backend/commandDef.js';
import { execute, executeOne } from '../backend/work.js';
import { BRANDS } from '../cards/events.js';
import { refuse } from '../decider.js';
import { todayOf } from '../plans/dates.js';
import { entityId } from '../shared/schemas.js';
import { systemClock } from '../shared/ports.js';
import { freeText, notACardNumber, oneLine } from '../shared/text.js';
import { paymentMethodDecider } from './decider.js';
import { paymentMethodStreamId } from './events.js';

const STAFF = ['agent', 'supervisor'] as const;

/** The processor's token, never a card number: "tok_" and letters, digits, dash or underscore. */
export const token = z
  .string()
  .trim()
  .refine(notACardNumber, 'looks like a card number; CardOps takes only the processor\'s token (tok_…), never the card number')
  .refine((s) => /^tok_[A-Za-z0-9_-]{3,96}$/.test(s), 'a token starts with tok_ followed by 3 to 96 letters, digits, dashes or underscores, as the payment processor issued it');

export const methodId = entityId('payment method');

export const paymentMethodCommands = {
  AddPaymentMethod: defineCommand({
    roles: STAFF,
    schema: z.strictObject({
      type: z.literal('AddPaymentMethod'),
      methodId,
      accountId: entityId('account'),
      token,
      holderName: oneLine(120),
      brand: z.enum(BRANDS, { message: `must be one of ${BRANDS.join(', ')}` }),
      last4: z.string().regex(/^\d{4}$/, 'the last four digits of the card: exactly 4 digits'),
      expiryMonth: z.number().int().min(1, 'a month from 1 to 12').max(12, 'a month from 1 to 12'),
      expiryYear: z.number().int().min(2000, 'a four-digit year').max(2100, 'a four-digit year'),
      cardId: entityId('card').optional(),
    }),
    handle: (env, c) =>
      execute(env, paymentMethodStreamId(c.methodId), async (uow) => {
        const account = await uow.load(accountStreamId(c.accountId), accountDecider);
        if (account.status === 'none') return refuse('ACCOUNT_NOT_FOUND', `there is no account ${c.accountId}: check the account id`);
        if (account.status === 'closed') return refuse('ACCOUNT_CLOSED', `account ${c.accountId} is closed: no payment method can be added to it`);
        return uow.decide(paymentMethodStreamId(c.methodId), paymentMethodDecider, { ...c, today: todayOf((env.clock ?? systemClock).now()) });
      }),
  }),
  RemovePaymentMethod: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('RemovePaymentMethod'), methodId, reason: freeText(500) }),
    handle: (env, c) => executeOne(env, paymentMethodStreamId(c.methodId), paymentMethodDecider, c),
  }),
};
