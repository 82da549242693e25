import { describe, expect, it } from 'vitest';
import { applyPolicy, authorizationDecider, type AuthorizationCommand } from '../../domain/authorizations/decider.js';
import type { AuthorizationEvent, AuthorizationFacts, CreditPolicy } from '../../domain/authorizations/events.js';
import { fold } from '../../domain/decider.js';
import { DEFAULT_SETTINGS } from '../../domain/settings/settings.js';
import { DeciderSpecification } from '../../domain/testing/spec.js';

const spec = DeciderSpecification(authorizationDecider);
const cmd = <T extends AuthorizationCommand['type']>(c: Extract<AuthorizationCommand, { type: T }>): AuthorizationCommand => c;
const stamp = <E extends AuthorizationEvent>(e: E, at: string, by: string): E => ({ ...e, at, by });

/** Approve up to 50.00 EUR of overdraft in good standing; deny over 500.00 EUR; review the rest. */
const policy: CreditPolicy = { autoApproveMaxOverdraft: 5_000, autoDenyOverOverdraft: 50_000 };
const facts = (overdraft: number): AuthorizationFacts => ({ authorizationId: 'auth-1', accountId: 'a1', chargeId: 'ch-1', amount: 100_000 + overdraft, currency: 'EUR', overdraft, description: 'flight' });
const open = (overdraft: number, goodStanding = true): AuthorizationCommand => cmd({ type: 'OpenCreditAuthorization', facts: facts(overdraft), goodStanding, policy });
const opened = (overdraft: number, goodStanding = true): AuthorizationEvent => ({ type: 'CreditAuthorizationOpened', data: { ...facts(overdraft), goodStanding } });
const ids = { authorizationId: 'auth-1', accountId: 'a1' };
const approvedByPolicy = (amount: string): AuthorizationEvent => ({ type: 'CreditApproved', data: { ...ids, decidedBy: 'policy', note: `overdraft ${amount} EUR is within the automatic approval limit` } });
const deniedByPolicy = (amount: string): AuthorizationEvent => ({ type: 'CreditDenied', data: { ...ids, decidedBy: 'policy', note: `overdraft ${amount} EUR is over the automatic denial limit` } });
const review = (amount: string, goodStanding = true): AuthorizationEvent => ({
  type: 'CreditSentToReview',
  data: { ...ids, reason: goodStanding ? `overdraft ${amount} EUR needs a supervisor's decision` : `overdraft ${amount} EUR on an account with earlier denials needs a supervisor's decision` },
});
const decide = (decision: 'approve' | 'deny', note?: string): AuthorizationCommand => cmd({ type: 'DecideCreditAuthorization', authorizationId: 'auth-1', decision, ...(note ? { note } : {}) });

describe('the default policy in settings', () => {
  it('approves up to 50.00 and denies over 500.00 (minor units)', () => expect(DEFAULT_SETTINGS.creditPolicy).toEqual(policy));
});

