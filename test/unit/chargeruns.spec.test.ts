/**
 * ChargeRun: given/when/then specs of its decider (every command and refusal, in every state),
 * its evolve of batches (cursor, counts, totals, failed set, retries), the skip rule shared by the
 * preview and the batches, and decideBatch against a real in-memory store seeded with demo data.
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { postingEventId } from '../../domain/accounts/decider.js';
import { accountStreamId, authorizationIdFor } from '../../domain/accounts/events.js';
import { authorizationStreamId, type CreditPolicy } from '../../domain/authorizations/events.js';
import type { Backend } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import { cardStreamId } from '../../domain/cards/events.js';
import { decideBatch, loadAccountSlice, skipReason, type AccountRowForRun, type BatchDecision } from '../../domain/chargeruns/batch.js';
import { chargeRunDecider, type ChargeRunCommand } from '../../domain/chargeruns/decider.js';
import { feeChargeId, zeroCounts, type ChargeRunEvent, type ChargeRunState, type Fees, type Outcome, type Preview, type SkipReason } from '../../domain/chargeruns/events.js';
import { fold } from '../../domain/decider.js';
import type { EventMetadata } from '../../domain/eventstore/types.js';
import { openBackend } from '../../domain/open.js';
import { DeciderSpecification } from '../../domain/testing/spec.js';

const spec = DeciderSpecification(chargeRunDecider);
const cmd = <T extends ChargeRunCommand['type']>(c: Extract<ChargeRunCommand, { type: T }>): ChargeRunCommand => c;
const by = <E extends ChargeRunEvent>(e: E, operator: string, at = '2026-11-01T08:00:00.000Z'): E => ({ ...e, by: operator, at });

const RUN = 'run-1';
const fees: Fees = { feeKind: 'monthly_fee', perCurrency: { EUR: 1500, USD: 1700 } };
const preview: Preview = { accounts: 10, eligible: 8, totals: { EUR: 9000, USD: 3400 }, eligibleByCurrency: { EUR: 6, USD: 2 }, exclusions: { no_active_card: 2 } };

const planned = (planner = 'super1'): ChargeRunEvent => by({ type: 'ChargeRunPlanned', data: { runId: RUN, period: '2026-11', fees, preview } }, planner);
const approved = (approver = 'super2', planner = 'super1'): ChargeRunEvent => by({ type: 'ChargeRunApproved', data: { runId: RUN, plannedBy: planner } }, approver);
const started: ChargeRunEvent = by({ type: 'ChargeRunStarted', data: { runId: RUN } }, 'super2');
const paused: ChargeRunEvent = by({ type: 'ChargeRunPaused', data: { runId: RUN } }, 'super2');
const resumed: ChargeRunEvent = by({ type: 'ChargeRunResumed', data: { runId: RUN } }, 'super2');
const cancelled: ChargeRunEvent = by({ type: 'ChargeRunCancelled', data: { runId: RUN, reason: 'wrong fee' } }, 'super2', '2026-11-01T09:30:00.000Z');
const counts = (c: Partial<Record<Outcome, number>>): Record<Outcome, number> => ({ ...zeroCounts(), ...c });
const completed: ChargeRunEvent = by({ type: 'ChargeRunCompleted', data: { runId: RUN, counts: counts({ charged: 8, skipped: 2 }), totals: { EUR: 9000, USD: 3400 } } }, 'super2', '2026-11-01T10:00:00.000Z');
type BatchData = Extract<ChargeRunEvent, { type: 'ChargeRunBatchCompleted' }>['data'];
const batch = (d: Partial<BatchData> & Pick<BatchData, 'batch' | 'firstAccountId' | 'lastAccountId'>): ChargeRunEvent => ({
  type: 'ChargeRunBatchCompleted',
  data: { runId: RUN, counts: zeroCounts(), totals: {}, skipped: [], failed: [], ...d },
});

/** The histories that put a run in each state. */
const STATES = {
  planned: [planned()],
  approved: [planned(), approved()],
  running: [planned(), approved(), started],
  paused: [planned(), approved(), started, paused],
  cancelled: [planned(), approved(), started, cancelled],
  completed: [planned(), approved(), started, completed],
} satisfies Record<string, ChargeRunEvent[]>;
type StateName = keyof typeof STATES;
const ALL = Object.keys(STATES) as StateName[];

const stateOf = (events: readonly ChargeRunEvent[]): Exclude<ChargeRunState, { status: 'none' }> => {
  const s = fold(chargeRunDecider, events);
  if (s.status === 'none') throw new Error('expected a run');
  return s;
};

describe('the histories used below reach the state they are named after', () => {
  it.each(ALL)('%s', (name) => expect(stateOf(STATES[name]).status).toBe(name));
});

