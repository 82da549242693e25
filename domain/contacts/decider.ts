import { assertNever, refuse, type Decider, type Decision } from '../decider.js';
import type { ContactDetails, ContactEvent, ContactState } from './events.js';

/**
 * `duplicateOf`: the other contacts that use the same e-mail, as the contacts read model knows
 * them when the command is handled (the handler looks them up; the decider records the flag).
 */
export type ContactCommand =
  | { readonly type: 'RegisterContact'; readonly contactId: string; readonly name: string; readonly email: string; readonly phone?: string | undefined; readonly accountId?: string | undefined; readonly duplicateOf: readonly string[] }
  | {
      readonly type: 'UpdateContact';
      readonly contactId: string;
      readonly name?: string | undefined;
      readonly email?: string | undefined;
      /** null clears it. */
      readonly phone?: string | null | undefined;
      readonly accountId?: string | null | undefined;
      readonly duplicateOf: readonly string[];
    }
  | { readonly type: 'DeactivateContact'; readonly contactId: string; readonly reason: string }
  | { readonly type: 'ReactivateContact'; readonly contactId: string };

export const initialState = (): ContactState => ({ status: 'none' });

export function evolve(state: ContactState, event: ContactEvent): ContactState {
  const { at, by } = event as { at?: string; by?: string };
  switch (event.type) {
    case 'ContactRegistered': {
      const d = event.data;
      return { status: 'active', contactId: d.contactId, name: d.name, email: d.email, phone: d.phone, accountId: d.accountId };
    }
    case 'ContactUpdated':
      return state.status === 'none' ? state : { ...state, ...event.data.changes };
    case 'ContactDeactivated':
      return state.status === 'none' ? state : { ...state, status: 'inactive', deactivation: { reason: event.data.reason, ...(at ? { at } : {}), ...(by ? { by } : {}) } };
    case 'ContactReactivated':
      return state.status === 'none' ? state : { ...state, status: 'active' };
    default:
      return assertNever(event);
  }
}

/** "deactivated on 2026-03-02 by agent1 (moved away)" */
export function deactivationText(s: Exclude<ContactState, { status: 'none' }>): string {
  const d = s.deactivation;
  if (!d) return 'deactivated';
  return `deactivated${d.at ? ` on ${d.at.slice(0, 10)}` : ''}${d.by ? ` by ${d.by}` : ''} (${d.reason})`;
}

export function decide(command: ContactCommand, state: ContactState): Decision<ContactEvent> {
  const c = command;
  if (c.type === 'RegisterContact') {
    if (state.status !== 'none') return refuse('CONTACT_EXISTS', `contact ${c.contactId} already exists (${state.name}): choose another contact id, or edit that contact`);
    return [{ type: 'ContactRegistered', data: { contactId: c.contactId, name: c.name, email: c.email, phone: c.phone ?? null, accountId: c.accountId ?? null, duplicateOf: c.duplicateOf } }];
  }
  if (state.status === 'none') return refuse('CONTACT_NOT_FOUND', `there is no contact ${c.contactId}: check the contact id, or register the contact first`);
  switch (c.type) {
    case 'UpdateContact': {
      const changes: { -readonly [K in keyof ContactDetails]?: ContactDetails[K] } = {};
      if (c.name !== undefined && c.name !== state.name) changes.name = c.name;
      if (c.email !== undefined && c.email !== state.email) changes.email = c.email;
      if (c.phone !== undefined && c.phone !== state.phone) changes.phone = c.phone;
      if (c.accountId !== undefined && c.accountId !== state.accountId) changes.accountId = c.accountId;
      if (!Object.keys(changes).length) return [];
      return [{ type: 'ContactUpdated', data: { contactId: state.contactId, changes, duplicateOf: changes.email !== undefined ? c.duplicateOf : [] } }];
    }
    case 'DeactivateContact':
      if (state.status === 'inactive') return refuse('CONTACT_INACTIVE', `contact ${state.contactId} (${state.name}) is already ${deactivationText(state)}: nothing to deactivate`);
      return [{ type: 'ContactDeactivated', data: { contactId: state.contactId, reason: c.reason } }];
    case 'ReactivateContact':
      if (state.status === 'active') return refuse('CONTACT_ACTIVE', `contact ${state.contactId} (${state.name}) is active: nothing to reactivate`);
      return [{ type: 'ContactReactivated', data: { contactId: state.contactId } }];
    default:
      return assertNever(c);
  }
}

export const contactDecider: Decider<ContactCommand, ContactEvent, ContactState> = { decide, evolve, initialState };
