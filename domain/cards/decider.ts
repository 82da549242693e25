import { assertNever, refuse, type Decider, type Decision, type Refusal } from '../decider.js';
import { expiredBy, FINAL_STATUSES, type ActivateReason, type Brand, type CardEvent, type CardReason, type CardState, type CardStatus, type Channel, type ReactivateReason, type ReissueReason } from './events.js';

/** `today` (YYYY-MM-DD, the clock's): a card past its expiry month can be neither issued nor made active. */
export type CardCommand =
  | { readonly type: 'IssueCard'; readonly cardId: string; readonly accountId: string; readonly holderName: string; readonly last4: string; readonly brand: Brand; readonly expiryMonth: number; readonly expiryYear: number; readonly channel: Channel; readonly replaces?: string; readonly today: string }
  | { readonly type: 'ActivateCard'; readonly cardId: string; readonly channel: Channel; readonly reason: ActivateReason; readonly note?: string; readonly today: string }
  | { readonly type: 'DeactivateCard'; readonly cardId: string; readonly reason: CardReason; readonly note?: string; readonly channel: Channel }
  | { readonly type: 'ReactivateCard'; readonly cardId: string; readonly channel: Channel; readonly reason: ReactivateReason; readonly note?: string; readonly today: string }
  | { readonly type: 'ReportCardLost'; readonly cardId: string; readonly channel: Channel; readonly note?: string }
  | { readonly type: 'ReportCardStolen'; readonly cardId: string; readonly channel: Channel; readonly note?: string }
  | { readonly type: 'ExpireCard'; readonly cardId: string; readonly channel: Channel }
  | { readonly type: 'CloseCard'; readonly cardId: string; readonly reason: CardReason; readonly note?: string; readonly channel: Channel }
  | { readonly type: 'MarkCardReissued'; readonly cardId: string; readonly newCardId: string; readonly channel: Channel; readonly reason: ReissueReason; readonly note?: string };

export const initialState = (): CardState => ({ status: 'none' });

const to = (state: CardState, status: CardStatus, e: { readonly channel: Channel; readonly reason?: CardReason }, at?: string, by?: string): CardState =>
  state.status === 'none' ? state : { ...state, status, since: { channel: e.channel, ...(e.reason ? { reason: e.reason } : {}), ...(at ? { at } : {}), ...(by ? { by } : {}) } };

export function evolve(state: CardState, event: CardEvent): CardState {
  const { at, by } = event as { at?: string; by?: string };
  switch (event.type) {
    case 'CardIssued': {
      const { channel, ...facts } = event.data;
      return { ...facts, status: 'issued', since: { channel, ...(at ? { at } : {}), ...(by ? { by } : {}) } };
    }
    case 'CardActivated':
    case 'CardReactivated':
      return to(state, 'active', event.data as { channel: Channel; reason?: CardReason }, at, by);
    case 'CardDeactivated':
      return to(state, 'suspended', event.data, at, by);
    case 'CardReportedLost':
      return to(state, 'lost', event.data, at, by);
    case 'CardReportedStolen':
      return to(state, 'stolen', event.data, at, by);
    case 'CardExpired':
      return to(state, 'expired', event.data, at, by);
    case 'CardClosed':
      return to(state, 'closed', event.data, at, by);
    case 'CardReissued':
      return state.status === 'none' ? state : { ...state, replacedBy: event.data.newCardId };
    default:
      return assertNever(event);
  }
}

/** "card •4417 was closed on 2026-03-02 by j.smith (customer_request)" */
export function describeCard(s: Exclude<CardState, { status: 'none' }>): string {
  const verb: Record<CardStatus, string> = { issued: 'was issued', active: 'was activated', suspended: 'was suspended', lost: 'was reported lost', stolen: 'was reported stolen', expired: 'expired', closed: 'was closed' };
  const when = s.since.at ? ` on ${s.since.at.slice(0, 10)}` : '';
  const who = s.since.by ? ` by ${s.since.by}` : '';
  const why = s.since.reason ? ` (${s.since.reason})` : '';
  return `card •${s.last4} ${verb[s.status]}${when}${who}${why}`;
}

const isFinal = (s: CardStatus): boolean => FINAL_STATUSES.includes(s);

/** "card •4417 was closed on … (customer_request); a closed card cannot be activated." Module-level: decide runs per card in batches. */
function finalRefusal(state: Exclude<CardState, { status: 'none' }>, what: string): Refusal {
  return refuse('CARD_FINAL', `${describeCard(state)}; a ${state.status} card cannot be ${what}.${state.status === 'closed' || state.replacedBy ? '' : ' Reissue it to give the customer a new card.'}`, { status: state.status });
}

const expiryText = (c: { readonly expiryMonth: number; readonly expiryYear: number }): string => `${String(c.expiryMonth).padStart(2, '0')}/${c.expiryYear}`;

