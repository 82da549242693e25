import { assertNever, refuse, type Decider, type Decision, type Refusal } from '../decider.js';
import { formatMoney } from '../shared/money.js';
import { availableCredit, refundPostingId, type AccountEvent, type AccountState, type PostingIds } from './events.js';

export type AccountCommand =
  | { readonly type: 'OpenAccount'; readonly accountId: string; readonly holderName: string; readonly currency: string; readonly creditLimit: number }
  | { readonly type: 'PostDeposit'; readonly accountId: string; readonly depositId: string; readonly amount: number }
  | { readonly type: 'SendTransfer'; readonly accountId: string; readonly transferId: string; readonly toAccountId: string; readonly amount: number; readonly currency: string }
  | { readonly type: 'ReceiveTransfer'; readonly accountId: string; readonly transferId: string; readonly fromAccountId: string; readonly amount: number; readonly currency: string }
  /** `authorizationId` names the authorisation to open if the charge needs one. */
  | { readonly type: 'PostCharge'; readonly accountId: string; readonly chargeId: string; readonly amount: number; readonly description: string; readonly authorizationId: string }
  | { readonly type: 'SettleAuthorizedCharge'; readonly accountId: string; readonly authorizationId: string }
  | { readonly type: 'ReleaseAuthorization'; readonly accountId: string; readonly authorizationId: string }
  | { readonly type: 'CloseAccount'; readonly accountId: string; readonly reason: string }
  /** From an approved refund (domain/refunds): `amount` in the account's currency. */
  | { readonly type: 'PostRefund'; readonly accountId: string; readonly refundId: string; readonly chargeId: string; readonly amount: number; readonly reason: string }
  /** From an overpaid order (domain/orders): `creditId` is the posting id. */
  | { readonly type: 'AddPrepaidCredit'; readonly accountId: string; readonly creditId: string; readonly source: string; readonly amount: number; readonly currency: string };

const NO_POSTINGS: PostingIds = { has: () => false };
export const initialState = (): AccountState => ({ status: 'none' });

const withPosting = (postings: PostingIds, id: string): PostingIds => {
  const next = new Set(postings instanceof Set ? (postings as Set<string>) : []);
  next.add(id);
  return next;
};

export function evolve(state: AccountState, event: AccountEvent): AccountState {
  if (event.type === 'AccountOpened') {
    const d = event.data;
    return { status: 'open', accountId: d.accountId, holderName: d.holderName, currency: d.currency, creditLimit: d.creditLimit, balance: 0, pending: null, deniedCount: 0, postings: new Set<string>() };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'DepositReceived':
      return { ...state, balance: state.balance + event.data.amount, postings: withPosting(state.postings, event.data.depositId) };
    case 'TransferSent':
      return { ...state, balance: state.balance - event.data.amount, postings: withPosting(state.postings, event.data.transferId) };
    case 'TransferReceived':
      return { ...state, balance: state.balance + event.data.amount, postings: withPosting(state.postings, event.data.transferId) };
    case 'ChargePosted':
      return { ...state, balance: state.balance - event.data.amount, postings: withPosting(state.postings, event.data.chargeId) };
    case 'CreditAuthorizationRequired': {
      const { authorizationId, chargeId, amount, description } = event.data;
      return { ...state, pending: { authorizationId, chargeId, amount, description }, postings: withPosting(state.postings, chargeId) };
    }
    case 'AccountFrozen':
      return { ...state, status: 'frozen' };
    case 'AccountUnfrozen':
      return { ...state, status: 'open', pending: null, deniedCount: state.deniedCount + (event.data.outcome === 'denied' ? 1 : 0) };
    case 'AccountClosed': {
      const { at, by } = event as { at?: string; by?: string };
      return { ...state, status: 'closed', ...(at ? { closedAt: at } : {}), ...(by ? { closedBy: by } : {}) };
    }
    case 'RefundPosted':
      return { ...state, balance: state.balance + event.data.amount, postings: withPosting(state.postings, refundPostingId(event.data.refundId)) };
    case 'PrepaidCreditAdded':
      return { ...state, balance: state.balance + event.data.amount, prepaidCredit: (state.prepaidCredit ?? 0) + event.data.amount, postings: withPosting(state.postings, event.data.creditId) };
    case 'PrepaidCreditApplied':
      return { ...state, prepaidCredit: (state.prepaidCredit ?? 0) - event.data.amount };
    default:
      return assertNever(event);
  }
}

