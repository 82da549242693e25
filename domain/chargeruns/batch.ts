/**
 * Deciding one batch of a charge run, set-based: the states of a slice of accounts come from
 * the accounts projection (which holds each stream's version) in one query, their active cards
 * and already-seen fee postings in one query each; every account is then decided in memory
 * with the same Account, CreditAuthorization and CreditCard deciders that single commands use,
 * and the whole batch becomes one multi-stream append.
 */
import { accountDecider, postingEventId } from '../accounts/decider.js';
import { accountStreamId, authorizationIdFor, type AccountEvent, type AccountState, type PendingAuthorization, type PostingIds, type PostingKind, type PostingRecord } from '../accounts/events.js';
import { authorizationDecider } from '../authorizations/decider.js';
import { authorizationStreamId, type AuthorizationEvent, type CreditPolicy } from '../authorizations/events.js';
import { cardDecider } from '../cards/decider.js';
import { cardStreamId, type Brand, type CardEvent, type CardReason, type CardState, type CardStatus } from '../cards/events.js';
import { isRefusal, type Decision } from '../decider.js';
import type { Sql } from '../eventstore/sql.js';
import type { EventMetadata, NewEvent, StreamAppend } from '../eventstore/types.js';
import { feeChargeId, feeFor, zeroCounts, type Fees, type Outcome, type SkipReason } from './events.js';

export interface AccountRowForRun {
  readonly account_id: string;
  readonly holder_name: string;
  readonly currency: string;
  readonly credit_limit: number;
  readonly balance: number;
  readonly status: string;
  readonly version: number;
  readonly pending_json: string | null;
  readonly denied_count: number;
  /** Prepaid credit (from the orders feature's overpayments), spent before anything else. */
  readonly prepaid_credit: number;
}

interface CardRowForRun {
  readonly card_id: string;
  readonly account_id: string;
  readonly holder_name: string;
  readonly last4: string;
  readonly brand: string;
  readonly expiry_month: number;
  readonly expiry_year: number;
  readonly status: string;
  readonly status_reason: string | null;
  readonly version: number;
}

// The prepaid credit lives in the orders projection's account_credits (one row per account that has any).
const ACCOUNT_FROM = `SELECT a.account_id, a.holder_name, a.currency, a.credit_limit, a.balance, a.status, a.version, a.pending_json, a.denied_count,
    coalesce(c.prepaid_credit, 0) AS prepaid_credit
  FROM accounts a LEFT JOIN account_credits c ON c.account_id = a.account_id`;

/** The next slice of accounts after `cursor`, in account id order. */
export function loadAccountSlice(sql: Sql, cursor: string | null, limit: number): AccountRowForRun[] {
  return sql.all<AccountRowForRun>(`${ACCOUNT_FROM} WHERE a.account_id > ? ORDER BY a.account_id LIMIT ?`, [cursor ?? '', limit]);
}

export function loadAccounts(sql: Sql, ids: readonly string[]): AccountRowForRun[] {
  return sql.all<AccountRowForRun>(`${ACCOUNT_FROM} WHERE a.account_id IN (SELECT value FROM json_each(?)) ORDER BY a.account_id`, [JSON.stringify(ids)]);
}

/** Rebuilds the Account decider's state from its projection row. Posting ids: those asked about that were seen. */
export function accountStateFromRow(r: AccountRowForRun, seenPostings: PostingIds): AccountState {
  return {
    status: r.status as 'open' | 'frozen' | 'closed',
    accountId: r.account_id,
    holderName: r.holder_name,
    currency: r.currency,
    creditLimit: r.credit_limit,
    balance: r.balance,
    pending: r.pending_json ? (JSON.parse(r.pending_json) as PendingAuthorization) : null,
    deniedCount: r.denied_count,
    postings: seenPostings,
    ...(r.prepaid_credit > 0 ? { prepaidCredit: r.prepaid_credit } : {}),
  };
}

function cardStateFromRow(r: CardRowForRun): CardState {
  return {
    status: r.status as CardStatus,
    cardId: r.card_id,
    accountId: r.account_id,
    holderName: r.holder_name,
    last4: r.last4,
    brand: r.brand as Brand,
    expiryMonth: r.expiry_month,
    expiryYear: r.expiry_year,
    since: { channel: 'batch', ...(r.status_reason ? { reason: r.status_reason as CardReason } : {}) },
  };
}

export interface BatchInput {
  readonly runId: string;
  readonly period: string;
  readonly fees: Fees;
  readonly policy: CreditPolicy;
  readonly metadata: EventMetadata;
  readonly accounts: readonly AccountRowForRun[];
  /** The accounts are consecutive in account id order (a slice), so their cards are one index range. */
  readonly contiguous?: boolean;
  /** The run's approval in the log: an account that was not eligible then is skipped (changed_after_approval). */
  readonly approvalPosition?: number;
}

