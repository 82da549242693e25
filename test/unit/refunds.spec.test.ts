/** Refund rules, given/when/then: partial and full refunds, the cap, idempotency, maker-checker. */
import { describe, expect, it } from 'vitest';
import { refundDecider, type RefundCommand } from '../../domain/refunds/decider.js';
import { refundable, type ChargeFacts, type RefundEvent } from '../../domain/refunds/events.js';
import { fold } from '../../domain/decider.js';
import { accountDecider, type AccountCommand } from '../../domain/accounts/decider.js';
import type { AccountEvent } from '../../domain/accounts/events.js';
import { DeciderSpecification } from '../../domain/testing/spec.js';

const spec = DeciderSpecification(refundDecider);
const charge: ChargeFacts = { accountId: 'a1', chargeId: 'ch1', amount: 50_000, currency: 'EUR', description: 'hotel' };
const LIMIT = 10_000;
const DAILY = 30_000;
const ref = (refundId: string) => ({ refundId, accountId: 'a1', chargeId: 'ch1' });
const request = (refundId: string, amount: number, over: Partial<Extract<RefundCommand, { type: 'RequestRefund' }>> = {}): RefundCommand => ({
  type: 'RequestRefund',
  ...ref(refundId),
  amount,
  reason: 'requested_by_customer',
  requestedBy: 'agent1',
  charge,
  agentLimit: LIMIT,
  agentDailyLimit: DAILY,
  refundedToday: 0,
  ...over,
});
const requested = (refundId: string, amount: number, requestedBy = 'agent1'): RefundEvent => ({
  type: 'RefundRequested',
  data: { ...ref(refundId), amount, currency: 'EUR', reason: 'requested_by_customer', requestedBy, chargeAmount: 50_000 },
});
const autoApproved = (refundId: string, amount: number, by = 'agent1'): RefundEvent => ({
  type: 'RefundApproved',
  data: { ...ref(refundId), amount, currency: 'EUR', approvedBy: by, automatic: true, note: 'within the agent limit of 100.00 EUR' },
});
const sentForApproval = (refundId: string, amount: number, onCharge = amount, today = amount, over: 'charge' | 'daily' = 'charge'): RefundEvent => ({
  type: 'RefundSentForApproval',
  data: { ...ref(refundId), amount, currency: 'EUR', agentLimit: LIMIT, over, refundedOnCharge: onCharge, agentDailyLimit: DAILY, refundedToday: today },
});
const approved = (refundId: string, amount: number, by: string): RefundEvent => ({ type: 'RefundApproved', data: { ...ref(refundId), amount, currency: 'EUR', approvedBy: by, automatic: false } });
const rejected = (refundId: string, by: string): RefundEvent => ({ type: 'RefundRejected', data: { ...ref(refundId), rejectedBy: by, note: 'not our error' } });

describe('RequestRefund', () => {
  it('posts a partial refund within the agent limit at once', () => spec.given([]).when(request('r1', 4_000)).then([requested('r1', 4_000), autoApproved('r1', 4_000)]));
  it('posts a refund exactly at the agent limit at once', () => spec.given([]).when(request('r1', LIMIT)).then([requested('r1', LIMIT), autoApproved('r1', LIMIT)]));
  it('sends a refund one cent over the agent limit for approval', () => spec.given([]).when(request('r1', LIMIT + 1)).then([requested('r1', LIMIT + 1), sentForApproval('r1', LIMIT + 1)]));
  it('takes a full refund (waiting for a supervisor, as it is over the limit)', () => spec.given([]).when(request('r1', 50_000)).then([requested('r1', 50_000), sentForApproval('r1', 50_000)]));
  it('records the reason code and the note', () =>
    spec.given([]).when(request('r1', 100, { reason: 'duplicate', note: 'charged twice' })).then([
      { type: 'RefundRequested', data: { ...ref('r1'), amount: 100, currency: 'EUR', reason: 'duplicate', note: 'charged twice', requestedBy: 'agent1', chargeAmount: 50_000 } },
      autoApproved('r1', 100),
    ]));
  it('refuses a refund of a charge the account does not have', () => spec.given([]).when(request('r1', 100, { charge: null })).thenRefuses('CHARGE_NOT_FOUND', /account a1 has no charge ch1/));
  it('refuses a refund of more than the charge', () => spec.given([]).when(request('r1', 50_001)).thenRefuses('REFUND_EXCEEDS_CHARGE', /has 500.00 EUR left to refund: refund at most 500.00 EUR/));
  it('groups thousands in the refusal as the screens do (1,264.50 EUR, not 1264.50 EUR)', () =>
    spec
      .given([])
      .when(request('r1', 500_000, { charge: { ...charge, amount: 126_450 } }))
      .thenRefuses('REFUND_EXCEEDS_CHARGE', /has 1,264\.50 EUR left to refund: refund at most 1,264\.50 EUR/));
  it('refuses a refund that, with those posted before, would be more than the charge', () =>
    spec.given([requested('r1', 8_000), autoApproved('r1', 8_000), requested('r2', 40_000), sentForApproval('r2', 40_000)]).when(request('r3', 2_001)).thenRefuses('REFUND_EXCEEDS_CHARGE', /20.00 EUR left to refund \(480.00 EUR refunded or waiting for approval\): refund at most 20.00 EUR/));
  it('takes the exact remainder (waiting for a supervisor: the refunds of the charge are past the agent limit)', () =>
    spec.given([requested('r1', 8_000), autoApproved('r1', 8_000), requested('r2', 40_000), sentForApproval('r2', 40_000, 48_000)]).when(request('r3', 2_000)).then([requested('r3', 2_000), sentForApproval('r3', 2_000, 50_000)]));
  it('refuses anything once the charge is refunded in full', () =>
    spec.given([requested('r1', 50_000), sentForApproval('r1', 50_000), approved('r1', 50_000, 'super2')]).when(request('r2', 1)).thenRefuses('REFUND_EXCEEDS_CHARGE', /already refunded in full/));
  it('frees the amount of a rejected refund', () => spec.given([requested('r1', 50_000), sentForApproval('r1', 50_000), rejected('r1', 'super2')]).when(request('r2', 100)).then([requested('r2', 100), autoApproved('r2', 100)]));
});

