/**
 * HTML to PDF outside Electron (the CLI and the browser twin): Chromium through playwright-core,
 * found at $CHROMIUM_PATH or /usr/bin/chromium. The page gets no JavaScript and no network: the
 * summary is self-contained HTML.
 */
import { existsSync } from 'node:fs';
import type { BrowserType } from 'playwright-core';

export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const NO_CHROMIUM_MESSAGE =
  'making a PDF needs Chromium, and none was found at $CHROMIUM_PATH or /usr/bin/chromium: install it (`apt-get install -y chromium` on Debian or Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome executable';

export class PdfError extends Error {
  constructor(
    readonly code: 'NO_CHROMIUM' | 'PDF_FAILED',
    message: string,
  ) {
    super(message);
  }
}

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => !!p && existsSync(p)) ?? null;
}

export async function htmlToPdf(html: string): Promise<Buffer> {
  const executablePath = findChromium();
  if (!executablePath) throw new PdfError('NO_CHROMIUM', NO_CHROMIUM_MESSAGE);
  let chromium: BrowserType;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new PdfError('PDF_FAILED', 'making a PDF needs the npm package playwright-core: run `npm install` in the CardOps folder');
  }
  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  try {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true });
  } catch (e) {
    throw new PdfError('PDF_FAILED', `Chromium at ${executablePath} did not start (${e instanceof Error ? e.message.split('\n')[0] : String(e)}): reinstall it, or set CHROMIUM_PATH to another one`);
  }
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
  }
}
