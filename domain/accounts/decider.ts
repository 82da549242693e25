import { assertNever, refuse, type Decider, type Decision, type Refusal } from '../decider.js';
import { formatMoney } from '../shared/money.js';
import { availableCredit, refundPostingId, type AccountEvent, type AccountState, type PostingIds, type PostingKind, type PostingRecord } from './events.js';

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

const NO_POSTINGS: PostingIds = new Map<string, PostingRecord>();
export const initialState = (): AccountState => ({ status: 'none' });

/** The first posting that used an id holds it: a later event of the same posting (a settled charge) keeps it. */
const withPosting = (postings: PostingIds, id: string, kind: PostingKind, amount: number, at: string | undefined, counterparty?: string): PostingIds => {
  if (postings.has(id)) return postings;
  const next = new Map<string, PostingRecord>(postings instanceof Map ? (postings as Map<string, PostingRecord>) : []);
  next.set(id, { kind, amount, ...(counterparty !== undefined ? { counterparty } : {}), ...(at !== undefined ? { at } : {}) });
  return next;
};

export function evolve(state: AccountState, event: AccountEvent): AccountState {
  if (event.type === 'AccountOpened') {
    const d = event.data;
    return { status: 'open', accountId: d.accountId, holderName: d.holderName, currency: d.currency, creditLimit: d.creditLimit, balance: 0, pending: null, deniedCount: 0, postings: new Map<string, PostingRecord>() };
  }
  if (state.status === 'none') return state;
  // Set when a stored event is folded (UnitOfWork.load): when the posting was recorded.
  const { at, by } = event as { at?: string; by?: string };
  switch (event.type) {
    case 'DepositReceived':
      return { ...state, balance: state.balance + event.data.amount, postings: withPosting(state.postings, event.data.depositId, 'deposit', event.data.amount, at) };
    case 'TransferSent':
      return { ...state, balance: state.balance - event.data.amount, postings: withPosting(state.postings, event.data.transferId, 'transfer_out', event.data.amount, at, event.data.toAccountId) };
    case 'TransferReceived':
      return { ...state, balance: state.balance + event.data.amount, postings: withPosting(state.postings, event.data.transferId, 'transfer_in', event.data.amount, at, event.data.fromAccountId) };
    case 'ChargePosted':
      return { ...state, balance: state.balance - event.data.amount, postings: withPosting(state.postings, event.data.chargeId, 'charge', event.data.amount, at) };
    case 'CreditAuthorizationRequired': {
      const { authorizationId, chargeId, amount, description } = event.data;
      return { ...state, pending: { authorizationId, chargeId, amount, description }, postings: withPosting(state.postings, chargeId, 'charge', amount, at) };
    }
    case 'AccountFrozen':
      return { ...state, status: 'frozen' };
    case 'AccountUnfrozen':
      return { ...state, status: 'open', pending: null, deniedCount: state.deniedCount + (event.data.outcome === 'denied' ? 1 : 0) };
    case 'AccountClosed': {
      return { ...state, status: 'closed', ...(at ? { closedAt: at } : {}), ...(by ? { closedBy: by } : {}) };
    }
    case 'RefundPosted':
      return { ...state, balance: state.balance + event.data.amount, postings: withPosting(state.postings, refundPostingId(event.data.refundId), 'refund', event.data.amount, at) };
    case 'PrepaidCreditAdded':
      return { ...state, balance: state.balance + event.data.amount, prepaidCredit: (state.prepaidCredit ?? 0) + event.data.amount, postings: withPosting(state.postings, event.data.creditId, 'prepaid_credit', event.data.amount, at) };
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

type OpenState = Exclude<AccountState, { status: 'none' }>;

const KIND_NAMES: Readonly<Record<PostingKind, string>> = {
  deposit: 'deposit',
  transfer_out: 'transfer',
  transfer_in: 'transfer',
  charge: 'charge',
  refund: 'refund',
  prepaid_credit: 'prepaid credit',
};

/** A posting as a person reads it: "a deposit of 25.00 EUR on 2026-03-02 10:15 UTC". */
export function describePosting(p: PostingRecord, currency: string): string {
  const what = p.kind === 'prepaid_credit' ? 'prepaid credit' : `a ${KIND_NAMES[p.kind]}`;
  const other = p.kind === 'transfer_out' ? ` to account ${p.counterparty}` : p.kind === 'transfer_in' ? ` from account ${p.counterparty}` : '';
  const when = p.at ? ` on ${p.at.slice(0, 16).replace('T', ' ')} UTC` : '';
  return `${what} of ${money(p.amount, currency)}${other}${when}`;
}

/**
 * Whether a posting id is free for this posting: null when the account has not used it, [] when
 * it holds this very posting (a repeat: nothing to do), a refusal when it holds another one.
 */
function postingIdUse(state: OpenState, key: string, shownId: string, wanted: PostingRecord): readonly [] | Refusal | null {
  const held = state.postings.get(key);
  if (held === undefined) return null;
  if (held.kind === wanted.kind && held.amount === wanted.amount && held.counterparty === wanted.counterparty) return [];
  const asked = describePosting({ kind: wanted.kind, amount: wanted.amount, ...(wanted.counterparty !== undefined ? { counterparty: wanted.counterparty } : {}) }, state.currency);
  return refuse(
    'POSTING_ID_REUSED',
    `the ${KIND_NAMES[wanted.kind]} id ${shownId} is already used on account ${state.accountId} by ${describePosting(held, state.currency)}: a posting id names one posting, so ${asked} needs a new id (sending the same posting again changes nothing)`,
    { accountId: state.accountId, postingId: shownId, heldBy: { kind: held.kind, amount: held.amount, currency: state.currency, ...(held.counterparty !== undefined ? { counterparty: held.counterparty } : {}), ...(held.at !== undefined ? { at: held.at } : {}) } },
  );
}

/** The largest amount kept exactly (Number.MAX_SAFE_INTEGER minor units). */
const LARGEST = Number.MAX_SAFE_INTEGER;

/** A balance (and the available credit with it) must stay a safe integer: beyond it, sums are no longer exact. */
function tooLarge(state: OpenState, what: string, amount: number, sign: 1 | -1, prepaidToo = false): Refusal | null {
  const balance = state.balance + sign * amount;
  const prepaid = prepaidToo ? (state.prepaidCredit ?? 0) + amount : 0;
  if (Number.isSafeInteger(balance) && Number.isSafeInteger(state.creditLimit + balance) && Number.isSafeInteger(prepaid)) return null;
  return refuse(
    'AMOUNT_TOO_LARGE',
    `${what} of ${money(amount, state.currency)} would take account ${state.accountId} beyond ${money(sign > 0 ? LARGEST : -LARGEST, state.currency)}, the largest amount kept exactly (its balance is ${money(state.balance, state.currency)}, its credit limit ${money(state.creditLimit, state.currency)}, and its available credit is their sum): check the amount`,
    { accountId: state.accountId, amount, currency: state.currency, balance: state.balance, limit: LARGEST },
  );
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
      const used = postingIdUse(state, c.depositId, c.depositId, { kind: 'deposit', amount: c.amount });
      if (used) return used;
      if (state.status === 'closed') return closedRefusal(state);
      const bad = positive(c.amount) ?? tooLarge(state, 'a deposit', c.amount, 1);
      if (bad) return bad;
      return [{ type: 'DepositReceived', data: { accountId: id, depositId: c.depositId, amount: c.amount, currency: state.currency } }];
    }
    case 'SendTransfer': {
      const used = postingIdUse(state, c.transferId, c.transferId, { kind: 'transfer_out', amount: c.amount, counterparty: c.toAccountId });
      if (used) return used;
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
      const used = postingIdUse(state, c.transferId, c.transferId, { kind: 'transfer_in', amount: c.amount, counterparty: c.fromAccountId });
      if (used) return used;
      if (state.status === 'closed') return closedRefusal(state);
      const badAmount = positive(c.amount) ?? tooLarge(state, 'a transfer', c.amount, 1);
      if (badAmount) return badAmount;
      if (c.currency !== state.currency) return refuse('CURRENCY_MISMATCH', `account ${id} is in ${state.currency}, the transfer is in ${c.currency}: transfers move money between accounts of one currency`);
      return [{ type: 'TransferReceived', data: { accountId: id, transferId: c.transferId, fromAccountId: c.fromAccountId, amount: c.amount, currency: state.currency } }];
    }
    case 'PostCharge': {
      const used = postingIdUse(state, c.chargeId, c.chargeId, { kind: 'charge', amount: c.amount });
      if (used) return used;
      if (state.status === 'closed') return closedRefusal(state);
      if (state.status === 'frozen') return refuse('ACCOUNT_FROZEN', `account ${id} is frozen until authorisation ${state.pending?.authorizationId} is decided: charge it after the decision`);
      const bad = positive(c.amount) ?? tooLarge(state, 'a charge', c.amount, -1);
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
      const used = postingIdUse(state, refundPostingId(c.refundId), c.refundId, { kind: 'refund', amount: c.amount });
      if (used) return used;
      if (state.status === 'closed') return closedRefusal(state);
      const bad = positive(c.amount) ?? tooLarge(state, 'a refund', c.amount, 1);
      if (bad) return bad;
      return [{ type: 'RefundPosted', data: { accountId: id, refundId: c.refundId, chargeId: c.chargeId, amount: c.amount, currency: state.currency, reason: c.reason } }];
    }
    case 'AddPrepaidCredit': {
      const used = postingIdUse(state, c.creditId, c.creditId, { kind: 'prepaid_credit', amount: c.amount });
      if (used) return used;
      if (state.status === 'closed') return closedRefusal(state);
      const bad = positive(c.amount) ?? tooLarge(state, 'prepaid credit', c.amount, 1, true);
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
