/**
 * The admin's Settings screen in Chromium: every section read with its units; the refund agent
 * limit changed (Ctrl+S) and still there after a reload; a credit policy the backend refuses,
 * with its message shown verbatim, the input kept and the stored policy unchanged; the payment
 * plans' settings saved with their own command; an agent cannot reach the screen.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { signedInAs } from './support/backend.js';
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

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
const section = (page: Page, name: string) => page.getByRole('region', { name });
/** A PNG of the whole screen (it scrolls inside the app's main column), for a person to look at. */
async function shoot(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  const height = await page.locator('#main').evaluate((el) => el.scrollHeight + el.getBoundingClientRect().top);
  await page.setViewportSize({ width: size?.width ?? 1280, height: Math.ceil(Math.max(height, size?.height ?? 800)) });
  await page.screenshot({ path: `/tmp/settings-${name}.png` });
  if (size) await page.setViewportSize(size);
}
const value = (page: Page, sectionName: string, field: string) => section(page, sectionName).locator(`[data-field="${field}"]`);

/** What the backend has stored, read as an admin through the API (not through the screen). */
async function stored(): Promise<{ agentLimit: number; approve: number; deny: number; noticeDays: number; graceDays: number; retryDays: readonly number[] }> {
  const admin = await signedInAs(app, 'admin');
  try {
    const s = await admin.call('settings.get', {});
    const p = await admin.call('plans.settings', {});
    return { agentLimit: s.refunds.agentLimit, approve: s.creditPolicy.autoApproveMaxOverdraft, deny: s.creditPolicy.autoDenyOverOverdraft, noticeDays: p.noticeDays, graceDays: p.graceDays, retryDays: p.retryDays };
  } finally {
    admin.close();
  }
}

async function openSettings(page: Page): Promise<void> {
  await nav(page).getByRole('button', { name: 'Settings' }).click();
  await expect.poll(() => page.getByRole('heading', { name: 'Settings', level: 1 }).isVisible()).toBe(true);
  await expect.poll(() => section(page, 'Refunds').isVisible()).toBe(true);
}

