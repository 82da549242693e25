/** What the e2e tests do to a page: sign in, take screenshots in both themes, scan with axe. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { findAppRoot } from '../../../electron/web/rendererDir.js';
import type { TestApp } from './app.js';

export const SCREENSHOTS = join(findAppRoot(), 'test-results', 'screenshots');

export async function openApp(browser: Browser, app: TestApp, colorScheme: 'light' | 'dark' = 'light'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  (page as Page & { cardopsErrors?: string[] }).cardopsErrors = errors;
  await page.goto(app.server.url);
  return { context, page };
}

/** Console errors and uncaught exceptions the page had: a test ends with none. */
export const pageErrors = (page: Page): string[] => (page as Page & { cardopsErrors?: string[] }).cardopsErrors ?? [];

/** Waits until `check` holds (hooks may not use expect.poll). */
export async function until(check: () => Promise<boolean> | boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function signIn(page: Page, operator: string, password = 'demo'): Promise<void> {
  await page.getByLabel('Operator name').fill(operator);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await until(() => page.getByRole('navigation', { name: 'Main' }).isVisible(), `${operator} to be signed in`);
}

/** Serious and critical accessibility violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact ?? '?'}): ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join(', ')}`);
}

/**
 * A screenshot of the screen in light and in dark, each scanned by axe. Returns to the
 * scheme it found.
 */
export async function checkScreen(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await until(async () => (await page.locator('html').getAttribute('data-theme')) === scheme, `the ${scheme} theme`);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${scheme}.png`) });
    expect(await axeViolations(page), `axe on ${name} (${scheme})`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The searchbox's placeholder fits in the box (its text, in the box's font, within the content width): not cut off. */
export async function placeholderFits(page: Page, searchbox: string): Promise<{ text: number; room: number }> {
  return page.getByRole('searchbox', { name: searchbox }).evaluate((el) => {
    const input = el as HTMLInputElement;
    const s = getComputedStyle(input);
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const text = Math.ceil(ctx.measureText(input.placeholder).width);
    const room = Math.floor(input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight));
    return { text, room };
  });
}
