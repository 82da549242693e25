import { describe, it } from 'vitest';
import { cardDecider, type CardCommand } from '../../domain/cards/decider.js';
import type { CardEvent } from '../../domain/cards/events.js';
import { DeciderSpecification } from '../../domain/testing/spec.js';

const spec = DeciderSpecification(cardDecider);
const TODAY = '2026-05-04';
const cmd = <T extends CardCommand['type']>(c: Extract<CardCommand, { type: T }>): CardCommand => c;
/** A stored event as `UnitOfWork.load` folds it: with when and by whom it was recorded. */
const stamp = <E extends CardEvent>(e: E, at: string, by: string): E => ({ ...e, at, by });

const issued: CardEvent = {
  type: 'CardIssued',
  data: { cardId: 'c1', accountId: 'a1', holderName: 'Ada Andersen', last4: '4417', brand: 'visa', expiryMonth: 3, expiryYear: 2029, channel: 'agent' },
};
const activated: CardEvent = { type: 'CardActivated', data: { cardId: 'c1', channel: 'agent', reason: 'card_received' } };
const suspended: CardEvent = { type: 'CardDeactivated', data: { cardId: 'c1', reason: 'suspicious_activity', channel: 'agent' } };
const creditDenied: CardEvent = { type: 'CardDeactivated', data: { cardId: 'c1', reason: 'credit_denied', channel: 'system', note: 'authorisation auth-1 was denied' } };
const reactivated: CardEvent = { type: 'CardReactivated', data: { cardId: 'c1', channel: 'supervisor', reason: 'issue_resolved' } };
const lost: CardEvent = { type: 'CardReportedLost', data: { cardId: 'c1', channel: 'agent', reason: 'lost' } };
const stolen: CardEvent = { type: 'CardReportedStolen', data: { cardId: 'c1', channel: 'agent', reason: 'stolen' } };
const expired: CardEvent = { type: 'CardExpired', data: { cardId: 'c1', channel: 'batch', reason: 'expired' } };
const closed: CardEvent = { type: 'CardClosed', data: { cardId: 'c1', reason: 'customer_request', channel: 'agent' } };
const reissued: CardEvent = { type: 'CardReissued', data: { cardId: 'c1', newCardId: 'c2', channel: 'agent', reason: 'other' } };

/** Every state a card can be in, with the events that lead there. */
const FINAL: Record<'lost' | 'stolen' | 'expired' | 'closed', CardEvent[]> = {
  lost: [issued, activated, lost],
  stolen: [issued, activated, stolen],
  expired: [issued, activated, expired],
  closed: [issued, activated, closed],
};
const finals = Object.entries(FINAL) as [keyof typeof FINAL, CardEvent[]][];

const unknownCard: CardCommand[] = [
  cmd({ type: 'ActivateCard', cardId: 'c1', channel: 'agent', reason: 'card_received', today: TODAY }),
  cmd({ type: 'DeactivateCard', cardId: 'c1', reason: 'other', channel: 'agent' }),
  cmd({ type: 'ReactivateCard', cardId: 'c1', channel: 'agent', reason: 'issue_resolved', today: TODAY }),
  cmd({ type: 'ReportCardLost', cardId: 'c1', channel: 'agent' }),
  cmd({ type: 'ReportCardStolen', cardId: 'c1', channel: 'agent' }),
  cmd({ type: 'ExpireCard', cardId: 'c1', channel: 'batch' }),
  cmd({ type: 'CloseCard', cardId: 'c1', reason: 'other', channel: 'agent' }),
  cmd({ type: 'MarkCardReissued', cardId: 'c1', newCardId: 'c2', channel: 'agent', reason: 'other' }),
];

describe('a command on a card that does not exist', () => {
  for (const c of unknownCard) {
    it(`${c.type} is refused with CARD_NOT_FOUND, naming the card`, () => spec.given([]).when(c).thenRefuses('CARD_NOT_FOUND', /there is no card c1/));
  }
});

