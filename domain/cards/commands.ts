/** The card lifecycle commands, as clients send them. The channel comes from the operator's role. */
import { z } from 'zod';
import { accountDecider } from '../accounts/decider.js';
import { accountStreamId } from '../accounts/events.js';
import { channelOf, defineCommand } from '../backend/commandDef.js';
import { execute, executeOne } from '../backend/work.js';
import { isRefusal, refuse } from '../decider.js';
import { entityId } from '../shared/schemas.js';
import { freeText, oneLine } from '../shared/text.js';
import { cardDecider } from './decider.js';
import { ACTIVATE_REASONS, BRANDS, CARD_REASONS, REACTIVATE_REASONS, REISSUE_REASONS, cardStreamId } from './events.js';
import type { CommandEnv } from '../backend/commandDef.js';
import { systemClock } from '../shared/ports.js';

const cardId = entityId('card');
const STAFF = ['agent', 'supervisor'] as const;
const reasonOf = <const T extends readonly [string, ...string[]]>(codes: T) => z.enum(codes, { message: `must be one of ${codes.join(', ')}` });
const reason = reasonOf(CARD_REASONS);
/** Every card change carries a reason code: required here too, from the codes each change allows. */
const activateReason = reasonOf(ACTIVATE_REASONS);
const reactivateReason = reasonOf(REACTIVATE_REASONS);
const reissueReason = reasonOf(REISSUE_REASONS);
/** The clock's today (YYYY-MM-DD): a card past its expiry month is neither issued nor made active. */
const today = (env: CommandEnv): string => (env.clock ?? systemClock).now().slice(0, 10);
const note = freeText(500).optional();
const last4 = z.string().regex(/^\d{4}$/, 'the last four digits of the card: exactly 4 digits');
const expiryMonth = z.number().int().min(1, 'a month from 1 to 12').max(12, 'a month from 1 to 12');
const expiryYear = z.number().int().min(2000, 'a four-digit year').max(2100, 'a four-digit year');

export const cardCommands = {
  IssueCard: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('IssueCard'), cardId, accountId: entityId('account'), holderName: oneLine(120), last4, brand: z.enum(BRANDS, { message: `must be one of ${BRANDS.join(', ')}` }), expiryMonth, expiryYear }),
    handle: (env, c) =>
      execute(env, cardStreamId(c.cardId), async (uow) => {
        const account = await uow.load(accountStreamId(c.accountId), accountDecider);
        if (account.status === 'none') return refuse('ACCOUNT_NOT_FOUND', `there is no account ${c.accountId}: open the account before issuing a card on it`);
        if (account.status === 'closed') return refuse('ACCOUNT_CLOSED', `account ${c.accountId} is closed: no new card can be issued on it`);
        return uow.decide(cardStreamId(c.cardId), cardDecider, { ...c, channel: channelOf(env.role), today: today(env) });
      }),
  }),
  ActivateCard: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('ActivateCard'), cardId, reason: activateReason, note }),
    handle: (env, c) => executeOne(env, cardStreamId(c.cardId), cardDecider, { ...c, channel: channelOf(env.role), today: today(env) }),
  }),
  DeactivateCard: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('DeactivateCard'), cardId, reason, note }),
    handle: (env, c) => executeOne(env, cardStreamId(c.cardId), cardDecider, { ...c, channel: channelOf(env.role) }),
  }),
  ReactivateCard: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('ReactivateCard'), cardId, reason: reactivateReason, note }),
    handle: (env, c) => executeOne(env, cardStreamId(c.cardId), cardDecider, { ...c, channel: channelOf(env.role), today: today(env) }),
  }),
  ReportCardLost: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('ReportCardLost'), cardId, note }),
    handle: (env, c) => executeOne(env, cardStreamId(c.cardId), cardDecider, { ...c, channel: channelOf(env.role) }),
  }),
  ReportCardStolen: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('ReportCardStolen'), cardId, note }),
    handle: (env, c) => executeOne(env, cardStreamId(c.cardId), cardDecider, { ...c, channel: channelOf(env.role) }),
  }),
  CloseCard: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('CloseCard'), cardId, reason, note }),
    handle: (env, c) => executeOne(env, cardStreamId(c.cardId), cardDecider, { ...c, channel: channelOf(env.role) }),
  }),
  ReissueCard: defineCommand({
    roles: STAFF,
    schema: z.strictObject({ type: z.literal('ReissueCard'), cardId, newCardId: cardId, last4, expiryMonth, expiryYear, reason: reissueReason, note }),
    handle: (env, c) =>
      execute(env, cardStreamId(c.cardId), async (uow) => {
        const channel = channelOf(env.role);
        const old = await uow.load(cardStreamId(c.cardId), cardDecider);
        if (old.status === 'none') return refuse('CARD_NOT_FOUND', `there is no card ${c.cardId}: check the card id`);
        if (c.newCardId === c.cardId) return refuse('SAME_CARD', 'the new card needs its own card id');
        const marked = await uow.decide(cardStreamId(c.cardId), cardDecider, { type: 'MarkCardReissued', cardId: c.cardId, newCardId: c.newCardId, channel, reason: c.reason, ...(c.note ? { note: c.note } : {}) });
        if (isRefusal(marked)) return marked;
        const issued = await uow.decide(cardStreamId(c.newCardId), cardDecider, {
          type: 'IssueCard',
          cardId: c.newCardId,
          accountId: old.accountId,
          holderName: old.holderName,
          last4: c.last4,
          brand: old.brand,
          expiryMonth: c.expiryMonth,
          expiryYear: c.expiryYear,
          channel,
          replaces: c.cardId,
          today: today(env),
        });
        if (isRefusal(issued)) return issued;
        return [...marked, ...issued];
      }),
  }),
};
