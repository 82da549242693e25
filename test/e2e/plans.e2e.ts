/**
 * Payment plans and the outbox in Chromium: an agent adds a tokenised payment method and creates
 * a plan on an account, the renewal job charges it, the agent cancels it with a refund of the
 * last charge, and the Outbox shows the messages third parties get (with their payloads).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxDispatcher } from '../../domain/outbox/dispatcher.js';
import { folderSink } from '../../domain/outbox/sinks.js';
import { startTestApp, type TestApp } from './support/app.js';
import { signedInAs, type Operator } from './support/backend.js';
import { launchChromium } from './support/browser.js';
import { exportCsv, expectCsvMatchesTable } from './support/csv.js';
import { checkScreen, openApp, pageErrors, placeholderFits, signIn } from './support/page.js';

let app: TestApp;
let browser: Browser;
let agent: Operator;
let supervisor: Operator;
const today = new Date().toISOString().slice(0, 10);
const inDays = (n: number): string => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  agent = await signedInAs(app, 'agent1');
  supervisor = await signedInAs(app, 'super1');
  await agent.exec({ type: 'OpenAccount', accountId: 'ACC-PLN-1', holderName: 'Sofia Berg', currency: 'EUR', creditLimit: 200_000 });
  await agent.exec({ type: 'IssueCard', cardId: 'CRD-PLN-1', accountId: 'ACC-PLN-1', holderName: 'Sofia Berg', last4: '4242', brand: 'visa', expiryMonth: 9, expiryYear: 2030 });
  await agent.exec({ type: 'ActivateCard', cardId: 'CRD-PLN-1', reason: 'card_received' });
});
afterAll(async () => {
  agent?.close();
  supervisor?.close();
  await browser?.close();
  await app?.close();
});

const dialog = (page: Page, name: string | RegExp): ReturnType<Page['getByRole']> => page.getByRole('dialog', { name });

async function openAccount(page: Page, id: string, holder: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Accounts' }).click();
  await page.getByRole('table', { name: 'Accounts' }).getByRole('button', { name: id }).click();
  await expect.poll(() => page.getByRole('heading', { name: holder, level: 1 }).isVisible()).toBe(true);
}

describe('payment plans in the browser', () => {
  let page: Page;
  beforeAll(async () => {
    page = (await openApp(browser, app)).page;
    await signIn(page, 'agent1');
  });

  it('adds a tokenised payment method, refusing a card number, and creates a plan on the account', async () => {
    await openAccount(page, 'ACC-PLN-1', 'Sofia Berg');
    await page.getByRole('button', { name: 'Add method…' }).click();
    const add = dialog(page, 'Add a payment method');
    await add.getByLabel('For card').selectOption('CRD-PLN-1');
    await add.getByLabel('Token').fill('4111 1111 1111 1111');
    await add.getByRole('button', { name: 'Add method' }).click();
    await expect.poll(() => add.textContent()).toMatch(/looks like a card number/);
    await add.getByLabel('Token').fill('tok_visa_sofia');
    await add.getByRole('button', { name: 'Add method' }).click();
    await expect.poll(() => add.isVisible()).toBe(false);
    const methods = page.getByRole('table', { name: 'Payment methods' });
    await expect.poll(() => methods.textContent()).toMatch(/•4242.*Sofia Berg.*09\/2030.*CRD-PLN-1.*Active/);

    await page.getByRole('button', { name: 'Create plan…' }).click();
    const create = dialog(page, 'Create a payment plan');
    await create.getByLabel('Plan id').fill('GYM-1');
    await create.getByLabel('Amount each month').fill('19.99');
    await create.getByRole('button', { name: 'Create plan' }).click();
    await expect.poll(() => create.isVisible()).toBe(false);
    // A second plan that renews in three days: it is on the "due in the next 7 days" list.
    await page.getByRole('button', { name: 'Create plan…' }).click();
    await create.getByLabel('Plan id').fill('MAG-1');
    await create.getByLabel('Amount each month').fill('4.50');
    await create.getByLabel('Start date (first charge)').fill(inDays(3));
    await create.getByRole('button', { name: 'Create plan' }).click();
    await expect.poll(() => create.isVisible()).toBe(false);
    const plans = page.getByRole('table', { name: 'Payment plans' });
    await expect.poll(() => plans.getByRole('row').count()).toBe(3);
    expect(await plans.getByRole('row').filter({ hasText: 'GYM-1' }).textContent()).toMatch(new RegExp(`GYM-1.*19\\.99 EUR.*Active.*${today}.*Visa •••• 4242`));
    await page.getByRole('heading', { name: 'Payment methods' }).scrollIntoViewIfNeeded();
    await checkScreen(page, 'plans-account-panels');
    expect(pageErrors(page)).toEqual([]);
  });

  it('lists what renews in the next 7 days and shows the plan with its charge after the renewal job', async () => {
    const report = await supervisor.call('plans.run', { date: today });
    expect(report).toMatchObject({ charged: 1, failed: [] });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Payment plans' }).click();
    const due = page.getByRole('table', { name: 'Due in the next 7 days' });
    await expect.poll(() => due.textContent()).toContain('MAG-1');
    expect(await due.textContent()).not.toContain('GYM-1');
    await expect.poll(() => page.getByRole('table', { name: 'Payment plans' }).getByRole('row').count()).toBe(3);
    await checkScreen(page, 'plans-list');
    await page.getByRole('table', { name: 'Payment plans' }).getByRole('button', { name: 'Open plan GYM-1' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Plan GYM-1', level: 1 }).isVisible()).toBe(true);
    const log = page.getByRole('table', { name: 'Charges, notices and retries' });
    await expect.poll(() => log.textContent()).toMatch(/Charged.*plan-GYM-1-c1-/);
    // Each charge, notice and retry with its amount, in the plan's currency.
    expect(await log.getByRole('columnheader').allTextContents()).toContain('Amount');
    expect(await log.locator('tr[data-log="PlanChargeSucceeded"]').textContent()).toMatch(/plan-GYM-1-c1-\S+19\.99 EUR/);
    expect(await log.locator('tr[data-log="PaymentPlanCreated"]').textContent()).toContain('19.99 EUR');
    expect(await page.getByRole('region', { name: 'Schedule' }).textContent()).toMatch(/Next renewals/);
    await checkScreen(page, 'plans-detail');
  });

  it('cancels the plan with a refund of the last charge', async () => {
    await page.getByRole('button', { name: 'Cancel plan…' }).click();
    const cancel = dialog(page, /Cancel payment plan GYM-1/);
    await cancel.getByLabel('Reason').fill('The customer moved away');
    await cancel.getByLabel(/Refund the last charge/).check();
    await checkScreen(page, 'plans-cancel-dialog');
    await cancel.getByRole('button', { name: 'Cancel plan' }).click();
    await expect.poll(() => cancel.isVisible()).toBe(false);
    const log = page.getByRole('table', { name: 'Charges, notices and retries' });
    await expect.poll(() => log.textContent()).toMatch(/Cancelled.*refund GYM-1-last of the last charge plan-GYM-1-c1-/);
    expect(await log.locator('tr[data-log="PaymentPlanCancelled"]').textContent()).toContain('19.99 EUR refunded');
    await expect.poll(() => page.getByRole('button', { name: 'Resubscribe…' }).isVisible()).toBe(true);
    // The refund is posted on the account: its balance is back to zero.
    const summary = await agent.call('accounts.summary', { accountId: 'ACC-PLN-1' });
    expect(summary.account.balance).toBe(0);
    expect(pageErrors(page)).toEqual([]);
  });

  it('an admin changes the plan settings; a retry after the grace period is refused with the reason', async () => {
    const adm = (await openApp(browser, app)).page;
    await signIn(adm, 'admin');
    await adm.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Payment plans' }).click();
    const panel = adm.getByRole('region', { name: 'Plan settings' });
    await expect.poll(() => panel.textContent()).toMatch(/7 days before each renewal/);
    await panel.getByRole('button', { name: 'Change…' }).click();
    await panel.getByLabel('Grace period (days)').fill('1');
    await panel.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => panel.textContent()).toMatch(/RETRY_AFTER_GRACE.*falls after the 1-day grace period/);
    await panel.getByLabel('Grace period (days)').fill('3');
    await panel.getByLabel('Notice days before renewal').fill('10');
    await panel.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => panel.textContent()).toMatch(/10 days before each renewal.*3 days after a declined renewal/);
    await checkScreen(adm, 'plans-settings-admin');
    // Export CSV: the plans in the table, amounts in minor units beside the currency.
    await expect.poll(() => adm.getByRole('table', { name: 'Payment plans' }).locator('tbody tr[data-index]').count()).toBeGreaterThan(0);
    const csv = await exportCsv(adm);
    expect(csv.filename).toMatch(/^cardops-payment-plans-\d{4}-\d{2}-\d{2}\.csv$/);
    await expectCsvMatchesTable(adm, 'Payment plans', csv, {
      header: ['plan_id', 'account_id', 'status', 'amount_minor', 'currency', 'next_due_date', 'method_id', 'method_label', 'updated_at', 'interval', 'start_date', 'cycle', 'next_retry_date', 'grace_ends_on', 'last_charge_id', 'flag_reason', 'created_at', 'created_by'],
      key: 'plan_id',
      cell: 0,
    });
    expect(csv.rows.find((r) => r.plan_id === 'GYM-1')).toMatchObject({ account_id: 'ACC-PLN-1', status: 'cancelled', next_due_date: '' });
    for (const r of csv.rows) expect(r.amount_minor).toMatch(/^\d+$/);
    expect(pageErrors(adm)).toEqual([]);
  });

  it('shows the outbox entries: the plan, the charge, the refund, with their payloads', async () => {
    // The dispatcher (which the app and `cardops serve` run all the time) delivers what is there to a folder.
    const delivered = await new OutboxDispatcher({ store: app.backend.store, sinks: [folderSink(join(mkdtempSync(join(tmpdir(), 'cardops-e2e-outbox-')), 'out'))] }).drain();
    expect(delivered.delivered).toBeGreaterThan(5);
    const sup = (await openApp(browser, app)).page;
    await signIn(sup, 'super1');
    await sup.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Outbox' }).click();
    const table = sup.getByRole('table', { name: 'Outbox messages' });
    await sup.getByRole('searchbox', { name: 'Search the outbox' }).fill('GYM-1');
    await expect.poll(() => table.textContent()).toMatch(/plan\.state_changed/);
    await sup.getByRole('searchbox', { name: 'Search the outbox' }).fill('');
    await expect.poll(() => table.textContent()).toMatch(/charge\.posted/);
    const text = (await table.textContent()) ?? '';
    expect(text).toMatch(/PaymentPlanCancelled/);
    expect(text).toMatch(/RefundPosted|RefundApproved|refund/i);
    expect(text).toMatch(/card\.state_changed/);
    expect(await sup.getByRole('region', { name: 'Messages by status' }).locator('[data-status="delivered"]').textContent()).toContain(String(delivered.delivered));
    expect(text).toMatch(/Delivered/);
    await checkScreen(sup, 'outbox');
    const fit = await placeholderFits(sup, 'Search the outbox');
    expect(fit.text, `the search placeholder (${fit.text}px) fits its box (${fit.room}px)`).toBeLessThanOrEqual(fit.room);
    const charge = table.getByRole('row').filter({ hasText: 'ChargePosted' }).first();
    await charge.getByRole('button', { name: /View payload/ }).click();
    const msg = sup.getByRole('dialog', { name: /Message #/ });
    await expect.poll(() => msg.textContent()).toMatch(/"chargeId": "plan-GYM-1-c1-/);
    expect(await msg.textContent()).toMatch(/Dedup key/);
    await checkScreen(sup, 'outbox-payload');
    await msg.getByRole('button', { name: 'Close' }).first().click();

    // A message that a partner's endpoint kept refusing is parked; a supervisor retries it.
    await agent.exec({ type: 'DeactivateCard', cardId: 'CRD-PLN-1', reason: 'suspicious_activity' });
    const down = { name: 'http:partner', deliver: async (): Promise<void> => Promise.reject(new Error('http://partner.example answered HTTP 503')) };
    expect(await new OutboxDispatcher({ store: app.backend.store, sinks: [down], maxAttempts: 1 }).runOnce()).toMatchObject({ parked: 1 });
    await sup.getByRole('button', { name: 'Refresh the outbox' }).click();
    await sup.getByRole('combobox', { name: 'Filter by status' }).selectOption('parked');
    const parked = table.getByRole('row').filter({ hasText: 'CardDeactivated' });
    await expect.poll(() => parked.textContent()).toMatch(/Parked.*HTTP 503/);
    await checkScreen(sup, 'outbox-parked');
    // Export CSV: the messages the filter shows, here the one parked.
    const csv = await exportCsv(sup);
    expect(csv.filename).toMatch(/^cardops-outbox-\d{4}-\d{2}-\d{2}\.csv$/);
    await expectCsvMatchesTable(sup, 'Outbox messages', csv, {
      header: ['position', 'status', 'topic', 'event_type', 'stream_id', 'failures', 'next_attempt_at', 'last_error', 'created_at', 'event_id', 'last_attempt_at', 'delivered_at', 'parked_at', 'retried_by'],
      key: 'position',
      cell: 0,
    });
    expect(csv.rows[0]).toMatchObject({ status: 'parked', event_type: 'CardDeactivated', last_error: expect.stringContaining('HTTP 503') });
    await parked.getByRole('button', { name: /Retry message/ }).click();
    await expect.poll(() => table.getByRole('row').filter({ hasText: 'CardDeactivated' }).count()).toBe(0);
    await sup.getByRole('combobox', { name: 'Filter by status' }).selectOption('pending');
    await expect.poll(() => table.textContent()).toMatch(/CardDeactivated/);
    expect(pageErrors(sup)).toEqual([]);
  });
});
