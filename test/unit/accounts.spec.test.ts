import { describe, expect, it } from 'vitest';
import { accountDecider, type AccountCommand } from '../../domain/accounts/decider.js';
import { availableCredit, type AccountEvent } from '../../domain/accounts/events.js';
import { fold } from '../../domain/decider.js';
import { DeciderSpecification } from '../../domain/testing/spec.js';

const spec = DeciderSpecification(accountDecider);
const cmd = <T extends AccountCommand['type']>(c: Extract<AccountCommand, { type: T }>): AccountCommand => c;
const stamp = <E extends AccountEvent>(e: E, at: string, by: string): E => ({ ...e, at, by });

// Ada's account: EUR, a credit limit of 1 000.00 EUR.
const opened: AccountEvent = { type: 'AccountOpened', data: { accountId: 'a1', holderName: 'Ada Andersen', currency: 'EUR', creditLimit: 100_000 } };
const deposit = (depositId: string, amount: number): AccountEvent => ({ type: 'DepositReceived', data: { accountId: 'a1', depositId, amount, currency: 'EUR' } });
const charged = (chargeId: string, amount: number, description = 'groceries'): AccountEvent => ({ type: 'ChargePosted', data: { accountId: 'a1', chargeId, amount, currency: 'EUR', description } });
const charge = (chargeId: string, amount: number, description = 'groceries'): AccountCommand => cmd({ type: 'PostCharge', accountId: 'a1', chargeId, amount, description, authorizationId: `auth-${chargeId}` });

/** A charge of 1 200.00 EUR on an account at zero: 200.00 EUR beyond the limit. */
const required: AccountEvent = {
  type: 'CreditAuthorizationRequired',
  data: { accountId: 'a1', authorizationId: 'auth-ch-big', chargeId: 'ch-big', amount: 120_000, currency: 'EUR', description: 'flight', availableCredit: 100_000, overdraft: 20_000 },
};
const frozen: AccountEvent = { type: 'AccountFrozen', data: { accountId: 'a1', authorizationId: 'auth-ch-big' } };
const pendingAuth = [opened, required, frozen];
const unfrozen = (outcome: 'approved' | 'denied'): AccountEvent => ({ type: 'AccountUnfrozen', data: { accountId: 'a1', authorizationId: 'auth-ch-big', outcome } });
const closedAccount: AccountEvent = { type: 'AccountClosed', data: { accountId: 'a1', reason: 'customer request' } };

describe('OpenAccount', () => {
  it('opens an account with its currency and credit limit', () =>
    spec.given([]).when(cmd({ type: 'OpenAccount', accountId: 'a1', holderName: 'Ada Andersen', currency: 'EUR', creditLimit: 100_000 })).then([opened]));
  it('refuses an account id that is taken', () =>
    spec.given([opened]).when(cmd({ type: 'OpenAccount', accountId: 'a1', holderName: 'Ben', currency: 'USD', creditLimit: 0 })).thenRefuses('ACCOUNT_EXISTS', /account a1 already exists: choose another account id/));
  it('starts at zero balance, open, in good standing', () => {
    const s = fold(accountDecider, [opened]);
    expect(s).toMatchObject({ status: 'open', balance: 0, creditLimit: 100_000, pending: null, deniedCount: 0 });
    if (s.status === 'none') throw new Error('expected an account');
    expect(availableCredit(s)).toBe(100_000);
  });
});

describe('a command on an account that does not exist', () => {
  const commands: AccountCommand[] = [
    cmd({ type: 'PostDeposit', accountId: 'a1', depositId: 'd1', amount: 1 }),
    cmd({ type: 'SendTransfer', accountId: 'a1', transferId: 't1', toAccountId: 'a2', amount: 1, currency: 'EUR' }),
    cmd({ type: 'ReceiveTransfer', accountId: 'a1', transferId: 't1', fromAccountId: 'a2', amount: 1, currency: 'EUR' }),
    charge('ch1', 1),
    cmd({ type: 'SettleAuthorizedCharge', accountId: 'a1', authorizationId: 'auth-1' }),
    cmd({ type: 'ReleaseAuthorization', accountId: 'a1', authorizationId: 'auth-1' }),
    cmd({ type: 'CloseAccount', accountId: 'a1', reason: 'x' }),
  ];
  for (const c of commands) it(`${c.type} is refused with ACCOUNT_NOT_FOUND`, () => spec.given([]).when(c).thenRefuses('ACCOUNT_NOT_FOUND', /there is no account a1/));
});

