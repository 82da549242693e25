/**
 * Four eyes for control settings. Once the store has two active admins, a change to a control
 * section (the credit policy, the refund limits, sign-in) is a request on the `settings` stream
 * that another admin approves (which applies it) or rejects. The order reminders are operational
 * and change at once; so do the payment plans' settings (their own stream). With one admin every
 * change applies at once.
 */
import { assertNever, isRefusal, refuse, type Decider, type Decision } from '../decider.js';
import { settingsDecider, type Settings, type SettingsChanges, type SettingsEvent } from './settings.js';

/** Sections that change at once whatever the number of admins; every other section is a control. */
export const DIRECT_SECTIONS: readonly string[] = ['orderReminders'];
export const isControlChange = (changes: SettingsChanges): boolean => Object.keys(changes).some((k) => !DIRECT_SECTIONS.includes(k) && (changes as Record<string, unknown>)[k] !== undefined);

export interface SettingsChangeRequest {
  readonly requestId: string;
  readonly changes: SettingsChanges;
  readonly requestedBy: string;
}

export type SettingsControlEvent =
  | SettingsEvent
  | { readonly type: 'SettingsChangeRequested'; readonly data: SettingsChangeRequest }
  | { readonly type: 'SettingsChangeApproved'; readonly data: { readonly requestId: string; readonly requestedBy: string; readonly approvedBy: string } }
  | { readonly type: 'SettingsChangeRejected'; readonly data: { readonly requestId: string; readonly requestedBy: string; readonly rejectedBy: string; readonly reason: string } };

export const SETTINGS_CONTROL_EVENT_TYPES = ['SettingsChangeRequested', 'SettingsChangeApproved', 'SettingsChangeRejected'] as const;

export type SettingsControlCommand =
  | { readonly type: 'UpdateSettings'; readonly changes: SettingsChanges; readonly grant?: { readonly requestId: string; readonly requestedBy: string } }
  | { readonly type: 'ApproveSettingsChange'; readonly requestId: string; readonly approvedBy: string }
  | { readonly type: 'RejectSettingsChange'; readonly requestId: string; readonly rejectedBy: string; readonly reason: string };

export interface SettingsControlState {
  readonly settings: Settings;
  readonly pending: readonly SettingsChangeRequest[];
}

function evolve(s: SettingsControlState, e: SettingsControlEvent): SettingsControlState {
  switch (e.type) {
    case 'SettingsUpdated':
      return { ...s, settings: settingsDecider.evolve(s.settings, e) };
    case 'SettingsChangeRequested':
      return { ...s, pending: [...s.pending, e.data] };
    case 'SettingsChangeApproved':
    case 'SettingsChangeRejected':
      return { ...s, pending: s.pending.filter((p) => p.requestId !== e.data.requestId) };
    default:
      return assertNever(e);
  }
}

function decide(c: SettingsControlCommand, s: SettingsControlState): Decision<SettingsControlEvent> {
  switch (c.type) {
    case 'UpdateSettings': {
      // The rules of a direct change hold for a request too: refused now, not at approval.
      const direct = settingsDecider.decide({ type: 'UpdateSettings', changes: c.changes }, s.settings);
      if (isRefusal(direct) || direct.length === 0 || !c.grant || !isControlChange(c.changes)) return direct;
      return [{ type: 'SettingsChangeRequested', data: { requestId: c.grant.requestId, changes: c.changes, requestedBy: c.grant.requestedBy } }];
    }
    case 'ApproveSettingsChange':
    case 'RejectSettingsChange': {
      const p = s.pending.find((x) => x.requestId === c.requestId);
      if (!p) return refuse('NO_PENDING_REQUEST', `there is no pending settings change ${c.requestId}: it may have been decided already; list the pending requests`);
      if (c.type === 'RejectSettingsChange') return [{ type: 'SettingsChangeRejected', data: { requestId: p.requestId, requestedBy: p.requestedBy, rejectedBy: c.rejectedBy, reason: c.reason } }];
      if (c.approvedBy === p.requestedBy) return refuse('FOUR_EYES', `${p.requestedBy} asked for this settings change, so another admin must approve it (four eyes)`);
      const applied = settingsDecider.decide({ type: 'UpdateSettings', changes: p.changes }, s.settings);
      if (isRefusal(applied)) return refuse(applied.code, `${applied.message}; the settings changed since this request: reject it and ask again`);
      return [{ type: 'SettingsChangeApproved', data: { requestId: p.requestId, requestedBy: p.requestedBy, approvedBy: c.approvedBy } }, ...applied];
    }
    default:
      return assertNever(c);
  }
}

export const settingsControlDecider: Decider<SettingsControlCommand, SettingsControlEvent, SettingsControlState> = {
  initialState: () => ({ settings: settingsDecider.initialState(), pending: [] }),
  evolve,
  decide,
};
