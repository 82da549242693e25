/**
 * Split payments in Chromium: an order paid half by card in EUR and half by PayPal in USD; the
 * dialog shows the conversion before saving, and the overpayment is shown as credit. A payment
 * cancelled from the order screen stops counting (the amount due goes back up), and the
 * backend's refusal to cancel a payment of an order paid meanwhile is shown as it is.
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
  const agent = await signedInAs(app, 'agent1');
  await agent.exec({ type: 'OpenAccount', accountId: 'ACC-ORD-1', holderName: 'Olga Orderly', currency: 'EUR', creditLimit: 100_000 });
  agent.close();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

// This store holds one account and nothing else, so every list below starts empty.
describe('empty lists say how to start, and "no match" only while a search or filter is on', () => {
  const screens = [
    { button: 'Contacts', table: 'Contacts', search: 'Search contacts', start: 'No contact yet. Register one with New contact (n).', none: 'No contact matches the search and filters.' },
    { button: 'Invoices', table: 'Invoices', search: 'Search invoices', start: 'No invoice yet. Create one with New invoice (n).', none: 'No invoice matches the search and filters.' },
    { button: 'Refunds', table: 'Refunds', search: 'Search refunds', start: "No refund yet. Request one from a charge in an account's history (Refund this charge…).", none: 'No refund matches the search and filters.' },
    { button: 'Orders', table: 'Orders', search: 'Search orders', start: 'No order yet. Create one with New order (n).', none: 'No order matches the search and filters.' },
  ];
  it('an agent on an empty Contacts, Invoices, Refunds and Orders', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'agent1');
    for (const s of screens) {
      await nav(page).getByRole('button', { name: s.button }).click();
      const empty = page.getByRole('table', { name: s.table }).locator('[data-testid="table-empty"]');
      await expect.poll(() => empty.textContent(), { message: s.button }).toBe(s.start);
      if (s.button === 'Orders') await checkScreen(page, 'orders-empty');
      await page.getByRole('searchbox', { name: s.search }).fill('zzz');
      await expect.poll(() => empty.textContent(), { message: `${s.button} searched` }).toBe(s.none);
      await page.getByRole('searchbox', { name: s.search }).fill('');
      await expect.poll(() => empty.textContent(), { message: `${s.button} search cleared` }).toBe(s.start);
    }
    // A filter alone is a narrowing too.
    await page.getByLabel('Filter by status').selectOption('paid');
    await expect.poll(() => page.getByRole('table', { name: 'Orders' }).locator('[data-testid="table-empty"]').textContent()).toBe('No order matches the search and filters.');
    await page.getByLabel('Filter by status').selectOption('');
    // For an agent, n opens New order (the admin's test below checks it does not for an admin).
    await page.getByRole('heading', { name: 'Orders', level: 1 }).click();
    await page.keyboard.press('n');
    await expect.poll(() => page.getByRole('dialog', { name: 'New order' }).isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog', { name: 'New order' }).isVisible()).toBe(false);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('an admin may not create orders: no New order button, n does nothing, and the empty list says who creates them', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'admin');
    await nav(page).getByRole('button', { name: 'Orders' }).click();
    const empty = page.getByRole('table', { name: 'Orders' }).locator('[data-testid="table-empty"]');
    await expect.poll(() => empty.textContent()).toBe('No order yet: agents and supervisors create them.');
    expect(await page.getByRole('button', { name: /New order/ }).count()).toBe(0);
    await page.getByRole('heading', { name: 'Orders', level: 1 }).click();
    await page.keyboard.press('n');
    await page.waitForTimeout(300);
    expect(await page.getByRole('dialog', { name: 'New order' }).count()).toBe(0);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
});

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
    await expect.poll(() => pay.getByTestId('conversion').textContent()).toMatch(/136.00 USD × 0.9215 = 125.324 EUR → 125.32 EUR \(rounded half-even\)/);
    expect(await pay.getByTestId('conversion').textContent()).not.toContain('minor units');
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

    // The breadcrumb leads back to the list, as on the other detail screens.
    const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
    expect(await crumbs.textContent()).toMatch(/^Orders\s*\/\s*ord-/);
    await crumbs.getByRole('button', { name: 'Orders' }).click();
    const row = page.getByRole('table', { name: 'Orders' }).getByRole('row').filter({ hasText: 'ACC-ORD-1' });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toMatch(/Paid.*credit 0.32 EUR/);
    // At 1280px the Status column and the credit are on screen, not cut off at the right.
    const credit = await row.getByText('credit 0.32 EUR').boundingBox();
    expect(credit && credit.x + credit.width).toBeLessThanOrEqual(1280 - 16);
    await checkScreen(page, 'orders-list');
    // Export CSV: the orders in the table, amounts in minor units of the base currency.
    const csv = await exportCsv(page);
    expect(csv.filename).toMatch(/^cardops-orders-\d{4}-\d{2}-\d{2}\.csv$/);
    await expectCsvMatchesTable(page, 'Orders', csv, {
      header: ['created_at', 'order_id', 'account_id', 'holder_name', 'total_minor', 'paid_minor', 'due_minor', 'currency', 'payments', 'status', 'overpaid_minor', 'written_off_minor', 'reminders_sent', 'created_by', 'updated_at', 'paid_at'],
      key: 'order_id',
      cell: 1,
    });
    expect(csv.rows[0]).toMatchObject({ account_id: 'ACC-ORD-1', holder_name: 'Olga Orderly', total_minor: '25000', paid_minor: '25032', due_minor: '0', currency: 'EUR', payments: '2', status: 'paid', overpaid_minor: '32' });

    const agent = await signedInAs(app, 'agent1');
    const summary = await agent.call('accounts.summary', { accountId: 'ACC-ORD-1' });
    expect(summary.account.balance).toBe(32);
    agent.close();
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
});

describe('cancelling a payment from the order screen', () => {
  it('cancels a payment with a reason, sees the amount due go back up, and shows a refusal verbatim', async () => {
    const agent = await signedInAs(app, 'agent1');
    await agent.exec({ type: 'CreateOrder', orderId: 'ORD-CANCEL-1', accountId: 'ACC-ORD-1', baseCurrency: 'EUR', lines: [{ description: 'Annual fee', quantity: 1, unitPrice: 30_000 }], total: 30_000 });
    await agent.exec({ type: 'AddOrderPayment', orderId: 'ORD-CANCEL-1', paymentId: 'PAY-CHEQUE-1', method: 'cheque', amount: 10_000, currency: 'EUR' });
    await agent.exec({ type: 'AddOrderPayment', orderId: 'ORD-CANCEL-1', paymentId: 'PAY-CASH-1', method: 'cash', amount: 5_000, currency: 'EUR' });

    const { context, page } = await openApp(browser, app);
    await signIn(page, 'agent1');
    await nav(page).getByRole('button', { name: 'Orders' }).click();
    await page.getByRole('button', { name: 'ORD-CANCEL-1' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Order ORD-CANCEL-1', level: 1 }).isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('due').textContent()).toContain('150.00 EUR');

    // The cheque bounced: cancel it. What is due goes back up by its 100.00 EUR.
    const payments = page.getByRole('table', { name: 'Payments' });
    await payments.getByRole('button', { name: /Cancel payment… PAY-CHEQUE-1/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel a payment of order ORD-CANCEL-1' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toMatch(/PAY-CHEQUE-1.*Cheque.*100\.00 EUR.*150\.00 EUR → after cancelling 250\.00 EUR/);
    await dialog.getByLabel('Reason').fill('Cheque bounced');
    await checkScreen(page, 'order-cancel-payment');
    await dialog.getByRole('button', { name: 'Cancel payment', exact: true }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await expect.poll(() => page.getByTestId('due').textContent()).toContain('250.00 EUR');
    const cheque = payments.getByRole('row').filter({ hasText: 'Cheque' });
    expect(await cheque.textContent()).toMatch(/Cancelled: Cheque bounced/);
    expect(await cheque.getByRole('button').count()).toBe(0);
    await checkScreen(page, 'order-payment-cancelled');
    expect((await agent.call('orders.get', { orderId: 'ORD-CANCEL-1' })).order.due).toBe(25_000);

    // Meanwhile someone else settles the order; cancelling the cash payment is then refused, in the backend's words.
    await payments.getByRole('button', { name: /Cancel payment… PAY-CASH-1/ }).click();
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await agent.exec({ type: 'AddOrderPayment', orderId: 'ORD-CANCEL-1', paymentId: 'PAY-WIRE-1', method: 'bank_transfer', amount: 25_000, currency: 'EUR' });
    await dialog.getByLabel('Reason').fill('Entered twice');
    await dialog.getByRole('button', { name: 'Cancel payment', exact: true }).click();
    const refusal = dialog.getByRole('alert');
    await expect.poll(async () => (await refusal.textContent())?.trim()).toBe('ORDER_PAID — order ORD-CANCEL-1 is paid: a payment can no longer be cancelled; refund the customer instead');
    await checkScreen(page, 'order-cancel-payment-refused');
    await dialog.getByRole('button', { name: 'Keep the payment' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect((await agent.call('orders.get', { orderId: 'ORD-CANCEL-1' })).payments.find((p) => p.paymentId === 'PAY-CASH-1')?.status).toBe('active');

    agent.close();
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
});