describe('PostDeposit', () => {
  it('records the deposit in the account currency', () => spec.given([opened]).when(cmd({ type: 'PostDeposit', accountId: 'a1', depositId: 'd1', amount: 5_000 })).then([deposit('d1', 5_000)]));
  it('ignores a deposit id the account has already seen: no second event', () =>
    spec.given([opened, deposit('d1', 5_000)]).when(cmd({ type: 'PostDeposit', accountId: 'a1', depositId: 'd1', amount: 5_000 })).thenNothingHappens());
  it('refuses a repeated deposit id with another amount, naming the deposit that holds it', () =>
    spec
      .given([opened, deposit('d1', 5_000)])
      .when(cmd({ type: 'PostDeposit', accountId: 'a1', depositId: 'd1', amount: 7_000 }))
      .thenRefuses('POSTING_ID_REUSED', /the deposit id d1 is already used on account a1 by a deposit of 50\.00 EUR: .*a deposit of 70\.00 EUR needs a new id/));
  it('takes a deposit on a frozen account (money coming in is always welcome)', () =>
    spec.given(pendingAuth).when(cmd({ type: 'PostDeposit', accountId: 'a1', depositId: 'd1', amount: 5_000 })).then([deposit('d1', 5_000)]));
  it('refuses an amount of zero or less', () => {
    spec.given([opened]).when(cmd({ type: 'PostDeposit', accountId: 'a1', depositId: 'd1', amount: 0 })).thenRefuses('INVALID_AMOUNT', /more than zero \(got 0\)/);
    spec.given([opened]).when(cmd({ type: 'PostDeposit', accountId: 'a1', depositId: 'd1', amount: -5 })).thenRefuses('INVALID_AMOUNT', /got -5/);
  });
  it('refuses a closed account, saying when and by whom it was closed', () =>
    spec
      .given([opened, stamp(closedAccount, '2026-03-02T12:00:00.000Z', 'super1')])
      .when(cmd({ type: 'PostDeposit', accountId: 'a1', depositId: 'd1', amount: 5_000 }))
      .thenRefuses('ACCOUNT_CLOSED', /^account a1 was closed on 2026-03-02 by super1: it takes no more postings$/));
  it('still ignores a repeat of a deposit it had before it was closed', () =>
    spec.given([opened, deposit('d1', 5_000), charged('ch1', 5_000), closedAccount]).when(cmd({ type: 'PostDeposit', accountId: 'a1', depositId: 'd1', amount: 5_000 })).thenNothingHappens());
  it('adds the deposit to the balance', () => expect(fold(accountDecider, [opened, deposit('d1', 5_000), deposit('d2', 2_500)])).toMatchObject({ balance: 7_500 }));
});

describe('SendTransfer', () => {
  const send = (amount: number, currency = 'EUR', transferId = 't1'): AccountCommand => cmd({ type: 'SendTransfer', accountId: 'a1', transferId, toAccountId: 'a2', amount, currency });
  const sent = (amount: number, transferId = 't1'): AccountEvent => ({ type: 'TransferSent', data: { accountId: 'a1', transferId, toAccountId: 'a2', amount, currency: 'EUR' } });

  it('sends within the available credit', () => spec.given([opened]).when(send(30_000)).then([sent(30_000)]));
  it('sends exactly the available credit', () => spec.given([opened, deposit('d1', 5_000)]).when(send(105_000)).then([sent(105_000)]));
  it('refuses more than the available credit and says how much there is', () =>
    spec.given([opened, deposit('d1', 5_000)]).when(send(105_001)).thenRefuses('INSUFFICIENT_CREDIT', /account a1 has 1,050\.00 EUR of available credit, less than the 1,050\.01 EUR to transfer/));
  it('refuses another currency', () =>
    spec.given([opened]).when(send(1_000, 'USD')).thenRefuses('CURRENCY_MISMATCH', /account a1 is in EUR, the transfer is in USD/));
  it('ignores a transfer id it has already seen', () => spec.given([opened, sent(1_000)]).when(send(1_000)).thenNothingHappens());
  it('refuses while the account is frozen, naming the authorisation', () =>
    spec.given(pendingAuth).when(send(1_000)).thenRefuses('ACCOUNT_FROZEN', /account a1 is frozen until authorisation auth-ch-big is decided/));
  it('refuses a closed account', () => spec.given([opened, closedAccount]).when(send(1_000)).thenRefuses('ACCOUNT_CLOSED'));
  it('refuses an amount of zero', () => spec.given([opened]).when(send(0)).thenRefuses('INVALID_AMOUNT'));
  it('takes the transfer off the balance', () => expect(fold(accountDecider, [opened, sent(30_000)])).toMatchObject({ balance: -30_000 }));
});

