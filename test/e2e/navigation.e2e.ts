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

const ALL = ['Accounts', 'Invoices', 'Contacts', 'Payment plans', 'Refunds', 'Orders', 'Charge runs', 'Outbox', 'Operators', 'Settings'];

async function navItems(page: Page): Promise<string[]> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  const names = await nav.getByRole('button').allTextContents();
  return names.map((n) => n.replace(/\s*(#\d+|later)\s*$/, '').trim());
}

describe('navigation by role', () => {
  it('an agent sees the everyday screens, not Charge runs, Operators or Settings', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'agent1');
    expect(await navItems(page)).toEqual(ALL.filter((n) => !['Charge runs', 'Operators', 'Settings'].includes(n)));
    // The first screen is Accounts (built with issue #4).
    await expect.poll(() => page.getByRole('table', { name: 'Accounts' }).isVisible()).toBe(true);
    await checkScreen(page, 'shell-agent-accounts');
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('a supervisor also sees Authorisations and Charge runs, still not Operators', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'super1');
    expect(await navItems(page)).toEqual(['Accounts', 'Authorisations', ...ALL.slice(1).filter((n) => !['Operators', 'Settings'].includes(n))]);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Charge runs/ }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Charge runs', level: 1 }).isVisible()).toBe(true);
    await context.close();
  });

  it('an admin sees every screen, each of them built: none says it is coming later', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'admin');
    expect(await navItems(page)).toEqual(ALL);
    const nav = page.getByRole('navigation', { name: 'Main' });
    // No menu entry carries an issue number or "later".
    expect((await nav.getByRole('button').allTextContents()).filter((n) => /(#\d+|later)\s*$/.test(n))).toEqual([]);
    for (const label of ALL) {
      const item = nav.getByRole('button', { name: new RegExp(`^${label}`) });
      await item.click();
      await expect.poll(() => item.getAttribute('aria-current')).toBe('page');
      expect(await page.getByRole('heading', { name: /is coming (in|with)/ }).count(), label).toBe(0);
    }
    await expect.poll(() => page.getByRole('heading', { name: 'Settings', level: 1 }).isVisible()).toBe(true);
    await checkScreen(page, 'shell-admin-settings');
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('g then a key goes to a screen, only to one the role may use', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'agent1');
    await page.keyboard.press('g');
    await page.keyboard.press('i');
    await expect.poll(() => page.getByRole('heading', { name: 'Invoices', level: 1 }).isVisible()).toBe(true);
    await page.keyboard.press('g');
    await page.keyboard.press('u');
    // Operators is for admins: the agent stays where they were.
    await expect.poll(() => page.getByRole('heading', { name: 'Invoices', level: 1 }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Operators' }).count()).toBe(0);
    await context.close();
  });

  it('the theme switch overrides the OS and is remembered', async () => {
    const { context, page } = await openApp(browser, app, 'light');
    await signIn(page, 'agent1');
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    await page.reload();
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    await context.close();
  });
});
