/** A new, empty store: the app offers to create the first admin or to load demo data, then signs in. */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmptyTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/browser.js';
import { checkScreen, openApp, pageErrors, signIn } from './support/page.js';

let browser: Browser;
let app: TestApp | undefined;
beforeAll(async () => {
  browser = await launchChromium();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
});
afterAll(async () => {
  await browser?.close();
});

describe('first run on an empty store', () => {
  it('creates the first admin (the two passwords must match), then the admin signs in', async () => {
    app = await startEmptyTestApp();
    const { context, page } = await openApp(browser, app);
    const form = page.getByRole('form', { name: 'First run' });
    await expect.poll(() => form.isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Set up CardOps' }).isVisible()).toBe(true);
    expect(await page.getByRole('radio', { name: /Create the first administrator/ }).isChecked()).toBe(true);
    await checkScreen(page, 'first-run');

    await form.getByLabel('Password', { exact: true }).fill('s3cret-admin');
    await form.getByLabel('Repeat password').fill('s3cret-other');
    await form.getByRole('button', { name: 'Create administrator' }).click();
    await expect.poll(() => form.getByText('the two passwords differ').isVisible()).toBe(true);
    await checkScreen(page, 'first-run-mismatch');
    await form.getByLabel('Password', { exact: true }).fill('abc');
    await form.getByLabel('Repeat password').fill('abc');
    await form.getByRole('button', { name: 'Create administrator' }).click();
    // The backend's own rule, with its code.
    await expect.poll(async () => (await form.getByRole('alert').textContent()) ?? '').toContain('VALIDATION_FAILED');
    expect(await form.getByRole('alert').textContent()).toContain('at least 12 characters');
    await form.getByLabel('Password', { exact: true }).fill('s3cret-admin');
    await form.getByLabel('Repeat password').fill('s3cret-admin');
    await form.getByRole('button', { name: 'Create administrator' }).click();

    await expect.poll(() => page.getByRole('form', { name: 'Sign in' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'The store is ready' }).isVisible()).toBe(true);
    // Not a demo store: no demo hint.
    expect(await page.getByText('Demo store.').count()).toBe(0);
    await signIn(page, 'admin', 's3cret-admin');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Operators' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Operators' }).getByRole('row').count()).toBe(2);
    const c = app.backend.connect({ origin: 'test' });
    expect(await c.call('system.info', {})).toMatchObject({ ok: true, value: { initialized: true, demo: false } });
    c.close();
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('loads demo data with a progress bar, then an agent signs in and finds accounts', async () => {
    app = await startEmptyTestApp();
    const { context, page } = await openApp(browser, app, 'dark');
    const form = page.getByRole('form', { name: 'First run' });
    await expect.poll(() => form.isVisible()).toBe(true);
    await page.getByRole('radio', { name: /Load demo data/ }).check();
    expect(await form.getByLabel('Password', { exact: true }).count()).toBe(0);
    await checkScreen(page, 'first-run-demo');
    await form.getByRole('button', { name: 'Load demo data' }).click();
    await expect.poll(() => page.getByRole('progressbar', { name: 'Loading demo data' }).isVisible()).toBe(true);

    await expect.poll(() => page.getByRole('form', { name: 'Sign in' }).isVisible(), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => page.getByText('Demo store.').isVisible()).toBe(true);
    await signIn(page, 'agent1');
    const table = page.getByRole('table', { name: 'Accounts' });
    await expect.poll(() => page.getByText('Rows 1–50', { exact: true }).isVisible()).toBe(true);
    expect(await table.getByRole('row').nth(1).textContent()).toContain('ACC-0000001');
    await expect.poll(() => page.getByRole('note').filter({ hasText: '1,000 accounts' }).isVisible()).toBe(true);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
});