const money = (amount: number, currency: string): string => formatMoney({ amount, currency });

/** A charge spends the prepaid credit first: the part it covers is recorded with the charge. */
function spendCredit(state: { accountId: string; currency: string; prepaidCredit?: number }, chargeId: string, amount: number): AccountEvent[] {
  const credit = state.prepaidCredit ?? 0;
  if (credit <= 0) return [];
  const used = Math.min(credit, amount);
  return [{ type: 'PrepaidCreditApplied', data: { accountId: state.accountId, chargeId, amount: used, currency: state.currency, remaining: credit - used } }];
}

// Module-level rather than closures inside decide: decide runs once per account in a charge run.
function closedRefusal(state: Exclude<AccountState, { status: 'none' }>): Refusal {
  return refuse('ACCOUNT_CLOSED', `account ${state.accountId} was closed${state.closedAt ? ` on ${state.closedAt.slice(0, 10)}` : ''}${state.closedBy ? ` by ${state.closedBy}` : ''}: it takes no more postings`);
}

function positive(amount: number): Refusal | null {
  return amount > 0 ? null : refuse('INVALID_AMOUNT', `the amount must be more than zero (got ${amount})`);
}

export function decide(command: AccountCommand, state: AccountState): Decision<AccountEvent> {
  const c = command;
  if (c.type === 'OpenAccount') {
    if (state.status !== 'none') return refuse('ACCOUNT_EXISTS', `account ${c.accountId} already exists: choose another account id`);
    return [{ type: 'AccountOpened', data: { accountId: c.accountId, holderName: c.holderName, currency: c.currency, creditLimit: c.creditLimit } }];
  }
  if (state.status === 'none') return refuse('ACCOUNT_NOT_FOUND', `there is no account ${c.accountId}: check the account id`);
  const id = state.accountId;
  switch (c.type) {
    case 'PostDeposit': {
      if (state.postings.has(c.depositId)) return [];
      if (state.status === 'closed') return closedRefusal(state);
      const bad = positive(c.amount);
      if (bad) return bad;
      return [{ type: 'DepositReceived', data: { accountId: id, depositId: c.depositId, amount: c.amount, currency: state.currency } }];
    }
    case 'SendTransfer': {
      if (state.postings.has(c.transferId)) return [];
      if (state.status === 'closed') return closedRefusal(state);
      if (state.status === 'frozen') return refuse('ACCOUNT_FROZEN', `account ${id} is frozen until authorisation ${state.pending?.authorizationId} is decided: no transfer can leave it meanwhile`);
      const bad = positive(c.amount);
      if (bad) return bad;
      if (c.currency !== state.currency) return refuse('CURRENCY_MISMATCH', `account ${id} is in ${state.currency}, the transfer is in ${c.currency}: transfers move money between accounts of one currency`);
      const available = availableCredit(state);
      if (c.amount > available) return refuse('INSUFFICIENT_CREDIT', `account ${id} has ${money(available, state.currency)} of available credit, less than the ${money(c.amount, state.currency)} to transfer`);
      return [{ type: 'TransferSent', data: { accountId: id, transferId: c.transferId, toAccountId: c.toAccountId, amount: c.amount, currency: state.currency } }];
    }
    case 'ReceiveTransfer': {
      if (state.postings.has(c.transferId)) return [];
      if (state.status === 'closed') return closedRefusal(state);
      const badAmount = positive(c.amount);
      if (badAmount) return badAmount;
      if (c.currency !== state.currency) return refuse('CURRENCY_MISMATCH', `account ${id} is in ${state.currency}, the transfer is in ${c.currency}: transfers move money between accounts of one currency`);
      return [{ type: 'TransferReceived', data: { accountId: id, transferId: c.transferId, fromAccountId: c.fromAccountId, amount: c.amount, currency: state.currency } }];
    }
    case 'PostCharge': {
      if (state.postings.has(c.chargeId)) return [];
      if (state.status === 'closed') return closedRefusal(state);
      if (state.status === 'frozen') return refuse('ACCOUNT_FROZEN', `account ${id} is frozen until authorisation ${state.pending?.authorizationId} is decided: charge it after the decision`);
      const bad = positive(c.amount);
      if (bad) return bad;
      const available = availableCredit(state);
      if (c.amount <= available) return [{ type: 'ChargePosted', data: { accountId: id, chargeId: c.chargeId, amount: c.amount, currency: state.currency, description: c.description } }, ...spendCredit(state, c.chargeId, c.amount)];
      return [
        {
          type: 'CreditAuthorizationRequired',
          data: { accountId: id, authorizationId: c.authorizationId, chargeId: c.chargeId, amount: c.amount, currency: state.currency, description: c.description, availableCredit: available, overdraft: c.amount - available },
        },
        { type: 'AccountFrozen', data: { accountId: id, authorizationId: c.authorizationId } },
      ];
    }
    case 'SettleAuthorizedCharge': {
      const p = state.pending;
      if (!p || p.authorizationId !== c.authorizationId) return []; // already settled or released: nothing twice
      return [
        { type: 'ChargePosted', data: { accountId: id, chargeId: p.chargeId, amount: p.amount, currency: state.currency, description: p.description, authorizationId: p.authorizationId } },
        ...spendCredit(state, p.chargeId, p.amount),
        { type: 'AccountUnfrozen', data: { accountId: id, authorizationId: p.authorizationId, outcome: 'approved' } },
      ];
    }
    case 'ReleaseAuthorization': {
      const p = state.pending;
      if (!p || p.authorizationId !== c.authorizationId) return [];
      return [{ type: 'AccountUnfrozen', data: { accountId: id, authorizationId: p.authorizationId, outcome: 'denied' } }];
    }
    case 'CloseAccount':
      if (state.status === 'closed') return [];
      if (state.pending) return refuse('AUTHORIZATION_OPEN', `account ${id} has authorisation ${state.pending.authorizationId} open: it can be closed once a supervisor decides it`);
      if (state.balance !== 0) return refuse('BALANCE_NOT_ZERO', `account ${id} has a balance of ${money(state.balance, state.currency)}: it can be closed only at zero`);
      return [{ type: 'AccountClosed', data: { accountId: id, reason: c.reason } }];
    case 'PostRefund': {
      if (state.postings.has(refundPostingId(c.refundId))) return [];
      if (state.status === 'closed') return closedRefusal(state);
      const bad = positive(c.amount);
      if (bad) return bad;
      return [{ type: 'RefundPosted', data: { accountId: id, refundId: c.refundId, chargeId: c.chargeId, amount: c.amount, currency: state.currency, reason: c.reason } }];
    }
    case 'AddPrepaidCredit': {
      if (state.postings.has(c.creditId)) return [];
      if (state.status === 'closed') return closedRefusal(state);
      const bad = positive(c.amount);
      if (bad) return bad;
      if (c.currency !== state.currency) return refuse('CURRENCY_MISMATCH', `account ${id} is in ${state.currency}, the credit is in ${c.currency}: prepaid credit is kept in the account's currency`);
      return [{ type: 'PrepaidCreditAdded', data: { accountId: id, creditId: c.creditId, source: c.source, amount: c.amount, currency: state.currency } }];
    }
    default:
      return assertNever(c);
  }
}

/** The first event of every posting has the id `posting:<account>:<posting id>`: one per account and posting, ever. */
export function postingEventId(accountId: string, postingId: string): string {
  return `posting:${accountId}:${postingId}`;
}

export function eventKey(e: AccountEvent): string | undefined {
  switch (e.type) {
    case 'DepositReceived':
      return postingEventId(e.data.accountId, e.data.depositId);
    case 'TransferSent':
    case 'TransferReceived':
      return postingEventId(e.data.accountId, e.data.transferId);
    case 'CreditAuthorizationRequired':
      return postingEventId(e.data.accountId, e.data.chargeId);
    case 'ChargePosted':
      return `${postingEventId(e.data.accountId, e.data.chargeId)}${e.data.authorizationId ? ':settled' : ''}`;
    case 'RefundPosted':
      return postingEventId(e.data.accountId, refundPostingId(e.data.refundId));
    case 'PrepaidCreditAdded':
      return postingEventId(e.data.accountId, e.data.creditId);
    case 'PrepaidCreditApplied':
      return `${postingEventId(e.data.accountId, e.data.chargeId)}:credit`;
    default:
      return undefined;
  }
}

export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = { decide, evolve, initialState, eventKey };
export { NO_POSTINGS };
