/**
 * Split payments in Chromium: an order paid half by card in EUR and half by PayPal in USD; the
 * dialog shows the conversion before saving, and the overpayment is shown as credit.
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
  const agent = await signedInAs(app, 'agent1');
  await agent.exec({ type: 'OpenAccount', accountId: 'ACC-ORD-1', holderName: 'Olga Orderly', currency: 'EUR', creditLimit: 100_000 });
  agent.close();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

describe('an order paid half by card in EUR and half by PayPal in USD', () => {
  it('creates the order, shows each conversion before saving, settles it and shows the overpayment as credit', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'agent1');
    await nav(page).getByRole('button', { name: 'Orders' }).click();
    await page.getByRole('button', { name: 'New order…' }).click();
    const create = page.getByRole('dialog', { name: 'New order' });
    await create.getByLabel('Account').fill('ACC-ORD-1');
    await create.getByLabel('Account').blur();
    await expect.poll(() => create.getByText('Base currency: EUR').isVisible()).toBe(true);
    await create.getByLabel('Line 1 description').fill('Conference ticket');
    await create.getByLabel('Line 1 quantity').fill('2');
    await create.getByLabel('Line 1 unit price').fill('100.00');
    await create.getByRole('button', { name: '+ Add line' }).click();
    await create.getByLabel('Line 2 description').fill('Workshop');
    await create.getByLabel('Line 2 unit price').fill('50.00');
    await expect.poll(() => create.getByTestId('order-total').textContent()).toBe('250.00 EUR');
    await create.getByRole('button', { name: 'Create order' }).click();
    await expect.poll(() => page.getByRole('heading', { name: /^Order ord-/, level: 1 }).isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('due').textContent()).toContain('250.00 EUR');

    // Half by card, in EUR.
    await page.getByRole('button', { name: 'Add payment…' }).click();
    let pay = page.getByRole('dialog', { name: /Add a payment/ });
    await pay.getByLabel('Method').selectOption('card');
    await pay.getByLabel('Amount').fill('125.00');
    await expect.poll(() => pay.getByText('The order stays open.').isVisible()).toBe(true);
    await pay.getByRole('button', { name: 'Add payment', exact: true }).click();
    await expect.poll(() => page.getByTestId('due').textContent()).toContain('125.00 EUR');

    // Half (and a little more) by PayPal, in USD at 0.9215: 136.00 USD = 125.324 EUR → 125.32 EUR, 0.32 EUR over.
    await page.getByRole('button', { name: 'Add payment…' }).click();
    pay = page.getByRole('dialog', { name: /Add a payment/ });
    await pay.getByLabel('Method').selectOption('paypal');
    await pay.getByLabel('Currency').fill('USD');
    await pay.getByLabel('Amount').fill('136.00');
    await pay.getByLabel(/Exchange rate/).fill('0.9215');
    await expect.poll(() => pay.getByTestId('conversion').textContent()).toMatch(/136.00 USD × 0.9215 = 12532.4 minor units → 125.32 EUR/);
    expect(await pay.textContent()).toContain('the difference becomes prepaid credit on the account');
    await checkScreen(page, 'order-add-payment');
    await pay.getByRole('button', { name: 'Add payment', exact: true }).click();
    await expect.poll(() => page.getByTestId('credit').isVisible()).toBe(true);
    expect(await page.getByTestId('credit').textContent()).toMatch(/Overpaid by 0.32 EUR: kept as prepaid credit on account ACC-ORD-1.*Credit left on the account now: 0.32 EUR/);
    expect(await page.getByTestId('due').textContent()).toContain('0.00 EUR');
    const payments = page.getByRole('table', { name: 'Payments' });
    expect(await payments.getByRole('row').filter({ hasText: 'PayPal' }).textContent()).toMatch(/136.00 USD.*0.9215.*125.32 EUR/);
    expect(await payments.getByRole('row').filter({ hasText: 'Card' }).textContent()).toMatch(/125.00 EUR.*—.*125.00 EUR/);
    await checkScreen(page, 'order-detail-paid');

    await page.getByRole('button', { name: '← Orders' }).click();
    const row = page.getByRole('table', { name: 'Orders' }).getByRole('row').filter({ hasText: 'ACC-ORD-1' });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toMatch(/Paid.*credit 0.32 EUR/);
    await checkScreen(page, 'orders-list');

    const agent = await signedInAs(app, 'agent1');
    const summary = await agent.call('accounts.summary', { accountId: 'ACC-ORD-1' });
    expect(summary.account.balance).toBe(32);
    agent.close();
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
});
