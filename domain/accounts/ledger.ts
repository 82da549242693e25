/**
 * The ledger check that `verify` runs over the log itself, beside comparing the projections with
 * a replay: every account stream is folded with the Account decider's own `evolve`, and
 * - every posting id is used once per account (a settled charge and the authorisation that held
 *   its id are one posting);
 * - every amount is a positive safe integer in the account's currency, on the account the event
 *   names, and no running balance, balance or total per currency leaves the safe integer range;
 * - the balance of the account's replayed state, of the live accounts projection and of the
 *   replayed accounts projection each equal the sum of its postings;
 * - every transfer has both legs (TransferSent on one account, TransferReceived on the other)
 *   with the same amount and currency, between the accounts they name.
 */
import type { CheckContext, LedgerProblem, StreamCheck } from '../eventstore/projection.js';
import type { StoredEvent } from '../eventstore/types.js';
import { formatMoney } from '../shared/money.js';
import { evolve, initialState } from './decider.js';
import { ACCOUNT_EVENT_TYPES, refundPostingId, type AccountEvent, type AccountState } from './events.js';

const CHECK = 'ledger';
const PREFIX = 'account-';
const ACCOUNT_TYPES = new Set<string>(ACCOUNT_EVENT_TYPES);
const SIGN: Readonly<Record<string, 1 | -1>> = { DepositReceived: 1, TransferReceived: 1, TransferSent: -1, ChargePosted: -1, RefundPosted: 1, PrepaidCreditAdded: 1 };

interface Claim {
  readonly kind: string;
  readonly amount: unknown;
  readonly position: number;
  /** A CreditAuthorizationRequired holds its charge id for the ChargePosted that settles it. */
  readonly authorizationId?: string;
  settled?: boolean;
}

const show = (amount: unknown, currency: string): string => (Number.isSafeInteger(amount) ? formatMoney({ amount: amount as number, currency }) : `${JSON.stringify(amount)} ${currency}`);

/** The posting id an account event holds, if it is a posting (or an authorisation holding a charge id). */
function postingId(e: AccountEvent): string | undefined {
  switch (e.type) {
    case 'DepositReceived':
      return e.data.depositId;
    case 'TransferSent':
    case 'TransferReceived':
      return e.data.transferId;
    case 'ChargePosted':
    case 'CreditAuthorizationRequired':
      return e.data.chargeId;
    case 'RefundPosted':
      return refundPostingId(e.data.refundId);
    case 'PrepaidCreditAdded':
      return e.data.creditId;
    default:
      return undefined;
  }
}

