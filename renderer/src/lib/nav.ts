/** The screens, who may use them, and the issue that brings the ones not built yet. */
import type { Role } from '../api/types.js';

export type ScreenId = 'accounts' | 'authorizations' | 'invoices' | 'contacts' | 'plans' | 'refunds' | 'orders' | 'chargeRuns' | 'outbox' | 'operators' | 'settings';

export interface Screen {
  readonly id: ScreenId;
  readonly label: string;
  /** The `g` + key shortcut. */
  readonly key: string;
  readonly roles: readonly Role[] | 'any';
  /** The issue that builds it; null when it is built; 'later' when no issue has it yet. */
  readonly comingWith: number | 'later' | null;
  readonly blurb: string;
}

export const SCREENS: readonly Screen[] = [
  { id: 'accounts', label: 'Accounts', key: 'a', roles: 'any', comingWith: null, blurb: 'Find an account in seconds and read its whole history: cards, balances, authorizations.' },
  { id: 'authorizations', label: 'Authorisations', key: 'z', roles: ['supervisor'], comingWith: null, blurb: 'Credit authorisations waiting for a supervisor, and the decided ones.' },
  { id: 'invoices', label: 'Invoices', key: 'i', roles: 'any', comingWith: null, blurb: 'Invoices, their payments, and the work queue of invoices whose contact was deactivated.' },
  { id: 'contacts', label: 'Contacts', key: 'c', roles: 'any', comingWith: null, blurb: 'The people and addresses invoices are sent to.' },
  { id: 'plans', label: 'Payment plans', key: 'p', roles: 'any', comingWith: null, blurb: 'Recurring payments: renewals due, notices, declines and retries.' },
  { id: 'refunds', label: 'Refunds', key: 'r', roles: 'any', comingWith: null, blurb: 'Refunds of charges, and the supervisor\'s approval queue.' },
  { id: 'orders', label: 'Orders', key: 'o', roles: 'any', comingWith: null, blurb: 'Orders paid by several methods and currencies.' },
  { id: 'chargeRuns', label: 'Charge runs', key: 'h', roles: ['supervisor', 'admin'], comingWith: null, blurb: 'Plan, approve and review the monthly charge run, and export its reconciliation report.' },
  { id: 'outbox', label: 'Outbox', key: 'x', roles: 'any', comingWith: null, blurb: 'Messages waiting to leave CardOps, and the ones that failed.' },
  { id: 'operators', label: 'Operators', key: 'u', roles: ['admin'], comingWith: null, blurb: 'Who may sign in, with which role.' },
  { id: 'settings', label: 'Settings', key: 's', roles: ['admin'], comingWith: null, blurb: 'Credit policy, refund limit, order reminders and payment plan renewals.' },
];

export const mayUse = (screen: Screen, role: Role): boolean => screen.roles === 'any' || screen.roles.includes(role);
export const screensFor = (role: Role): Screen[] => SCREENS.filter((s) => mayUse(s, role));
export const screenById = (id: ScreenId): Screen => SCREENS.find((s) => s.id === id) ?? (SCREENS[0] as Screen);