describe('IssueCard', () => {
  it('issues a new card with last-4, brand and expiry, never a number', () =>
    spec
      .given([])
      .when(cmd({ type: 'IssueCard', cardId: 'c1', accountId: 'a1', holderName: 'Ada Andersen', last4: '4417', brand: 'visa', expiryMonth: 3, expiryYear: 2029, channel: 'agent', today: TODAY }))
      .then([issued]));
  it('records the card it replaces', () =>
    spec
      .given([])
      .when(cmd({ type: 'IssueCard', cardId: 'c2', accountId: 'a1', holderName: 'Ada Andersen', last4: '9001', brand: 'visa', expiryMonth: 5, expiryYear: 2030, channel: 'supervisor', replaces: 'c1', today: TODAY }))
      .then([{ type: 'CardIssued', data: { cardId: 'c2', accountId: 'a1', holderName: 'Ada Andersen', last4: '9001', brand: 'visa', expiryMonth: 5, expiryYear: 2030, channel: 'supervisor', replaces: 'c1' } }]));
  it('refuses a card id that is taken, and says what that card is', () =>
    spec
      .given([issued, activated])
      .when(cmd({ type: 'IssueCard', cardId: 'c1', accountId: 'a2', holderName: 'Ben Becker', last4: '1234', brand: 'amex', expiryMonth: 1, expiryYear: 2030, channel: 'agent', today: TODAY }))
      .thenRefuses('CARD_EXISTS', /card c1 already exists \(card •4417 was activated \(card_received\)\): choose another card id/));
});

describe('ActivateCard', () => {
  it('activates an issued card', () => spec.given([issued]).when(cmd({ type: 'ActivateCard', cardId: 'c1', channel: 'agent', reason: 'card_received', today: TODAY })).then([activated]));
  it('does nothing for an active card', () => spec.given([issued, activated]).when(cmd({ type: 'ActivateCard', cardId: 'c1', channel: 'agent', reason: 'card_received', today: TODAY })).thenNothingHappens());
  it('refuses a suspended card: it must be reactivated', () =>
    spec.given([issued, activated, suspended]).when(cmd({ type: 'ActivateCard', cardId: 'c1', channel: 'agent', reason: 'card_received', today: TODAY })).thenRefuses('CARD_SUSPENDED', /card •4417 was suspended \(suspicious_activity\); reactivate it/));
  for (const [status, history] of finals) {
    it(`refuses a ${status} card`, () => spec.given(history).when(cmd({ type: 'ActivateCard', cardId: 'c1', channel: 'agent', reason: 'card_received', today: TODAY })).thenRefuses('CARD_FINAL', new RegExp(`a ${status} card cannot be activated`)));
  }
  it("refuses a closed card in words an agent can repeat: •last4, date, operator, reason", () =>
    spec
      .given([stamp(issued, '2025-01-10T09:00:00.000Z', 'agent1'), stamp(activated, '2025-01-12T09:00:00.000Z', 'agent1'), stamp(closed, '2026-03-02T14:30:00.000Z', 'j.smith')])
      .when(cmd({ type: 'ActivateCard', cardId: 'c1', channel: 'agent', reason: 'card_received', today: TODAY }))
      .thenRefuses('CARD_FINAL', /^card •4417 was closed on 2026-03-02 by j\.smith \(customer_request\); a closed card cannot be activated/));
});