describe('OpenCreditAuthorization: the automatic policy', () => {
  it('approves a small overdraft of an account in good standing', () => spec.given([]).when(open(1_000)).then([opened(1_000), approvedByPolicy('10.00')]));
  it('approves an overdraft of exactly the approval limit', () => spec.given([]).when(open(5_000)).then([opened(5_000), approvedByPolicy('50.00')]));
  it('approves one cent of overdraft', () => spec.given([]).when(open(1)).then([opened(1), approvedByPolicy('0.01')]));
  it('sends one cent over the approval limit to review', () => spec.given([]).when(open(5_001)).then([opened(5_001), review('50.01')]));
  it('sends a medium overdraft to review', () => spec.given([]).when(open(20_000)).then([opened(20_000), review('200.00')]));
  it('sends an overdraft of exactly the denial limit to review (deny is over it)', () => spec.given([]).when(open(50_000)).then([opened(50_000), review('500.00')]));
  it('denies one cent over the denial limit', () => spec.given([]).when(open(50_001)).then([opened(50_001), deniedByPolicy('500.01')]));
  it('denies a large overdraft', () => spec.given([]).when(open(250_000)).then([opened(250_000), deniedByPolicy('2,500.00')]));

  describe('an account not in good standing (earlier denials)', () => {
    it('sends even a small overdraft to review, and says why', () => spec.given([]).when(open(1_000, false)).then([opened(1_000, false), review('10.00', false)]));
    it('sends an overdraft of exactly the approval limit to review', () => spec.given([]).when(open(5_000, false)).then([opened(5_000, false), review('50.00', false)]));
    it('sends a medium overdraft to review', () => spec.given([]).when(open(20_000, false)).then([opened(20_000, false), review('200.00', false)]));
    it('still denies over the denial limit', () => spec.given([]).when(open(50_001, false)).then([opened(50_001, false), deniedByPolicy('500.01')]));
  });

  describe('other policies', () => {
    const at = (p: CreditPolicy, overdraft: number, goodStanding = true) => applyPolicy(facts(overdraft), goodStanding, p).type;
    it('approves nothing automatically with an approval limit of zero', () => {
      const p = { autoApproveMaxOverdraft: 0, autoDenyOverOverdraft: 10_000 };
      expect([at(p, 1), at(p, 10_000), at(p, 10_001)]).toEqual(['CreditSentToReview', 'CreditSentToReview', 'CreditDenied']);
    });
    it('reviews nothing when both limits are equal', () => {
      const p = { autoApproveMaxOverdraft: 10_000, autoDenyOverOverdraft: 10_000 };
      expect([at(p, 10_000), at(p, 10_001), at(p, 10_000, false)]).toEqual(['CreditApproved', 'CreditDenied', 'CreditSentToReview']);
    });
    it('uses minor units of the currency in its notes (JPY has none)', () =>
      expect(applyPolicy({ ...facts(60_000), currency: 'JPY' }, true, policy)).toEqual({ type: 'CreditDenied', data: { ...ids, decidedBy: 'policy', note: 'overdraft 60,000 JPY is over the automatic denial limit' } }));
  });

  it('does nothing for an authorisation that is already open (a reaction run again)', () => spec.given([opened(20_000), review('200.00')]).when(open(20_000)).thenNothingHappens());
  it('does nothing for an authorisation already decided, whatever the policy says now', () =>
    spec.given([opened(20_000), review('200.00'), { type: 'CreditDenied', data: { ...ids, decidedBy: 'supervisor' } }]).when(open(1_000)).thenNothingHappens());
});

describe('DecideCreditAuthorization', () => {
  const queued = [opened(20_000), review('200.00')];

  it('approves an authorisation in review, by a supervisor, with the note', () =>
    spec.given(queued).when(decide('approve', 'long-standing customer')).then([{ type: 'CreditApproved', data: { ...ids, decidedBy: 'supervisor', note: 'long-standing customer' } }]));
  it('denies an authorisation in review, by a supervisor', () => spec.given(queued).when(decide('deny')).then([{ type: 'CreditDenied', data: { ...ids, decidedBy: 'supervisor' } }]));
  it('refuses an authorisation that does not exist', () => spec.given([]).when(decide('approve')).thenRefuses('AUTHORIZATION_NOT_FOUND', /there is no authorisation auth-1: check the id/));
  it('refuses an authorisation a supervisor already approved, saying who and when', () =>
    spec
      .given([...queued, stamp({ type: 'CreditApproved', data: { ...ids, decidedBy: 'supervisor' } }, '2026-04-02T09:15:00.000Z', 'super2')])
      .when(decide('deny'))
      .thenRefuses('AUTHORIZATION_DECIDED', /^authorisation auth-1 was already approved on 2026-04-02 by super2: nothing to decide$/));
  it('refuses an authorisation a supervisor already denied', () =>
    spec.given([...queued, { type: 'CreditDenied', data: { ...ids, decidedBy: 'supervisor' } }]).when(decide('deny')).thenRefuses('AUTHORIZATION_DECIDED', /already denied by a supervisor/));
  it('refuses an authorisation the policy approved, naming the policy', () =>
    spec
      .given([opened(1_000), stamp(approvedByPolicy('10.00'), '2026-04-01T08:00:00.000Z', 'super1')])
      .when(decide('deny'))
      .thenRefuses('AUTHORIZATION_DECIDED', /^authorisation auth-1 was already approved on 2026-04-01 by the automatic policy: nothing to decide$/));
  it('refuses an authorisation the policy denied', () =>
    spec.given([opened(60_000), deniedByPolicy('600.00')]).when(decide('approve')).thenRefuses('AUTHORIZATION_DECIDED', /already denied by the automatic policy/));
});

describe('the state the decider folds', () => {
  it('keeps the facts and the status: in review, then decided', () => {
    expect(fold(authorizationDecider, [opened(20_000), review('200.00')])).toEqual({ ...facts(20_000), status: 'pending_review' });
    expect(fold(authorizationDecider, [opened(20_000), review('200.00'), stamp({ type: 'CreditDenied', data: { ...ids, decidedBy: 'supervisor' } }, '2026-04-02T09:15:00.000Z', 'super1')])).toEqual({
      ...facts(20_000),
      status: 'denied',
      decidedAt: '2026-04-02T09:15:00.000Z',
      decidedBy: 'super1',
    });
  });
});
