import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/browser.js';
import { checkScreen, openApp, signIn } from './support/page.js';

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

describe('when the link to the backend drops', () => {
  it('reconnects by itself, keeps what was typed, and asks for the password again in place', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'admin');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Operators' }).click();
    await page.getByRole('button', { name: 'New operator' }).click();
    const d = page.getByRole('dialog', { name: 'New operator' });
    await d.getByLabel('Operator name').fill('carol');
    await d.getByLabel('Display name').fill('Carol Clerk');

    app.server.disconnectAll();
    // The banner says so while it is down, and goes once the link is back.
    const banner = page.getByRole('status').filter({ hasText: 'Reconnecting…' });
    await expect.poll(() => banner.isVisible()).toBe(true);
    await expect.poll(() => banner.isVisible()).toBe(false);

    // The new socket has no session: sign in again, without losing the open dialog.
    const again = page.getByRole('dialog', { name: 'Sign in again' });
    await expect.poll(() => again.isVisible()).toBe(true);
    await checkScreen(page, 'reconnect-sign-in-again');
    await again.getByLabel('Password', { exact: true }).fill('demo');
    await again.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => again.isVisible()).toBe(false);
    expect(await d.getByLabel('Operator name').inputValue()).toBe('carol');
    expect(await d.getByLabel('Display name').inputValue()).toBe('Carol Clerk');

    await d.getByLabel('Password', { exact: true }).fill('carol-passphrase');
    await d.getByLabel('Repeat password').fill('carol-passphrase');
    await d.getByRole('button', { name: 'Create operator' }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
    await expect.poll(() => page.getByRole('cell', { name: 'carol', exact: true }).isVisible()).toBe(true);
    await context.close();
  });
});