export interface BatchDecision {
  readonly appends: StreamAppend[];
  readonly counts: Record<Outcome, number>;
  readonly totals: Record<string, number>;
  readonly skipped: { accountId: string; reason: SkipReason }[];
  readonly failed: { accountId: string; error: string }[];
}

/** Why an account would be skipped, or null when it is to be charged. The preview uses the same rule. */
export function skipReason(a: { status: string; currency: string }, hasActiveCard: boolean, alreadyCharged: boolean, fees: Fees): SkipReason | null {
  if (alreadyCharged) return 'already_charged';
  if (a.status === 'closed') return 'account_closed';
  if (a.status === 'frozen') return 'account_frozen';
  if (!hasActiveCard) return 'no_active_card';
  if (feeFor(fees, a.currency) === undefined) return 'no_fee_for_currency';
  return null;
}

const CARD_COLUMNS = 'card_id, account_id, holder_name, last4, brand, expiry_month, expiry_year, status, status_reason, version';

/** The first and last account id of a slice of consecutive accounts (undefined for a list, as a retry's). */
type SliceRange = readonly [first: string, last: string] | undefined;

/**
 * How many active cards each account of the batch has, from the (account_id, status) index
 * alone. A slice of consecutive accounts reads one range of it; a list of accounts (a retry)
 * looks each up.
 */
function activeCardCounts(sql: Sql, ids: readonly string[], range: SliceRange): Map<string, number> {
  const counts = new Map<string, number>();
  const rows = range
    ? sql.all<{ account_id: string }>("SELECT account_id FROM cards WHERE account_id BETWEEN ? AND ? AND status = 'active'", [range[0], range[1]])
    : sql.all<{ account_id: string }>("SELECT c.account_id FROM json_each(?) j JOIN cards c ON c.account_id = j.value AND c.status = 'active'", [JSON.stringify(ids)]);
  for (const r of rows) counts.set(r.account_id, (counts.get(r.account_id) ?? 0) + 1);
  return counts;
}

const NOT_PRINTABLE_ASCII = /[^ -~]/;

/**
 * The posting event ids of this period's fee that the store already holds for the batch's
 * accounts (`posting:<account>:<charge id>`). For a slice of consecutive accounts, one range of
 * the event-id index holds them: it is read once, keeping the ids that end in the charge id,
 * which costs a tenth of looking each account up. An id that falls outside that range (an
 * account id with a character below ':' after another account's whole id, or one not printable
 * ASCII, whose order JavaScript and SQLite might see differently) is looked up on its own, as is
 * every id of a retry. The caller asks about exact ids, so an unrelated posting that merely ends
 * the same way changes nothing.
 */
function alreadyPosted(sql: Sql, ids: readonly string[], range: SliceRange, chargeId: string): Set<string> {
  const seen = new Set<string>();
  let lookUp: string[] = ids.map((id) => postingEventId(id, chargeId));
  if (range && ids.length > 8) {
    const lo = postingEventId(range[0], '');
    const hi = postingEventId(range[1], chargeId);
    const suffix = `:${chargeId}`;
    for (const r of sql.all<{ event_id: string }>('SELECT event_id FROM events WHERE event_id BETWEEN ? AND ? AND substr(event_id, length(event_id) - length(?3) + 1) = ?3', [lo, hi, suffix])) seen.add(r.event_id);
    lookUp = NOT_PRINTABLE_ASCII.test(lo) || NOT_PRINTABLE_ASCII.test(hi) ? lookUp : lookUp.filter((x) => !(x >= lo && x <= hi && !NOT_PRINTABLE_ASCII.test(x)));
  }
  if (lookUp.length) for (const r of sql.all<{ event_id: string }>('SELECT e.event_id FROM json_each(?) j JOIN events e ON e.event_id = j.value', [JSON.stringify(lookUp)])) seen.add(r.event_id);
  return seen;
}

const NOBODY: ReadonlySet<string> = new Set<string>();

/** The status events of an account's and a card's stream, and which of them leave it open or active. */
const ACCOUNT_STATUS: Readonly<Record<string, boolean>> = { AccountOpened: true, AccountFrozen: false, AccountUnfrozen: true, AccountClosed: false };
const CARD_STATUS: Readonly<Record<string, boolean>> = {
  CardIssued: false,
  CardActivated: true,
  CardReactivated: true,
  CardDeactivated: false,
  CardReportedLost: false,
  CardReportedStolen: false,
  CardExpired: false,
  CardClosed: false,
};
const STATUS_TYPES = JSON.stringify([...Object.keys(ACCOUNT_STATUS), ...Object.keys(CARD_STATUS)]);

