import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/browser.js';
import { checkScreen, openApp, pageErrors, signIn } from './support/page.js';

let app: TestApp;
let browser: Browser;
beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const palette = (page: Page): ReturnType<Page['getByRole']> => page.getByRole('dialog', { name: 'Search' });

describe('Ctrl+K search', () => {
  it('finds an operator by name and opens the Operators screen filtered to them', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'admin');
    await page.keyboard.press('Control+k');
    await expect.poll(() => palette(page).isVisible()).toBe(true);
    const box = page.getByRole('combobox', { name: 'Search CardOps' });
    await box.fill('sam');
    const option = page.getByRole('option', { name: /Sam Supervisor/ });
    await expect.poll(() => option.isVisible()).toBe(true);
    expect(await option.getAttribute('aria-selected')).toBe('true');
    await checkScreen(page, 'search-palette');
    await page.keyboard.press('Enter');
    await expect.poll(() => palette(page).isVisible()).toBe(false);
    await expect.poll(() => page.getByRole('heading', { name: 'Operators', level: 1 }).isVisible()).toBe(true);
    expect(await page.getByRole('searchbox', { name: 'Search operators' }).inputValue()).toBe('super1');
    const table = page.getByRole('table', { name: 'Operators' });
    await expect.poll(async () => (await table.getByRole('row').count()) - 1).toBe(1);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('jumps to a screen by name, with the arrow keys, for any role', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'agent1');
    await page.getByRole('button', { name: /Search/ }).click();
    await page.getByRole('combobox', { name: 'Search CardOps' }).fill('o');
    // Agents get no operators, only screens whose names contain "o".
    const names = await palette(page).getByRole('listbox', { name: 'Results' }).getByRole('option').allTextContents();
    expect(names.map((n) => n.replace(/Go to.*$/, ''))).toEqual(['Accounts', 'Invoices', 'Contacts', 'Orders', 'Outbox']);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { name: 'Contacts', level: 1 }).isVisible()).toBe(true);
    await context.close();
  });

  it('Escape closes it', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'agent1');
    await page.keyboard.press('Control+k');
    await expect.poll(() => palette(page).isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => palette(page).isVisible()).toBe(false);
    await context.close();
  });
});

describe('? shortcut help', () => {
  it('opens the list of shortcuts, which Escape closes, and does not open while typing', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'admin');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Operators' }).click();
    const search = page.getByRole('searchbox', { name: 'Search operators' });
    await search.click();
    await page.keyboard.type('a?');
    expect(await search.inputValue()).toBe('a?');
    expect(await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).isVisible()).toBe(false);
    await search.fill('');
    await page.locator('body').click({ position: { x: 5, y: 790 } });
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect.poll(() => help.isVisible()).toBe(true);
    expect(await help.getByRole('row', { name: /Search: accounts, cards, screens/ }).count()).toBe(1);
    // An admin's list: the screens an admin opens, the Settings keys, and no "new invoice" (admins create none).
    const groups = () => help.locator('caption').allTextContents();
    expect(await groups()).toEqual(['Anywhere', 'Go to (press g, then the key)', 'In a table', 'Orders', 'Settings']);
    const goTo = help.getByRole('table', { name: 'Go to (press g, then the key)' });
    expect(await goTo.getByRole('row', { name: /Operators/ }).count()).toBe(1);
    expect(await goTo.getByRole('row', { name: /Authorisations/ }).count()).toBe(0);
    expect(await help.getByRole('table', { name: 'Settings' }).textContent()).toMatch(/Ctrl\s*\+\s*S\s*Save the section being edited/);
    expect(await help.getByText('New invoice').count()).toBe(0);
    await checkScreen(page, 'shortcut-help');
    await page.keyboard.press('Escape');
    await expect.poll(() => help.isVisible()).toBe(false);
    // "/" puts the cursor in the table's search box.
    await page.keyboard.press('/');
    await expect.poll(() => search.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await context.close();
  });

  it("lists an agent's screens and the keys of each screen, not the admin's screens", async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'agent1');
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect.poll(() => help.isVisible()).toBe(true);
    expect(await help.locator('caption').allTextContents()).toEqual(['Anywhere', 'Go to (press g, then the key)', 'In a table', 'Invoices', 'Contacts', 'Orders']);
    const goTo = help.getByRole('table', { name: 'Go to (press g, then the key)' });
    expect(await goTo.getByRole('row').allTextContents()).toEqual(['g then aAccounts', 'g then iInvoices', 'g then cContacts', 'g then pPayment plans', 'g then rRefunds', 'g then oOrders', 'g then xOutbox']);
    expect(await help.getByRole('table', { name: 'Invoices' }).getByRole('row').allTextContents()).toEqual(['nNew invoice', 'iOn a draft invoice: issue it', 'pOn an open invoice: record a payment']);
    expect(await help.getByRole('table', { name: 'Orders' }).getByRole('row', { name: /add a payment/ }).textContent()).toBe('Alt + POn an open order: add a payment');
    await checkScreen(page, 'shortcut-help-agent');
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
});