describe('PlanChargeRun', () => {
  it('plans a run that does not exist, with its period, fees and preview', () =>
    spec.given([]).when(cmd({ type: 'PlanChargeRun', runId: RUN, period: '2026-11', fees, preview })).then([{ type: 'ChargeRunPlanned', data: { runId: RUN, period: '2026-11', fees, preview } }]));
  it.each(ALL)('refuses a run id that is taken (the run is %s)', (name) =>
    spec.given(STATES[name]).when(cmd({ type: 'PlanChargeRun', runId: RUN, period: '2026-12', fees, preview })).thenRefuses('RUN_EXISTS', /charge run run-1 already exists: choose another run id/));
  it('records the planner from the event, not from the command', () => {
    const s = stateOf([planned('admin')]);
    expect(s).toMatchObject({ status: 'planned', runId: RUN, period: '2026-11', plannedBy: 'admin', batches: 0, cursor: null, counts: zeroCounts(), totals: {} });
    expect(s.approvedBy).toBeUndefined();
    expect(s.failed.size).toBe(0);
  });
});

describe('a command for a run that does not exist', () => {
  it.each([
    cmd({ type: 'ApproveChargeRun', runId: RUN, operatorId: 'super2' }),
    cmd({ type: 'StartChargeRun', runId: RUN }),
    cmd({ type: 'PauseChargeRun', runId: RUN }),
    cmd({ type: 'ResumeChargeRun', runId: RUN }),
    cmd({ type: 'CancelChargeRun', runId: RUN, reason: 'x' }),
  ])('$type is refused with RUN_NOT_FOUND', (c) => spec.given([]).when(c).thenRefuses('RUN_NOT_FOUND', /there is no charge run run-1: check the run id/));
  it('events of a run that was never planned change nothing', () => {
    expect(fold(chargeRunDecider, [started, batch({ batch: 1, firstAccountId: 'A', lastAccountId: 'B' })])).toEqual({ status: 'none' });
  });
});

describe('ApproveChargeRun (four eyes)', () => {
  it('a supervisor other than the planner approves, and the event names the planner', () =>
    spec.given([planned('super1')]).when(cmd({ type: 'ApproveChargeRun', runId: RUN, operatorId: 'super2' })).then([{ type: 'ChargeRunApproved', data: { runId: RUN, plannedBy: 'super1' } }]));
  it.each(['super1', 'admin'])('the planner (%s) cannot approve their own run', (planner) =>
    spec
      .given([planned(planner)])
      .when(cmd({ type: 'ApproveChargeRun', runId: RUN, operatorId: planner }))
      .thenRefuses('FOUR_EYES', new RegExp(`${planner} planned charge run run-1 for 2026-11, so another supervisor must approve it \\(four eyes\\)`)));
  it('an admin may approve a supervisor\'s plan', () =>
    spec.given([planned('super1')]).when(cmd({ type: 'ApproveChargeRun', runId: RUN, operatorId: 'admin' })).then([{ type: 'ChargeRunApproved', data: { runId: RUN, plannedBy: 'super1' } }]));
  it('approving twice by the same approver does nothing', () => spec.given(STATES.approved).when(cmd({ type: 'ApproveChargeRun', runId: RUN, operatorId: 'super2' })).thenNothingHappens());
  it('a second approver after the first is refused: the run is already approved', () =>
    spec.given(STATES.approved).when(cmd({ type: 'ApproveChargeRun', runId: RUN, operatorId: 'admin' })).thenRefuses('RUN_STATE', /charge run run-1 for 2026-11 is approved: it cannot be approved/));
  it('the planner asking again after approval is refused (not a silent no-op)', () =>
    spec.given(STATES.approved).when(cmd({ type: 'ApproveChargeRun', runId: RUN, operatorId: 'super1' })).thenRefuses('RUN_STATE'));
  it.each(['running', 'paused', 'cancelled', 'completed'] as const)('a %s run cannot be approved, even by its approver', (name) =>
    spec.given(STATES[name]).when(cmd({ type: 'ApproveChargeRun', runId: RUN, operatorId: 'super2' })).thenRefuses('RUN_STATE', new RegExp(`is ${name}: it cannot be approved`)));
  it('records the approver from the event', () => expect(stateOf([planned('super1'), approved('admin')])).toMatchObject({ status: 'approved', plannedBy: 'super1', approvedBy: 'admin' }));
});

const start = cmd({ type: 'StartChargeRun', runId: RUN });
const pause = cmd({ type: 'PauseChargeRun', runId: RUN });
const resume = cmd({ type: 'ResumeChargeRun', runId: RUN });
const cancel = cmd({ type: 'CancelChargeRun', runId: RUN, reason: 'wrong fee' });