/**
 * The accounts of the batch, eligible now, that were not eligible when the run was approved:
 * opened since, unfrozen since from a freeze that held at the approval, or with no card active
 * then. An account can only have become eligible through an opening, an unfreezing or a card
 * activated (charge_run_touches keeps those while a run is approved): a batch with none since the
 * approval (nearly every batch) costs one look at that small table. Only the accounts it names
 * are looked at closely, from their streams and their cards' streams in the log up to the
 * approval: a second card activated, or a card suspended and reactivated, since the approval
 * leaves an account that was eligible then eligible.
 */
function notEligibleAtApproval(sql: Sql, rows: readonly AccountRowForRun[], range: SliceRange, approval: number, eligibleNow: (r: AccountRowForRun) => boolean): ReadonlySet<string> {
  if (!rows.length || sql.scalar('SELECT 1 FROM charge_run_touches WHERE position > ? LIMIT 1', [approval]) === undefined) return NOBODY;
  const ids = rows.map((r) => r.account_id);
  const touched = new Set<string>();
  const accounts = range
    ? sql.all<{ id: string }>("SELECT id FROM charge_run_touches WHERE kind = 'account' AND id BETWEEN ? AND ? AND position > ?", [range[0], range[1], approval])
    : sql.all<{ id: string }>("SELECT t.id FROM json_each(?) j JOIN charge_run_touches t ON t.kind = 'account' AND t.id = j.value WHERE t.position > ?", [JSON.stringify(ids), approval]);
  for (const r of accounts) touched.add(r.id);
  const cards = range
    ? sql.all<{ account_id: string }>("SELECT c.account_id FROM charge_run_touches t JOIN cards c ON c.card_id = t.id WHERE t.kind = 'card' AND t.position > ? AND c.account_id BETWEEN ? AND ?", [approval, range[0], range[1]])
    : sql.all<{ account_id: string }>("SELECT c.account_id FROM charge_run_touches t JOIN cards c ON c.card_id = t.id WHERE t.kind = 'card' AND t.position > ? AND c.account_id IN (SELECT value FROM json_each(?))", [approval, JSON.stringify(ids)]);
  for (const r of cards) touched.add(r.account_id);
  const candidates = rows.filter((r) => touched.has(r.account_id) && eligibleNow(r)).map((r) => r.account_id);
  if (!candidates.length) return NOBODY;

  // Their state at the approval, from the log: the last status event of each stream up to it.
  const cardsOf = sql.all<{ card_id: string; account_id: string }>('SELECT c.card_id, c.account_id FROM json_each(?) j JOIN cards c ON c.account_id = j.value', [JSON.stringify(candidates)]);
  const streams = [...candidates.map(accountStreamId), ...cardsOf.map((c) => cardStreamId(c.card_id))];
  const last = new Map<string, string>();
  for (const e of sql.all<{ stream_id: string; type: string }>(
    'SELECT e.stream_id, e.type FROM json_each(?) j JOIN events e ON e.stream_id = j.value WHERE e.position <= ? AND e.type IN (SELECT value FROM json_each(?)) ORDER BY e.stream_id, e.stream_position',
    [JSON.stringify(streams), approval, STATUS_TYPES],
  )) {
    last.set(e.stream_id, e.type);
  }
  const cardActiveThen = new Set<string>();
  for (const c of cardsOf) if (CARD_STATUS[last.get(cardStreamId(c.card_id)) ?? ''] === true) cardActiveThen.add(c.account_id);
  const late = new Set<string>();
  for (const id of candidates) {
    const openThen = ACCOUNT_STATUS[last.get(accountStreamId(id)) ?? ''] === true;
    if (!openThen || !cardActiveThen.has(id)) late.add(id);
  }
  return late;
}

const POSTING_KINDS: Readonly<Record<string, PostingKind>> = { DepositReceived: 'deposit', TransferSent: 'transfer_out', TransferReceived: 'transfer_in', PrepaidCreditAdded: 'prepaid_credit' };

/**
 * Of the fee's posting ids already seen, those another kind of posting holds (a deposit or a
 * transfer someone gave the fee's id): such an account was not charged, and cannot be with this
 * id. Read only for the ids seen, so a first run (none seen) pays nothing for it.
 */