describe('DeactivateCard', () => {
  it('suspends an active card with the reason, channel and note', () =>
    spec
      .given([issued, activated])
      .when(cmd({ type: 'DeactivateCard', cardId: 'c1', reason: 'damaged', note: 'chip cracked', channel: 'agent' }))
      .then([{ type: 'CardDeactivated', data: { cardId: 'c1', reason: 'damaged', channel: 'agent', note: 'chip cracked' } }]));
  it('leaves the note out when there is none', () =>
    spec.given([issued, activated]).when(cmd({ type: 'DeactivateCard', cardId: 'c1', reason: 'suspicious_activity', channel: 'agent' })).then([suspended]));
  it('suspends an issued card that was never activated', () =>
    spec.given([issued]).when(cmd({ type: 'DeactivateCard', cardId: 'c1', reason: 'suspicious_activity', channel: 'agent' })).then([suspended]));
  it('does nothing for a card that is already suspended', () =>
    spec.given([issued, activated, suspended]).when(cmd({ type: 'DeactivateCard', cardId: 'c1', reason: 'other', channel: 'agent' })).thenNothingHappens());
  for (const [status, history] of finals) {
    it(`refuses a ${status} card`, () =>
      spec.given(history).when(cmd({ type: 'DeactivateCard', cardId: 'c1', reason: 'other', channel: 'agent' })).thenRefuses('CARD_FINAL', new RegExp(`a ${status} card cannot be deactivated`)));
  }
});

describe('ReactivateCard', () => {
  it('reactivates a suspended card', () =>
    spec.given([issued, activated, suspended]).when(cmd({ type: 'ReactivateCard', cardId: 'c1', channel: 'agent', reason: 'issue_resolved', today: TODAY })).then([{ type: 'CardReactivated', data: { cardId: 'c1', channel: 'agent', reason: 'issue_resolved' } }]));
  it('records the note', () =>
    spec
      .given([issued, activated, suspended])
      .when(cmd({ type: 'ReactivateCard', cardId: 'c1', channel: 'agent', reason: 'issue_resolved', today: TODAY, note: 'customer confirmed the purchases' }))
      .then([{ type: 'CardReactivated', data: { cardId: 'c1', channel: 'agent', reason: 'issue_resolved', note: 'customer confirmed the purchases' } }]));
  it('does nothing for an active card', () => spec.given([issued, activated]).when(cmd({ type: 'ReactivateCard', cardId: 'c1', channel: 'agent', reason: 'issue_resolved', today: TODAY })).thenNothingHappens());
  it('refuses an issued card: activate it instead', () =>
    spec.given([issued]).when(cmd({ type: 'ReactivateCard', cardId: 'c1', channel: 'agent', reason: 'issue_resolved', today: TODAY })).thenRefuses('CARD_NOT_ACTIVATED', /card •4417 was issued and was never activated: activate it instead/));
  it('refuses an agent when the card was suspended because credit was denied', () =>
    spec
      .given([issued, activated, stamp(creditDenied, '2026-04-01T10:00:00.000Z', 'super1')])
      .when(cmd({ type: 'ReactivateCard', cardId: 'c1', channel: 'agent', reason: 'issue_resolved', today: TODAY }))
      .thenRefuses('NEEDS_SUPERVISOR', /card •4417 was suspended on 2026-04-01 by super1 \(credit_denied\) because credit was denied: only a supervisor can reactivate it/));
  it('lets a supervisor reactivate a card suspended because credit was denied', () =>
    spec.given([issued, activated, creditDenied]).when(cmd({ type: 'ReactivateCard', cardId: 'c1', channel: 'supervisor', reason: 'issue_resolved', today: TODAY })).then([reactivated]));
  it('lets an agent act again once a supervisor reactivated it and it was suspended for another reason', () =>
    spec
      .given([issued, activated, creditDenied, reactivated, suspended])
      .when(cmd({ type: 'ReactivateCard', cardId: 'c1', channel: 'agent', reason: 'issue_resolved', today: TODAY }))
      .then([{ type: 'CardReactivated', data: { cardId: 'c1', channel: 'agent', reason: 'issue_resolved' } }]));
  for (const [status, history] of finals) {
    it(`refuses a ${status} card`, () => spec.given(history).when(cmd({ type: 'ReactivateCard', cardId: 'c1', channel: 'supervisor', reason: 'issue_resolved', today: TODAY })).thenRefuses('CARD_FINAL', new RegExp(`a ${status} card cannot be reactivated`)));
  }
});