describe('ReceiveTransfer', () => {
  const receive = (amount: number, currency = 'EUR'): AccountCommand => cmd({ type: 'ReceiveTransfer', accountId: 'a1', transferId: 't1', fromAccountId: 'a2', amount, currency });
  const received: AccountEvent = { type: 'TransferReceived', data: { accountId: 'a1', transferId: 't1', fromAccountId: 'a2', amount: 30_000, currency: 'EUR' } };

  it('receives a transfer in the account currency', () => spec.given([opened]).when(receive(30_000)).then([received]));
  it('receives on a frozen account', () => spec.given(pendingAuth).when(receive(30_000)).then([received]));
  it('ignores a transfer id it has already seen', () => spec.given([opened, received]).when(receive(30_000)).thenNothingHappens());
  it('refuses another currency', () => spec.given([opened]).when(receive(30_000, 'GBP')).thenRefuses('CURRENCY_MISMATCH', /account a1 is in EUR, the transfer is in GBP/));
  it('refuses a closed account', () => spec.given([opened, closedAccount]).when(receive(30_000)).thenRefuses('ACCOUNT_CLOSED'));
  it('adds the transfer to the balance', () => expect(fold(accountDecider, [opened, received])).toMatchObject({ balance: 30_000 }));
});

describe('PostCharge', () => {
  it('posts a charge the available credit covers', () => spec.given([opened]).when(charge('ch1', 40_000)).then([charged('ch1', 40_000)]));
  it('posts a charge of exactly the available credit', () => spec.given([opened, deposit('d1', 1_000)]).when(charge('ch1', 101_000)).then([charged('ch1', 101_000)]));
  it('asks for a credit authorisation one cent beyond, and freezes the account', () =>
    spec
      .given([opened, deposit('d1', 1_000)])
      .when(charge('ch1', 101_001, 'flight'))
      .then([
        { type: 'CreditAuthorizationRequired', data: { accountId: 'a1', authorizationId: 'auth-ch1', chargeId: 'ch1', amount: 101_001, currency: 'EUR', description: 'flight', availableCredit: 101_000, overdraft: 1 } },
        { type: 'AccountFrozen', data: { accountId: 'a1', authorizationId: 'auth-ch1' } },
      ]));
  it('computes the overdraft against the credit left after earlier charges', () =>
    spec
      .given([opened, charged('ch0', 70_000)])
      .when(charge('ch-big', 50_000, 'flight'))
      .then([
        { type: 'CreditAuthorizationRequired', data: { accountId: 'a1', authorizationId: 'auth-ch-big', chargeId: 'ch-big', amount: 50_000, currency: 'EUR', description: 'flight', availableCredit: 30_000, overdraft: 20_000 } },
        { type: 'AccountFrozen', data: { accountId: 'a1', authorizationId: 'auth-ch-big' } },
      ]));
  it('counts the whole charge as overdraft when the account is already past its limit', () =>
    spec
      .given([...pendingAuth, { type: 'ChargePosted', data: { accountId: 'a1', chargeId: 'ch-big', amount: 120_000, currency: 'EUR', description: 'flight', authorizationId: 'auth-ch-big' } }, unfrozen('approved')])
      .when(charge('ch2', 5_000))
      .then([
        { type: 'CreditAuthorizationRequired', data: { accountId: 'a1', authorizationId: 'auth-ch2', chargeId: 'ch2', amount: 5_000, currency: 'EUR', description: 'groceries', availableCredit: -20_000, overdraft: 25_000 } },
        { type: 'AccountFrozen', data: { accountId: 'a1', authorizationId: 'auth-ch2' } },
      ]));
  it('refuses any charge while the account is frozen', () =>
    spec.given(pendingAuth).when(charge('ch2', 1)).thenRefuses('ACCOUNT_FROZEN', /account a1 is frozen until authorisation auth-ch-big is decided: charge it after the decision/));
  it('ignores a charge id it has already posted', () => spec.given([opened, charged('ch1', 40_000)]).when(charge('ch1', 40_000)).thenNothingHappens());
  it('ignores a repeat of the charge waiting for authorisation (no second authorisation)', () => spec.given(pendingAuth).when(charge('ch-big', 120_000, 'flight')).thenNothingHappens());
  it('ignores the charge id of a denied authorisation: it is never charged again by a repeat', () =>
    spec.given([...pendingAuth, unfrozen('denied')]).when(charge('ch-big', 120_000, 'flight')).thenNothingHappens());
  it('refuses an amount of zero', () => spec.given([opened]).when(charge('ch1', 0)).thenRefuses('INVALID_AMOUNT'));
  it('refuses a closed account', () =>
    spec.given([opened, stamp(closedAccount, '2026-06-30T17:00:00.000Z', 'super2')]).when(charge('ch1', 1)).thenRefuses('ACCOUNT_CLOSED', /closed on 2026-06-30 by super2/));
  it('takes the charge off the balance; the pending charge does not touch it', () => {
    expect(fold(accountDecider, [opened, charged('ch1', 40_000)])).toMatchObject({ balance: -40_000, status: 'open' });
    expect(fold(accountDecider, pendingAuth)).toMatchObject({ balance: 0, status: 'frozen', pending: { authorizationId: 'auth-ch-big', chargeId: 'ch-big', amount: 120_000, description: 'flight' } });
  });
});