/** "card •4417 expires 03/2026 and has expired (today is 2026-04-01): it cannot be activated; reissue it…" */
function expiredRefusal(state: Exclude<CardState, { status: 'none' }>, today: string, what: string): Refusal {
  return refuse('CARD_EXPIRED', `card •${state.last4} expires ${expiryText(state)} and has expired (today is ${today}): it cannot be ${what}. Reissue it to give the customer a new card.`, { status: state.status });
}

export function decide(command: CardCommand, state: CardState): Decision<CardEvent> {
  const c = command;
  if (c.type === 'IssueCard') {
    if (state.status !== 'none') return refuse('CARD_EXISTS', `card ${c.cardId} already exists (${describeCard(state)}): choose another card id`);
    if (expiredBy(c, c.today)) return refuse('CARD_EXPIRED', `a card that expires ${expiryText(c)} has expired (today is ${c.today}): check the expiry date on the card, or issue a new card`);
    const { type: _t, today: _d, ...data } = c;
    return [{ type: 'CardIssued', data }];
  }
  if (state.status === 'none') return refuse('CARD_NOT_FOUND', `there is no card ${c.cardId}: check the card id`);
  switch (c.type) {
    case 'ActivateCard':
      if (state.status === 'active') return [];
      if (isFinal(state.status)) return finalRefusal(state, 'activated');
      if (state.status === 'suspended') return refuse('CARD_SUSPENDED', `${describeCard(state)}; reactivate it instead of activating it`);
      if (expiredBy(state, c.today)) return expiredRefusal(state, c.today, 'activated');
      return [{ type: 'CardActivated', data: { cardId: c.cardId, channel: c.channel, reason: c.reason, ...(c.note ? { note: c.note } : {}) } }];
    case 'DeactivateCard':
      if (state.status === 'suspended') return [];
      if (isFinal(state.status)) return finalRefusal(state, 'deactivated');
      return [{ type: 'CardDeactivated', data: { cardId: c.cardId, reason: c.reason, channel: c.channel, ...(c.note ? { note: c.note } : {}) } }];
    case 'ReactivateCard':
      if (state.status === 'active') return [];
      if (isFinal(state.status)) return finalRefusal(state, 'reactivated');
      if (state.status === 'issued') return refuse('CARD_NOT_ACTIVATED', `${describeCard(state)} and was never activated: activate it instead`);
      if (state.since.reason === 'credit_denied' && c.channel === 'agent') {
        return refuse('NEEDS_SUPERVISOR', `${describeCard(state)} because credit was denied: only a supervisor can reactivate it`);
      }
      if (expiredBy(state, c.today)) return expiredRefusal(state, c.today, 'reactivated');
      return [{ type: 'CardReactivated', data: { cardId: c.cardId, channel: c.channel, reason: c.reason, ...(c.note ? { note: c.note } : {}) } }];
    case 'ReportCardLost':
    case 'ReportCardStolen': {
      const target = c.type === 'ReportCardLost' ? 'lost' : 'stolen';
      if (state.status === target) return [];
      if (isFinal(state.status)) return finalRefusal(state, `reported ${target}`);
      const data = { cardId: c.cardId, channel: c.channel, reason: target, ...(c.note ? { note: c.note } : {}) } as const;
      return [c.type === 'ReportCardLost' ? { type: 'CardReportedLost', data } : { type: 'CardReportedStolen', data }];
    }
    case 'ExpireCard':
      if (state.status === 'expired') return [];
      if (isFinal(state.status)) return finalRefusal(state, 'expired');
      return [{ type: 'CardExpired', data: { cardId: c.cardId, channel: c.channel, reason: 'expired' } }];
    case 'CloseCard':
      if (state.status === 'closed') return [];
      if (isFinal(state.status)) return finalRefusal(state, 'closed');
      return [{ type: 'CardClosed', data: { cardId: c.cardId, reason: c.reason, channel: c.channel, ...(c.note ? { note: c.note } : {}) } }];
    case 'MarkCardReissued': {
      if (state.replacedBy) return refuse('CARD_ALREADY_REISSUED', `card •${state.last4} was already reissued as card ${state.replacedBy}: act on that card`);
      if (state.status === 'closed') return finalRefusal(state, 'reissued');
      const events: CardEvent[] = [{ type: 'CardReissued', data: { cardId: c.cardId, newCardId: c.newCardId, channel: c.channel, reason: c.reason, ...(c.note ? { note: c.note } : {}) } }];
      // The old plastic stops working once its replacement exists; it is closed for the reason of the reissue.
      if (!isFinal(state.status)) events.push({ type: 'CardClosed', data: { cardId: c.cardId, reason: c.reason, channel: c.channel, note: `replaced by card ${c.newCardId}` } });
      return events;
    }
    default:
      return assertNever(c);
  }
}

export const cardDecider: Decider<CardCommand, CardEvent, CardState> = { decide, evolve, initialState };