describe('ReportCardLost', () => {
  it('reports an active card lost, with the reason lost', () => spec.given([issued, activated]).when(cmd({ type: 'ReportCardLost', cardId: 'c1', channel: 'agent' })).then([lost]));
  it('reports a suspended card lost, with the note', () =>
    spec
      .given([issued, activated, suspended])
      .when(cmd({ type: 'ReportCardLost', cardId: 'c1', channel: 'agent', note: 'left on a train' }))
      .then([{ type: 'CardReportedLost', data: { cardId: 'c1', channel: 'agent', reason: 'lost', note: 'left on a train' } }]));
  it('reports an issued card lost (lost in the post)', () => spec.given([issued]).when(cmd({ type: 'ReportCardLost', cardId: 'c1', channel: 'agent' })).then([lost]));
  it('does nothing for a card already reported lost', () => spec.given(FINAL.lost).when(cmd({ type: 'ReportCardLost', cardId: 'c1', channel: 'agent' })).thenNothingHappens());
  for (const status of ['stolen', 'expired', 'closed'] as const) {
    it(`refuses a ${status} card`, () => spec.given(FINAL[status]).when(cmd({ type: 'ReportCardLost', cardId: 'c1', channel: 'agent' })).thenRefuses('CARD_FINAL', new RegExp(`a ${status} card cannot be reported lost`)));
  }
});

describe('ReportCardStolen', () => {
  it('reports an active card stolen, with the reason stolen', () => spec.given([issued, activated]).when(cmd({ type: 'ReportCardStolen', cardId: 'c1', channel: 'agent' })).then([stolen]));
  it('reports a suspended card stolen, with the note', () =>
    spec
      .given([issued, activated, suspended])
      .when(cmd({ type: 'ReportCardStolen', cardId: 'c1', channel: 'supervisor', note: 'police report 77' }))
      .then([{ type: 'CardReportedStolen', data: { cardId: 'c1', channel: 'supervisor', reason: 'stolen', note: 'police report 77' } }]));
  it('does nothing for a card already reported stolen', () => spec.given(FINAL.stolen).when(cmd({ type: 'ReportCardStolen', cardId: 'c1', channel: 'agent' })).thenNothingHappens());
  for (const status of ['lost', 'expired', 'closed'] as const) {
    it(`refuses a ${status} card`, () =>
      spec.given(FINAL[status]).when(cmd({ type: 'ReportCardStolen', cardId: 'c1', channel: 'agent' })).thenRefuses('CARD_FINAL', new RegExp(`a ${status} card cannot be reported stolen`)));
  }
  it('names who reported the card lost and when, when it is then reported stolen', () =>
    spec
      .given([issued, activated, stamp(lost, '2026-02-14T08:00:00.000Z', 'agent1')])
      .when(cmd({ type: 'ReportCardStolen', cardId: 'c1', channel: 'agent' }))
      .thenRefuses('CARD_FINAL', /^card •4417 was reported lost on 2026-02-14 by agent1 \(lost\); a lost card cannot be reported stolen\./));
});

describe('ExpireCard', () => {
  it('expires an active card with the reason expired', () => spec.given([issued, activated]).when(cmd({ type: 'ExpireCard', cardId: 'c1', channel: 'batch' })).then([expired]));
  it('expires a suspended card', () => spec.given([issued, activated, suspended]).when(cmd({ type: 'ExpireCard', cardId: 'c1', channel: 'batch' })).then([expired]));
  it('expires an issued card that was never activated', () => spec.given([issued]).when(cmd({ type: 'ExpireCard', cardId: 'c1', channel: 'batch' })).then([expired]));
  it('does nothing for an expired card', () => spec.given(FINAL.expired).when(cmd({ type: 'ExpireCard', cardId: 'c1', channel: 'batch' })).thenNothingHappens());
  for (const status of ['lost', 'stolen', 'closed'] as const) {
    it(`refuses a ${status} card`, () => spec.given(FINAL[status]).when(cmd({ type: 'ExpireCard', cardId: 'c1', channel: 'batch' })).thenRefuses('CARD_FINAL', new RegExp(`a ${status} card cannot be expired`)));
  }
});