describe('SettleAuthorizedCharge', () => {
  const settle = (authorizationId = 'auth-ch-big'): AccountCommand => cmd({ type: 'SettleAuthorizedCharge', accountId: 'a1', authorizationId });
  const settled: AccountEvent[] = [
    { type: 'ChargePosted', data: { accountId: 'a1', chargeId: 'ch-big', amount: 120_000, currency: 'EUR', description: 'flight', authorizationId: 'auth-ch-big' } },
    unfrozen('approved'),
  ];

  it('posts the authorised charge and unfreezes the account', () => spec.given(pendingAuth).when(settle()).then(settled));
  it('does nothing the second time', () => spec.given([...pendingAuth, ...settled]).when(settle()).thenNothingHappens());
  it('does nothing once the authorisation was released', () => spec.given([...pendingAuth, unfrozen('denied')]).when(settle()).thenNothingHappens());
  it('does nothing for another authorisation than the pending one', () => spec.given(pendingAuth).when(settle('auth-other')).thenNothingHappens());
  it('does nothing when no authorisation is pending', () => spec.given([opened]).when(settle()).thenNothingHappens());
  it('leaves the account open, past its limit, in good standing', () =>
    expect(fold(accountDecider, [...pendingAuth, ...settled])).toMatchObject({ status: 'open', balance: -120_000, pending: null, deniedCount: 0 }));
});

