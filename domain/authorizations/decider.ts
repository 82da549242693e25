import { assertNever, refuse, type Decider, type Decision } from '../decider.js';
import { formatMoney } from '../shared/money.js';
import type { AuthorizationEvent, AuthorizationFacts, AuthorizationState, CreditPolicy } from './events.js';

export type AuthorizationCommand =
  | { readonly type: 'OpenCreditAuthorization'; readonly facts: AuthorizationFacts; readonly goodStanding: boolean; readonly policy: CreditPolicy }
  | { readonly type: 'DecideCreditAuthorization'; readonly authorizationId: string; readonly decision: 'approve' | 'deny'; readonly note?: string };

export const initialState = (): AuthorizationState => ({ status: 'none' });

export function evolve(state: AuthorizationState, event: AuthorizationEvent): AuthorizationState {
  const { at, by } = event as { at?: string; by?: string };
  switch (event.type) {
    case 'CreditAuthorizationOpened': {
      const { goodStanding: _g, ...facts } = event.data;
      return { ...facts, status: 'opened' };
    }
    case 'CreditSentToReview':
      return state.status === 'none' ? state : { ...state, status: 'pending_review' };
    case 'CreditApproved':
    case 'CreditDenied':
      return state.status === 'none'
        ? state
        : { ...state, status: event.type === 'CreditApproved' ? 'approved' : 'denied', ...(at ? { decidedAt: at } : {}), decidedBy: event.data.decidedBy === 'policy' ? 'the automatic policy' : (by ?? 'a supervisor') };
    default:
      return assertNever(event);
  }
}

/** The policy, in one place: approve small overdrafts of accounts in good standing, deny large ones, review the rest. */
export function applyPolicy(f: AuthorizationFacts, goodStanding: boolean, p: CreditPolicy): AuthorizationEvent {
  const base = { authorizationId: f.authorizationId, accountId: f.accountId };
  const over = formatMoney({ amount: f.overdraft, currency: f.currency });
  if (f.overdraft > p.autoDenyOverOverdraft) return { type: 'CreditDenied', data: { ...base, decidedBy: 'policy', note: `overdraft ${over} is over the automatic denial limit` } };
  if (f.overdraft <= p.autoApproveMaxOverdraft && goodStanding) return { type: 'CreditApproved', data: { ...base, decidedBy: 'policy', note: `overdraft ${over} is within the automatic approval limit` } };
  return { type: 'CreditSentToReview', data: { ...base, reason: goodStanding ? `overdraft ${over} needs a supervisor's decision` : `overdraft ${over} on an account with earlier denials needs a supervisor's decision` } };
}

export function decide(command: AuthorizationCommand, state: AuthorizationState): Decision<AuthorizationEvent> {
  switch (command.type) {
    case 'OpenCreditAuthorization':
      if (state.status !== 'none') {
        const f = command.facts;
        if (state.accountId === f.accountId && state.chargeId === f.chargeId) return [];
        return refuse('AUTHORIZATION_ID_TAKEN', `authorisation ${f.authorizationId} already belongs to charge ${state.chargeId} of account ${state.accountId}: every charge needs its own authorisation id`);
      }
      return [{ type: 'CreditAuthorizationOpened', data: { ...command.facts, goodStanding: command.goodStanding } }, applyPolicy(command.facts, command.goodStanding, command.policy)];
    case 'DecideCreditAuthorization': {
      if (state.status === 'none') return refuse('AUTHORIZATION_NOT_FOUND', `there is no authorisation ${command.authorizationId}: check the id`);
      if (state.status === 'approved' || state.status === 'denied') {
        return refuse('AUTHORIZATION_DECIDED', `authorisation ${state.authorizationId} was already ${state.status}${state.decidedAt ? ` on ${state.decidedAt.slice(0, 10)}` : ''} by ${state.decidedBy ?? 'someone'}: nothing to decide`);
      }
      const data = { authorizationId: state.authorizationId, accountId: state.accountId, decidedBy: 'supervisor' as const, ...(command.note ? { note: command.note } : {}) };
      return [command.decision === 'approve' ? { type: 'CreditApproved', data } : { type: 'CreditDenied', data }];
    }
    default:
      return assertNever(command);
  }
}

export const authorizationDecider: Decider<AuthorizationCommand, AuthorizationEvent, AuthorizationState> = { decide, evolve, initialState };