describe('CloseCard', () => {
  it('closes an active card with the reason, channel and note', () =>
    spec
      .given([issued, activated])
      .when(cmd({ type: 'CloseCard', cardId: 'c1', reason: 'customer_request', note: 'moving abroad', channel: 'agent' }))
      .then([{ type: 'CardClosed', data: { cardId: 'c1', reason: 'customer_request', channel: 'agent', note: 'moving abroad' } }]));
  it('closes a suspended card', () => spec.given([issued, activated, suspended]).when(cmd({ type: 'CloseCard', cardId: 'c1', reason: 'customer_request', channel: 'agent' })).then([closed]));
  it('closes an issued card', () => spec.given([issued]).when(cmd({ type: 'CloseCard', cardId: 'c1', reason: 'customer_request', channel: 'agent' })).then([closed]));
  it('does nothing for a closed card', () => spec.given(FINAL.closed).when(cmd({ type: 'CloseCard', cardId: 'c1', reason: 'other', channel: 'agent' })).thenNothingHappens());
  for (const status of ['lost', 'stolen', 'expired'] as const) {
    it(`refuses a ${status} card`, () => spec.given(FINAL[status]).when(cmd({ type: 'CloseCard', cardId: 'c1', reason: 'other', channel: 'agent' })).thenRefuses('CARD_FINAL', new RegExp(`a ${status} card cannot be closed`)));
  }
});

describe('MarkCardReissued', () => {
  const mark = cmd({ type: 'MarkCardReissued', cardId: 'c1', newCardId: 'c2', channel: 'agent', reason: 'other' });
  const closedByReissue: CardEvent = { type: 'CardClosed', data: { cardId: 'c1', reason: 'other', channel: 'agent', note: 'replaced by card c2' } };

  it('links an active card to its replacement and closes it', () => spec.given([issued, activated]).when(mark).then([reissued, closedByReissue]));
  it('links and closes a suspended card (damaged: a new plastic)', () => spec.given([issued, activated, suspended]).when(mark).then([reissued, closedByReissue]));
  it('links and closes an issued card', () => spec.given([issued]).when(mark).then([reissued, closedByReissue]));
  for (const status of ['lost', 'stolen', 'expired'] as const) {
    it(`links a ${status} card to its replacement and leaves it ${status} (already final)`, () => spec.given(FINAL[status]).when(mark).then([reissued]));
  }
  it('refuses a second reissue and names the card that replaced it', () =>
    spec
      .given([issued, activated, reissued, closedByReissue])
      .when(cmd({ type: 'MarkCardReissued', cardId: 'c1', newCardId: 'c3', channel: 'agent', reason: 'other' }))
      .thenRefuses('CARD_ALREADY_REISSUED', /card •4417 was already reissued as card c2: act on that card/));
  it('refuses a second reissue of a lost card too', () =>
    spec.given([...FINAL.lost, reissued]).when(cmd({ type: 'MarkCardReissued', cardId: 'c1', newCardId: 'c3', channel: 'agent', reason: 'other' })).thenRefuses('CARD_ALREADY_REISSUED', /card c2/));
  it('refuses a repeat with the same new card id too (the replacement exists already)', () =>
    spec.given([issued, activated, reissued, closedByReissue]).when(mark).thenRefuses('CARD_ALREADY_REISSUED'));
  it('refuses a closed card', () => spec.given(FINAL.closed).when(mark).thenRefuses('CARD_FINAL', /a closed card cannot be reissued/));
  it('the refusal for a closed card does not advise to reissue it', () =>
    spec.given(FINAL.closed).when(mark).thenRefuses('CARD_FINAL', /^(?![\s\S]*Reissue it)/));
});