/** For each command, what each state answers: events, nothing (idempotent), or a refusal code. */
const TABLE: { readonly command: ChargeRunCommand; readonly expect: Record<StateName, ChargeRunEvent[] | 'nothing' | string> }[] = [
  {
    command: start,
    expect: { planned: 'NOT_APPROVED', approved: [{ type: 'ChargeRunStarted', data: { runId: RUN } }], running: 'nothing', paused: 'RUN_STATE', cancelled: 'RUN_STATE', completed: 'RUN_STATE' },
  },
  {
    command: pause,
    expect: { planned: 'RUN_STATE', approved: 'RUN_STATE', running: [{ type: 'ChargeRunPaused', data: { runId: RUN } }], paused: 'nothing', cancelled: 'RUN_STATE', completed: 'RUN_STATE' },
  },
  {
    command: resume,
    expect: { planned: 'RUN_STATE', approved: 'RUN_STATE', running: 'nothing', paused: [{ type: 'ChargeRunResumed', data: { runId: RUN } }], cancelled: 'RUN_STATE', completed: 'RUN_STATE' },
  },
  {
    command: cancel,
    expect: {
      planned: [{ type: 'ChargeRunCancelled', data: { runId: RUN, reason: 'wrong fee' } }],
      approved: [{ type: 'ChargeRunCancelled', data: { runId: RUN, reason: 'wrong fee' } }],
      running: [{ type: 'ChargeRunCancelled', data: { runId: RUN, reason: 'wrong fee' } }],
      paused: [{ type: 'ChargeRunCancelled', data: { runId: RUN, reason: 'wrong fee' } }],
      cancelled: 'nothing',
      completed: 'RUN_STATE',
    },
  },
];

for (const row of TABLE) {
  describe(`${row.command.type} in every state`, () => {
    for (const name of ALL) {
      const want = row.expect[name];
      const label = Array.isArray(want) ? `records ${want.map((e) => e.type).join(', ')}` : want === 'nothing' ? 'does nothing (idempotent)' : `is refused with ${want}`;
      it(`${name}: ${label}`, () => {
        const t = spec.given(STATES[name]).when(row.command);
        if (Array.isArray(want)) t.then(want);
        else if (want === 'nothing') t.thenNothingHappens();
        else t.thenRefuses(want, want === 'RUN_STATE' ? new RegExp(`charge run run-1 for 2026-11 is ${name}: it cannot be`) : /not approved yet: a supervisor other than super1 must approve it first/);
      });
    }
  });
}

describe('evolve of the control events', () => {
  it('start and resume make the run running; pause makes it paused', () => {
    expect(stateOf([...STATES.approved, started]).status).toBe('running');
    expect(stateOf([...STATES.paused]).status).toBe('paused');
    expect(stateOf([...STATES.paused, resumed]).status).toBe('running');
  });
  it('cancel and complete record when the run finished', () => {
    expect(stateOf(STATES.cancelled).finishedAt).toBe('2026-11-01T09:30:00.000Z');
    expect(stateOf(STATES.completed).finishedAt).toBe('2026-11-01T10:00:00.000Z');
  });
  it('a paused run that is resumed can be paused again', () => spec.given([...STATES.paused, resumed]).when(pause).then([{ type: 'ChargeRunPaused', data: { runId: RUN } }]));
  it('a paused run can be cancelled, and a cancelled run cannot be resumed or started', () => {
    const history = [...STATES.paused, cancelled];
    spec.given(history).when(resume).thenRefuses('RUN_STATE', /is cancelled: it cannot be resumed/);
    spec.given(history).when(start).thenRefuses('RUN_STATE', /is cancelled: it cannot be started/);
  });
});

