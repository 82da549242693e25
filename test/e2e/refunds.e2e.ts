/**
 * Refunds with maker-checker in Chromium: an agent refunds a charge from the account's timeline,
 * over the agent limit, so it waits; a supervisor approves it from the approval queue; the
 * account is credited.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { signedInAs } from './support/backend.js';
import { launchChromium } from './support/browser.js';
import { exportCsv, expectCsvMatchesTable } from './support/csv.js';
import { checkScreen, openApp, pageErrors, signIn } from './support/page.js';

let app: TestApp;
let browser: Browser;
beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  const sup = await signedInAs(app, 'super1');
  await sup.exec({ type: 'OpenAccount', accountId: 'ACC-RF-1', holderName: 'Quentin Refundson', currency: 'EUR', creditLimit: 100_000 });
  await sup.exec({ type: 'PostCharge', accountId: 'ACC-RF-1', chargeId: 'CHG-HOTEL', amount: 45_000, description: 'Hotel Porto, 3 nights' });
  sup.close();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

async function openAccount(page: Page, prefix: string, holder: string): Promise<void> {
  await nav(page).getByRole('button', { name: 'Accounts' }).click();
  await page.getByRole('searchbox', { name: 'Search accounts' }).fill(prefix);
  const row = page.getByRole('table', { name: 'Accounts' }).getByRole('row').filter({ hasText: holder });
  await expect.poll(() => row.count()).toBe(1);
  await row.getByRole('cell').nth(1).click();
  await expect.poll(() => page.getByRole('heading', { name: holder, level: 1 }).isVisible()).toBe(true);
}

describe('a refund over the agent limit', () => {
  it('an agent requests it from the charge on the timeline; the dialog shows what is still refundable', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'agent1');
    await openAccount(page, 'Quentin', 'Quentin Refundson');
    await page.getByRole('table', { name: 'Timeline' }).getByRole('button', { name: 'Charge posted' }).click();
    await page.getByRole('button', { name: 'Refund this charge…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Refund charge CHG-HOTEL' });
    await expect.poll(() => dialog.getByTestId('refundable').textContent()).toContain('450.00 EUR');
    expect(await dialog.locator('.refundable').textContent()).toBe('450.00 EUR');
    await dialog.getByLabel('Refund amount').fill('500');
    await expect.poll(() => dialog.getByText('More than the 450.00 EUR still refundable.').isVisible()).toBe(true);
    await dialog.getByLabel('Refund amount').fill('150.00');
    await expect.poll(() => dialog.getByText(/Over the agent limit of 100.00 EUR: it waits for a supervisor's approval/).isVisible()).toBe(true);
    await dialog.getByLabel('Reason').selectOption('service_not_provided');
    await dialog.getByLabel('Note (optional)').fill('Room was not available, customer slept elsewhere');
    await checkScreen(page, 'refund-dialog');
    await dialog.getByRole('button', { name: 'Request refund' }).click();
    await expect.poll(() => page.getByText(/150.00 EUR waits for a supervisor's approval/).isVisible()).toBe(true);
    expect(await dialog.isVisible()).toBe(false);

    // The agent's Refunds screen lists it, waiting; the agent has no approve button.
    await nav(page).getByRole('button', { name: 'Refunds' }).click();
    const rows = page.getByRole('table', { name: 'Refunds' }).getByRole('row').filter({ hasText: 'ACC-RF-1' });
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Waiting for approval');
    expect(await page.getByRole('button', { name: /^Approve/ }).count()).toBe(0);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('a supervisor approves it from the approval queue, and the account is credited', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'super1');
    await nav(page).getByRole('button', { name: 'Refunds' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Approval queue' }).getAttribute('aria-pressed')).toBe('true');
    const row = page.getByRole('table', { name: 'Refunds' }).getByRole('row').filter({ hasText: 'ACC-RF-1' });
    await expect.poll(() => row.count()).toBe(1);
    await checkScreen(page, 'refunds-queue');
    await row.getByRole('button', { name: /^Approve/ }).click();
    const dialog = page.getByRole('dialog', { name: /Approve refund/ });
    expect(await dialog.textContent()).toContain('agent1');
    await dialog.getByLabel('Note (optional)').fill('Hotel confirmed the overbooking');
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => page.getByText(/150.00 EUR is credited to account ACC-RF-1/).isVisible()).toBe(true);
    await expect.poll(() => row.count()).toBe(0);

    await page.getByRole('button', { name: 'All refunds' }).click();
    const all = page.getByRole('table', { name: 'Refunds' }).getByRole('row').filter({ hasText: 'ACC-RF-1' });
    await expect.poll(async () => (await all.count()) === 1 && ((await all.first().textContent()) ?? '').includes('Posted')).toBe(true);
    await checkScreen(page, 'refunds-all');

    // Export CSV: the refunds on screen, money in minor units beside the currency, dates ISO.
    const csv = await exportCsv(page);
    expect(csv.filename).toMatch(/^cardops-refunds-\d{4}-\d{2}-\d{2}\.csv$/);
    await expectCsvMatchesTable(page, 'Refunds', csv, {
      header: ['requested_at', 'refund_id', 'account_id', 'holder_name', 'charge_id', 'amount_minor', 'currency', 'charge_amount_minor', 'reason', 'note', 'requested_by', 'status', 'decided_by', 'decided_at', 'decision_note', 'posted_at'],
      key: 'refund_id',
      cell: 1,
    });
    expect(csv.rows[0]).toMatchObject({ account_id: 'ACC-RF-1', charge_id: 'CHG-HOTEL', amount_minor: '15000', charge_amount_minor: '45000', currency: 'EUR', reason: 'service_not_provided', status: 'posted', requested_by: 'agent1', decided_by: 'super1' });
    expect(csv.rows[0]?.requested_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);

    const sup = await signedInAs(app, 'super2');
    const summary = await sup.call('accounts.summary', { accountId: 'ACC-RF-1' });
    expect(summary.account.balance).toBe(-30_000);
    const history = await sup.call('history.stream', { streamId: 'account-ACC-RF-1' });
    expect(history.events.find((e) => e.type === 'RefundPosted')?.data).toMatchObject({ chargeId: 'CHG-HOTEL', amount: 15_000, reason: 'service_not_provided' });
    sup.close();
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('a charge refunded in full offers no refund; the Refunds chip shows the refunds of the account', async () => {
    const agent = await signedInAs(app, 'agent1');
    await agent.exec({ type: 'RequestRefund', refundId: 'rf-rest', accountId: 'ACC-RF-1', chargeId: 'CHG-HOTEL', amount: 30_000, reason: 'other' });
    agent.close();
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'agent1');
    await openAccount(page, 'Quentin', 'Quentin Refundson');
    const timeline = page.getByRole('table', { name: 'Timeline' });
    await timeline.getByRole('button', { name: 'Charge posted' }).click();
    const details = page.getByRole('complementary', { name: 'Charge posted' });
    await expect.poll(() => details.getByTestId('nothing-refundable').isVisible()).toBe(true);
    expect(await details.getByRole('button', { name: 'Refund this charge…' }).count()).toBe(0);
    await checkScreen(page, 'timeline-charge-refunded');
    await details.getByRole('button', { name: 'Close event details' }).click();

    await page.getByRole('group', { name: 'Show entries of kind' }).getByRole('button', { name: 'Refunds' }).click();
    const titles = () => timeline.locator('tbody .title').allTextContents();
    await expect.poll(titles).toEqual(['Refund sent for approval', 'Refund requested', 'Refund posted', 'Refund approved', 'Refund sent for approval', 'Refund requested']);
    expect(await timeline.getByRole('row').filter({ hasText: 'Refund requested' }).first().textContent()).toContain('300.00 EUR of charge CHG-HOTEL (450.00 EUR)');
    await checkScreen(page, 'timeline-refunds');
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
  it('a supervisor rejects one: the note is required, the refund leaves the queue and nothing is posted', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'super2');
    await nav(page).getByRole('button', { name: 'Refunds' }).click();
    const row = page.getByRole('table', { name: 'Refunds' }).getByRole('row').filter({ hasText: 'rf-rest' });
    await expect.poll(() => row.count()).toBe(1);
    await row.getByRole('button', { name: 'Reject rf-rest' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reject refund rf-rest' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const note = dialog.getByLabel('Note (required)');
    await checkScreen(page, 'refund-reject-dialog');
    // An empty note is refused before anything is sent: the dialog stays open.
    await dialog.getByRole('button', { name: 'Reject', exact: true }).click();
    expect(await note.evaluate((el) => (el as HTMLTextAreaElement).validity.valueMissing)).toBe(true);
    expect(await dialog.isVisible()).toBe(true);
    await note.fill('Duplicate of the first refund');
    await dialog.getByRole('button', { name: 'Reject', exact: true }).click();
    await expect.poll(() => page.getByText('rf-rest: nothing is posted.').isVisible()).toBe(true);
    await expect.poll(() => row.count()).toBe(0);

    const sup = await signedInAs(app, 'super1');
    const summary = await sup.call('accounts.summary', { accountId: 'ACC-RF-1' });
    expect(summary.account.balance, 'only the approved 150.00 EUR was credited').toBe(-30_000);
    sup.close();
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
});