describe('the state the decider folds', () => {
  it('a card reissued is then refused with the close caused by the reissue', () =>
    spec
      .given([issued, activated, stamp(reissued, '2026-05-05T10:00:00.000Z', 'agent1'), stamp(closedByReissueOf('c2'), '2026-05-05T10:00:00.000Z', 'agent1')])
      .when(cmd({ type: 'ActivateCard', cardId: 'c1', channel: 'agent', reason: 'card_received', today: TODAY }))
      .thenRefuses('CARD_FINAL', /^card •4417 was closed on 2026-05-05 by agent1 \(other\); a closed card cannot be activated/));
});

function closedByReissueOf(newCardId: string): CardEvent {
  return { type: 'CardClosed', data: { cardId: 'c1', reason: 'other', channel: 'agent', note: `replaced by card ${newCardId}` } };
}

describe('a card past its expiry month (valid through its last day) is neither issued nor made active', () => {
  // `issued` expires 03/2029.
  const issue = (today: string) => cmd({ type: 'IssueCard', cardId: 'c1', accountId: 'a1', holderName: 'Ada Andersen', last4: '4417', brand: 'visa', expiryMonth: 3, expiryYear: 2029, channel: 'agent', today });
  it('issues it on the last day of its expiry month', () => spec.given([]).when(issue('2029-03-31')).then([issued]));
  it('refuses to issue it from the first day of the month after', () => spec.given([]).when(issue('2029-04-01')).thenRefuses('CARD_EXPIRED', /a card that expires 03\/2029 has expired \(today is 2029-04-01\)/));
  it('refuses to issue it a year later in an earlier month too', () => spec.given([]).when(issue('2030-01-15')).thenRefuses('CARD_EXPIRED'));
  it('activates it in its expiry month', () => spec.given([issued]).when(cmd({ type: 'ActivateCard', cardId: 'c1', channel: 'agent', reason: 'card_received', today: '2029-03-31' })).then([activated]));
  it('refuses to activate it after', () =>
    spec.given([issued]).when(cmd({ type: 'ActivateCard', cardId: 'c1', channel: 'agent', reason: 'card_received', today: '2029-04-01' })).thenRefuses('CARD_EXPIRED', /card •4417 expires 03\/2029 and has expired \(today is 2029-04-01\): it cannot be activated/));
  it('refuses to reactivate it after', () =>
    spec.given([issued, activated, suspended]).when(cmd({ type: 'ReactivateCard', cardId: 'c1', channel: 'agent', reason: 'issue_resolved', today: '2029-04-01' })).thenRefuses('CARD_EXPIRED', /cannot be reactivated/));
  it('the daily job expires it as the system', () =>
    spec.given([issued, activated]).when(cmd({ type: 'ExpireCard', cardId: 'c1', channel: 'system' })).then([{ type: 'CardExpired', data: { cardId: 'c1', channel: 'system', reason: 'expired' } }]));
});

describe('the reason code of an activation, a reactivation and a reissue is recorded', () => {
  it('ActivateCard records its reason and note', () =>
    spec.given([issued]).when(cmd({ type: 'ActivateCard', cardId: 'c1', channel: 'agent', reason: 'customer_request', note: 'at the branch', today: TODAY })).then([{ type: 'CardActivated', data: { cardId: 'c1', channel: 'agent', reason: 'customer_request', note: 'at the branch' } }]));
  it('a reissue closes the old card for the reason of the reissue', () =>
    spec.given([issued, activated]).when(cmd({ type: 'MarkCardReissued', cardId: 'c1', newCardId: 'c2', channel: 'agent', reason: 'damaged' })).then([
      { type: 'CardReissued', data: { cardId: 'c1', newCardId: 'c2', channel: 'agent', reason: 'damaged' } },
      { type: 'CardClosed', data: { cardId: 'c1', reason: 'damaged', channel: 'agent', note: 'replaced by card c2' } },
    ]));
});