function heldByOtherPostings(sql: Sql, seen: ReadonlySet<string>): Map<string, PostingRecord> {
  const out = new Map<string, PostingRecord>();
  if (!seen.size) return out;
  const rows = sql.all<{ event_id: string; type: string; data: string; recorded_at: string }>(
    "SELECT e.event_id, e.type, e.data, e.recorded_at FROM json_each(?) j JOIN events e ON e.event_id = j.value WHERE e.type NOT IN ('ChargePosted', 'CreditAuthorizationRequired')",
    [JSON.stringify([...seen])],
  );
  for (const r of rows) {
    const kind = POSTING_KINDS[r.type];
    if (!kind) continue;
    const d = JSON.parse(r.data) as { amount: number; toAccountId?: string; fromAccountId?: string };
    const counterparty = d.toAccountId ?? d.fromAccountId;
    out.set(r.event_id, { kind, amount: d.amount, at: r.recorded_at, ...(counterparty !== undefined ? { counterparty } : {}) });
  }
  return out;
}

/** Decides a batch. Reads what it needs in three queries (and the cards of a denied account); writes nothing. */
export function decideBatch(sql: Sql, input: BatchInput): BatchDecision {
  const { runId, period, fees, policy, metadata } = input;
  const chargeId = feeChargeId(period, fees.feeKind);
  const ids = input.accounts.map((a) => a.account_id);
  const range: SliceRange = input.contiguous && ids.length ? [ids[0]!, ids[ids.length - 1]!] : undefined;
  const activeCards = activeCardCounts(sql, ids, range);
  // Whole card rows only for an account whose authorisation is denied (its cards are suspended).
  const cardsOf = (accountId: string): CardRowForRun[] =>
    sql.all<CardRowForRun>(`SELECT ${CARD_COLUMNS} FROM cards WHERE account_id = ? AND status = 'active' ORDER BY card_id`, [accountId]);
  const seen = alreadyPosted(sql, ids, range, chargeId);
  const heldByOther = heldByOtherPostings(sql, seen);
  const eligibleNow = (row: AccountRowForRun): boolean => skipReason(row, (activeCards.get(row.account_id) ?? 0) > 0, seen.has(postingEventId(row.account_id, chargeId)), fees) === null;
  const late = input.approvalPosition === undefined ? NOBODY : notEligibleAtApproval(sql, input.accounts, range, input.approvalPosition, eligibleNow);

  const out: BatchDecision = { appends: [], counts: zeroCounts(), totals: {}, skipped: [], failed: [] };
  const description = `Monthly fee ${period} (${fees.feeKind})`;
  const jobs = new Map<string, AccountJob>(); // one per currency
  for (const row of input.accounts) {
    const accountId = row.account_id;
    try {
      const feeKey = postingEventId(accountId, chargeId);
      const other = heldByOther.get(feeKey);
      const fee = feeFor(fees, row.currency);
      if (other && fee !== undefined) {
        // Not charged: the decider refuses the fee's id, naming the posting that holds it.
        const d = accountDecider.decide({ type: 'PostCharge', accountId, chargeId, amount: fee, description, authorizationId: authorizationIdFor(accountId, chargeId) }, accountStateFromRow(row, new Map([[chargeId, other]])));
        throw new Error(isRefusal(d) ? `${d.code}: ${d.message}` : `the fee's posting id ${chargeId} is held by another posting`);
      }
      const charged = seen.has(feeKey);
      const reason = skipReason(row, (activeCards.get(accountId) ?? 0) > 0, charged, fees);
      if (reason || late.has(accountId)) {
        out.counts.skipped++;
        out.skipped.push({ accountId, reason: reason ?? 'changed_after_approval' });
        continue;
      }
      let job = jobs.get(row.currency);
      if (!job) jobs.set(row.currency, (job = { runId, chargeId, amount: feeFor(fees, row.currency)!, description, policy, metadata }));
      decideAccount(out, row, () => cardsOf(accountId), job);
    } catch (e) {
      out.counts.failed++;
      out.failed.push({ accountId, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}

/** The decider never changes a state's set of posting ids: evolve makes a new one. */
const NO_POSTINGS: PostingIds = new Map<string, PostingRecord>();

interface AccountJob {
  readonly runId: string;
  readonly chargeId: string;
  readonly amount: number;
  readonly description: string;
  readonly policy: CreditPolicy;
  readonly metadata: EventMetadata;
}

/** One account's decision as it is made: its state and the events it has so far. */
interface AccountWork {
  readonly accountId: string;
  readonly job: AccountJob;
  readonly events: NewEvent[];
  account: AccountState;
  /** The next event's number, for the events that no decider key names. */
  n: number;
}

/** Deterministic ids: a batch decided again after a crash stores nothing twice. */
function nextEventId(w: AccountWork, key?: string): string {
  return key ?? `${w.job.runId}:${w.accountId}:${w.n++}`;
}

/**
 * Folds an Account decision into the account's state and events; returns the id of its
 * CreditAuthorizationRequired event, if it has one. (Module functions rather than closures made
 * per account: at a million accounts those closures are measurable.)
 */
function onAccount(w: AccountWork, d: Decision<AccountEvent>, causedBy?: string): string | undefined {
  if (isRefusal(d)) throw new Error(`${d.code}: ${d.message}`);
  let required: string | undefined;
  for (const e of d) {
    const eventId = nextEventId(w, accountDecider.eventKey?.(e));
    w.events.push({ eventId, type: e.type, data: e.data, metadata: causedBy ? { ...w.job.metadata, causationId: causedBy } : w.job.metadata });
    if (e.type === 'CreditAuthorizationRequired') required = eventId;
  }
  // The state is read again only to follow an authorisation through (most accounts are charged
  // outright): evolving it for nothing was a new state and a copied set of postings per account.
  if (required !== undefined) for (const e of d) w.account = accountDecider.evolve(w.account, e);
  return required;
}

/** One account: charge, or open an authorisation and follow the policy's decision through, all in memory. */
function decideAccount(out: BatchDecision, row: AccountRowForRun, activeCards: () => readonly CardRowForRun[], job: AccountJob): void {
  const accountId = row.account_id;
  const authorizationId = authorizationIdFor(accountId, job.chargeId);
  // Not yet charged for this period and kind (skipReason checked it): no posting id is known.
  const w: AccountWork = { accountId, job, events: [], account: accountStateFromRow(row, NO_POSTINGS), n: 0 };
  const extra: StreamAppend[] = [];

  const decision0 = accountDecider.decide({ type: 'PostCharge', accountId, chargeId: job.chargeId, amount: job.amount, description: job.description, authorizationId }, w.account);
  const requiredId = onAccount(w, decision0);
  let outcome: Outcome = 'charged';
  const required = requiredId === undefined || isRefusal(decision0) ? undefined : decision0.find((e) => e.type === 'CreditAuthorizationRequired');
  if (requiredId !== undefined && required && required.type === 'CreditAuthorizationRequired') {
    const d = required.data;
    const authEvents = authorizationDecider.decide(
      { type: 'OpenCreditAuthorization', facts: { authorizationId, accountId, chargeId: d.chargeId, amount: d.amount, currency: d.currency, overdraft: d.overdraft, description: d.description }, goodStanding: w.account.status !== 'none' && w.account.deniedCount === 0, policy: job.policy },
      authorizationDecider.initialState(),
    );
    if (isRefusal(authEvents)) throw new Error(`${authEvents.code}: ${authEvents.message}`);
    const authNew: NewEvent[] = authEvents.map((e: AuthorizationEvent) => ({ eventId: nextEventId(w), type: e.type, data: e.data, metadata: { ...job.metadata, causationId: requiredId } }));
    extra.push({ streamId: authorizationStreamId(authorizationId), expectedVersion: 'no_stream', events: authNew });
    const decision = authEvents[authEvents.length - 1]!;
    const decisionId = authNew[authNew.length - 1]!.eventId;
    if (decision.type === 'CreditApproved') {
      outcome = 'auth_approved';
      onAccount(w, accountDecider.decide({ type: 'SettleAuthorizedCharge', accountId, authorizationId }, w.account), decisionId);
    } else if (decision.type === 'CreditDenied') {
      outcome = 'auth_denied';
      onAccount(w, accountDecider.decide({ type: 'ReleaseAuthorization', accountId, authorizationId }, w.account), decisionId);
      for (const c of activeCards()) {
        const cardEvents = cardDecider.decide({ type: 'DeactivateCard', cardId: c.card_id, reason: 'credit_denied', channel: 'batch', note: `authorisation ${authorizationId} was denied` }, cardStateFromRow(c));
        if (isRefusal(cardEvents) || !cardEvents.length) continue;
        extra.push({
          streamId: cardStreamId(c.card_id),
          expectedVersion: c.version,
          events: cardEvents.map((e: CardEvent) => ({ eventId: nextEventId(w), type: e.type, data: e.data, metadata: { ...job.metadata, causationId: decisionId } })),
        });
      }
    } else {
      outcome = 'auth_review';
    }
  }
  out.appends.push({ streamId: accountStreamId(accountId), expectedVersion: row.version, events: w.events }, ...extra);
  out.counts[outcome]++;
  if (outcome === 'charged' || outcome === 'auth_approved') out.totals[row.currency] = (out.totals[row.currency] ?? 0) + job.amount;
}