describe('ReleaseAuthorization', () => {
  const release = (authorizationId = 'auth-ch-big'): AccountCommand => cmd({ type: 'ReleaseAuthorization', accountId: 'a1', authorizationId });

  it('unfreezes the account without the charge', () => spec.given(pendingAuth).when(release()).then([unfrozen('denied')]));
  it('does nothing the second time', () => spec.given([...pendingAuth, unfrozen('denied')]).when(release()).thenNothingHappens());
  it('does nothing once the charge was settled', () =>
    spec
      .given([...pendingAuth, { type: 'ChargePosted', data: { accountId: 'a1', chargeId: 'ch-big', amount: 120_000, currency: 'EUR', description: 'flight', authorizationId: 'auth-ch-big' } }, unfrozen('approved')])
      .when(release())
      .thenNothingHappens());
  it('does nothing for another authorisation than the pending one', () => spec.given(pendingAuth).when(release('auth-other')).thenNothingHappens());
  it('leaves the balance alone and counts the denial against good standing', () =>
    expect(fold(accountDecider, [...pendingAuth, unfrozen('denied')])).toMatchObject({ status: 'open', balance: 0, pending: null, deniedCount: 1 }));
  it('lets the account take charges again', () => spec.given([...pendingAuth, unfrozen('denied')]).when(charge('ch2', 1_000)).then([charged('ch2', 1_000)]));
});

describe('CloseAccount', () => {
  const close = cmd({ type: 'CloseAccount', accountId: 'a1', reason: 'customer request' });

  it('closes an account at zero', () => spec.given([opened]).when(close).then([closedAccount]));
  it('closes an account that came back to zero', () => spec.given([opened, charged('ch1', 5_000), deposit('d1', 5_000)]).when(close).then([closedAccount]));
  it('refuses an account that owes money, and says how much', () =>
    spec.given([opened, charged('ch1', 5_000)]).when(close).thenRefuses('BALANCE_NOT_ZERO', /account a1 has a balance of -50\.00 EUR: it can be closed only at zero/));
  it('refuses an account in credit', () => spec.given([opened, deposit('d1', 1)]).when(close).thenRefuses('BALANCE_NOT_ZERO', /0\.01 EUR/));
  it('refuses an account with an open authorisation, even at zero', () =>
    spec.given(pendingAuth).when(close).thenRefuses('AUTHORIZATION_OPEN', /account a1 has authorisation auth-ch-big open: it can be closed once a supervisor decides it/));
  it('does nothing for a closed account', () => spec.given([opened, closedAccount]).when(close).thenNothingHappens());
  it('records when and by whom in the state', () =>
    expect(fold(accountDecider, [opened, stamp(closedAccount, '2026-03-02T12:00:00.000Z', 'super1')])).toMatchObject({ status: 'closed', closedAt: '2026-03-02T12:00:00.000Z', closedBy: 'super1' }));
});

