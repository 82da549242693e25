/**
 * The `?` overlay's list (renderer/src/lib/shortcuts.ts): only the screens a role may open, and
 * each screen's own keys only where they work for the role.
 */
import { describe, expect, it } from 'vitest';
import { shortcutsFor } from '../../renderer/src/lib/shortcuts.js';
import { screensFor } from '../../renderer/src/lib/nav.js';

const groupOf = (role: Parameters<typeof shortcutsFor>[0], name: string) => shortcutsFor(role).find((g) => g.group === name);
const goTo = (role: Parameters<typeof shortcutsFor>[0]) => groupOf(role, 'Go to (press g, then the key)')!.items.map((s) => s.what);

describe('the shortcut list', () => {
  it('offers "go to" keys only for the screens the role may open', () => {
    expect(goTo('agent')).toEqual(screensFor('agent').map((s) => s.label));
    expect(goTo('agent')).not.toContain('Operators');
    expect(goTo('agent')).not.toContain('Settings');
    expect(goTo('agent')).not.toContain('Authorisations');
    expect(goTo('supervisor')).toContain('Authorisations');
    expect(goTo('admin')).toEqual(expect.arrayContaining(['Operators', 'Settings', 'Charge runs']));
    expect(goTo('admin')).not.toContain('Authorisations');
  });

  it("lists each screen's keys, by screen, for the roles they work for", () => {
    const keys = (role: Parameters<typeof shortcutsFor>[0], name: string) => groupOf(role, name)?.items.map((s) => `${s.keys.join('+')} ${s.what}`);
    expect(keys('agent', 'Invoices')).toEqual(['n New invoice', 'i On a draft invoice: issue it', 'p On an open invoice: record a payment']);
    expect(keys('agent', 'Contacts')).toEqual(['n New contact']);
    expect(keys('supervisor', 'Orders')).toEqual(['n New order', 'Alt+P On an open order: add a payment', 'Esc On an order: back to the list']);
    expect(keys('agent', 'Settings')).toBeUndefined();
    // An admin reads invoices and orders but creates none: no "n", only what works.
    expect(keys('admin', 'Invoices')).toBeUndefined();
    expect(keys('admin', 'Orders')).toEqual(['Esc On an order: back to the list']);
    expect(keys('admin', 'Settings')).toEqual(['Ctrl+S Save the section being edited', 'Esc Cancel the edit']);
    // Ctrl+S is the Settings screen's, not a key of every screen.
    expect(groupOf('agent', 'Anywhere')!.items.map((s) => s.keys.join('+'))).not.toContain('Ctrl+S');
  });
});
