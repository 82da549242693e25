/**
 * Deterministic demo accounts for `cardops seed --accounts N --seed S`: names, a base currency
 * with a minority of others, credit limits, a history of deposits and charges, every card state,
 * some accounts near their limit and a few waiting for a supervisor's credit decision.
 *
 * Every event comes out of the same deciders that single commands use (no second copy of the
 * rules), folded in memory and appended in large batches through the store's batched append.
 */
import { accountDecider, eventKey, type AccountCommand } from '../accounts/decider.js';
import { accountStreamId, type AccountEvent, type AccountState } from '../accounts/events.js';
import { authorizationDecider } from '../authorizations/decider.js';
import { authorizationStreamId } from '../authorizations/events.js';
import { cardDecider, type CardCommand } from '../cards/decider.js';
import { BRANDS, cardStreamId, type CardEvent, type CardState } from '../cards/events.js';
import { isRefusal, type Decider, type DomainEvent } from '../decider.js';
import type { EventMetadata, NewEvent, StreamAppend } from '../eventstore/types.js';
import type { CardOpsStore } from './store.js';

const FIRST = ['Ada', 'Ben', 'Chloé', 'David', 'Elif', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Kaja', 'Liam', 'Maja', 'Noah', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sven', 'Tara', 'Umar', 'Vera', 'Wim', 'Xenia', 'Yusuf', 'Zoë', 'Anna', 'Björn', 'Carla', 'Dmitri', 'Eva', 'Felix', 'Hana', 'Ivan', 'Julia', 'Karim', 'Lena', 'Marco', 'Nina', 'Oskar'];
const LAST = ['Andersen', 'Becker', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'García', 'Hansen', 'Ivanova', 'Jensen', 'Kowalski', 'Larsen', 'Müller', 'Nowak', 'Olsen', 'Petrov', 'Quint', 'Rossi', 'Schmidt', 'Tanaka', 'Ulrich', 'Varga', 'Weber', 'Xu', 'Yilmaz', 'Zimmermann', 'Novak', 'Smith', 'Brown', 'Martin', "O'Neill", 'De Vries', 'Lindqvist', 'Moreau', 'Horvat', 'Silva', 'Kim', 'Nguyen', 'Okafor', 'Haddad'];
const LIMITS = [50_000, 100_000, 150_000, 200_000, 300_000, 500_000, 1_000_000];

/** mulberry32: a small, fast, seedable PRNG; plenty for demo data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const demoAccountId = (i: number): string => `ACC-${String(i + 1).padStart(7, '0')}`;
export const demoCardId = (i: number, n = 0): string => `CRD-${String(i + 1).padStart(7, '0')}${n ? `-${n}` : ''}`;

/** Folds a stream in memory: decide with the real decider, keep the events. */
class StreamBuilder<C, E extends DomainEvent, S> {
  readonly events: E[] = [];
  constructor(
    private readonly decider: Decider<C, E, S>,
    public state: S = decider.initialState(),
  ) {}
  run(command: C): readonly E[] {
    const d = this.decider.decide(command, this.state);
    if (isRefusal(d)) return [];
    for (const e of d) {
      this.state = this.decider.evolve(this.state, e);
      this.events.push(e);
    }
    return d;
  }
}

export interface SeedProgress {
  (done: number, total: number): void;
}