describe('settings (admin)', () => {
  let page: Page;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const opened = await openApp(browser, app);
    page = opened.page;
    close = () => opened.context.close();
    await signIn(page, 'admin');
  });
  afterAll(async () => {
    expect(pageErrors(page)).toEqual([]);
    await close();
  });

  it('shows every section with its values in plain words and units', async () => {
    await openSettings(page);
    for (const name of ['Credit policy', 'Refunds', 'Order reminders', 'Payment plans']) expect(await section(page, name).isVisible(), name).toBe(true);
    // Minor units shown as major units, currency-neutral, with the exact minor units beside them.
    expect(await value(page, 'Credit policy', 'autoApproveMaxOverdraft').textContent()).toContain('50.00');
    expect(await value(page, 'Credit policy', 'autoDenyOverOverdraft').textContent()).toContain('500.00');
    expect(await value(page, 'Refunds', 'agentLimit').textContent()).toMatch(/100\.00\s*10,000 minor units/);
    expect(await value(page, 'Order reminders', 'afterMinutes').textContent()).toMatch(/1 hour, 1 day\s*60, 1440 minutes after the order was created/);
    expect(await value(page, 'Payment plans', 'noticeDays').textContent()).toBe('7 days');
    expect(await value(page, 'Payment plans', 'retryDays').textContent()).toContain('1 day, 2 days');
    expect(await section(page, 'Refunds').getByText('Never changed: these are the defaults').isVisible()).toBe(true);
    await checkScreen(page, 'settings');
    await shoot(page, 'view');
  });

  it('changes the refund agent limit with Ctrl+S; the new value is stored and still there after a reload', async () => {
    const refunds = section(page, 'Refunds');
    await refunds.getByRole('button', { name: 'Edit Refunds' }).click();
    const input = refunds.getByLabel('Agent limit');
    // Edit focuses the first field, filled with the value as major units.
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await input.inputValue()).toBe('100.00');
    // The other sections wait until this one is saved or cancelled.
    expect(await section(page, 'Credit policy').getByRole('button', { name: 'Edit Credit policy' }).isDisabled()).toBe(true);
    await input.fill('250.5');
    // What the typed text is read as, before it is sent.
    await expect.poll(() => refunds.getByText('Read as 250.50 = 25,050 minor units.').isVisible()).toBe(true);
    await shoot(page, 'edit-refunds');
    await page.keyboard.press('Control+s');
    await expect.poll(() => value(page, 'Refunds', 'agentLimit').textContent()).toMatch(/250\.50\s*25,050 minor units/);
    expect((await stored()).agentLimit).toBe(25_050);
    await expect.poll(() => refunds.getByText(/^Last changed by admin on \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/).isVisible()).toBe(true);
    // The other sections keep their "never changed": the last change is per section.
    expect(await section(page, 'Credit policy').getByText('Never changed: these are the defaults').isVisible()).toBe(true);

    await page.reload();
    await signIn(page, 'admin');
    await openSettings(page);
    expect(await value(page, 'Refunds', 'agentLimit').textContent()).toMatch(/250\.50\s*25,050 minor units/);
  });

  it('shows the backend\u2019s refusal of an approval limit above the denial limit verbatim, keeps the input, and stores nothing', async () => {
    const before = await stored();
    const credit = section(page, 'Credit policy');
    await credit.getByRole('button', { name: 'Edit Credit policy' }).click();
    await credit.getByLabel('Approve automatically up to').fill('600');
    await credit.getByLabel('Deny automatically over').fill('500.00');
    await credit.getByRole('button', { name: 'Save credit policy' }).click();
    const alert = credit.getByRole('alert');
    await expect.poll(() => alert.textContent()).toBe(
      'INVALID_POLICY — the automatic approval limit must not be above the automatic denial limit, or some overdrafts would be both approved and denied',
    );
    // Nothing half-written: the form keeps what the admin typed, and the store is unchanged.
    expect(await credit.getByLabel('Approve automatically up to').inputValue()).toBe('600');
    expect(await credit.getByLabel('Deny automatically over').inputValue()).toBe('500.00');
    expect(await stored()).toEqual(before);
    expect(before.approve).toBe(5_000);
    await checkScreen(page, 'settings-refused');
    await shoot(page, 'refused');

    // Input the screen cannot read is named on its field, and no command is sent.
    await credit.getByLabel('Deny automatically over').fill('12,34');
    await page.keyboard.press('Control+s');
    await expect.poll(() => credit.getByText(/use a dot for the decimals/).isVisible()).toBe(true);
    expect(await credit.getByLabel('Deny automatically over').getAttribute('aria-invalid')).toBe('true');

    // Esc cancels the edit: the stored values are shown again.
    await page.keyboard.press('Escape');
    await expect.poll(() => credit.getByRole('button', { name: 'Edit Credit policy' }).isVisible()).toBe(true);
    expect(await value(page, 'Credit policy', 'autoApproveMaxOverdraft').textContent()).toContain('50.00');
    expect(await stored()).toEqual(before);
  });

  it('saves the payment plans\u2019 settings with their own command, after the backend refused a retry beyond the grace period', async () => {
    const plans = section(page, 'Payment plans');
    await plans.getByRole('button', { name: 'Edit Payment plans' }).click();
    await plans.getByLabel('Renewal notice').fill('10');
    await plans.getByLabel('Retry schedule').fill('1, 2, 3');
    await plans.getByRole('button', { name: 'Save payment plans' }).click();
    await expect.poll(() => plans.getByRole('alert').textContent()).toContain('RETRY_AFTER_GRACE — a retry 3 days after the renewal date falls after the 2-day grace period');
    expect((await stored()).noticeDays).toBe(7);
    await shoot(page, 'plans-refused');

    await plans.getByLabel('Grace period').fill('3');
    await page.keyboard.press('Control+s');
    await expect.poll(() => value(page, 'Payment plans', 'retryDays').textContent()).toContain('1 day, 2 days, 3 days');
    expect(await value(page, 'Payment plans', 'noticeDays').textContent()).toBe('10 days');
    const after = await stored();
    expect({ noticeDays: after.noticeDays, graceDays: after.graceDays, retryDays: after.retryDays }).toEqual({ noticeDays: 10, graceDays: 3, retryDays: [1, 2, 3] });
    expect(await plans.getByText(/^Last changed by admin on /).isVisible()).toBe(true);
  });
});

describe('settings (not an admin)', () => {
  it('an agent has no Settings in the menu, g s does not open it, and the backend refuses the command', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'agent1');
    expect(await nav(page).getByRole('button', { name: 'Settings' }).count()).toBe(0);
    await page.keyboard.press('g');
    await page.keyboard.press('s');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).toBe('Accounts');
    expect(await page.getByRole('heading', { name: 'Settings' }).count()).toBe(0);
    expect(pageErrors(page)).toEqual([]);
    await context.close();

    const agent = await signedInAs(app, 'agent1');
    await expect(agent.exec({ type: 'UpdateSettings', changes: { refunds: { agentLimit: 1 } } })).rejects.toThrow(/FORBIDDEN|not allowed|admin/i);
    agent.close();
    expect((await stored()).agentLimit).toBe(25_050);
  });
});
