/**
 * The supervisor's credit decisions: the review queue, approve and deny with a note, and what
 * each decision sets off, read on the account's timeline by causation.
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
  const sup = await signedInAs(app, 'super1');
  // Two charges beyond the available credit: overdrafts of 100.00 and 200.00 EUR, between the
  // default policy's automatic approval (50.00) and denial (500.00) limits, so both wait for review.
  const account = async (accountId: string, holderName: string, cardId: string, last4: string, creditLimit: number): Promise<void> => {
    await sup.exec({ type: 'OpenAccount', accountId, holderName, currency: 'EUR', creditLimit });
    await sup.exec({ type: 'IssueCard', cardId, accountId, holderName, last4, brand: 'mastercard', expiryMonth: 6, expiryYear: 2030 });
    await sup.exec({ type: 'ActivateCard', cardId, reason: 'card_received' });
  };
  await account('ACC-AUTH-1', 'Hugo Varga', 'CRD-AUTH-1', '4242', 10_000);
  await account('ACC-AUTH-2', 'Rosa Dubois', 'CRD-AUTH-2', '5151', 10_000);
  await account('ACC-AUTH-3', 'Ivan Petrov', 'CRD-AUTH-3', '6363', 50_000);
  const first = await sup.exec({ type: 'PostCharge', accountId: 'ACC-AUTH-1', chargeId: 'CHG-1', amount: 20_000, description: 'Hotel Lisbon, 3 nights' });
  expect(first.events.map((e) => e.type)).toContain('CreditSentToReview');
  await sup.exec({ type: 'PostCharge', accountId: 'ACC-AUTH-2', chargeId: 'CHG-2', amount: 30_000, description: 'Car rental' });
  const queue = await sup.call('authorizations.list', { filters: { status: 'pending_review' } });
  expect(queue.rows.map((r) => r.authorizationId).sort()).toEqual(['ACC-AUTH-1-CHG-1', 'ACC-AUTH-2-CHG-2']);
  sup.close();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const nav = (page: Page): ReturnType<Page['getByRole']> => page.getByRole('navigation', { name: 'Main' });
const queue = (page: Page): ReturnType<Page['getByRole']> => page.getByRole('table', { name: 'Authorisations' });
const dataRows = (page: Page): ReturnType<Page['getByRole']> => queue(page).getByRole('row').filter({ has: page.getByRole('cell') });
const timelineRows = (page: Page): ReturnType<Page['getByRole']> => page.getByRole('table', { name: 'Timeline' }).getByRole('row');
const tile = (page: Page, label: string): ReturnType<Page['getByRole']> => page.getByRole('region', { name: 'Summary' }).locator('.tile').filter({ hasText: label });

describe('who sees the queue', () => {
  it('an agent has no Authorisations screen, not even by its shortcut', async () => {
    const { context, page } = await openApp(browser, app);
    await signIn(page, 'agent1');
    expect(await nav(page).getByRole('button', { name: 'Authorisations' }).count()).toBe(0);
    await page.keyboard.press('g');
    await page.keyboard.press('z');
    await expect.poll(() => page.getByRole('heading', { name: 'Accounts', level: 1 }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Authorisations' }).count()).toBe(0);
    await context.close();
  });
});

describe('a supervisor decides', () => {
  let page: Page;
  beforeAll(async () => {
    page = (await openApp(browser, app)).page;
    await signIn(page, 'super1');
  });

  it('sees the queue of authorisations waiting for review, oldest first', async () => {
    await page.keyboard.press('g');
    await page.keyboard.press('z');
    await expect.poll(() => page.getByRole('heading', { name: 'Authorisations', level: 1 }).isVisible()).toBe(true);
    await expect.poll(() => dataRows(page).count()).toBe(2);
    const first = (await dataRows(page).first().getByRole('cell').allTextContents()).map((c) => c.trim());
    expect(first.slice(1)).toEqual(['ACC-AUTH-1Hugo Varga', 'Hotel Lisbon, 3 nights', '200.00 EUR', '100.00 EUR', 'Approve…Deny…']);
    expect(await page.getByRole('group', { name: 'Show authorisations' }).getByRole('button', { name: 'Waiting for review' }).getAttribute('aria-pressed')).toBe('true');
    await checkScreen(page, 'authorizations');
  });

  it('approves one with a note: it leaves the queue, the charge is posted and the account unfreezes', async () => {
    await queue(page).getByRole('button', { name: 'Approve ACC-AUTH-1-CHG-1' }).click();
    const d = page.getByRole('dialog', { name: 'Approve authorisation ACC-AUTH-1-CHG-1' });
    await expect.poll(() => d.isVisible()).toBe(true);
    expect(await d.textContent()).toMatch(/Hugo Varga.*200\.00 EUR.*Hotel Lisbon, 3 nights.*100\.00 EUR beyond the available credit/);
    await d.getByLabel(/^Note/).fill('regular customer, salary on the 28th');
    await checkScreen(page, 'authorization-approve');
    await d.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Credit approved' }).isVisible()).toBe(true);
    await expect.poll(() => dataRows(page).count()).toBe(1);
    expect(await dataRows(page).first().textContent()).toContain('ACC-AUTH-2');

    await page.getByRole('group', { name: 'Show authorisations' }).getByRole('button', { name: 'Approved' }).click();
    await expect.poll(() => dataRows(page).count()).toBe(1);
    expect(await dataRows(page).first().textContent()).toMatch(/Approved\s*super1 · \d{4}-\d{2}-\d{2} \d{2}:\d{2}\s*“regular customer, salary on the 28th”/);
    expect(await queue(page).getByRole('button', { name: /^Approve / }).count()).toBe(0);
    await checkScreen(page, 'authorizations-approved');

    // The account: open again, charged, and its timeline explains why.
    await queue(page).getByRole('button', { name: 'ACC-AUTH-1' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Hugo Varga', level: 1 }).isVisible()).toBe(true);
    await expect.poll(async () => (await tile(page, 'Balance').textContent()) ?? '').toContain('-200.00 EUR');
    expect(await tile(page, 'Status').textContent()).toContain('Open');
    expect(await tile(page, 'Available credit').textContent()).toContain('-100.00 EUR');
  });

  it('follows "led to" and "caused by" from the decision to the charge and back', async () => {
    const approved = timelineRows(page).filter({ hasText: 'Credit approved' });
    await approved.getByRole('button', { name: 'Credit approved' }).click();
    const details = page.getByRole('complementary', { name: 'Credit approved' });
    await expect.poll(() => details.isVisible()).toBe(true);
    expect(await details.textContent()).toMatch(/Operator\s*Sam Supervisor \(super1\)/);
    expect(await details.textContent()).toContain('regular customer, salary on the 28th');
    const ledTo = details.getByRole('region', { name: 'Led to' });
    await expect.poll(async () => (await ledTo.getByRole('button').allTextContents()).join('|')).toMatch(/Charge posted.*\|.*Account unfrozen/);
    await checkScreen(page, 'timeline-related');
    await ledTo.getByRole('button', { name: /Charge posted/ }).click();
    const charge = page.getByRole('complementary', { name: 'Charge posted' });
    await expect.poll(() => charge.isVisible()).toBe(true);
    expect(await charge.getByLabel('Event data').textContent()).toContain('"authorizationId": "ACC-AUTH-1-CHG-1"');
    // The charge's row is marked in the timeline.
    expect(await timelineRows(page).filter({ hasText: 'Charge posted' }).getAttribute('class')).toContain('selected');
    const causedBy = charge.getByRole('region', { name: 'Caused by' });
    await expect.poll(async () => (await causedBy.textContent()) ?? '').toContain('Credit approved');
    await causedBy.getByRole('button', { name: /Credit approved/ }).click();
    await expect.poll(() => page.getByRole('complementary', { name: 'Credit approved' }).isVisible()).toBe(true);
    // Back goes the way it came.
    await page.getByRole('complementary', { name: 'Credit approved' }).getByRole('button', { name: '← Back' }).click();
    await expect.poll(() => page.getByRole('complementary', { name: 'Charge posted' }).isVisible()).toBe(true);

    // Further back: the charge that needed the authorisation led to it being opened and sent to review.
    await timelineRows(page).filter({ hasText: 'Authorisation required' }).getByRole('button', { name: 'Authorisation required' }).click();
    const required = page.getByRole('complementary', { name: 'Authorisation required' });
    await expect.poll(async () => (await required.getByRole('region', { name: 'Led to' }).textContent()) ?? '').toMatch(/Authorisation opened.*Sent to a supervisor/);
    expect(await required.getByRole('region', { name: 'Caused by' }).textContent()).toContain('The command of super1');
  });

  it('denies from the account’s frozen banner: the account unfreezes and its active cards are suspended', async () => {
    await page.keyboard.press('Control+k');
    await page.getByRole('combobox', { name: 'Search CardOps' }).fill('Rosa');
    await expect.poll(() => page.getByRole('option', { name: /Rosa Dubois/ }).first().isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { name: 'Rosa Dubois', level: 1 }).isVisible()).toBe(true);
    const banner = page.getByRole('status').filter({ hasText: 'Frozen until a credit decision' });
    await expect.poll(() => banner.isVisible()).toBe(true);
    expect(await banner.textContent()).toMatch(/CHG-2.*300\.00 EUR.*Car rental.*ACC-AUTH-2-CHG-2/);
    await checkScreen(page, 'account-frozen');
    await banner.getByRole('button', { name: 'Review it' }).click();
    await expect.poll(() => page.getByRole('searchbox', { name: 'Search authorisations' }).inputValue()).toBe('ACC-AUTH-2-CHG-2');
    await expect.poll(() => dataRows(page).count()).toBe(1);
    await queue(page).getByRole('button', { name: 'Deny ACC-AUTH-2-CHG-2' }).click();
    const d = page.getByRole('dialog', { name: 'Deny authorisation ACC-AUTH-2-CHG-2' });
    await d.getByLabel(/^Note/).fill('third overdraft this year');
    await checkScreen(page, 'authorization-deny');
    await d.getByRole('button', { name: 'Deny', exact: true }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Credit denied' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText('No authorisation waits for a decision.').isVisible()).toBe(true);

    await nav(page).getByRole('button', { name: 'Accounts' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Rosa Dubois', level: 1 }).isVisible()).toBe(true);
    const card = page.getByRole('table', { name: 'Cards' }).getByRole('row').filter({ hasText: '•5151' });
    await expect.poll(async () => (await card.textContent()) ?? '').toMatch(/Suspended.*Credit denied/);
    expect(await tile(page, 'Balance').textContent()).toContain('0.00 EUR');
    expect(await tile(page, 'Denied authorisations').textContent()).toContain('1 · not in good standing');
    expect(await page.getByRole('status').filter({ hasText: 'Frozen until a credit decision' }).count()).toBe(0);
    const suspended = timelineRows(page).filter({ hasText: 'Card suspended' });
    expect((await suspended.getByRole('cell').allTextContents()).map((c) => c.trim()).slice(2, 5)).toEqual(['Credit denied', 'System', 'Sam Supervisor super1 (you)']);
  });

  it('posts a manual charge, and sees why the account cannot be closed', async () => {
    await page.keyboard.press('Control+k');
    await page.getByRole('combobox', { name: 'Search CardOps' }).fill('ACC-AUTH-3');
    await expect.poll(() => page.getByRole('option', { name: /Ivan Petrov/ }).first().isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { name: 'Ivan Petrov', level: 1 }).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Manual charge…' }).click();
    const d = page.getByRole('dialog', { name: 'Post a manual charge: ACC-AUTH-3' });
    expect(await d.getByLabel('Charge id').inputValue()).toMatch(/^CHG-\d{8}-[0-9A-Z]{6}$/);
    await d.getByLabel('Amount').fill('12');
    await d.getByLabel('Description').fill('Replacement card fee');
    await checkScreen(page, 'account-charge');
    await d.getByRole('button', { name: 'Post charge' }).click();
    await expect.poll(() => d.isVisible()).toBe(false);
    await expect.poll(async () => (await tile(page, 'Balance').textContent()) ?? '').toContain('-12.00 EUR');
    expect(await timelineRows(page).nth(1).textContent()).toContain('-12.00 EUR · Replacement card fee');

    await page.getByRole('button', { name: 'Close account…' }).click();
    const c = page.getByRole('dialog', { name: 'Close the account: ACC-AUTH-3' });
    await c.getByLabel('Reason').fill('customer moved abroad');
    await c.getByRole('button', { name: 'Close account' }).click();
    await expect.poll(async () => (await c.getByRole('alert').textContent()) ?? '').toContain('BALANCE_NOT_ZERO');
    expect(await c.getByRole('alert').textContent()).toContain('account ACC-AUTH-3 has a balance of -12.00 EUR: it can be closed only at zero');
    await checkScreen(page, 'account-close-refused');
    await c.getByRole('button', { name: 'Cancel' }).click();
    expect(await tile(page, 'Status').textContent()).toContain('Open');
    expect(pageErrors(page)).toEqual([]);
  });
});