/** Appends N demo accounts with their cards and history, in batches. Returns the event count. */
export async function seedDemoAccounts(store: CardOpsStore, options: { accounts: number; seed: number; batchAccounts?: number; onProgress?: SeedProgress; today?: string }): Promise<{ accounts: number; events: number }> {
  const rnd = prng(options.seed * 2654435761 + 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const batchSize = options.batchAccounts ?? 5_000;
  const metadata: EventMetadata = { operator: 'seed', correlationId: `seed-${options.seed}`, causationId: `seed-${options.seed}`, commandId: `seed-${options.seed}`, demo: true };
  // Cards expire from this month on (never before today: an expired card is neither issued nor activated).
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const thisYear = Number(today.slice(0, 4));
  const thisMonth = Number(today.slice(5, 7));
  const reviewAll = { autoApproveMaxOverdraft: -1, autoDenyOverOverdraft: Number.MAX_SAFE_INTEGER };
  let events = 0;
  // Event ids grow with the account number (zero-padded), so the store's event-id index is
  // appended to at its end rather than all over: at a million accounts that index no longer fits
  // the page cache, and random inserts into it were the seed's slowest part.
  const key = (i: number, suffix: string): string => `seed-${options.seed}-${String(i).padStart(8, '0')}-${suffix}`;

  return store.bulkLoad(async (append) => {
    for (let start = 0; start < options.accounts; start += batchSize) {
      const appends: StreamAppend[] = [];
      const end = Math.min(options.accounts, start + batchSize);
      for (let i = start; i < end; i++) {
        const accountId = demoAccountId(i);
        const holderName = `${pick(FIRST)} ${pick(LAST)}`;
        const r = rnd();
        const currency = r < 0.85 ? 'EUR' : r < 0.93 ? 'USD' : r < 0.98 ? 'GBP' : 'CHF';
        const creditLimit = pick(LIMITS);
        const account = new StreamBuilder<AccountCommand, AccountEvent, AccountState>(accountDecider);
        account.run({ type: 'OpenAccount', accountId, holderName, currency, creditLimit });
        const deposits = rnd() < 0.4 ? 1 : 0;
        for (let d = 0; d < deposits; d++) account.run({ type: 'PostDeposit', accountId, depositId: `DEP-${i + 1}-${d + 1}`, amount: int(1_000, 50_000) });
        const charges = int(0, 2);
        for (let c = 0; c < charges; c++) account.run({ type: 'PostCharge', accountId, chargeId: `CHG-${i + 1}-${c + 1}`, amount: int(500, Math.max(600, Math.floor(creditLimit / 8))), description: pick(['Groceries', 'Fuel', 'Airline ticket', 'Hotel', 'Online store', 'Restaurant', 'Pharmacy']), authorizationId: `AUTH-${i + 1}-${c + 1}` });
        const near = rnd() < 0.05;
        if (near && account.state.status === 'open') {
          // Near the limit: spend most of what is left.
          const left = account.state.creditLimit + account.state.balance;
          if (left > 1_000) account.run({ type: 'PostCharge', accountId, chargeId: `CHG-${i + 1}-near`, amount: Math.floor(left * 0.95), description: 'Electronics', authorizationId: `AUTH-${i + 1}-near` });
        }
        const auths: StreamAppend[] = [];
        if (rnd() < 0.003 && account.state.status === 'open') {
          // A charge beyond the limit, waiting in the supervisors' review queue.
          const left = account.state.creditLimit + account.state.balance;
          const authorizationId = `AUTH-${i + 1}-review`;
          const raised = account.run({ type: 'PostCharge', accountId, chargeId: `CHG-${i + 1}-review`, amount: left + int(6_000, 40_000), description: 'Travel agency', authorizationId });
          const required = raised.find((e) => e.type === 'CreditAuthorizationRequired');
          if (required?.type === 'CreditAuthorizationRequired') {
            const d = required.data;
            const auth = authorizationDecider.decide(
              { type: 'OpenCreditAuthorization', facts: { authorizationId, accountId, chargeId: d.chargeId, amount: d.amount, currency: d.currency, overdraft: d.overdraft, description: d.description }, goodStanding: true, policy: reviewAll },
              authorizationDecider.initialState(),
            );
            if (!isRefusal(auth)) auths.push({ streamId: authorizationStreamId(authorizationId), expectedVersion: 'no_stream', events: auth.map((e, n) => toNew(key(i, `auth-${n}`), e, metadata)) });
          }
        }
        appends.push({ streamId: accountStreamId(accountId), expectedVersion: 'no_stream', events: account.events.map((e, n) => toNew(eventKey(e) ?? key(i, `a${n}`), e, metadata)) });
        appends.push(...auths);

        // Cards: one per account, in every state; lost and stolen ones reissued.
        const cardId = demoCardId(i);
        const card = new StreamBuilder<CardCommand, CardEvent, CardState>(cardDecider);
        const expiryYear = thisYear + int(0, 4);
        const expiryMonth = int(1, 12);
        card.run({ type: 'IssueCard', cardId, accountId, holderName, last4: String(int(0, 9999)).padStart(4, '0'), brand: pick(BRANDS.slice(0, 4)), expiryMonth: expiryYear === thisYear ? Math.max(expiryMonth, thisMonth) : expiryMonth, expiryYear, channel: 'batch', today });
        const s = rnd();
        const extra: StreamAppend[] = [];
        if (s >= 0.05) card.run({ type: 'ActivateCard', cardId, channel: 'batch', reason: 'card_received', today });
        if (s >= 0.8 && s < 0.85) card.run({ type: 'DeactivateCard', cardId, reason: pick(['customer_request', 'suspicious_activity', 'issuer_request'] as const), channel: 'batch' });
        else if (s >= 0.85 && s < 0.9) card.run({ type: 'ExpireCard', cardId, channel: 'batch' });
        else if (s >= 0.9 && s < 0.93) card.run({ type: 'CloseCard', cardId, reason: 'customer_request', channel: 'batch' });
        else if (s >= 0.93) {
          card.run(s < 0.97 ? { type: 'ReportCardLost', cardId, channel: 'batch' } : { type: 'ReportCardStolen', cardId, channel: 'batch' });
          const newCardId = demoCardId(i, 1);
          card.run({ type: 'MarkCardReissued', cardId, newCardId, channel: 'batch', reason: s < 0.97 ? 'lost' : 'stolen' });
          const replacement = new StreamBuilder<CardCommand, CardEvent, CardState>(cardDecider);
          replacement.run({ type: 'IssueCard', cardId: newCardId, accountId, holderName, last4: String(int(0, 9999)).padStart(4, '0'), brand: 'visa', expiryMonth: int(1, 12), expiryYear: expiryYear + 1, channel: 'batch', replaces: cardId, today });
          replacement.run({ type: 'ActivateCard', cardId: newCardId, channel: 'batch', reason: 'card_received', today });
          extra.push({ streamId: cardStreamId(newCardId), expectedVersion: 'no_stream', events: replacement.events.map((e, n) => toNew(key(i, `r${n}`), e, metadata)) });
        }
        appends.push({ streamId: cardStreamId(cardId), expectedVersion: 'no_stream', events: card.events.map((e, n) => toNew(key(i, `c${n}`), e, metadata)) }, ...extra);
      }
      const results = append(appends);
      for (const r of results) events += r.events.length;
      options.onProgress?.(end, options.accounts);
      // Let timers and I/O run between batches (progress output, a server's other clients).
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { accounts: options.accounts, events };
  });
}

function toNew(eventId: string, e: DomainEvent, metadata: EventMetadata): NewEvent {
  return { eventId, type: e.type, data: e.data, metadata };
}