describe('evolve of ChargeRunBatchCompleted', () => {
  const b1 = batch({
    batch: 1,
    firstAccountId: 'ACC-0000001',
    lastAccountId: 'ACC-0000500',
    counts: counts({ charged: 400, auth_approved: 10, auth_denied: 5, auth_review: 3, skipped: 80, failed: 2 }),
    totals: { EUR: 600_000, USD: 17_000 },
    failed: [
      { accountId: 'ACC-0000007', error: 'INVALID_AMOUNT: x' },
      { accountId: 'ACC-0000042', error: 'INVALID_AMOUNT: y' },
    ],
  });
  const b2 = batch({
    batch: 2,
    firstAccountId: 'ACC-0000501',
    lastAccountId: 'ACC-0000900',
    counts: counts({ charged: 390, skipped: 9, failed: 1 }),
    totals: { EUR: 585_000, GBP: 1_200 },
    failed: [{ accountId: 'ACC-0000777', error: 'boom' }],
  });

  it('moves the cursor to the last account of the batch and counts the batch', () => {
    const s = stateOf([...STATES.running, b1]);
    expect(s).toMatchObject({ status: 'running', batches: 1, cursor: 'ACC-0000500' });
    expect(s.counts).toEqual(counts({ charged: 400, auth_approved: 10, auth_denied: 5, auth_review: 3, skipped: 80, failed: 2 }));
    expect(s.totals).toEqual({ EUR: 600_000, USD: 17_000 });
    expect([...s.failed].sort()).toEqual(['ACC-0000007', 'ACC-0000042']);
  });
  it('adds counts and totals per currency over batches, and collects failed accounts', () => {
    const s = stateOf([...STATES.running, b1, b2]);
    expect(s).toMatchObject({ batches: 2, cursor: 'ACC-0000900' });
    expect(s.counts).toEqual(counts({ charged: 790, auth_approved: 10, auth_denied: 5, auth_review: 3, skipped: 89, failed: 3 }));
    expect(s.totals).toEqual({ EUR: 1_185_000, USD: 17_000, GBP: 1_200 });
    expect([...s.failed].sort()).toEqual(['ACC-0000007', 'ACC-0000042', 'ACC-0000777']);
  });
  it('a batch does not change the run status, and a batch of a paused run still counts (it was committed before the pause)', () => {
    expect(stateOf([...STATES.running, b1]).status).toBe('running');
    expect(stateOf([...STATES.running, b1, paused, b2])).toMatchObject({ status: 'paused', batches: 2, cursor: 'ACC-0000900' });
  });
  it('a retry batch keeps the cursor, re-counts the failed accounts under their new outcome and keeps only those that failed again', () => {
    const retry = batch({
      batch: 3,
      retry: true,
      firstAccountId: 'ACC-0000007',
      lastAccountId: 'ACC-0000777',
      counts: counts({ charged: 2, failed: 1 }),
      totals: { EUR: 3_000 },
      failed: [{ accountId: 'ACC-0000042', error: 'still failing' }],
    });
    const s = stateOf([...STATES.completed, b1, b2, retry]);
    expect(s).toMatchObject({ status: 'completed', batches: 3, cursor: 'ACC-0000900' });
    // 3 failed before; the retry decided those 3 again: 2 charged, 1 failed.
    expect(s.counts).toEqual(counts({ charged: 792, auth_approved: 10, auth_denied: 5, auth_review: 3, skipped: 89, failed: 1 }));
    expect(Object.values(s.counts).reduce((a, b) => a + b, 0)).toBe(900);
    expect(s.totals).toEqual({ EUR: 1_188_000, USD: 17_000, GBP: 1_200 });
    expect([...s.failed]).toEqual(['ACC-0000042']);
  });
  it('a retry that fixes every failure empties the failed set and the failed count', () => {
    const retry = batch({ batch: 3, retry: true, firstAccountId: 'ACC-0000007', lastAccountId: 'ACC-0000777', counts: counts({ auth_review: 3 }) });
    const s = stateOf([...STATES.completed, b1, b2, retry]);
    expect(s.failed.size).toBe(0);
    expect(s.counts.failed).toBe(0);
    expect(s.counts.auth_review).toBe(6);
  });
  it('does not mutate the state it evolves from', () => {
    const before = stateOf([...STATES.running, b1]);
    const failedBefore = [...before.failed];
    const countsBefore = { ...before.counts };
    chargeRunDecider.evolve(before, b2);
    chargeRunDecider.evolve(before, batch({ batch: 2, retry: true, firstAccountId: 'ACC-0000007', lastAccountId: 'ACC-0000042', counts: counts({ charged: 2 }) }));
    expect([...before.failed]).toEqual(failedBefore);
    expect(before.counts).toEqual(countsBefore);
    expect(before.batches).toBe(1);
  });
});

describe('skipReason', () => {
  const open = { status: 'open', currency: 'EUR' };
  it('charges an open account with an active card and a fee for its currency', () => expect(skipReason(open, true, false, fees)).toBeNull());
  it.each<[string, { status: string; currency: string }, boolean, boolean, Fees, SkipReason]>([
    ['already charged for the period and kind', open, true, true, fees, 'already_charged'],
    ['closed', { status: 'closed', currency: 'EUR' }, true, false, fees, 'account_closed'],
    ['frozen (an authorisation is open)', { status: 'frozen', currency: 'EUR' }, true, false, fees, 'account_frozen'],
    ['without an active card', open, false, false, fees, 'no_active_card'],
    ['in a currency with no fee and no default', { status: 'open', currency: 'CHF' }, true, false, fees, 'no_fee_for_currency'],
  ])('skips an account %s', (_what, account, hasCard, charged, f, reason) => expect(skipReason(account, hasCard, charged, f)).toBe(reason));
  it('a default fee covers the currencies not listed', () => expect(skipReason({ status: 'open', currency: 'CHF' }, true, false, { ...fees, default: 900 })).toBeNull());
  it('already charged wins over every other reason (a second run says so)', () => {
    expect(skipReason({ status: 'closed', currency: 'CHF' }, false, true, fees)).toBe('already_charged');
    expect(skipReason({ status: 'frozen', currency: 'EUR' }, false, true, fees)).toBe('already_charged');
  });
  it('then closed, then frozen, then no active card, then no fee', () => {
    expect(skipReason({ status: 'closed', currency: 'CHF' }, false, false, fees)).toBe('account_closed');
    expect(skipReason({ status: 'frozen', currency: 'CHF' }, false, false, fees)).toBe('account_frozen');
    expect(skipReason({ status: 'open', currency: 'CHF' }, false, false, fees)).toBe('no_active_card');
  });
});

