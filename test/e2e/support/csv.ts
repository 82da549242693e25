/** A list screen's CSV export in the browser build: a download, read back as Excel would. */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export interface ExportedCsv {
  readonly filename: string;
  readonly header: readonly string[];
  readonly rows: readonly Record<string, string>[];
}

/**
 * Exports with the screen's "Export CSV" button (or Ctrl+E), and checks what makes the file open
 * cleanly in Excel: a UTF-8 BOM, CRLF line ends, one header line.
 */
export async function exportCsv(page: Page, how: 'button' | 'shortcut' = 'button'): Promise<ExportedCsv> {
  const download = page.waitForEvent('download');
  if (how === 'button') await page.getByRole('button', { name: 'Export CSV' }).click();
  else await page.keyboard.press('Control+e');
  const file = await download;
  const bytes = readFileSync(await file.path());
  expect([...bytes.subarray(0, 3)], 'a UTF-8 BOM').toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString('utf8');
  expect(text.endsWith('\r\n'), 'CRLF line ends').toBe(true);
  const table = parse(text) as string[][];
  const header = table[0] ?? [];
  return { filename: file.suggestedFilename(), header, rows: table.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))) };
}

/**
 * The CSV is the table on screen: the header given, one line per body row, and `key` (a CSV
 * column) holding the text of the table's `cell`-th cell on each row, in the same order.
 */
export async function expectCsvMatchesTable(page: Page, tableName: string, csv: ExportedCsv, expected: { header: readonly string[]; key: string; cell: number }): Promise<void> {
  expect(csv.header).toEqual(expected.header);
  for (const h of csv.header) expect(h, 'snake_case column names').toMatch(/^[a-z][a-z0-9_]*$/);
  const body = page.getByRole('table', { name: tableName, exact: true }).locator('tbody tr[data-index]');
  const onScreen: string[] = [];
  for (const row of await body.all()) onScreen.push(((await row.getByRole('cell').nth(expected.cell).textContent()) ?? '').trim());
  expect(csv.rows).toHaveLength(onScreen.length);
  expect(csv.rows.map((r) => r[expected.key])).toEqual(onScreen);
}
