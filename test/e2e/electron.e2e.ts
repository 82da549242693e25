/**
 * The desktop app itself, driven by Playwright's Electron support. It needs the Electron binary,
 * which cannot be downloaded on our CI machines: the test skips itself, saying so, unless the
 * binary is on disk. (It never imports or requires `electron` to find out: that tries a download.)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { findAppRoot } from '../../electron/web/rendererDir.js';

const root = findAppRoot();

/** The Electron executable electron's installer put on disk, or why there is none. */
function electronBinary(): { path: string } | { missing: string } {
  const pathTxt = join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathTxt)) return { missing: 'node_modules/electron/path.txt is absent (installed with ELECTRON_SKIP_BINARY_DOWNLOAD)' };
  const exe = join(root, 'node_modules', 'electron', 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(exe) ? { path: exe } : { missing: `${exe} does not exist` };
}

const binary = electronBinary();
const built = existsSync(join(root, 'out', 'main', 'index.js')) && existsSync(join(root, 'out', 'preload', 'index.cjs'));
const reason = 'missing' in binary ? `no Electron binary: ${binary.missing}. Run \`npm install\` without ELECTRON_SKIP_BINARY_DOWNLOAD to test the desktop app.` : built ? '' : 'the app is not built: run `npm run build` first';

if (reason) process.stdout.write(`electron.e2e.ts skipped: ${reason}\n`);

describe.skipIf(reason !== '')('the Electron app', () => {
  it('opens one sandboxed window on cardops://app with the sign-in form, and signs in through the backend host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardops-electron-'));
    const exe = 'path' in binary ? binary.path : '';
    const app = await _electron.launch({
      executablePath: exe,
      args: [root, ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
      env: { ...process.env, CARDOPS_DB: join(dir, 'cardops.db'), XDG_CONFIG_HOME: dir },
    });
    try {
      const page = await app.firstWindow();
      expect(page.url()).toBe('cardops://app/index.html');
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await page.evaluate(() => Object.keys((globalThis as { cardops?: object }).cardops ?? {}).sort())).toEqual(['call', 'onPush', 'onShellCommand', 'onState', 'saveFile', 'setTheme']);
      await page.getByRole('form', { name: 'Sign in' }).waitFor();
      // An empty store has no operators: the sign-in is refused by the real backend, with its code.
      await page.getByLabel('Operator name').fill('admin');
      await page.getByLabel('Password', { exact: true }).fill('demo');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'BAD_CREDENTIALS' }).waitFor();
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