describe('decideBatch on a seeded in-memory store', () => {
  const N = 400;
  const PERIOD = '2026-11';
  let backend: Backend;
  let rows: AccountRowForRun[];
  /** account → its active cards (id and version), from the cards read model. */
  let activeCards: Map<string, { card_id: string; version: number }[]>;
  const metadata: EventMetadata = { operator: 'super2', correlationId: RUN, causationId: `${RUN}:batch:1`, commandId: `${RUN}:batch:1` };
  const APPROVE_ALL: CreditPolicy = { autoApproveMaxOverdraft: Number.MAX_SAFE_INTEGER, autoDenyOverOverdraft: Number.MAX_SAFE_INTEGER };
  const DENY_ALL: CreditPolicy = { autoApproveMaxOverdraft: 0, autoDenyOverOverdraft: 0 };
  const REVIEW_ALL: CreditPolicy = { autoApproveMaxOverdraft: 0, autoDenyOverOverdraft: Number.MAX_SAFE_INTEGER };
  /** The account events of each outcome. */
  const EVENTS_OF = {
    charged: ['ChargePosted'],
    auth_approved: ['CreditAuthorizationRequired', 'AccountFrozen', 'ChargePosted', 'AccountUnfrozen'],
    auth_denied: ['CreditAuthorizationRequired', 'AccountFrozen', 'AccountUnfrozen'],
    auth_review: ['CreditAuthorizationRequired', 'AccountFrozen'],
  } as const;
  /** A fee above every seeded account's available credit: every eligible account needs an authorisation. */
  const HUGE = 5_000_000;

  const decide = (f: Fees, policy: CreditPolicy, accounts = rows): Promise<BatchDecision> =>
    backend.store.read((sql) => decideBatch(sql, { runId: RUN, period: PERIOD, fees: f, policy, metadata, accounts }));
  /** The reason each account must be skipped, worked out here from the read model (not with skipReason). */
  const expectedSkip = (r: AccountRowForRun, f: Fees): SkipReason | null =>
    r.status === 'closed' ? 'account_closed' : r.status === 'frozen' ? 'account_frozen' : !activeCards.has(r.account_id) ? 'no_active_card' : (f.perCurrency[r.currency] ?? f.default) === undefined ? 'no_fee_for_currency' : null;
  const accountAppends = (d: BatchDecision) => d.appends.filter((a) => a.streamId.startsWith('account-'));
  const eligibleRows = (f: Fees) => rows.filter((r) => expectedSkip(r, f) === null);

  beforeAll(async () => {
    backend = await openBackend({ log: () => {} });
    await seedDemo(backend.store, { accounts: N, seed: 12 });
    // The seed has no closed account: close one through the real commands (closing it closes its card too).
    const sup = backend.connect({ origin: 'test' });
    expect((await sup.call('auth.login', { operatorId: 'super1', password: 'demo' })).ok).toBe(true);
    for (const command of [
      { type: 'OpenAccount', accountId: 'ACC-9999999', holderName: 'Zoë Closed', currency: 'EUR', creditLimit: 100_000 },
      { type: 'IssueCard', cardId: 'CRD-9999999', accountId: 'ACC-9999999', holderName: 'Zoë Closed', last4: '9999', brand: 'visa', expiryMonth: 4, expiryYear: 2030 },
      { type: 'ActivateCard', cardId: 'CRD-9999999', reason: 'card_received' },
      { type: 'CloseAccount', accountId: 'ACC-9999999', reason: 'customer request' },
    ]) {
      const r = await sup.call('commands.execute', { command });
      if (!r.ok) throw new Error(`${command.type}: ${r.error.message}`);
    }
    rows = await backend.store.read((sql) => loadAccountSlice(sql, null, N + 10));
    const cards = await backend.store.read((sql) => sql.all<{ account_id: string; card_id: string; version: number }>("SELECT account_id, card_id, version FROM cards WHERE status = 'active' ORDER BY card_id"));
    activeCards = new Map();
    for (const c of cards) activeCards.set(c.account_id, [...(activeCards.get(c.account_id) ?? []), { card_id: c.card_id, version: c.version }]);
  });
  afterAll(() => backend.close());

  it('the seed gives accounts of every kind this suite relies on', () => {
    expect(rows).toHaveLength(N + 1);
    const reasons = new Set(rows.map((r) => expectedSkip(r, { feeKind: 'k', perCurrency: { EUR: 1 } })));
    for (const r of [null, 'no_active_card', 'account_frozen', 'account_closed', 'no_fee_for_currency'] as const) expect(reasons, String(r)).toContain(r);
    expect(activeCards.get('ACC-9999999'), 'closing the account closed its card').toBeUndefined();
    expect(expectedSkip(rows.find((r) => r.account_id === 'ACC-9999999')!, { feeKind: 'k', perCurrency: { EUR: 1 } })).toBe('account_closed');
  });

  it('every decided account yields exactly one account append whose first event id is posting:<account>:FEE-<period>-<kind>', async () => {
    const f: Fees = { feeKind: 'monthly_fee', perCurrency: { EUR: 1500, USD: 1700 }, default: 1200 };
    const head = await backend.store.headPosition();
    const d = await decide(f, { autoApproveMaxOverdraft: 5_000, autoDenyOverOverdraft: 50_000 });
    expect(await backend.store.headPosition(), 'decideBatch writes nothing').toBe(head);
    const decided = rows.filter((r) => expectedSkip(r, f) === null);
    expect(decided.length).toBeGreaterThan(N / 2);
    const appends = accountAppends(d);
    expect(appends.map((a) => a.streamId).sort()).toEqual(decided.map((r) => accountStreamId(r.account_id)).sort());
    for (const r of decided) {
      const a = appends.find((x) => x.streamId === accountStreamId(r.account_id))!;
      expect(a.events[0]!.eventId).toBe(postingEventId(r.account_id, feeChargeId(PERIOD, 'monthly_fee')));
      expect(a.events[0]!.eventId).toBe(`posting:${r.account_id}:FEE-2026-11-monthly_fee`);
      expect(a.expectedVersion, 'the version the projection holds').toBe(r.version);
      for (const e of a.events) expect(e.metadata).toMatchObject({ operator: 'super2', correlationId: RUN });
    }
    // Skipped accounts carry the reason worked out independently, and nothing is appended for them.
    expect(d.skipped.sort((a, b) => a.accountId.localeCompare(b.accountId))).toEqual(
      rows.filter((r) => expectedSkip(r, f) !== null).map((r) => ({ accountId: r.account_id, reason: expectedSkip(r, f) })),
    );
    expect(d.failed).toEqual([]);
    const total = Object.values(d.counts).reduce((a, b) => a + b, 0);
    expect(total).toBe(rows.length);
    expect(d.counts.skipped).toBe(rows.length - decided.length);
  });

  it('an account the available credit covers gets one ChargePosted, and the totals add up per currency', async () => {
    const f: Fees = { feeKind: 'monthly_fee', perCurrency: { EUR: 1500, USD: 1700 }, default: 1200 };
    const d = await decide(f, { autoApproveMaxOverdraft: 5_000, autoDenyOverOverdraft: 50_000 });
    const covered = eligibleRows(f).filter((r) => r.credit_limit + r.balance >= (f.perCurrency[r.currency] ?? f.default!));
    expect(covered.length).toBeGreaterThan(0);
    expect(d.counts.charged).toBe(covered.length);
    const want: Record<string, number> = {};
    for (const r of covered) {
      const amount = f.perCurrency[r.currency] ?? f.default!;
      want[r.currency] = (want[r.currency] ?? 0) + amount;
      const a = accountAppends(d).find((x) => x.streamId === accountStreamId(r.account_id))!;
      expect(a.events.map((e) => e.type)).toEqual(['ChargePosted']);
      expect(a.events[0]!.data).toMatchObject({ accountId: r.account_id, chargeId: 'FEE-2026-11-monthly_fee', amount, currency: r.currency });
    }
    // Accounts whose available credit is short of the fee go through the policy; approved ones count in the totals too.
    const approved = eligibleRows(f).filter((r) => {
      const over = (f.perCurrency[r.currency] ?? f.default!) - (r.credit_limit + r.balance);
      return over > 0 && over <= 5_000 && r.denied_count === 0;
    });
    for (const r of approved) want[r.currency] = (want[r.currency] ?? 0) + (f.perCurrency[r.currency] ?? f.default!);
    expect(d.totals).toEqual(want);
  });

  it('over the limit, an approving policy: the charge is posted with its authorisation, the account unfrozen, and the authorisation stream opened and approved', async () => {
    const f: Fees = { feeKind: 'big', perCurrency: {}, default: HUGE };
    const d = await decide(f, APPROVE_ALL);
    const eligible = eligibleRows(f);
    expect(d.counts).toEqual(counts({ auth_approved: eligible.length, skipped: rows.length - eligible.length }));
    for (const r of eligible) {
      const authorizationId = authorizationIdFor(r.account_id, 'FEE-2026-11-big');
      const a = d.appends.find((x) => x.streamId === accountStreamId(r.account_id))!;
      expect(a.events.map((e) => e.type)).toEqual(['CreditAuthorizationRequired', 'AccountFrozen', 'ChargePosted', 'AccountUnfrozen']);
      expect(a.events.map((e) => e.eventId).filter((id) => id.startsWith('posting:'))).toEqual([`posting:${r.account_id}:FEE-2026-11-big`, `posting:${r.account_id}:FEE-2026-11-big:settled`]);
      expect(a.events[2]!.data).toMatchObject({ amount: HUGE, authorizationId });
      expect(a.events[3]!.data).toMatchObject({ outcome: 'approved' });
      const auth = d.appends.find((x) => x.streamId === authorizationStreamId(authorizationId))!;
      expect(auth.expectedVersion).toBe('no_stream');
      expect(auth.events.map((e) => e.type)).toEqual(['CreditAuthorizationOpened', 'CreditApproved']);
      expect(auth.events[1]!.data).toMatchObject({ decidedBy: 'policy' });
      // The chain's causation: the authorisation was caused by CreditAuthorizationRequired, the settlement by the approval.
      expect(auth.events[0]!.metadata.causationId).toBe(a.events[0]!.eventId);
      expect(a.events[2]!.metadata.causationId).toBe(auth.events[1]!.eventId);
    }
    expect(d.appends.filter((x) => x.streamId.startsWith('card-'))).toEqual([]);
    const want: Record<string, number> = {};
    for (const r of eligible) want[r.currency] = (want[r.currency] ?? 0) + HUGE;
    expect(d.totals).toEqual(want);
  });

  it('over the limit, a denying policy: no charge, the account unfrozen, and every active card suspended (credit_denied)', async () => {
    const f: Fees = { feeKind: 'big', perCurrency: {}, default: HUGE };
    const d = await decide(f, DENY_ALL);
    const eligible = eligibleRows(f);
    expect(d.counts).toEqual(counts({ auth_denied: eligible.length, skipped: rows.length - eligible.length }));
    expect(d.totals).toEqual({});
    let cardAppends = 0;
    for (const r of eligible) {
      const authorizationId = authorizationIdFor(r.account_id, 'FEE-2026-11-big');
      const a = d.appends.find((x) => x.streamId === accountStreamId(r.account_id))!;
      expect(a.events.map((e) => e.type)).toEqual(['CreditAuthorizationRequired', 'AccountFrozen', 'AccountUnfrozen']);
      expect(a.events[2]!.data).toMatchObject({ outcome: 'denied' });
      const auth = d.appends.find((x) => x.streamId === authorizationStreamId(authorizationId))!;
      expect(auth.events.map((e) => e.type)).toEqual(['CreditAuthorizationOpened', 'CreditDenied']);
      const cards = activeCards.get(r.account_id)!;
      expect(cards.length).toBeGreaterThan(0);
      for (const c of cards) {
        const ca = d.appends.find((x) => x.streamId === cardStreamId(c.card_id));
        expect(ca, `card ${c.card_id} of ${r.account_id}`).toBeDefined();
        expect(ca!.expectedVersion).toBe(c.version);
        expect(ca!.events.map((e) => [e.type, (e.data as { reason?: string }).reason])).toEqual([['CardDeactivated', 'credit_denied']]);
        expect(ca!.events[0]!.metadata.causationId).toBe(auth.events[1]!.eventId);
        cardAppends++;
      }
    }
    expect(d.appends.filter((x) => x.streamId.startsWith('card-'))).toHaveLength(cardAppends);
  });

  it('over the limit, a reviewing policy: the account stays frozen and the authorisation waits for a supervisor', async () => {
    const f: Fees = { feeKind: 'big', perCurrency: {}, default: HUGE };
    const d = await decide(f, REVIEW_ALL);
    const eligible = eligibleRows(f);
    expect(d.counts).toEqual(counts({ auth_review: eligible.length, skipped: rows.length - eligible.length }));
    expect(d.totals).toEqual({});
    expect(d.appends.filter((x) => x.streamId.startsWith('card-'))).toEqual([]);
    for (const r of eligible) {
      const a = d.appends.find((x) => x.streamId === accountStreamId(r.account_id))!;
      expect(a.events.map((e) => e.type)).toEqual(['CreditAuthorizationRequired', 'AccountFrozen']);
      const auth = d.appends.find((x) => x.streamId === authorizationStreamId(authorizationIdFor(r.account_id, 'FEE-2026-11-big')))!;
      expect(auth.events.map((e) => e.type)).toEqual(['CreditAuthorizationOpened', 'CreditSentToReview']);
    }
  });

  it('the policy thresholds split accounts over the limit exactly as the policy says', async () => {
    // A fee of 1 500.00 in every currency and thresholds inside the seeded spread of available credit.
    const fee = 150_000;
    const policy: CreditPolicy = { autoApproveMaxOverdraft: 50_000, autoDenyOverOverdraft: 120_000 };
    const f: Fees = { feeKind: 'split', perCurrency: {}, default: fee };
    const d = await decide(f, policy);
    const want = counts({ skipped: rows.length - eligibleRows(f).length });
    for (const r of eligibleRows(f)) {
      const over = fee - (r.credit_limit + r.balance);
      const o: Outcome = over <= 0 ? 'charged' : over > policy.autoDenyOverOverdraft ? 'auth_denied' : over <= policy.autoApproveMaxOverdraft && r.denied_count === 0 ? 'auth_approved' : 'auth_review';
      want[o]++;
      const types = d.appends.find((x) => x.streamId === accountStreamId(r.account_id))!.events.map((e) => e.type);
      expect(types, `${r.account_id}: ${o}`).toEqual(EVENTS_OF[o as keyof typeof EVENTS_OF]);
    }
    expect(d.counts).toEqual(want);
    for (const o of ['charged', 'auth_approved', 'auth_denied', 'auth_review'] as const) expect(want[o], `the seed has ${o} cases for this fee`).toBeGreaterThan(0);
  });

  it('the same batch decided twice gives the same event ids (a batch decided again after a crash stores nothing twice)', async () => {
    const f: Fees = { feeKind: 'split', perCurrency: {}, default: 150_000 };
    const policy: CreditPolicy = { autoApproveMaxOverdraft: 50_000, autoDenyOverOverdraft: 120_000 };
    const ids = (d: BatchDecision) => d.appends.flatMap((a) => a.events.map((e) => `${a.streamId}/${e.eventId}`));
    const first = ids(await decide(f, policy));
    expect(first).toEqual(ids(await decide(f, policy)));
    expect(new Set(first).size, 'event ids are unique within a batch').toBe(first.length);
  });

  it('appended, a batch is accepted by the store; decided again, every account it decided is skipped as already charged', async () => {
    const other = await openBackend({ log: () => {} });
    try {
      await seedDemo(other.store, { accounts: 120, seed: 5 });
      const f: Fees = { feeKind: 'split', perCurrency: {}, default: 150_000 };
      const policy: CreditPolicy = { autoApproveMaxOverdraft: 50_000, autoDenyOverOverdraft: 120_000 };
      const slice = await other.store.read((sql) => loadAccountSlice(sql, null, 1000));
      const decideOn = (accounts: AccountRowForRun[]) => other.store.read((sql) => decideBatch(sql, { runId: RUN, period: PERIOD, fees: f, policy, metadata, accounts }));
      const d = await decideOn(slice);
      const decided = d.appends.filter((a) => a.streamId.startsWith('account-')).map((a) => a.streamId.slice('account-'.length));
      expect(decided.length).toBeGreaterThan(0);
      const stored = await other.store.appendMany(d.appends);
      expect(stored.reduce((n, r) => n + r.events.length, 0)).toBe(d.appends.reduce((n, a) => n + a.events.length, 0));
      expect((await other.store.verify()).ok).toBe(true);
      const again = await decideOn(await other.store.read((sql) => loadAccountSlice(sql, null, 1000)));
      expect(again.appends).toEqual([]);
      expect(again.counts).toEqual(counts({ skipped: slice.length }));
      const reasons = new Map(again.skipped.map((s) => [s.accountId, s.reason]));
      for (const id of decided) expect(reasons.get(id), id).toBe('already_charged');
      // Those skipped the first time keep their first reason, except the denied accounts' cards, now suspended, change nothing: charged first.
      for (const s of d.skipped) expect(reasons.get(s.accountId)).toBe(s.reason);
    } finally {
      await other.close();
    }
  });

  it('a slice read as one range still finds every account already charged, whatever its id sorts next to', async () => {
    // The fee postings of a slice are read as one range of the event-id index; ids where one is
    // another's prefix followed by '-', '.' or '_' (which sort before ':') fall outside it and
    // must be looked up on their own. Some are charged, some not, in both places.
    const other = await openBackend({ log: () => {} });
    try {
      await seedDemo(other.store, { accounts: 0, seed: 1 }); // the demo operators only
      const sup = other.connect({ origin: 'test' });
      expect((await sup.call('auth.login', { operatorId: 'super1', password: 'demo' })).ok).toBe(true);
      const ids = ['A-1', 'A-1-2', 'A-1.5', 'A-10', 'A-1_x', 'A-2', 'A-2-1', 'A-2.0', 'A-3', 'A-30', 'A-3-0-0', 'B'];
      for (const [i, accountId] of ids.entries()) {
        for (const command of [
          { type: 'OpenAccount', accountId, holderName: 'Ada Range', currency: 'EUR', creditLimit: 100_000 },
          { type: 'IssueCard', cardId: `C-${i}`, accountId, holderName: 'Ada Range', last4: '1234', brand: 'visa', expiryMonth: 4, expiryYear: 2030 },
          { type: 'ActivateCard', cardId: `C-${i}`, reason: 'card_received' },
        ]) {
          const r = await sup.call('commands.execute', { command });
          if (!r.ok) throw new Error(`${command.type}: ${r.error.message}`);
        }
      }
      const f: Fees = { feeKind: 'monthly_fee', perCurrency: {}, default: 1500 };
      const policy: CreditPolicy = { autoApproveMaxOverdraft: 0, autoDenyOverOverdraft: 0 };
      const charged = new Set(['A-1-2', 'A-1.5', 'A-10', 'A-2-1', 'A-3-0-0', 'B', 'A-1']);
      const slice = await other.store.read((sql) => loadAccountSlice(sql, null, 100));
      expect(slice.map((r) => r.account_id)).toEqual([...ids].sort());
      const first = await other.store.read((sql) => decideBatch(sql, { runId: RUN, period: PERIOD, fees: f, policy, metadata, accounts: slice.filter((r) => charged.has(r.account_id)) }));
      expect(first.counts.charged).toBe(charged.size);
      await other.store.appendMany(first.appends);
      const again = await other.store.read((sql) => decideBatch(sql, { runId: RUN, period: PERIOD, fees: f, policy, metadata, accounts: slice, contiguous: true }));
      expect(new Map(again.skipped.map((s) => [s.accountId, s.reason]))).toEqual(new Map([...charged].map((id) => [id, 'already_charged'])));
      expect(accountAppends(again).map((a) => a.streamId).sort()).toEqual(ids.filter((id) => !charged.has(id)).map(accountStreamId).sort());
      // And a charged account's fee is never appended twice: the store takes the second batch.
      await other.store.appendMany(again.appends);
      const fees = await other.store.read((sql) => sql.scalar("SELECT count(*) FROM events WHERE type = 'ChargePosted'"));
      expect(fees).toBe(ids.length);
    } finally {
      await other.close();
    }
  });
});
