/** The Chromium the e2e tests drive: $CHROMIUM_PATH, Debian's /usr/bin/chromium, or Playwright's own. */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function findChromium(): string | null {
  const candidates = [process.env.CARDOPS_E2E_CHROMIUM, process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  try {
    candidates.push(chromium.executablePath());
  } catch {
    /* playwright-core has no browser of its own installed */
  }
  return candidates.find((p): p is string => !!p && existsSync(p)) ?? null;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no Chromium found: `apt-get install -y chromium`, or `npx playwright install chromium`, or set CHROMIUM_PATH');
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}