describe('the agent limit holds across requests: it caps the sum refunded on the charge', () => {
  const c300: ChargeFacts = { ...charge, amount: 30_000 };
  const req300 = (refundId: string, amount: number): RefundCommand => request(refundId, amount, { charge: c300, refundedToday: 0, agentDailyLimit: 1_000_000 });
  const reqd = (refundId: string, amount: number): RefundEvent => ({ type: 'RefundRequested', data: { ...ref(refundId), amount, currency: 'EUR', reason: 'requested_by_customer', requestedBy: 'agent1', chargeAmount: 30_000 } });
  const waits = (refundId: string, amount: number, onCharge: number): RefundEvent => ({
    type: 'RefundSentForApproval',
    data: { ...ref(refundId), amount, currency: 'EUR', agentLimit: LIMIT, over: 'charge', refundedOnCharge: onCharge, agentDailyLimit: 1_000_000, refundedToday: amount },
  });
  it('three refunds of 100.00 of a 300.00 charge: the first is posted, the second (200.00 together) waits', () =>
    spec.given([reqd('r1', 10_000), autoApproved('r1', 10_000)]).when(req300('r2', 10_000)).then([reqd('r2', 10_000), waits('r2', 10_000, 20_000)]));
  it('the third waits too, counting the one already waiting (300.00 together)', () =>
    spec.given([reqd('r1', 10_000), autoApproved('r1', 10_000), reqd('r2', 10_000), waits('r2', 10_000, 20_000)]).when(req300('r3', 10_000)).then([reqd('r3', 10_000), waits('r3', 10_000, 30_000)]));
  it('just at the limit together is posted; one cent over together waits', () => {
    spec.given([reqd('r1', 6_000), autoApproved('r1', 6_000)]).when(req300('r2', 4_000)).then([reqd('r2', 4_000), autoApproved('r2', 4_000)]);
    spec.given([reqd('r1', 6_000), autoApproved('r1', 6_000)]).when(req300('r2', 4_001)).then([reqd('r2', 4_001), waits('r2', 4_001, 10_001)]);
  });
  it('a rejected refund no longer counts towards the sum', () =>
    spec.given([reqd('r1', 10_000), waits('r1', 10_000, 10_000), rejected('r1', 'super2')]).when(req300('r2', 10_000)).then([reqd('r2', 10_000), autoApproved('r2', 10_000)]));
});

describe('the daily limit caps what one operator refunds in a day', () => {
  it('posts at once while the day\'s refunds with this one stay within it (just at it)', () => spec.given([]).when(request('r1', 5_000, { refundedToday: DAILY - 5_000 })).then([requested('r1', 5_000), autoApproved('r1', 5_000)]));
  it('one cent over the day\'s limit together, the refund waits for a supervisor, though within the charge\'s limit', () =>
    spec.given([]).when(request('r1', 5_000, { refundedToday: DAILY - 4_999 })).then([requested('r1', 5_000), sentForApproval('r1', 5_000, 5_000, DAILY + 1, 'daily')]));
  it('over both, it says the charge\'s limit', () => spec.given([]).when(request('r1', 20_000, { refundedToday: DAILY })).then([requested('r1', 20_000), sentForApproval('r1', 20_000, 20_000, DAILY + 20_000, 'charge')]));
  it('is idempotent by refund id: the same refund again changes nothing', () => spec.given([requested('r1', 4_000), autoApproved('r1', 4_000)]).when(request('r1', 4_000)).thenNothingHappens());
  it('refuses a different refund under a refund id already used', () => spec.given([requested('r1', 4_000), autoApproved('r1', 4_000)]).when(request('r1', 5_000)).thenRefuses('REFUND_ID_TAKEN', /a different refund needs a new refund id/));
  it('applies the agent limit to supervisors too: over it, a second person decides', () =>
    spec.given([]).when(request('r1', 20_000, { requestedBy: 'super1' })).then([requested('r1', 20_000, 'super1'), sentForApproval('r1', 20_000)]));
});

