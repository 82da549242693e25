/**
 * The keyboard shortcuts, and the list the `?` overlay shows: the keys that work anywhere, the
 * `g` keys of the screens the role may open, and the keys of each screen (the views' own keydown
 * handlers: add a line here when you add one there), each only for the roles it works for.
 */
import type { Role } from '../api/types.js';
import { mayUse, screenById, screensFor, type ScreenId } from './nav.js';

export interface Shortcut {
  readonly keys: readonly string[];
  readonly what: string;
  /** Only for these roles (the key does nothing for the others); every role when absent. */
  readonly roles?: readonly Role[];
}

export interface ShortcutGroup {
  readonly group: string;
  /** How the keys combine: pressed together (Ctrl + K) or one after the other (g then a). */
  readonly join: 'with' | 'then';
  readonly items: readonly Shortcut[];
}

const STAFF: readonly Role[] = ['agent', 'supervisor'];

const ANYWHERE: readonly Shortcut[] = [
  { keys: ['Ctrl', 'K'], what: 'Search: accounts, cards, screens (and operators, for admins)' },
  { keys: ['?'], what: 'This list of shortcuts' },
  { keys: ['/'], what: 'Search the table on screen' },
  { keys: ['Ctrl', 'E'], what: 'Export the table on screen (CSV)' },
  { keys: ['Esc'], what: 'Close a dialog' },
  { keys: ['Alt', '←'], what: 'Back (Alt + → forward)' },
];

const IN_A_TABLE: readonly Shortcut[] = [
  { keys: ['Arrows'], what: 'Move between cells (Home, End, Page Up, Page Down too)' },
  { keys: ['Enter'], what: "Into the cell's buttons (Esc back to the cell)" },
  { keys: ['Ctrl', 'C'], what: 'Copy the cell' },
  { keys: ['Shift', 'F10'], what: "The cell's menu" },
];

/** Per screen, as the views handle them (InvoicesView, InvoiceDetail, ContactsView, OrdersView, OrderDetail, SettingsView). */
const ON_SCREEN: readonly { readonly screen: ScreenId; readonly items: readonly Shortcut[] }[] = [
  {
    screen: 'invoices',
    items: [
      { keys: ['n'], what: 'New invoice', roles: STAFF },
      { keys: ['i'], what: 'On a draft invoice: issue it', roles: STAFF },
      { keys: ['p'], what: 'On an open invoice: record a payment', roles: STAFF },
    ],
  },
  { screen: 'contacts', items: [{ keys: ['n'], what: 'New contact', roles: STAFF }] },
  {
    screen: 'orders',
    items: [
      { keys: ['n'], what: 'New order', roles: STAFF },
      { keys: ['Alt', 'P'], what: 'On an open order: add a payment', roles: STAFF },
      { keys: ['Esc'], what: 'On an order: back to the list' },
    ],
  },
  {
    screen: 'settings',
    items: [
      { keys: ['Ctrl', 'S'], what: 'Save the section being edited' },
      { keys: ['Esc'], what: 'Cancel the edit' },
    ],
  },
];

/** What the `?` overlay lists for a role: only screens it may open, only keys that work for it. */
export function shortcutsFor(role: Role): ShortcutGroup[] {
  const groups: ShortcutGroup[] = [
    { group: 'Anywhere', join: 'with', items: ANYWHERE },
    { group: 'Go to (press g, then the key)', join: 'then', items: screensFor(role).map((s) => ({ keys: ['g', s.key], what: s.label })) },
    { group: 'In a table', join: 'with', items: IN_A_TABLE },
  ];
  for (const { screen, items } of ON_SCREEN) {
    const mine = items.filter((s) => !s.roles || s.roles.includes(role));
    if (mine.length && mayUse(screenById(screen), role)) groups.push({ group: screenById(screen).label, join: 'with', items: mine });
  }
  return groups;
}

/** True when a key press is meant for a text field, not for a shortcut. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(target.type);
}
