/**
 * Invoices in Chromium: create one for a contact, see it certified, issue it and record a partial
 * payment; deactivate the contact and see the remaining invoice flagged in the work queue; try an
 * inactive contact and read the refusal; the printable invoice as a PDF; the account timeline.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { signedInAs, type Operator } from './support/backend.js';
import { launchChromium } from './support/browser.js';
import { exportCsv, expectCsvMatchesTable } from './support/csv.js';
import { checkScreen, openApp, pageErrors, placeholderFits, SCREENSHOTS, signIn } from './support/page.js';

let app: TestApp;
let browser: Browser;
let agent: Operator;
let page: Page;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  agent = await signedInAs(app, 'agent1');
  await agent.exec({ type: 'OpenAccount', accountId: 'ACC-INV-1', holderName: 'Nordlicht GmbH', currency: 'EUR', creditLimit: 100_000 });
  await agent.exec({ type: 'RegisterContact', contactId: 'CT-NORD', name: 'Nordlicht GmbH', email: 'billing@nordlicht.example', phone: '+49 30 1234 5678', accountId: 'ACC-INV-1' });
  await agent.exec({ type: 'RegisterContact', contactId: 'CT-GONE', name: 'Gone Away Ltd', email: 'ap@goneaway.example' });
  await agent.exec({ type: 'RegisterContact', contactId: 'CT-LATE', name: 'Latecomer Oy', email: 'info@latecomer.example' });
  // An older invoice of Nordlicht, issued, still open: the one the deactivation flags.
  await agent.exec({ type: 'CreateInvoice', invoiceId: 'IV-OLD-1', contactId: 'CT-NORD', currency: 'EUR', dueDate: '2026-01-15', lines: [{ description: 'Card reissue fee', quantity: 1, unitAmount: 1500 }] });
  await agent.exec({ type: 'IssueInvoice', invoiceId: 'IV-OLD-1' });
  page = (await openApp(browser, app)).page;
  await signIn(page, 'agent1');
});
afterAll(async () => {
  agent?.close();
  await browser?.close();
  await app?.close();
});

const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name });
const dialog = (name: string | RegExp) => page.getByRole('dialog', { name });
const invoicesTable = () => page.getByRole('table', { name: 'Invoices' });
const alertText = async (p: ReturnType<Page['getByRole']>) => (await p.getByRole('alert').first().textContent()) ?? '';

describe('an agent invoices a contact', () => {
  it('creates an invoice for a contact: the picker offers only active contacts, the totals add up exactly', async () => {
    await agent.exec({ type: 'DeactivateContact', contactId: 'CT-GONE', reason: 'company dissolved' });
    await nav('Invoices').click();
    await expect.poll(() => invoicesTable().getByRole('row').count()).toBe(2);
    await checkScreen(page, 'invoices');
    const fit = await placeholderFits(page, 'Search invoices');
    expect(fit.text, `the search placeholder (${fit.text}px) fits its box (${fit.room}px)`).toBeLessThanOrEqual(fit.room);
    await page.keyboard.press('n');
    const d = dialog('New invoice');
    await expect.poll(() => d.isVisible()).toBe(true);
    const picker = d.getByRole('combobox', { name: 'Contact' });
    await picker.focus();
    const options = d.getByRole('listbox', { name: 'Active contacts' }).getByRole('option');
    await expect.poll(() => options.count()).toBe(2);
    expect(await options.allTextContents()).toEqual([expect.stringContaining('Latecomer Oy'), expect.stringContaining('Nordlicht GmbH')]);
    await picker.fill('gone');
    await expect.poll(() => d.getByText('No active contact matches').isVisible()).toBe(true);
    await picker.fill('nordl');
    await expect.poll(() => options.count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => d.getByTestId('chosen-contact').textContent()).toContain('Nordlicht GmbH');
    await d.getByLabel('Invoice id').fill('IV-E2E-1');
    await d.getByLabel('Due date').fill('2027-01-31');
    await d.getByLabel('Line 1 description').fill('Replacement cards');
    await d.getByLabel('Line 1 quantity').fill('3');
    await d.getByLabel('Line 1 unit price').fill('3.33');
    await d.getByLabel('Line 1 tax rate').fill('19');
    await d.getByRole('button', { name: 'Add line' }).click();
    await d.getByLabel('Line 2 description').fill('Statement copy');
    await d.getByLabel('Line 2 unit price').fill('0.01');
    await d.getByLabel('Line 2 tax rate').fill('19');
    // 9.99 × 19% = 1.8981 → 1.90; 0.01 × 19% = 0.0019 → 0.00: total 11.90
    await expect.poll(() => d.getByTestId('form-total').textContent()).toBe('11.90 EUR');
    await checkScreen(page, 'invoice-create');
    await d.getByRole('button', { name: 'Create invoice' }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
  });

  it('sees it certified, issues it and records a partial payment', async () => {
    await expect.poll(() => page.getByRole('heading', { name: 'Invoice IV-E2E-1', level: 1 }).isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('invoice-status').textContent()).toBe('Draft');
    const history = page.getByRole('region', { name: 'History' });
    expect(await history.textContent()).toContain('Recipient certified');
    expect(await history.textContent()).toContain('Invoice created (provisional)');
    await page.getByRole('button', { name: /^Issue/ }).click();
    await expect.poll(() => page.getByRole('heading', { name: /^Invoice INV-\d{4}-000002$/, level: 1 }).isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('invoice-status').textContent()).toBe('Open');
    await page.keyboard.press('p');
    const d = dialog(/^Record a payment/);
    await expect.poll(() => d.isVisible()).toBe(true);
    await d.getByLabel('Payment id').fill('PAY-E2E-1');
    // More than is due is refused with what is still due.
    await d.getByLabel('Amount').fill('20');
    await d.getByRole('button', { name: 'Record payment' }).click();
    await expect.poll(() => alertText(d)).toContain('OVERPAYMENT');
    expect(await alertText(d)).toContain('more than the 11.90 EUR still due');
    await checkScreen(page, 'invoice-overpayment');
    await d.getByLabel('Amount').fill('5');
    await d.getByRole('button', { name: 'Record payment' }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
    await expect.poll(() => page.getByTestId('invoice-status').textContent()).toBe('Partly paid');
    expect(await page.getByTestId('amount-due').textContent()).toBe('6.90 EUR');
    const payments = page.getByRole('region', { name: 'Payments' });
    expect(await payments.textContent()).toMatch(/PAY-E2E-1.*agent1.*5\.00 EUR/);
    await checkScreen(page, 'invoice-detail');
  });

  it('prints the invoice: the print view as a PDF', async () => {
    await page.getByRole('button', { name: 'Print view' }).click();
    const sheet = page.getByRole('article', { name: 'Printable invoice' });
    await expect.poll(() => sheet.isVisible()).toBe(true);
    expect(await sheet.textContent()).toMatch(/Invoice.*INV-\d{4}-000002.*Nordlicht GmbH.*Replacement cards.*Amount due/);
    expect(await page.getByTestId('print-due').textContent()).toBe('6.90 EUR');
    await page.screenshot({ path: join(SCREENSHOTS, 'invoice-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(5_000);
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(join(SCREENSHOTS, 'invoice.pdf'), pdf);
    await page.getByRole('button', { name: 'Back to the invoice' }).click();
  });

  it('deactivates the contact and sees the remaining invoices flagged in the work queue', async () => {
    await page.getByRole('button', { name: 'Nordlicht GmbH' }).first().click();
    await expect.poll(() => page.getByRole('heading', { name: 'Nordlicht GmbH', level: 1 }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Deactivate…' }).click();
    const d = dialog('Deactivate Nordlicht GmbH');
    await d.getByLabel('Reason').fill('company moved to another bank');
    await d.getByRole('button', { name: 'Deactivate contact' }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
    await expect.poll(() => page.getByRole('status').filter({ hasText: '2 open invoices flagged' }).isVisible()).toBe(true);
    await nav('Invoices').click();
    // The Invoices screen keeps the invoice it showed; the breadcrumb leads back to the list.
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('button', { name: 'Invoices' }).click();
    await page.getByRole('group', { name: 'Invoice views' }).getByRole('button', { name: /Work queue/ }).click();
    const queue = page.getByRole('table', { name: 'Invoice work queue' });
    await expect.poll(() => queue.getByRole('row').count()).toBe(3);
    expect(await queue.textContent()).toMatch(/INV-\d{4}-000002/);
    expect(await queue.textContent()).toContain('company moved to another bank');
    expect(await page.getByTestId('queue-count').textContent()).toBe('2');
    await checkScreen(page, 'invoice-work-queue');
    await queue.getByRole('button', { name: /INV-\d{4}-000001/ }).click();
    await expect.poll(() => page.getByTestId('flag-banner').isVisible()).toBe(true);
    expect(await page.getByTestId('flag-banner').textContent()).toContain('was deactivated');
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('button', { name: 'Invoices' }).click();
    await page.getByRole('group', { name: 'Invoice views' }).getByRole('button', { name: 'All invoices' }).click();
  });

  it('tries an inactive contact and reads the refusal: picked while active, deactivated before sending', async () => {
    await page.keyboard.press('n');
    const d = dialog('New invoice');
    await expect.poll(() => d.isVisible()).toBe(true);
    await d.getByRole('combobox', { name: 'Contact' }).fill('latecomer');
    await expect.poll(() => d.getByRole('option').count()).toBe(1);
    await page.keyboard.press('Enter');
    await d.getByLabel('Line 1 description').fill('Account fee');
    await d.getByLabel('Line 1 unit price').fill('12');
    // Meanwhile another agent deactivates the contact.
    await agent.exec({ type: 'DeactivateContact', contactId: 'CT-LATE', reason: 'customer asked to be removed' });
    await d.getByRole('button', { name: 'Create invoice' }).click();
    await expect.poll(() => alertText(d)).toContain('CONTACT_INACTIVE');
    expect(await alertText(d)).toContain('contact CT-LATE (Latecomer Oy) was deactivated');
    expect(await alertText(d)).toContain('an invoice can only go to an active contact');
    await checkScreen(page, 'invoice-contact-refused');
    await d.getByRole('button', { name: 'Cancel' }).click();
    // Nothing was written: still the two invoices.
    await expect.poll(() => invoicesTable().getByRole('row').count()).toBe(3);
  });

  it('filters by status, overdue and contact', async () => {
    await page.getByRole('combobox', { name: 'Filter by overdue' }).selectOption('yes');
    await expect.poll(() => invoicesTable().getByRole('row').count()).toBe(2);
    expect(await invoicesTable().getByRole('row').nth(1).textContent()).toMatch(/INV-\d{4}-000001.*\d+ d/);
    await page.getByRole('combobox', { name: 'Filter by overdue' }).selectOption('');
    await page.getByRole('combobox', { name: 'Filter by status' }).selectOption('partially_paid');
    await expect.poll(() => invoicesTable().getByRole('row').count()).toBe(2);
    await page.getByRole('combobox', { name: 'Filter by status' }).selectOption('');
    await page.getByRole('combobox', { name: 'Filter by contact' }).selectOption('CT-NORD');
    await expect.poll(() => invoicesTable().getByRole('row').count()).toBe(3);
    await page.getByRole('combobox', { name: 'Filter by contact' }).selectOption('');
  });

  it('exports the invoices on screen as CSV (button and Ctrl+E), with the search and filters applied', async () => {
    const header = ['number', 'contact_name', 'contact_status', 'account_id', 'status', 'flagged', 'due_date', 'total_minor', 'paid_minor', 'amount_due_minor', 'currency', 'overdue_days', 'flag_reason', 'invoice_id', 'contact_id', 'issued_on', 'created_at', 'updated_at'];
    await expect.poll(() => invoicesTable().getByRole('row').count()).toBe(3);
    const all = await exportCsv(page);
    expect(all.filename).toMatch(/^cardops-invoices-\d{4}-\d{2}-\d{2}\.csv$/);
    await expectCsvMatchesTable(page, 'Invoices', all, { header, key: 'number', cell: 0 });
    // Money as integer minor units beside the currency; dates ISO.
    expect(all.rows.find((r) => r.invoice_id === 'IV-E2E-1')).toMatchObject({ total_minor: '1190', paid_minor: '500', amount_due_minor: '690', currency: 'EUR', due_date: '2027-01-31', status: 'partially_paid', flagged: 'true' });
    for (const r of all.rows) expect(r.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    await page.getByRole('combobox', { name: 'Filter by overdue' }).selectOption('yes');
    await expect.poll(() => invoicesTable().getByRole('row').count()).toBe(2);
    const overdue = await exportCsv(page, 'shortcut');
    await expectCsvMatchesTable(page, 'Invoices', overdue, { header, key: 'number', cell: 0 });
    expect(overdue.rows.map((r) => r.invoice_id)).toEqual(['IV-OLD-1']);
    await page.getByRole('combobox', { name: 'Filter by overdue' }).selectOption('');
  });

  it('the account timeline shows the account’s invoices and payments', async () => {
    await nav('Accounts').click();
    await page.getByRole('searchbox', { name: 'Search accounts' }).fill('ACC-INV');
    await page.getByRole('table', { name: 'Accounts' }).getByRole('button', { name: 'ACC-INV-1' }).click();
    await page.getByRole('group', { name: 'Show entries of kind' }).getByRole('button', { name: 'Invoices' }).click();
    const rows = page.getByRole('table', { name: 'Timeline' }).getByRole('row');
    await expect.poll(async () => (await rows.allTextContents()).join('\n')).toContain('Invoice payment');
    const text = (await rows.allTextContents()).join('\n');
    expect(text).toContain('Invoice issued');
    expect(text).toContain('+5.00 EUR · payment PAY-E2E-1');
    expect(text).toContain('Recipient deactivated: flagged');
    await checkScreen(page, 'account-timeline-invoices');
    expect(pageErrors(page)).toEqual([]);
  });
});
