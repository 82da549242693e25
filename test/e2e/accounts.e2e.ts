/**
 * The agent's daily work: find a card by last-4, open the account, act on the card and the
 * balance, read it all on the timeline, and see the backend's refusals where they happen.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney, parseAmount } from '../../renderer/src/views/accounts/money.js';
import { startTestApp, type TestApp } from './support/app.js';
import { signedInAs, type Operator } from './support/backend.js';
import { launchChromium } from './support/browser.js';
import { exportCsv } from './support/csv.js';
import { checkScreen, openApp, pageErrors, signIn } from './support/page.js';

describe('money in the renderer (no browser)', () => {
  it('formats minor units exactly, with the currency’s own decimals', () => {
    expect(formatMoney(123456, 'EUR')).toBe('1,234.56 EUR');
    expect(formatMoney(-5, 'EUR')).toBe('-0.05 EUR');
    expect(formatMoney(0, 'USD')).toBe('0.00 USD');
    expect(formatMoney(1500, 'JPY')).toBe('1,500 JPY');
    expect(formatMoney(1234567, 'KWD')).toBe('1,234.567 KWD');
    expect(formatMoney(1234, 'EUR', { sign: true })).toBe('+12.34 EUR');
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'EUR')).toBe('90,071,992,547,409.91 EUR');
  });

  it('parses what people type into minor units by string arithmetic, never a float', () => {
    const minor = (t: string, c = 'EUR'): number | string => {
      const p = parseAmount(t, c);
      return p.ok ? p.minor : p.message;
    };
    expect(minor('12.34')).toBe(1234);
    expect(minor('0.1')).toBe(10);
    expect(minor('.5')).toBe(50);
    expect(minor('12')).toBe(1200);
    expect(minor(' 1,234.50 ')).toBe(123450);
    expect(minor('1 234.5')).toBe(123450);
    // 0.29 * 100 is 28.999999999999996 in floating point; the string way gets 29.
    expect(minor('0.29')).toBe(29);
    expect(minor('1.005', 'KWD')).toBe(1005);
    expect(minor('1500', 'JPY')).toBe(1500);
    expect(minor('12.30')).toBe(1230);
    expect(minor('12,34')).toMatch(/use a dot for the decimals/);
    expect(minor('1.234')).toMatch(/at most 2 decimals/);
    expect(minor('15.5', 'JPY')).toMatch(/no minor units/);
    expect(minor('-3')).toMatch(/positive/);
    expect(minor('0.00')).toMatch(/more than zero/);
    expect(minor('abc')).toMatch(/digits with an optional dot/);
    expect(minor('')).toMatch(/enter an amount/);
    expect(minor('90071992547409.91')).toBe(Number.MAX_SAFE_INTEGER);
    expect(minor('90071992547409.92')).toMatch(/too large/);
  });
});

let app: TestApp;
let browser: Browser;
let agent: Operator;
beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  agent = await signedInAs(app, 'agent1');
  // Maria's account: an active card •4417, a closed card •5520, and a deposit.
  await agent.exec({ type: 'OpenAccount', accountId: 'ACC-E2E-1', holderName: 'Maria Lindqvist', currency: 'EUR', creditLimit: 100_000 });
  await agent.exec({ type: 'IssueCard', cardId: 'CRD-E2E-1', accountId: 'ACC-E2E-1', holderName: 'Maria Lindqvist', last4: '4417', brand: 'visa', expiryMonth: 3, expiryYear: 2029 });
  await agent.exec({ type: 'ActivateCard', cardId: 'CRD-E2E-1', reason: 'card_received' });
  await agent.exec({ type: 'IssueCard', cardId: 'CRD-E2E-2', accountId: 'ACC-E2E-1', holderName: 'Maria Lindqvist', last4: '5520', brand: 'mastercard', expiryMonth: 8, expiryYear: 2027 });
  await agent.exec({ type: 'CloseCard', cardId: 'CRD-E2E-2', reason: 'customer_request' });
  await agent.exec({ type: 'PostDeposit', accountId: 'ACC-E2E-1', depositId: 'DEP-SEED-1', amount: 25_000 });
  // Someone to transfer to, and an account with a long history.
  await agent.exec({ type: 'OpenAccount', accountId: 'ACC-E2E-2', holderName: 'Jonas Becker', currency: 'EUR', creditLimit: 50_000 });
  await agent.exec({ type: 'OpenAccount', accountId: 'ACC-E2E-3', holderName: 'Lena Moreau', currency: 'GBP', creditLimit: 0 });
  for (let i = 1; i <= 60; i++) await agent.exec({ type: 'PostDeposit', accountId: 'ACC-E2E-3', depositId: `DEP-LONG-${i}`, amount: 100 * i });
  // An account in debit (a negative balance), for the export.
  await agent.exec({ type: 'OpenAccount', accountId: 'ACC-E2E-4', holderName: 'Omar Haddad', currency: 'EUR', creditLimit: 50_000 });
  await (await signedInAs(app, 'super1')).exec({ type: 'PostCharge', accountId: 'ACC-E2E-4', chargeId: 'CHG-E2E-4', amount: 12_345, description: 'Annual fee' });
});
afterAll(async () => {
  agent?.close();
  await browser?.close();
  await app?.close();
});

const dialog = (page: Page, name: string | RegExp): ReturnType<Page['getByRole']> => page.getByRole('dialog', { name });
const cardRow = (page: Page, last4: string): ReturnType<Page['getByRole']> =>
  page.getByRole('table', { name: 'Cards' }).getByRole('row').filter({ has: page.getByRole('cell', { name: new RegExp(`^•${last4} `) }) });
const timelineRows = (page: Page): ReturnType<Page['getByRole']> => page.getByRole('table', { name: 'Timeline' }).getByRole('row');
const tile = (page: Page, label: string): ReturnType<Page['getByRole']> => page.getByRole('region', { name: 'Summary' }).locator('.tile').filter({ hasText: label });

async function openAccountFromList(page: Page, holderPrefix: string, holder: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Accounts' }).click();
  await page.getByRole('searchbox', { name: 'Search accounts' }).fill(holderPrefix);
  const row = page.getByRole('table', { name: 'Accounts' }).getByRole('row').filter({ hasText: holder });
  await expect.poll(() => row.count()).toBe(1);
  await row.getByRole('cell').nth(1).click();
  await expect.poll(() => page.getByRole('heading', { name: holder, level: 1 }).isVisible()).toBe(true);
}

describe('the Accounts screen', () => {
  it('lists every account with balance and available credit, searches by holder prefix, and a row opens the account', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'agent1');
    const table = page.getByRole('table', { name: 'Accounts' });
    await expect.poll(() => table.getByRole('row').count()).toBe(5);
    // The export: money as numbers in minor units, a debit balance too (not text such as '-12345).
    const csv = await exportCsv(page);
    expect(csv.header.slice(0, 6)).toEqual(['account', 'holder', 'currency', 'balance_minor', 'available_credit_minor', 'credit_limit_minor']);
    expect(csv.rows.find((r) => r.account === 'ACC-E2E-4')).toMatchObject({ holder: 'Omar Haddad', balance_minor: '-12345', available_credit_minor: '37655', credit_limit_minor: '50000' });
    const maria = table.getByRole('row').filter({ hasText: 'ACC-E2E-1' });
    expect((await maria.getByRole('cell').allTextContents()).map((c) => c.trim())).toEqual(expect.arrayContaining(['ACC-E2E-1', 'Maria Lindqvist', 'EUR', '250.00 EUR', '1,250.00 EUR', 'Open']));
    await checkScreen(page, 'accounts');
    await page.getByRole('searchbox', { name: 'Search accounts' }).fill('len');
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    expect(await table.getByRole('row').nth(1).textContent()).toContain('Lena Moreau');
    // Sorting happens on the server: by balance, largest first.
    await page.getByRole('searchbox', { name: 'Search accounts' }).fill('');
    await table.getByRole('button', { name: 'Balance' }).click();
    await table.getByRole('button', { name: 'Balance' }).click();
    await expect.poll(async () => (await table.getByRole('row').nth(1).textContent()) ?? '').toContain('ACC-E2E-3');
    // Opening an account by keyboard: the account id is a button.
    await table.getByRole('button', { name: 'ACC-E2E-2' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { name: 'Jonas Becker', level: 1 }).isVisible()).toBe(true);
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('button', { name: 'Accounts' }).click();
    await expect.poll(() => table.isVisible()).toBe(true);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });
});

describe('an agent at work on an account', () => {
  let page: Page;
  beforeAll(async () => {
    page = (await openApp(browser, app)).page;
    await signIn(page, 'agent1');
  });

  it('finds a card by its last 4 digits with Ctrl+K and opens its account', async () => {
    await page.keyboard.press('Control+k');
    const box = page.getByRole('combobox', { name: 'Search CardOps' });
    await box.fill('4417');
    const option = page.getByRole('option', { name: /•4417 Maria Lindqvist/ });
    await expect.poll(() => option.isVisible()).toBe(true);
    expect(await option.getAttribute('aria-selected')).toBe('true');
    await checkScreen(page, 'search-card-last4');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { name: 'Maria Lindqvist', level: 1 }).isVisible()).toBe(true);
    expect(await tile(page, 'Balance').textContent()).toContain('250.00 EUR');
    expect(await tile(page, 'Available credit').textContent()).toContain('1,250.00 EUR');
    expect(await tile(page, 'Credit limit').textContent()).toContain('1,000.00 EUR');
    // Both cards, with their states; the closed one says why, when and who.
    expect(await cardRow(page, '4417').textContent()).toMatch(/Visa.*CRD-E2E-1.*03\/2029.*Active/);
    expect(await cardRow(page, '5520').textContent()).toMatch(/Closed.*Customer request.*by agent1/);
    await expect.poll(() => timelineRows(page).count()).toBe(1 + 6);
    await checkScreen(page, 'account-detail');
  });

  it('deactivates the card with a reason (a card number in the note is refused) and sees it on the timeline with their name', async () => {
    await cardRow(page, '4417').getByRole('button', { name: 'Deactivate card 4417' }).click();
    const d = dialog(page, 'Deactivate card •4417');
    await expect.poll(() => d.isVisible()).toBe(true);
    await d.getByRole('button', { name: 'Deactivate card' }).click();
    await expect.poll(() => d.getByText('choose a reason', { exact: true }).isVisible()).toBe(true);
    await d.getByLabel('Reason').selectOption('suspicious_activity');
    await d.getByLabel(/^Note/).fill('customer read out 4111 1111 1111 1111 on the phone');
    await d.getByRole('button', { name: 'Deactivate card' }).click();
    await expect.poll(async () => (await d.getByRole('alert').textContent()) ?? '').toContain('VALIDATION_FAILED');
    expect(await d.getByRole('alert').textContent()).toContain('looks like a card number');
    await checkScreen(page, 'card-deactivate-refused');
    await d.getByLabel(/^Note/).fill('unknown payments abroad, customer called');
    await checkScreen(page, 'card-deactivate');
    await d.getByRole('button', { name: 'Deactivate card' }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Card suspended' }).isVisible()).toBe(true);
    await expect.poll(async () => (await cardRow(page, '4417').textContent()) ?? '').toMatch(/Suspended.*Suspicious activity.*by agent1/);
    const entry = timelineRows(page).nth(1);
    await expect.poll(async () => (await entry.textContent()) ?? '').toContain('Card suspended');
    const cells = (await entry.getByRole('cell').allTextContents()).map((c) => c.trim());
    expect(cells[1]).toContain('Card •4417 (CRD-E2E-1)');
    expect(cells[1]).toContain('unknown payments abroad, customer called');
    // The operator by name, with their id: "Alex Agent agent1 (you)".
    expect(cells.slice(2, 5)).toEqual(['Suspicious activity', 'Agent', 'Alex Agent agent1 (you)']);
  });

  it('shows an entry’s data, operator and causation, and filters the timeline by kind', async () => {
    await timelineRows(page).nth(1).getByRole('button', { name: 'Card suspended' }).click();
    const details = page.getByRole('complementary', { name: 'Card suspended' });
    await expect.poll(() => details.isVisible()).toBe(true);
    expect(await details.textContent()).toMatch(/Operator\s*Alex Agent \(agent1\)/);
    await expect.poll(async () => (await details.getByRole('region', { name: 'Caused by' }).textContent()) ?? '').toContain('The command of agent1');
    expect(await details.getByRole('region', { name: 'Led to' }).textContent()).toContain('Nothing else');
    expect(await details.getByLabel('Event data').textContent()).toContain('"reason": "suspicious_activity"');
    await checkScreen(page, 'timeline-entry');
    await details.getByRole('button', { name: 'Close event details' }).click();

    await page.getByRole('group', { name: 'Show entries of kind' }).getByRole('button', { name: 'Postings' }).click();
    await expect.poll(() => timelineRows(page).count()).toBe(2);
    expect(await timelineRows(page).nth(1).textContent()).toContain('Deposit received');
    // The chips add up: postings and cards.
    await page.getByRole('group', { name: 'Show entries of kind' }).getByRole('button', { name: 'Cards' }).click();
    await expect.poll(() => timelineRows(page).count()).toBe(1 + 6);
    await page.getByRole('group', { name: 'Show entries of kind' }).getByRole('button', { name: 'Postings' }).click();
    await expect.poll(() => timelineRows(page).count()).toBe(1 + 5);
    expect(await timelineRows(page).allTextContents()).not.toContain(expect.stringContaining('Deposit received'));
    await page.getByRole('group', { name: 'Show entries of kind' }).getByRole('button', { name: 'All' }).click();
    await expect.poll(() => timelineRows(page).count()).toBe(1 + 7);
    expect(await page.getByRole('group', { name: 'Show entries of kind' }).getByRole('button', { name: 'All' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('sees the refusal message when activating a closed card', async () => {
    await cardRow(page, '5520').getByRole('button', { name: 'Actions for card 5520' }).click();
    const menu = page.getByRole('menu', { name: 'Actions for card 5520' });
    await expect.poll(() => menu.isVisible()).toBe(true);
    await checkScreen(page, 'card-actions-menu');
    await menu.getByRole('menuitem', { name: 'Activate…', exact: true }).click();
    const d = dialog(page, 'Activate card •5520');
    await d.getByLabel('Reason').selectOption('card_received');
    await d.getByRole('button', { name: 'Activate card' }).click();
    const alert = d.getByRole('alert');
    await expect.poll(async () => (await alert.textContent()) ?? '').toContain('CARD_FINAL');
    expect(await alert.textContent()).toMatch(/card •5520 was closed on \d{4}-\d{2}-\d{2} by agent1 \(customer_request\); a closed card cannot be activated/);
    await checkScreen(page, 'card-activate-refused');
    await d.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
    // Nothing changed.
    expect(await cardRow(page, '5520').textContent()).toContain('Closed');
    expect(await timelineRows(page).nth(1).textContent()).toContain('Card suspended');
  });

  it('offers every card action with its own dialog, by keyboard too', async () => {
    const menuButton = cardRow(page, '4417').getByRole('button', { name: 'Actions for card 4417' });
    const cases: [string, string, string | null][] = [
      ['Reactivate…', 'Reactivate card •4417', 'card-reactivate'],
      ['Report lost…', 'Report card lost •4417', 'card-report-lost'],
      ['Report stolen…', 'Report card stolen •4417', null],
      ['Close card…', 'Close card •4417', 'card-close'],
    ];
    for (const [item, title, shot] of cases) {
      await menuButton.focus();
      await page.keyboard.press('ArrowDown');
      const menu = page.getByRole('menu', { name: 'Actions for card 4417' });
      await expect.poll(() => menu.isVisible()).toBe(true);
      await menu.getByRole('menuitem', { name: item, exact: true }).press('Enter');
      const d = dialog(page, title);
      await expect.poll(() => d.isVisible()).toBe(true);
      if (shot) await checkScreen(page, shot);
      await page.keyboard.press('Escape');
      await expect.poll(() => d.isVisible()).toBe(false);
    }
    expect(await cardRow(page, '4417').textContent()).toContain('Suspended');
  });

  it('reissues the suspended card: the new card and the old one link to each other', async () => {
    await cardRow(page, '4417').getByRole('button', { name: 'Actions for card 4417' }).click();
    await page.getByRole('menuitem', { name: 'Reissue…' }).click();
    const d = dialog(page, 'Reissue card •4417');
    expect(await d.getByLabel('New card id').inputValue()).toBe('CRD-E2E-1-1');
    await d.getByLabel('Last 4 digits').fill('99');
    await d.getByRole('button', { name: 'Reissue card' }).click();
    await expect.poll(() => d.getByText('exactly 4 digits').isVisible()).toBe(true);
    await d.getByLabel('Last 4 digits').fill('9921');
    await d.getByLabel('Expiry month').fill('11');
    await d.getByLabel('Expiry year').fill('2030');
    await d.getByLabel('Reason').selectOption('damaged');
    await checkScreen(page, 'card-reissue');
    await d.getByRole('button', { name: 'Reissue card' }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
    await expect.poll(() => cardRow(page, '9921').count()).toBe(1);
    expect(await cardRow(page, '9921').textContent()).toMatch(/CRD-E2E-1-1.*11\/2030.*Issued.*Replaces •4417/);
    expect(await cardRow(page, '4417').textContent()).toMatch(/Closed.*Damaged.*Replaced by •9921/);
    // The link points at the other card.
    await cardRow(page, '4417').getByRole('button', { name: '•9921' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-card'))).toBe('CRD-E2E-1-1');
    await expect.poll(async () => (await timelineRows(page).nth(1).textContent()) ?? '').toContain('Card issued');
  });

  it('posts a deposit typed as 12.34 (12,34 is refused before anything is sent)', async () => {
    await page.getByRole('button', { name: 'Deposit…' }).click();
    const d = dialog(page, 'Post a deposit: ACC-E2E-1');
    expect(await d.getByLabel('Deposit id').inputValue()).toMatch(/^DEP-\d{8}-[0-9A-Z]{6}$/);
    await d.getByLabel('Amount').fill('12,34');
    await expect.poll(() => d.getByText('use a dot for the decimals').isVisible()).toBe(true);
    await d.getByRole('button', { name: 'Post deposit' }).click();
    expect(await d.isVisible()).toBe(true);
    await d.getByLabel('Amount').fill('12.34');
    await expect.poll(() => d.getByText('12.34 EUR', { exact: true }).isVisible()).toBe(true);
    await checkScreen(page, 'account-deposit');
    await d.getByRole('button', { name: 'Post deposit' }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Deposit posted' }).isVisible()).toBe(true);
    await expect.poll(async () => (await tile(page, 'Balance').textContent()) ?? '').toContain('262.34 EUR');
    await expect.poll(async () => (await timelineRows(page).nth(1).textContent()) ?? '').toContain('+12.34 EUR');
  });

  it('transfers to another account, and shows the refusal for an account that does not exist', async () => {
    await page.getByRole('button', { name: 'Transfer…' }).click();
    const d = dialog(page, 'Transfer funds: ACC-E2E-1');
    await d.getByLabel('Amount').fill('1000');
    await d.getByLabel('To account').fill('ACC-NOWHERE');
    await d.getByRole('button', { name: 'Transfer', exact: true }).click();
    await expect.poll(async () => (await d.getByRole('alert').textContent()) ?? '').toContain('ACCOUNT_NOT_FOUND');
    expect(await d.getByRole('alert').textContent()).toContain('there is no account ACC-NOWHERE to transfer to');
    await d.getByLabel('To account').fill('ACC-E2E-2');
    await d.getByLabel('Amount').fill('62.34');
    await checkScreen(page, 'account-transfer');
    await d.getByRole('button', { name: 'Transfer', exact: true }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
    await expect.poll(async () => (await tile(page, 'Balance').textContent()) ?? '').toContain('200.00 EUR');
    const sent = timelineRows(page).nth(1);
    await expect.poll(async () => (await sent.textContent()) ?? '').toContain('-62.34 EUR to account ACC-E2E-2');
    // The other side of the transfer is one click away.
    await sent.getByRole('button', { name: 'Transfer sent' }).click();
    expect(await page.getByRole('complementary', { name: 'Transfer sent' }).getByLabel('Event data').textContent()).toContain('"toAccountId": "ACC-E2E-2"');
  });

  it('an agent is offered no manual charge and no account closing (supervisor work)', async () => {
    expect(await page.getByRole('button', { name: 'Manual charge…' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Close account…' }).count()).toBe(0);
    expect(pageErrors(page)).toEqual([]);
  });

  it('follows changes made elsewhere at once, from the backend’s push', async () => {
    await agent.exec({ type: 'PostDeposit', accountId: 'ACC-E2E-1', depositId: 'DEP-ELSEWHERE', amount: 5_00 });
    await expect.poll(async () => (await timelineRows(page).nth(1).textContent()) ?? '').toContain('deposit DEP-ELSEWHERE');
    await expect.poll(async () => (await tile(page, 'Balance').textContent()) ?? '').toContain('205.00 EUR');
  });
});

describe('a long history', () => {
  it('loads the timeline 50 entries at a time, newest first', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'agent1');
    await openAccountFromList(page, 'Lena', 'Lena Moreau');
    await expect.poll(() => timelineRows(page).count()).toBe(1 + 50);
    expect(await timelineRows(page).nth(1).textContent()).toContain('+60.00 GBP · deposit DEP-LONG-60');
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => timelineRows(page).count()).toBe(1 + 61);
    expect(await timelineRows(page).last().textContent()).toContain('Account opened');
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    expect(await page.getByText("The start of the account's history.").isVisible()).toBe(true);
    await context.close();
  });
});

describe('an admin', () => {
  it('reads accounts but is offered no account work (the backend refuses it to admins)', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'admin');
    await openAccountFromList(page, 'Maria', 'Maria Lindqvist');
    await expect.poll(() => page.getByRole('note').filter({ hasText: 'Work on accounts and cards is for agents and supervisors' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Deposit…' }).count()).toBe(0);
    expect(await page.getByRole('table', { name: 'Cards' }).getByRole('button').count()).toBe(2);
    await checkScreen(page, 'account-detail-admin');
    await context.close();
  });
});
