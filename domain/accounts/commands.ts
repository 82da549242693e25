/** The account, posting and authorisation commands, as clients send them. */
import { z } from 'zod';
import { defineCommand } from '../backend/commandDef.js';
import { execute, executeOne } from '../backend/work.js';
import { authorizationDecider } from '../authorizations/decider.js';
import { authorizationStreamId } from '../authorizations/events.js';
import { refuse, isRefusal } from '../decider.js';
import { amount, currency, entityId, nonNegativeMinor } from '../shared/schemas.js';
import { freeText } from '../shared/text.js';
import { accountDecider } from './decider.js';
import { accountStreamId, authorizationIdFor } from './events.js';

const accountId = entityId('account');
const STAFF = ['agent', 'supervisor'] as const;
const SUPERVISOR = ['supervisor'] as const;

export const accountCommands = {
  OpenAccount: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('OpenAccount'), accountId, holderName: freeText(120), currency, creditLimit: nonNegativeMinor }),
    handle: (env, c) => executeOne(env, accountStreamId(c.accountId), accountDecider, c),
  }),
  PostDeposit: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('PostDeposit'), accountId, depositId: entityId('deposit'), amount }),
    handle: (env, c) => executeOne(env, accountStreamId(c.accountId), accountDecider, c),
  }),
  TransferFunds: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('TransferFunds'), transferId: entityId('transfer'), fromAccountId: accountId, toAccountId: accountId, amount }),
    handle: (env, c) =>
      execute(env, accountStreamId(c.fromAccountId), async (uow) => {
        if (c.fromAccountId === c.toAccountId) return refuse('SAME_ACCOUNT', 'a transfer needs two different accounts');
        const to = await uow.load(accountStreamId(c.toAccountId), accountDecider);
        if (to.status === 'none') return refuse('ACCOUNT_NOT_FOUND', `there is no account ${c.toAccountId} to transfer to: check the account id`);
        const from = await uow.load(accountStreamId(c.fromAccountId), accountDecider);
        if (from.status === 'none') return refuse('ACCOUNT_NOT_FOUND', `there is no account ${c.fromAccountId} to transfer from: check the account id`);
        const sent = await uow.decide(accountStreamId(c.fromAccountId), accountDecider, { type: 'SendTransfer', accountId: c.fromAccountId, transferId: c.transferId, toAccountId: c.toAccountId, amount: c.amount, currency: from.currency });
        if (isRefusal(sent)) return sent;
        const received = await uow.decide(accountStreamId(c.toAccountId), accountDecider, { type: 'ReceiveTransfer', accountId: c.toAccountId, transferId: c.transferId, fromAccountId: c.fromAccountId, amount: c.amount, currency: from.currency });
        if (isRefusal(received)) return received;
        // One transfer id, one transfer across both accounts: both legs are new, or both are this transfer already.
        if (sent.length === 0 && received.length === 0) return [];
        if (sent.length === 0 || received.length === 0) {
          const [has, lacks] = sent.length === 0 ? [c.fromAccountId, c.toAccountId] : [c.toAccountId, c.fromAccountId];
          return refuse(
            'TRANSFER_ONE_LEGGED',
            `transfer ${c.transferId} is recorded on account ${has} but not on account ${lacks}: a transfer writes both legs or neither, so it is not completed by a repeat; check it with \`cardops verify\` and send the transfer with a new id`,
            { transferId: c.transferId, recordedOn: has, missingOn: lacks },
          );
        }
        return [...sent, ...received];
      }),
  }),
  PostCharge: defineCommand({
    roles: SUPERVISOR,
    schema: z.strictObject({ type: z.literal('PostCharge'), accountId, chargeId: entityId('charge'), amount, description: freeText(200) }),
    handle: (env, c) => executeOne(env, accountStreamId(c.accountId), accountDecider, { ...c, authorizationId: authorizationIdFor(c.accountId, c.chargeId) }),
  }),
  CloseAccount: defineCommand({
    roles: SUPERVISOR,
    schema: z.strictObject({ type: z.literal('CloseAccount'), accountId, reason: freeText(500) }),
    handle: (env, c) => executeOne(env, accountStreamId(c.accountId), accountDecider, c),
  }),
  DecideCreditAuthorization: defineCommand({
    roles: SUPERVISOR,
    schema: z.strictObject({ type: z.literal('DecideCreditAuthorization'), authorizationId: z.string().trim().min(1).max(140), decision: z.enum(['approve', 'deny'], { message: 'must be approve or deny' }), note: freeText(500).optional() }),
    handle: (env, c) => executeOne(env, authorizationStreamId(c.authorizationId), authorizationDecider, c),
  }),
};
