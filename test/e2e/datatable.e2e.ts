/// <reference lib="dom" />
/**
 * The reusable data table (components/DataTable.vue) on the Operators screen, with 150 more
 * operators made through the API: Back returns to the same screen and page, the column chooser
 * remembers its choice, a cell copies with Ctrl+C or its context menu, the keyboard moves
 * between cells, and big pages render only the rows in view with the header still aligned.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/browser.js';
import { axeViolations, checkScreen, openApp, pageErrors, signIn, until } from './support/page.js';

const EXTRA = 150;
const TOTAL = 4 + EXTRA;
const opId = (i: number): string => `op${String(i).padStart(3, '0')}`;

let app: TestApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  app = await startTestApp();
  const c = app.backend.connect({ origin: 'test' });
  expect((await c.call('auth.login', { operatorId: 'admin', password: 'demo' })).ok).toBe(true);
  for (let i = 0; i < EXTRA; i++) {
    const r = await c.call('commands.execute', { command: { type: 'CreateOperator', operatorId: opId(i), displayName: `Op ${i}`, role: 'agent', password: 'temp-long-passphrase' } });
    expect(r.ok).toBe(true);
  }
  c.close();
  browser = await launchChromium();
  ({ context, page } = await openApp(browser, app));
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.server.origin });
  // What the page puts on the clipboard, seen from the copy event too (a second witness).
  await page.addInitScript(() => {
    window.addEventListener('copy', (e) => {
      (window as Window & { lastCopied?: string }).lastCopied = e.clipboardData?.getData('text/plain') ?? '';
    });
  });
  await page.reload();
  await signIn(page, 'admin');
  await openOperators();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const nav = (): Locator => page.getByRole('navigation', { name: 'Main' });
const table = (): Locator => page.getByRole('table', { name: 'Operators' });
const pager = (): Locator => page.getByRole('navigation', { name: 'Operators: pages' });
const rowsText = (): Promise<string> => pager().locator('[aria-live]').innerText();

async function openOperators(): Promise<void> {
  await nav().getByRole('button', { name: 'Operators' }).click();
  await until(() => table().isVisible(), 'the Operators table');
}

/** The operator ids of the rows in the DOM (data rows only). */
async function rowIds(): Promise<string[]> {
  return table().locator('tbody tr[data-index]').evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')?.textContent?.trim() ?? ''));
}
/** The column headers' names, without the sort arrows. */
const columnHeaders = async (): Promise<string[]> => (await table().getByRole('columnheader').allTextContents()).map((h) => h.replace(/[↕▲▼]/g, '').trim());
const clipboard = (): Promise<string> => page.evaluate(() => navigator.clipboard.readText());
const lastCopied = (): Promise<string | undefined> => page.evaluate(() => (window as Window & { lastCopied?: string }).lastCopied);
const activeCell = (): Promise<{ row: string | null; col: string | null; text: string }> =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const cell = el?.closest<HTMLElement>('[data-col]');
    return { row: cell?.dataset.row ?? null, col: cell?.dataset.col ?? null, text: (el?.innerText ?? '').trim() };
  });
const cell = (id: string, col = 0): Locator => table().locator('tbody tr').filter({ has: page.getByRole('cell', { name: id, exact: true }) }).locator(`td[data-col="${col}"]`);

