/** The global keyboard shortcuts, and the list the `?` overlay shows. */
import { SCREENS } from './nav';

export interface Shortcut {
  readonly keys: readonly string[];
  readonly what: string;
}

export const SHORTCUTS: readonly { readonly group: string; readonly items: readonly Shortcut[] }[] = [
  {
    group: 'Anywhere',
    items: [
      { keys: ['Ctrl', 'K'], what: 'Search: accounts, cards, screens (and operators, for admins)' },
      { keys: ['?'], what: 'This list of shortcuts' },
      { keys: ['/'], what: 'Search the table on screen' },
      { keys: ['Ctrl', 'E'], what: 'Export the table on screen (CSV)' },
      { keys: ['Esc'], what: 'Close a dialog' },
      { keys: ['Ctrl', 'S'], what: 'Settings: save the section being edited (Esc cancels)' },
    ],
  },
  { group: 'Go to (press g, then the key)', items: SCREENS.map((s) => ({ keys: ['g', s.key], what: s.label })) },
];

/** True when a key press is meant for a text field, not for a shortcut. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(target.type);
}
