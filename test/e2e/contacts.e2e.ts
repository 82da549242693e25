/** Contacts in Chromium: search by name, e-mail or phone; register (with refusals), edit, deactivate and reactivate, with the history. */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { signedInAs, type Operator } from './support/backend.js';
import { launchChromium } from './support/browser.js';
import { exportCsv, expectCsvMatchesTable } from './support/csv.js';
import { checkScreen, openApp, pageErrors, signIn } from './support/page.js';

let app: TestApp;
let browser: Browser;
let agent: Operator;
let page: Page;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  agent = await signedInAs(app, 'agent1');
  await agent.exec({ type: 'RegisterContact', contactId: 'CT-ADA', name: 'Ada Lind', email: 'ada@lind.example', phone: '+44 20 7946 0018' });
  await agent.exec({ type: 'RegisterContact', contactId: 'CT-BO', name: 'Bo Berg', email: 'bo@berg.example' });
  page = (await openApp(browser, app)).page;
  await signIn(page, 'agent1');
});
afterAll(async () => {
  agent?.close();
  await browser?.close();
  await app?.close();
});

const table = () => page.getByRole('table', { name: 'Contacts' });
const dialog = (name: string | RegExp) => page.getByRole('dialog', { name });

describe('the Contacts screen', () => {
  it('lists contacts and searches by name, e-mail or phone', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Contacts' }).click();
    await expect.poll(() => table().getByRole('row').count()).toBe(3);
    await checkScreen(page, 'contacts');
    const search = page.getByRole('searchbox', { name: 'Search contacts' });
    for (const q of ['bo@', '020 7946', 'lind']) {
      await search.fill(q);
      await expect.poll(() => table().getByRole('row').count()).toBe(2);
    }
    await search.fill('');
    // Export CSV: the contacts in the table, as the search and filter select them.
    await expect.poll(() => table().getByRole('row').count()).toBe(3);
    const csv = await exportCsv(page);
    expect(csv.filename).toMatch(/^cardops-contacts-\d{4}-\d{2}-\d{2}\.csv$/);
    const header = ['name', 'email', 'phone', 'account_id', 'status', 'contact_id', 'updated_at', 'duplicate_emails', 'deactivated_reason', 'deactivated_at', 'deactivated_by', 'created_at'];
    await expectCsvMatchesTable(page, 'Contacts', csv, { header, key: 'name', cell: 0 });
    // A cell starting with + would run as a formula in Excel: lib/csv.ts quotes it with a leading apostrophe.
    expect(csv.rows.find((r) => r.contact_id === 'CT-ADA')).toMatchObject({ email: 'ada@lind.example', phone: "'+44 20 7946 0018", status: 'active' });
    await search.fill('bo@');
    await expect.poll(() => table().getByRole('row').count()).toBe(2);
    const one = await exportCsv(page, 'shortcut');
    await expectCsvMatchesTable(page, 'Contacts', one, { header, key: 'name', cell: 0 });
    expect(one.rows.map((r) => r.contact_id)).toEqual(['CT-BO']);
    await search.fill('');
  });

  it('registers a contact: a bad e-mail is refused by the backend, a duplicate e-mail is flagged', async () => {
    await page.getByRole('button', { name: /New contact/ }).click();
    const d = dialog('New contact');
    await expect.poll(() => d.isVisible()).toBe(true);
    await d.getByLabel('Contact id').fill('CT-ADA2');
    await d.getByLabel('Name').fill('Ada Lind (office)');
    await d.getByLabel('E-mail').fill('ada-at-lind');
    await d.getByRole('button', { name: 'Register contact' }).click();
    await expect.poll(async () => (await d.getByRole('alert').first().textContent()) ?? '').toContain('VALIDATION_FAILED');
    expect(await d.textContent()).toContain('must be an e-mail address');
    await d.getByLabel('E-mail').fill('ADA@lind.example');
    await d.getByRole('button', { name: 'Register contact' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Ada Lind (office)', level: 1 }).isVisible()).toBe(true);
    expect(await page.getByText('Duplicate e-mail').isVisible()).toBe(true);
    expect(await page.getByRole('region', { name: 'History' }).textContent()).toContain('e-mail also used by CT-ADA');
    // The badge is in the warning colours, not the grey of a plain .badge.
    const warn = await page.evaluate(() => {
      const probe = document.createElement('span');
      probe.style.background = 'var(--warn-soft)';
      document.body.append(probe);
      const bg = getComputedStyle(probe).backgroundColor;
      probe.remove();
      return bg;
    });
    expect(await page.getByText('Duplicate e-mail').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(warn);
    // The other contact with that e-mail (compared in any case) is a link to it.
    const same = page.getByTestId('same-email');
    await expect.poll(() => same.getByRole('button', { name: 'Ada Lind (CT-ADA)' }).isVisible()).toBe(true);
    await checkScreen(page, 'contact-duplicate');
    await same.getByRole('button', { name: 'Ada Lind (CT-ADA)' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Ada Lind', exact: true, level: 1 }).isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('same-email').getByRole('button', { name: 'Ada Lind (office) (CT-ADA2)' }).isVisible()).toBe(true);
    await page.getByTestId('same-email').getByRole('button', { name: 'Ada Lind (office) (CT-ADA2)' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Ada Lind (office)', level: 1 }).isVisible()).toBe(true);
    // In the list too, the duplicate badge is in the warning colours.
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('button', { name: 'Contacts' }).click();
    const badge = table().getByText('duplicate', { exact: true }).first();
    await expect.poll(() => badge.isVisible()).toBe(true);
    expect(await badge.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(warn);
    await checkScreen(page, 'contacts-duplicate');
    await table().locator('[data-open-contact="CT-ADA2"]').click();
    await expect.poll(() => page.getByRole('heading', { name: 'Ada Lind (office)', level: 1 }).isVisible()).toBe(true);
  });

  it('edits, deactivates (with a reason) and reactivates a contact; the history shows each step and who', async () => {
    await page.getByRole('button', { name: 'Edit…' }).click();
    const e = dialog('Edit contact CT-ADA2');
    await e.getByLabel('Phone').fill('+44 20 7946 0999');
    await e.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => e.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Deactivate…' }).click();
    const d = dialog('Deactivate Ada Lind (office)');
    await d.getByRole('button', { name: 'Deactivate contact' }).click();
    // An empty reason is refused.
    await expect.poll(() => d.isVisible()).toBe(true);
    await d.getByLabel('Reason').fill('office closed');
    await d.getByRole('button', { name: 'Deactivate contact' }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
    await expect.poll(async () => (await page.getByRole('status').filter({ hasText: 'No new invoice can go to this contact' }).count()) > 0).toBe(true);
    await checkScreen(page, 'contact-detail-inactive');
    await page.getByRole('button', { name: 'Reactivate…' }).click();
    await dialog('Reactivate Ada Lind (office)').getByRole('button', { name: 'Reactivate contact' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Deactivate…' }).isVisible()).toBe(true);
    const history = page.getByRole('region', { name: 'History' }).getByRole('listitem');
    await expect.poll(() => history.count()).toBe(4);
    expect((await history.allTextContents()).map((t) => t.replace(/\s+/g, ' '))).toEqual([
      expect.stringMatching(/Reactivated.*by agent1/),
      expect.stringMatching(/Deactivated.*Reason: office closed.*by agent1/),
      expect.stringMatching(/Updated.*phone → \+44 20 7946 0999/),
      expect.stringMatching(/Registered.*Ada Lind \(office\)/),
    ]);
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('button', { name: 'Contacts' }).click();
    await expect.poll(() => table().getByRole('row').count()).toBe(4);
    expect(pageErrors(page)).toEqual([]);
  });
});