/** A fresh ledger check for one verify. */
export function ledgerCheck(): StreamCheck {
  const totals = new Map<string, bigint>();
  const problem = (code: string, subject: string, message: string, expected?: string, found?: string): LedgerProblem => ({
    check: CHECK,
    code,
    subject,
    message,
    ...(expected !== undefined ? { expected } : {}),
    ...(found !== undefined ? { found } : {}),
  });

  function checkStream(streamId: string, events: readonly StoredEvent[], ctx: CheckContext): LedgerProblem[] {
    const accountId = streamId.slice(PREFIX.length);
    const subject = `account ${accountId}`;
    const out: LedgerProblem[] = [];
    let state: AccountState = initialState();
    let currency: string | undefined;
    let sum = 0;
    let sumSafe = true;
    let postings = 0;
    const claims = new Map<string, Claim>();
    for (const stored of events) {
      if (!ACCOUNT_TYPES.has(stored.type)) continue;
      const e = { type: stored.type, data: stored.data } as AccountEvent;
      if (e.type === 'AccountOpened' && currency === undefined) currency = e.data.currency;
      const cur = currency ?? '???';
      const data = e.data as { accountId?: unknown; amount?: unknown; currency?: unknown };
      const id = postingId(e);
      if (id !== undefined) {
        if (data.accountId !== accountId) {
          out.push(problem('POSTING_ACCOUNT_MISMATCH', subject, `${e.type} at position ${stored.position} is in the stream of account ${accountId} but names account ${String(data.accountId)}: the projections move the other account's balance`, `account ${accountId}`, `account ${String(data.accountId)}`));
        }
        const amount = data.amount;
        if (!Number.isSafeInteger(amount) || (amount as number) <= 0) {
          out.push(problem('AMOUNT_UNSAFE', subject, `${e.type} ${id} at position ${stored.position} has the amount ${JSON.stringify(amount)}: an amount is a positive whole number of minor units within the safe integer range`, 'a positive safe integer', JSON.stringify(amount)));
        }
        if (currency !== undefined && data.currency !== currency) {
          out.push(problem('POSTING_CURRENCY', subject, `${e.type} ${id} at position ${stored.position} is in ${String(data.currency)}, the account is in ${currency}`, currency, String(data.currency)));
        }
        const held = claims.get(id);
        const settles = e.type === 'ChargePosted' && e.data.authorizationId !== undefined && held?.kind === 'CreditAuthorizationRequired' && held.authorizationId === e.data.authorizationId && !held.settled;
        if (settles) held!.settled = true;
        else if (held) {
          out.push(
            problem(
              'POSTING_ID_REUSED',
              subject,
              `posting id ${id} of account ${accountId} is used twice: by ${held.kind} of ${show(held.amount, cur)} at position ${held.position}, and by ${e.type} of ${show(amount, cur)} at position ${stored.position}`,
              'one posting per id',
              `${held.kind} and ${e.type}`,
            ),
          );
        } else {
          claims.set(id, { kind: e.type, amount, position: stored.position, ...(e.type === 'CreditAuthorizationRequired' ? { authorizationId: e.data.authorizationId } : {}) });
        }
        const sign = SIGN[e.type];
        if (sign && typeof amount === 'number') {
          postings++;
          sum += sign * amount;
          if (sumSafe && !Number.isSafeInteger(sum)) {
            sumSafe = false;
            out.push(problem('BALANCE_UNSAFE', subject, `the postings of account ${accountId} add up past the safe integer range at position ${stored.position}: no balance may pass ${Number.MAX_SAFE_INTEGER} minor units`, `at most ${Number.MAX_SAFE_INTEGER}`, String(sum)));
          }
          if (e.type === 'TransferSent' || e.type === 'TransferReceived') {
            const other = e.type === 'TransferSent' ? e.data.toAccountId : e.data.fromAccountId;
            ctx.replay.run('INSERT INTO ledger_transfer_legs VALUES (?, ?, ?, ?, ?, ?, ?)', [e.data.transferId, e.type === 'TransferSent' ? 'sent' : 'received', accountId, String(other), amount, String(data.currency), stored.position]);
          }
        }
      }
      state = evolve(state, e);
    }
    const last = events[events.length - 1];
    if (state.status === 'none') {
      if (postings) out.push(problem('ACCOUNT_NOT_OPENED', subject, `account ${accountId} has ${postings} postings but was never opened (no AccountOpened in ${streamId})`, 'AccountOpened first', 'postings only'));
      return out;
    }
    const expected = sumSafe ? show(sum, state.currency) : 'beyond the safe range';
    if (sumSafe && state.balance !== sum) {
      out.push(problem('BALANCE_MISMATCH', subject, `account ${accountId}: its state replayed from ${streamId} has the balance ${show(state.balance, state.currency)}, its postings add up to ${expected}`, expected, show(state.balance, state.currency)));
    }
    // The live projection is compared only if no write reached the stream since the verify began.
    const liveVersion = Number(ctx.live.scalar('SELECT coalesce(max(stream_position), 0) FROM events WHERE stream_id = ?', [streamId]));
    const where: [string, CheckContext['live'], boolean][] = [
      ['the accounts projection', ctx.live, liveVersion === last?.streamPosition],
      ['the replayed accounts projection', ctx.replay, true],
    ];
    for (const [name, sql, compare] of where) {
      if (!compare) continue;
      const row = sql.get<{ balance: number; currency: string }>('SELECT balance, currency FROM accounts WHERE account_id = ?', [accountId]);
      if (!row) {
        out.push(problem('BALANCE_MISMATCH', subject, `account ${accountId} has no row in ${name}; its postings add up to ${expected}`, expected, 'no row'));
        continue;
      }
      if (!Number.isSafeInteger(row.balance)) {
        out.push(problem('BALANCE_UNSAFE', subject, `account ${accountId} has the balance ${String(row.balance)} in ${name}: beyond the safe integer range`, `at most ${Number.MAX_SAFE_INTEGER}`, String(row.balance)));
      } else if (sumSafe && row.balance !== sum) {
        out.push(problem('BALANCE_MISMATCH', subject, `account ${accountId} has the balance ${show(row.balance, state.currency)} in ${name}, its postings add up to ${expected}`, expected, show(row.balance, state.currency)));
      }
    }
    if (sumSafe) totals.set(state.currency, (totals.get(state.currency) ?? 0n) + BigInt(sum));
    return out;
  }

  function finish(ctx: CheckContext): LedgerProblem[] {
    const out: LedgerProblem[] = [];
    for (const [currency, total] of totals) {
      if (total > BigInt(Number.MAX_SAFE_INTEGER) || total < -BigInt(Number.MAX_SAFE_INTEGER)) {
        out.push(problem('TOTAL_UNSAFE', `currency ${currency}`, `the balances in ${currency} add up to ${total} minor units, beyond the safe integer range: no sum may pass ${Number.MAX_SAFE_INTEGER}`, `at most ${Number.MAX_SAFE_INTEGER}`, String(total)));
      }
    }
    type Leg = { transfer_id: string; leg: 'sent' | 'received'; account_id: string; other: string; amount: number; currency: string; position: number };
    const legs = ctx.replay.all<Leg>(
      `SELECT l.* FROM ledger_transfer_legs l JOIN (SELECT transfer_id FROM ledger_transfer_legs GROUP BY transfer_id
         HAVING count(*) <> 2 OR sum(leg = 'sent') <> 1 OR min(amount) <> max(amount) OR min(currency) <> max(currency)
             OR max(CASE WHEN leg = 'sent' THEN account_id END) <> max(CASE WHEN leg = 'received' THEN other END)
             OR max(CASE WHEN leg = 'sent' THEN other END) <> max(CASE WHEN leg = 'received' THEN account_id END)) bad USING (transfer_id)
       ORDER BY l.transfer_id, l.position`,
    );
    const byTransfer = new Map<string, Leg[]>();
    for (const l of legs) {
      const list = byTransfer.get(l.transfer_id) ?? [];
      list.push(l);
      byTransfer.set(l.transfer_id, list);
    }
    const describe = (l: Leg): string => `${l.leg === 'sent' ? 'TransferSent' : 'TransferReceived'} on account ${l.account_id} (${show(l.amount, l.currency)}, ${l.leg === 'sent' ? 'to' : 'from'} ${l.other}, position ${l.position})`;
    for (const [transferId, list] of byTransfer) {
      const subject = `transfer ${transferId}`;
      const sent = list.filter((l) => l.leg === 'sent');
      const received = list.filter((l) => l.leg === 'received');
      const found = list.map(describe).join('; ');
      if (list.length === 1) {
        const l = list[0]!;
        const missing = l.leg === 'sent' ? `the TransferReceived on account ${l.other}` : `the TransferSent on account ${l.other}`;
        out.push(problem('TRANSFER_ONE_LEG', subject, `transfer ${transferId} has one leg only: ${describe(l)}; ${missing} is missing, so money ${l.leg === 'sent' ? 'vanished' : 'appeared from nothing'}`, 'TransferSent and TransferReceived', found));
      } else if (sent.length !== 1 || received.length !== 1) {
        out.push(problem('TRANSFER_LEGS', subject, `transfer ${transferId} has ${sent.length} TransferSent and ${received.length} TransferReceived legs: ${found}`, 'one TransferSent and one TransferReceived', found));
      } else {
        const [s, r] = [sent[0]!, received[0]!];
        out.push(
          problem(
            'TRANSFER_LEGS_DIFFER',
            subject,
            `the legs of transfer ${transferId} do not match: ${describe(s)}; ${describe(r)}`,
            `the same amount and currency, from ${s.account_id} to ${s.other}`,
            found,
          ),
        );
      }
    }
    return out;
  }

  return {
    name: CHECK,
    streamPrefix: PREFIX,
    schema: `CREATE TABLE ledger_transfer_legs (transfer_id TEXT NOT NULL, leg TEXT NOT NULL, account_id TEXT NOT NULL, other TEXT NOT NULL, amount INTEGER NOT NULL, currency TEXT NOT NULL, position INTEGER NOT NULL);
             CREATE INDEX ledger_transfer_legs_id ON ledger_transfer_legs (transfer_id);`,
    checkStream,
    finish,
  };
}
