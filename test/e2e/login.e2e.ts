import type { Browser } from 'playwright-core';
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

describe('signing in', () => {
  it('shows the sign-in form, with the demo hint on a demo store', async () => {
    const { context, page } = await openApp(browser, app);
    await expect.poll(() => page.getByRole('form', { name: 'Sign in' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText('Demo store.').isVisible()).toBe(true);
    // The token left the address bar once the page had it.
    expect(page.url()).not.toContain('token=');
    await checkScreen(page, 'login');
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('refuses a wrong password and says why, with the error code', async () => {
    const { context, page } = await openApp(browser, app);
    await page.getByLabel('Operator name').fill('admin');
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'wrong operator name or password' });
    await expect.poll(() => alert.isVisible()).toBe(true);
    expect(await alert.textContent()).toContain('BAD_CREDENTIALS');
    // Still on the sign-in form, with the password cleared and the name kept.
    expect(await page.getByLabel('Operator name').inputValue()).toBe('admin');
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    await checkScreen(page, 'login-wrong-password');
    await context.close();
  });

  it('signs in, shows who is signed in and the demo banner, and signs out', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'agent1');
    await expect.poll(() => page.getByText('Alex Agent').isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('note').filter({ hasText: 'Demo data.' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('form', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('without the token from the printed link, explains how to open CardOps', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(app.server.origin + '/');
    await expect.poll(() => page.getByRole('heading', { name: 'Open CardOps from the link it printed' }).isVisible()).toBe(true);
    await context.close();
  });
});