describe('ApproveRefund and RejectRefund (maker-checker)', () => {
  const waiting = [requested('r1', 20_000), sentForApproval('r1', 20_000)];
  it('a supervisor other than the requester approves', () => spec.given(waiting).when({ type: 'ApproveRefund', refundId: 'r1', by: 'super2' }).then([approved('r1', 20_000, 'super2')]));
  it('a supervisor other than the requester rejects, with a note', () => spec.given(waiting).when({ type: 'RejectRefund', refundId: 'r1', by: 'super2', note: 'not our error' }).then([rejected('r1', 'super2')]));
  it('refuses approval by the requester', () =>
    spec.given([requested('r1', 20_000, 'super1'), sentForApproval('r1', 20_000)]).when({ type: 'ApproveRefund', refundId: 'r1', by: 'super1' }).thenRefuses('SAME_OPERATOR', /super1 requested refund r1: .*another supervisor must approve it/));
  it('refuses rejection by the requester', () =>
    spec.given([requested('r1', 20_000, 'super1'), sentForApproval('r1', 20_000)]).when({ type: 'RejectRefund', refundId: 'r1', by: 'super1', note: 'x' }).thenRefuses('SAME_OPERATOR'));
  it('refuses a refund id it does not know', () => spec.given(waiting).when({ type: 'ApproveRefund', refundId: 'r9', by: 'super2' }).thenRefuses('REFUND_NOT_FOUND', /there is no refund r9/));
  it('refuses to decide a refund twice', () => spec.given([...waiting, approved('r1', 20_000, 'super2')]).when({ type: 'RejectRefund', refundId: 'r1', by: 'super1', note: 'x' }).thenRefuses('REFUND_DECIDED', /already approved .*by super2/));
  it('refuses to approve a refund posted within the limit (nothing to decide)', () =>
    spec.given([requested('r1', 100), autoApproved('r1', 100)]).when({ type: 'ApproveRefund', refundId: 'r1', by: 'super2' }).thenRefuses('REFUND_DECIDED'));
});

describe('what is still refundable', () => {
  it('is the charge less every refund not rejected', () => {
    const s = fold(refundDecider, [requested('r1', 8_000), autoApproved('r1', 8_000), requested('r2', 20_000), sentForApproval('r2', 20_000), requested('r3', 1_000), autoApproved('r3', 1_000)]);
    expect(refundable(s)).toBe(21_000);
    expect(refundable(fold(refundDecider, [requested('r2', 20_000), sentForApproval('r2', 20_000), rejected('r2', 'super2')]))).toBe(50_000);
  });
});

describe('Account: PostRefund (a posted refund credits the account as its own event type, linked to the charge)', () => {
  const account = DeciderSpecification(accountDecider);
  const opened: AccountEvent = { type: 'AccountOpened', data: { accountId: 'a1', holderName: 'Ada', currency: 'EUR', creditLimit: 100_000 } };
  const charged: AccountEvent = { type: 'ChargePosted', data: { accountId: 'a1', chargeId: 'ch1', amount: 50_000, currency: 'EUR', description: 'hotel' } };
  const post: AccountCommand = { type: 'PostRefund', accountId: 'a1', refundId: 'r1', chargeId: 'ch1', amount: 4_000, reason: 'duplicate' };
  const posted: AccountEvent = { type: 'RefundPosted', data: { accountId: 'a1', refundId: 'r1', chargeId: 'ch1', amount: 4_000, currency: 'EUR', reason: 'duplicate' } };
  it('records RefundPosted in the account currency', () => account.given([opened, charged]).when(post).then([posted]));
  it('raises the balance by the refund', () => {
    const s = fold(accountDecider, [opened, charged, posted]);
    expect(s.status !== 'none' && s.balance).toBe(-46_000);
  });
  it('ignores a refund id the account has already seen', () => account.given([opened, charged, posted]).when(post).thenNothingHappens());
  it('does not mistake a deposit with the same id for the refund', () =>
    account.given([opened, charged, { type: 'DepositReceived', data: { accountId: 'a1', depositId: 'r1', amount: 1, currency: 'EUR' } }]).when(post).then([posted]));
  it('refuses a refund to a closed account', () =>
    account.given([opened, { type: 'AccountClosed', data: { accountId: 'a1', reason: 'x' } }]).when(post).thenRefuses('ACCOUNT_CLOSED'));
  it('gives the posting its business key', () => expect(accountDecider.eventKey?.(posted)).toBe('posting:a1:refund:r1'));
});