describe('the data table on Operators', () => {
  it('keeps its page in the history: Back returns to the same screen and page', async () => {
    await page.getByRole('combobox', { name: 'Rows per page' }).selectOption('25');
    await expect.poll(rowsText).toBe('Rows 1–25');
    expect((await rowIds()).slice(0, 3)).toEqual(['admin', 'agent1', opId(0)]);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(rowsText).toBe('Rows 26–50');
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(rowsText).toBe('Rows 51–75');
    expect((await rowIds())[0]).toBe(opId(48));

    // Another screen, and back with the browser's Back.
    await nav().getByRole('button', { name: /Invoices/ }).click();
    await expect.poll(() => table().count()).toBe(0);
    await page.goBack({ waitUntil: 'commit' });
    await until(() => table().isVisible(), 'Operators again after Back');
    await expect.poll(rowsText).toBe('Rows 51–75');
    expect((await rowIds())[0]).toBe(opId(48));
    expect(await nav().getByRole('button', { name: 'Operators' }).getAttribute('aria-current')).toBe('page');

    // Back again: the page before; Forward: this one again.
    await page.goBack({ waitUntil: 'commit' });
    await expect.poll(rowsText).toBe('Rows 26–50');
    await page.goForward({ waitUntil: 'commit' });
    await expect.poll(rowsText).toBe('Rows 51–75');

    // Leaving by the navigation and coming back by it finds the same page too (Pinia).
    await nav().getByRole('button', { name: /Invoices/ }).click();
    await expect.poll(() => table().count()).toBe(0);
    await openOperators();
    await expect.poll(rowsText).toBe('Rows 51–75');

    // Sort and filter changes are entries as well; typing a search is not one per pause.
    await page.getByRole('combobox', { name: 'Filter by role' }).selectOption('admin');
    await expect.poll(rowIds).toEqual(['admin']);
    await page.goBack({ waitUntil: 'commit' });
    await expect.poll(rowsText).toBe('Rows 51–75');
    expect(await page.getByRole('combobox', { name: 'Filter by role' }).inputValue()).toBe('');
    const search = page.getByRole('searchbox', { name: 'Search operators' });
    await search.fill('op14');
    await expect.poll(rowIds).toEqual([opId(140), opId(141), opId(142), opId(143), opId(144), opId(145), opId(146), opId(147), opId(148), opId(149)]);
    await search.fill('op149');
    await expect.poll(rowIds).toEqual([opId(149)]);
    await page.goBack({ waitUntil: 'commit' });
    await expect.poll(rowsText).toBe('Rows 51–75');
    expect(await search.inputValue()).toBe('');
    await page.goForward({ waitUntil: 'commit' });
    await expect.poll(rowIds).toEqual([opId(149)]);
    expect(await search.inputValue()).toBe('op149');
    await search.fill('');
    await expect.poll(rowsText).toBe('Rows 1–25');
  });

  it('a reload keeps the page (history state) for the same operator', async () => {
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(rowsText).toBe('Rows 26–50');
    await page.reload();
    await signIn(page, 'admin');
    await openOperators();
    await expect.poll(rowsText).toBe('Rows 26–50');
    await page.getByRole('button', { name: 'First', exact: true }).click();
    await expect.poll(rowsText).toBe('Rows 1–25');
  });

  it('chooses its columns, remembers them on this machine, and never hides them all', async () => {
    expect(await columnHeaders()).toEqual(['Operator', 'Name', 'Role', 'Status', 'Sign-in', 'Last change', 'Actions']);
    const chooser = page.getByRole('button', { name: 'Columns' });
    await chooser.click();
    expect(await chooser.getAttribute('aria-expanded')).toBe('true');
    const panel = page.getByRole('group', { name: 'Columns of Operators' });
    await expect.poll(() => panel.getByRole('checkbox', { name: 'Operator' }).evaluate((el) => el === document.activeElement)).toBe(true);
    await panel.getByRole('checkbox', { name: 'Name' }).uncheck();
    await panel.getByRole('checkbox', { name: 'Last change' }).uncheck();
    await expect.poll(() => table().getByRole('columnheader', { name: 'Name' }).count()).toBe(0);
    expect(await table().getByRole('columnheader', { name: 'Last change' }).count()).toBe(0);
    expect(await table().locator('tbody tr[data-index]').first().locator('td').count()).toBe(5);
    await checkScreen(page, 'datatable-columns');
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);
    expect(await chooser.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByRole('button', { name: /^Columns\W*2 hidden$/ }).isVisible()).toBe(true);
    expect(JSON.parse((await page.evaluate(() => localStorage.getItem('cardops.table.Operators'))) ?? '{}')).toMatchObject({ hidden: ['displayName', 'updatedAt'] });

    // Still hidden after a reload and a new sign-in.
    await page.reload();
    await signIn(page, 'admin');
    await openOperators();
    await expect.poll(columnHeaders).toEqual(['Operator', 'Role', 'Status', 'Sign-in', 'Actions']);

    // The last visible column cannot be hidden.
    await page.getByRole('button', { name: /^Columns/ }).click();
    await panel.getByRole('checkbox', { name: 'Role' }).uncheck();
    await panel.getByRole('checkbox', { name: 'Status' }).uncheck();
    await panel.getByRole('checkbox', { name: 'Sign-in' }).uncheck();
    expect(await panel.getByRole('checkbox', { name: 'Operator' }).isDisabled()).toBe(true);
    expect(await columnHeaders()).toEqual(['Operator', 'Actions']);
    await panel.getByRole('button', { name: 'Show all' }).click();
    await expect.poll(() => columnHeaders().then((h) => h.length)).toBe(7);
    // A click outside closes it.
    await page.getByRole('heading', { name: 'Operators' }).click();
    await expect.poll(() => panel.count()).toBe(0);
    expect(JSON.parse((await page.evaluate(() => localStorage.getItem('cardops.table.Operators'))) ?? '{}')).toMatchObject({ hidden: [] });
  });

  it('copies the focused cell with Ctrl+C, and a cell or a row from its context menu', async () => {
    await cell('agent1').click();
    await page.keyboard.press('Control+C');
    await expect.poll(clipboard).toBe('agent1');
    expect(await lastCopied()).toBe('agent1');
    await expect.poll(() => page.getByText('Copied', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('status').filter({ hasText: 'Copied: agent1' }).count()).toBe(1);

    await page.keyboard.press('ArrowRight');
    expect(await activeCell()).toMatchObject({ col: '1', text: 'Alex Agent' });
    await page.keyboard.press('Control+C');
    await expect.poll(clipboard).toBe('Alex Agent');

    // Selected text is copied as the browser does, not the whole cell.
    await page.evaluate(() => {
      const text = document.createTreeWalker(document.activeElement as HTMLElement, NodeFilter.SHOW_TEXT).nextNode();
      if (!text) throw new Error('no text in the focused cell');
      const range = document.createRange();
      range.setStart(text, 0);
      range.setEnd(text, 4);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
    });
    await page.keyboard.press('Control+C');
    await expect.poll(clipboard).toBe('Alex');
    await page.evaluate(() => getSelection()?.removeAllRanges());

    await cell(opId(3), 2).click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Operators: cell' });
    await expect.poll(() => menu.isVisible()).toBe(true);
    expect(await menu.getByRole('menuitem').allInnerTexts()).toEqual([expect.stringMatching(/^Copy cell/), 'Copy row']);
    await checkScreen(page, 'datatable-cell-menu');
    await menu.getByRole('menuitem', { name: 'Copy row' }).click();
    await expect.poll(clipboard).toMatch(new RegExp(`^${opId(3)}\\tOp 3\\tAgent\\tActive\\t[^\\t]*\\t\\S`));
    expect(await menu.count()).toBe(0);
    expect(await activeCell()).toMatchObject({ col: '2', text: 'Agent' });

    // From the keyboard: Shift+F10, arrows, Enter.
    await page.keyboard.press('Shift+F10');
    await expect.poll(() => menu.isVisible()).toBe(true);
    expect(await menu.getByRole('menuitem', { name: /^Copy cell/ }).evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(clipboard).toBe('Agent');
    await page.keyboard.press('Shift+F10');
    await page.keyboard.press('Escape');
    await expect.poll(() => menu.count()).toBe(0);
    expect(await activeCell()).toMatchObject({ col: '2' });
  });

  it('moves between cells by keyboard, into a cell’s buttons and out again', async () => {
    await cell('admin').click();
    expect(await table().locator('tbody td[tabindex="0"]').count()).toBe(1);
    await page.keyboard.press('ArrowDown');
    expect(await activeCell()).toMatchObject({ row: '1', col: '0', text: 'agent1' });
    await page.keyboard.press('End');
    expect(await activeCell()).toMatchObject({ row: '1', col: '6' });
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Change role of agent1');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Reset password of agent1');
    await page.keyboard.press('Escape');
    expect(await activeCell()).toMatchObject({ row: '1', col: '6' });
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    // The header row: its sort button takes the focus.
    expect(await page.evaluate(() => document.activeElement?.closest('th')?.dataset.row)).toBe('-1');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BUTTON');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('PageDown');
    const after = await activeCell();
    expect(Number(after.row)).toBeGreaterThan(3);
    await page.keyboard.press('Control+End');
    expect(await activeCell()).toMatchObject({ row: '24', col: '6' });
    await page.keyboard.press('Control+Home');
    expect(await activeCell()).toMatchObject({ row: '0', col: '0', text: 'admin' });
    // The cells are one tab stop: Tab leaves for the row's buttons or beyond, not the next cell.
    await page.keyboard.press('Tab');
    expect((await activeCell()).col).not.toBe('1');
  });

  it('renders only the rows in view on a big page, header aligned, with aria-rowcount and aria-rowindex', async () => {
    await page.getByRole('combobox', { name: 'Rows per page' }).selectOption('1000');
    await expect.poll(rowsText).toBe(`Rows 1–${TOTAL} (last page)`);
    const inDom = (await rowIds()).length;
    expect(inDom).toBeGreaterThan(5);
    expect(inDom).toBeLessThan(60);
    expect(await table().getAttribute('aria-rowcount')).toBe(String(TOTAL + 1));
    expect(await table().locator('tbody tr[data-index]').first().getAttribute('aria-rowindex')).toBe('2');

    const aligned = async (): Promise<void> => {
      const heads = await table().locator('thead th').evaluateAll((ths) => ths.map((th) => th.getBoundingClientRect()).map((r) => [Math.round(r.left), Math.round(r.width)]));
      const firstVisible = await table()
        .locator('tbody tr[data-index]')
        .evaluateAll((trs) => {
          const top = document.querySelector('thead')?.getBoundingClientRect().bottom ?? 0;
          const tr = trs.find((t) => t.getBoundingClientRect().top >= top - 1);
          return Array.from(tr?.querySelectorAll('td') ?? []).map((td) => td.getBoundingClientRect()).map((r) => [Math.round(r.left), Math.round(r.width)]);
        });
      expect(firstVisible).toEqual(heads);
    };
    await aligned();

    // Ctrl+End: the last row, scrolled into view and focused; still few rows in the DOM.
    await cell('admin').click();
    await page.keyboard.press('Control+End');
    await expect.poll(() => activeCell().then((c) => c.row)).toBe(String(TOTAL - 1));
    const last = table().locator(`tbody tr[data-index="${TOTAL - 1}"]`);
    expect(await last.getAttribute('aria-rowindex')).toBe(String(TOTAL + 1));
    expect(await last.isVisible()).toBe(true);
    expect(await last.locator('td').first().innerText()).toBe('super2');
    expect((await rowIds()).length).toBeLessThan(60);
    await aligned();
    // The thead stays on top of the scrolled rows.
    expect(await table().locator('thead th').first().evaluate((th) => th.getBoundingClientRect().top - (th.closest('.scroller')?.getBoundingClientRect().top ?? 0))).toBeLessThanOrEqual(1);

    // Scrolled to the middle with the wheel: the rows there are rendered, the focused last row kept.
    await page.locator('.scroller').evaluate((el) => (el.scrollTop = el.scrollHeight / 2 - el.clientHeight / 2));
    await expect.poll(async () => (await rowIds()).includes(opId(74))).toBe(true);
    expect(await last.count()).toBe(1);
    await aligned();
    await checkScreen(page, 'datatable-virtual');
    // Arrow keys go on from the focused cell, which scrolls back into view.
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => activeCell().then((c) => c.row)).toBe(String(TOTAL - 2));
    const focusedInView = (): Promise<boolean> =>
      page.evaluate(() => {
        const r = document.activeElement?.getBoundingClientRect();
        const box = document.querySelector('.scroller')?.getBoundingClientRect();
        return !!r && !!box && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
      });
    await expect.poll(focusedInView).toBe(true);
    await page.keyboard.press('Home');
    expect(await activeCell()).toMatchObject({ row: String(TOTAL - 2), col: '0', text: 'super1' });
  });

  it('appends the next page with Load more, then pages on, and Back restores the appended rows', async () => {
    await page.getByRole('combobox', { name: 'Rows per page' }).selectOption('25');
    await expect.poll(rowsText).toBe('Rows 1–25');
    const more = page.getByRole('button', { name: 'Load more' });
    for (let n = 2; n <= 5; n++) {
      await more.click();
      await expect.poll(rowsText).toBe(`Rows 1–${n * 25}`);
    }
    // 125 rows in one scroller: past 100 the rows out of view are not in the DOM.
    expect((await rowIds()).length).toBeLessThan(60);
    expect(await table().getAttribute('aria-rowcount')).toBe('-1');
    await page.locator('.scroller').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(async () => (await rowIds()).includes(opId(122))).toBe(true);

    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(rowsText).toBe('Rows 126–150');
    expect((await rowIds())[0]).toBe(opId(123));
    expect(await table().locator('tbody tr[data-index]').first().getAttribute('aria-rowindex')).toBe('127');
    await page.goBack({ waitUntil: 'commit' });
    await expect.poll(rowsText).toBe('Rows 1–125');
    await page.getByRole('button', { name: 'Previous page' }).isDisabled();
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(rowsText).toBe(`Rows 151–${TOTAL} (last page)`);
    expect(await table().getAttribute('aria-rowcount')).toBe(String(TOTAL + 1));
    expect(await more.isDisabled()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
  });
});