describe('a posting id names one posting', () => {
  const at = '2026-03-02T10:15:00.000Z';
  const sent: AccountEvent = { type: 'TransferSent', data: { accountId: 'a1', transferId: 't1', toAccountId: 'a2', amount: 3_000, currency: 'EUR' } };
  const received: AccountEvent = { type: 'TransferReceived', data: { accountId: 'a1', transferId: 't1', fromAccountId: 'a2', amount: 3_000, currency: 'EUR' } };
  it('refuses a charge whose id a deposit holds, saying what, how much and when', () =>
    spec
      .given([opened, stamp(deposit('x1', 2_500), at, 'agent1')])
      .when(charge('x1', 2_500))
      .thenRefuses('POSTING_ID_REUSED', /the charge id x1 is already used on account a1 by a deposit of 25\.00 EUR on 2026-03-02 10:15 UTC/));
  it('refuses a charge repeated with another amount', () => spec.given([opened, charged('ch1', 1_000)]).when(charge('ch1', 1_001)).thenRefuses('POSTING_ID_REUSED', /by a charge of 10\.00 EUR/));
  it('still ignores the same charge sent again, also while its authorisation is pending', () => {
    spec.given([opened, charged('ch1', 1_000)]).when(charge('ch1', 1_000)).thenNothingHappens();
    spec.given(pendingAuth).when(charge('ch-big', 120_000)).thenNothingHappens();
  });
  it('refuses a transfer id towards another account, and a received transfer id sent back', () => {
    spec.given([opened, sent]).when(cmd({ type: 'SendTransfer', accountId: 'a1', transferId: 't1', toAccountId: 'a3', amount: 3_000, currency: 'EUR' })).thenRefuses('POSTING_ID_REUSED', /by a transfer of 30\.00 EUR to account a2/);
    spec.given([opened, received]).when(cmd({ type: 'SendTransfer', accountId: 'a1', transferId: 't1', toAccountId: 'a2', amount: 3_000, currency: 'EUR' })).thenRefuses('POSTING_ID_REUSED', /by a transfer of 30\.00 EUR from account a2/);
    spec.given([opened, deposit('t1', 3_000)]).when(cmd({ type: 'ReceiveTransfer', accountId: 'a1', transferId: 't1', fromAccountId: 'a2', amount: 3_000, currency: 'EUR' })).thenRefuses('POSTING_ID_REUSED', /by a deposit of 30\.00 EUR/);
  });
  it('ignores the same transfer leg sent again', () => {
    spec.given([opened, sent]).when(cmd({ type: 'SendTransfer', accountId: 'a1', transferId: 't1', toAccountId: 'a2', amount: 3_000, currency: 'EUR' })).thenNothingHappens();
    spec.given([opened, received]).when(cmd({ type: 'ReceiveTransfer', accountId: 'a1', transferId: 't1', fromAccountId: 'a2', amount: 3_000, currency: 'EUR' })).thenNothingHappens();
  });
  it('refuses prepaid credit whose id a deposit holds', () =>
    spec.given([opened, deposit('cr1', 100)]).when(cmd({ type: 'AddPrepaidCredit', accountId: 'a1', creditId: 'cr1', source: 'order o1', amount: 100, currency: 'EUR' })).thenRefuses('POSTING_ID_REUSED', /prepaid credit id cr1 .* by a deposit of 1\.00 EUR/));
  it('keeps refund ids apart from the ids people type', () =>
    spec
      .given([opened, deposit('r1', 100)])
      .when(cmd({ type: 'PostRefund', accountId: 'a1', refundId: 'r1', chargeId: 'ch1', amount: 100, reason: 'r' }))
      .then([{ type: 'RefundPosted', data: { accountId: 'a1', refundId: 'r1', chargeId: 'ch1', amount: 100, currency: 'EUR', reason: 'r' } }]));
});

describe('amounts stay exact', () => {
  const max = Number.MAX_SAFE_INTEGER;
  it('refuses a deposit that would take the balance past the largest safe integer', () =>
    spec.given([opened, deposit('d1', max - 100_000)]).when(cmd({ type: 'PostDeposit', accountId: 'a1', depositId: 'd2', amount: 1 })).thenRefuses('AMOUNT_TOO_LARGE', /a deposit of 0\.01 EUR would take account a1 beyond 90,071,992,547,409\.91 EUR/));
  it('takes a deposit up to the largest exact available credit', () =>
    spec.given([opened, deposit('d1', max - 100_001)]).when(cmd({ type: 'PostDeposit', accountId: 'a1', depositId: 'd2', amount: 1 })).then([deposit('d2', 1)]));
  it('refuses a charge that would take the balance below minus the largest safe integer (an approved overdraft)', () =>
    spec.given([opened, charged('ch1', max - 200_000)]).when(charge('ch2', 300_000)).thenRefuses('AMOUNT_TOO_LARGE', /a charge of 3,000\.00 EUR would take account a1 beyond -90,071,992,547,409\.91 EUR/));
  it('refuses a received transfer, a refund and prepaid credit that would pass it', () => {
    const full = [opened, deposit('d1', max - 100_000)];
    spec.given(full).when(cmd({ type: 'ReceiveTransfer', accountId: 'a1', transferId: 't1', fromAccountId: 'a2', amount: 5, currency: 'EUR' })).thenRefuses('AMOUNT_TOO_LARGE');
    spec.given(full).when(cmd({ type: 'PostRefund', accountId: 'a1', refundId: 'r1', chargeId: 'c', amount: 5, reason: 'r' })).thenRefuses('AMOUNT_TOO_LARGE');
    spec.given(full).when(cmd({ type: 'AddPrepaidCredit', accountId: 'a1', creditId: 'p1', source: 'o', amount: 5, currency: 'EUR' })).thenRefuses('AMOUNT_TOO_LARGE');
  });
});
