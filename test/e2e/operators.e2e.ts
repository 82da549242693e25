import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/browser.js';
import { axeViolations, checkScreen, openApp, pageErrors, signIn, until } from './support/page.js';

let app: TestApp;
let browser: Browser;
let page: Page;
beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  page = (await openApp(browser, app)).page;
  await signIn(page, 'admin');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Operators' }).click();
  await until(async () => (await rowIds()).join() === 'admin,agent1,super1,super2', 'the demo operators');
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const table = (): ReturnType<Page['getByRole']> => page.getByRole('table', { name: 'Operators' });
async function rowIds(): Promise<string[]> {
  const rows = table().getByRole('row');
  const out: string[] = [];
  for (const row of await rows.all()) {
    const cells = await row.getByRole('cell').allTextContents();
    if (cells.length > 1) out.push((cells[0] ?? '').trim());
  }
  return out;
}
const row = (id: string): ReturnType<Page['getByRole']> => table().getByRole('row').filter({ has: page.getByRole('cell', { name: id, exact: true }) });
const dialog = (name: string | RegExp): ReturnType<Page['getByRole']> => page.getByRole('dialog', { name });

/** Signs in as someone else in a fresh browser context; returns the error text, or null when it worked. */
async function trySignIn(operator: string, password: string): Promise<string | null> {
  const other = await openApp(browser, app);
  await other.page.getByLabel('Operator name').fill(operator);
  await other.page.getByLabel('Password', { exact: true }).fill(password);
  await other.page.getByRole('button', { name: 'Sign in' }).click();
  const nav = other.page.getByRole('navigation', { name: 'Main' });
  const alert = other.page.getByRole('alert').filter({ hasText: /\w/ });
  await expect.poll(async () => (await nav.isVisible()) || (await alert.count()) > 0).toBe(true);
  const result = (await nav.isVisible()) ? null : await alert.first().textContent();
  await other.context.close();
  return result;
}

describe('operators (admin)', () => {
  it('lists the operators in a table that sorts, filters and searches on the server', async () => {
    await checkScreen(page, 'operators');
    await table().getByRole('button', { name: 'Operator' }).click();
    await expect.poll(() => rowIds()).toEqual(['super2', 'super1', 'agent1', 'admin']);
    expect(await table().getByRole('columnheader', { name: 'Operator' }).getAttribute('aria-sort')).toBe('descending');
    await table().getByRole('button', { name: 'Operator' }).click();
    await page.getByRole('combobox', { name: 'Filter by role' }).selectOption('supervisor');
    await expect.poll(() => rowIds()).toEqual(['super1', 'super2']);
    await page.getByRole('combobox', { name: 'Filter by role' }).selectOption('');
    await page.getByRole('searchbox', { name: 'Search operators' }).fill('alex');
    await expect.poll(() => rowIds()).toEqual(['agent1']);
    await page.getByRole('searchbox', { name: 'Search operators' }).fill('nobody-like-this');
    await expect.poll(() => page.getByText('No operator matches the search and filters.').isVisible()).toBe(true);
    await page.getByRole('searchbox', { name: 'Search operators' }).fill('');
    await expect.poll(() => rowIds()).toEqual(['admin', 'agent1', 'super1', 'super2']);
  });

  it('refuses a bad new operator with the field named, then creates a good one who can sign in', async () => {
    await page.getByRole('button', { name: 'New operator' }).click();
    const d = dialog('New operator');
    await expect.poll(() => d.isVisible()).toBe(true);
    await d.getByLabel('Operator name').fill('X!');
    await d.getByLabel('Display name').fill('Bob Builder');
    await d.getByLabel('Password', { exact: true }).fill('bob-long-passphrase');
    await d.getByLabel('Repeat password').fill('bob-long-passphrase');
    await d.getByRole('button', { name: 'Create operator' }).click();
    const alert = d.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('VALIDATION_FAILED');
    await expect.poll(() => d.getByText(/an operator name is 2 to 32 characters/).first().isVisible()).toBe(true);
    await checkScreen(page, 'operators-create-invalid');

    await d.getByLabel('Operator name').fill('bob');
    await d.getByLabel('Role').selectOption('supervisor');
    await d.getByRole('button', { name: 'Create operator' }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Operator created' }).isVisible()).toBe(true);
    await expect.poll(() => rowIds()).toContain('bob');
    expect(await row('bob').getByRole('cell').allTextContents()).toEqual(expect.arrayContaining(['Bob Builder', 'Supervisor', 'Active']));
    expect(await trySignIn('bob', 'bob-long-passphrase')).toBeNull();
  });

  it('changes a role', async () => {
    await row('bob').getByRole('button', { name: 'Change role of bob' }).click();
    const d = dialog('Change role of bob');
    await expect.poll(() => d.isVisible()).toBe(true);
    await d.getByLabel('Role').selectOption('agent');
    await checkScreen(page, 'operators-change-role');
    await d.getByRole('button', { name: 'Change role' }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
    await expect.poll(() => row('bob').getByRole('cell').allTextContents()).toContain('Agent');
  });

  it('resets a password: the old one stops working, the new one works', async () => {
    await row('bob').getByRole('button', { name: 'Reset password of bob' }).click();
    const d = dialog('Reset password of bob');
    await d.getByLabel('New password', { exact: true }).fill('fresh-long-passphrase');
    await d.getByLabel('Repeat new password').fill('other-long-passphrase');
    await d.getByRole('button', { name: 'Reset password' }).click();
    await expect.poll(() => d.getByText('the two passwords differ').isVisible()).toBe(true);
    await d.getByLabel('Repeat new password').fill('fresh-long-passphrase');
    await checkScreen(page, 'operators-reset-password');
    await d.getByRole('button', { name: 'Reset password' }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
    expect(await trySignIn('bob', 'bob-long-passphrase')).toContain('wrong operator name or password');
    expect(await trySignIn('bob', 'fresh-long-passphrase')).toBeNull();
  });

  it('disables an operator with a reason (who then cannot sign in) and enables them again', async () => {
    await row('bob').getByRole('button', { name: 'Disable bob' }).click();
    const d = dialog('Disable bob');
    await d.getByLabel('Reason').fill('left the team');
    await checkScreen(page, 'operators-disable');
    await d.getByRole('button', { name: 'Disable operator' }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
    await expect.poll(() => row('bob').getByRole('cell').allTextContents()).toContain('Disabled');
    expect(await trySignIn('bob', 'fresh-long-passphrase')).toContain('operator bob is disabled');

    await row('bob').getByRole('button', { name: 'Enable bob' }).click();
    const e = dialog('Enable bob');
    await e.getByRole('button', { name: 'Enable operator' }).click();
    await expect.poll(() => e.isVisible()).toBe(false);
    await expect.poll(() => row('bob').getByRole('cell').allTextContents()).toContain('Active');
    expect(await trySignIn('bob', 'fresh-long-passphrase')).toBeNull();
  });

  it('shows the backend refusal in the dialog: the last admin cannot lose the role', async () => {
    await row('admin').getByRole('button', { name: 'Change role of admin' }).click();
    const d = dialog('Change role of admin');
    await d.getByLabel('Role').selectOption('agent');
    await d.getByRole('button', { name: 'Change role' }).click();
    await expect.poll(() => d.getByRole('alert').textContent()).toContain('LAST_ADMIN');
    expect(await axeViolations(page)).toEqual([]);
    await d.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
    // An admin cannot disable themself: the button is not offered.
    expect(await row('admin').getByRole('button', { name: 'Disable admin' }).isDisabled()).toBe(true);
  });

  it('pages through the table with keyset paging', async () => {
    // 30 more operators, made through the backend as any client would.
    const c = app.backend.connect({ origin: 'test' });
    expect((await c.call('auth.login', { operatorId: 'admin', password: 'demo' })).ok).toBe(true);
    for (let i = 0; i < 30; i++) {
      const id = `temp${String(i).padStart(2, '0')}`;
      const r = await c.call('commands.execute', { command: { type: 'CreateOperator', operatorId: id, displayName: `Temp ${i}`, role: 'agent', password: 'temp-long-passphrase' } });
      expect(r.ok).toBe(true);
    }
    c.close();
    // The table refreshed itself from the backend's push; 35 operators now.
    await page.getByRole('combobox', { name: 'Rows per page' }).selectOption('25');
    await expect.poll(() => page.getByText('Rows 1–25', { exact: true }).isVisible()).toBe(true);
    const first = await rowIds();
    expect(first.slice(0, 5)).toEqual(['admin', 'agent1', 'bob', 'super1', 'super2']);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => page.getByText('Rows 26–35 (last page)').isVisible()).toBe(true);
    const second = await rowIds();
    expect(second).toEqual(['temp20', 'temp21', 'temp22', 'temp23', 'temp24', 'temp25', 'temp26', 'temp27', 'temp28', 'temp29']);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => rowIds()).toEqual(first);
    expect(pageErrors(page)).toEqual([]);
  });
});

describe('exports and errors', () => {
  it('exports every operator as a CSV that opens in Excel', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^cardops-operators-\d{4}-\d{2}-\d{2}\.csv$/);
    const path = await file.path();
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('operator,display_name,role,status,created_at,updated_at');
    expect(lines).toHaveLength(1 + 35);
    expect(lines.some((l) => l.startsWith('bob,Bob Builder,agent,active,'))).toBe(true);
  });

  it('shows an error toast with the code when the backend refuses, and follows a role taken away', async () => {
    // super1 becomes admin, opens Operators; then loses the role while looking at it.
    const c = app.backend.connect({ origin: 'test' });
    await c.call('auth.login', { operatorId: 'admin', password: 'demo' });
    const setRole = (role: 'admin' | 'supervisor' | 'agent') => c.call('commands.execute', { command: { type: 'ChangeOperatorRole', operatorId: 'super1', role } });
    expect((await setRole('admin')).ok).toBe(true);
    const other = await openApp(browser, app);
    await signIn(other.page, 'super1');
    await other.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Operators' }).click();
    await expect.poll(() => other.page.getByRole('table', { name: 'Operators' }).isVisible()).toBe(true);
    // With two admins, making super1 supervisor again would wait for a second admin (four eyes):
    // taking every role away (agent) is direct.
    expect(await setRole('agent')).toMatchObject({ ok: true, value: { events: [{ type: 'OperatorRoleChanged' }] } });
    // The change is pushed, the table reloads, the backend refuses: the toast names the code.
    const toast = other.page.getByRole('alert').filter({ hasText: 'Could not load operators' });
    await expect.poll(() => toast.isVisible()).toBe(true);
    expect(await toast.textContent()).toContain('FORBIDDEN');
    await checkScreen(other.page, 'error-toast');
    await expect.poll(() => other.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Operators' }).count()).toBe(0);
    await other.context.close();
    // One admin again: super1 is supervisor again at once.
    expect(await setRole('supervisor')).toMatchObject({ ok: true, value: { events: [{ type: 'OperatorRoleChanged' }] } });
    c.close();
  });
});

describe('four eyes (two admins)', () => {
  it('a new supervisor waits for the second admin, who approves it on the Operators screen', async () => {
    const c = app.backend.connect({ origin: 'test' });
    expect((await c.call('auth.login', { operatorId: 'admin', password: 'demo' })).ok).toBe(true);
    const second = await c.call('commands.execute', { command: { type: 'CreateOperator', operatorId: 'admin2', displayName: 'Second Admin', role: 'admin', password: 'second-admin-passphrase' } });
    expect(second).toMatchObject({ ok: true, value: { events: [{ type: 'OperatorCreated' }] } });
    c.close();
    await page.getByRole('button', { name: 'New operator' }).click();
    const d = dialog('New operator');
    await expect.poll(() => d.isVisible()).toBe(true);
    await d.getByLabel('Operator name').fill('carol');
    await d.getByLabel('Display name').fill('Carol Checker');
    await d.getByLabel('Role').selectOption('supervisor');
    await d.getByLabel('Password', { exact: true }).fill('carol-long-passphrase');
    await d.getByLabel('Repeat password').fill('carol-long-passphrase');
    await d.getByRole('button', { name: 'Create operator' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Waiting for a second admin' }).isVisible()).toBe(true);
    const mine = page.getByRole('region', { name: 'Role grants waiting for a second admin' });
    await expect.poll(() => mine.isVisible()).toBe(true);
    // The admin who asked cannot approve it.
    expect(await mine.getByRole('button', { name: /^Approve Create carol/ }).isDisabled()).toBe(true);
    await checkScreen(page, 'operators-pending-grant');
    expect(await rowIds()).not.toContain('carol');
    // The second admin approves it in their own window.
    const other = await openApp(browser, app);
    await signIn(other.page, 'admin2', 'second-admin-passphrase');
    await other.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Operators' }).click();
    const theirs = other.page.getByRole('region', { name: 'Role grants waiting for a second admin' });
    await theirs.getByRole('button', { name: /^Approve Create carol/ }).click();
    await expect.poll(() => theirs.isVisible()).toBe(false);
    await other.context.close();
    await expect.poll(() => rowIds()).toContain('carol');
    await expect.poll(() => mine.isVisible()).toBe(false);
    expect(await trySignIn('carol', 'carol-long-passphrase')).toBeNull();
  });
});
