#!/usr/bin/env node
// `npm run test:e2e`: finds a Chromium, builds the app (renderer, main, host, preload) when it
// is missing or older than its sources, then runs the e2e project (test/e2e/*.e2e.ts) with
// vitest. Each test file seeds its own store and starts its own browser-twin server.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  try {
    candidates.push(require('playwright-core').chromium.executablePath());
  } catch {
    // playwright-core has no browser of its own
  }
  return candidates.find((p) => p && existsSync(p)) ?? null;
}

/** The newest modification time under `path` (a file or a folder). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

const chromium = findChromium();
if (!chromium) {
  process.stderr.write(
    [
      'No Chromium found for the e2e tests. Get one of:',
      '  apt-get install -y chromium          (Debian/Ubuntu; then it is /usr/bin/chromium)',
      '  npx playwright install chromium      (Playwright’s own build)',
      'or point CHROMIUM_PATH at a Chromium or Chrome executable.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

// The tests use the built renderer and the built backend host (which bundles domain/).
const outputs = ['out/renderer/index.html', 'out/main/index.js', 'out/main/host.js', 'out/preload/index.cjs'].map((p) => join(root, p));
const inputs = ['renderer', 'electron/main', 'electron/host', 'electron/preload', 'electron/platform', 'electron/web', 'domain', 'electron.vite.config.ts', 'package.json'];
const sources = Math.max(...inputs.map((p) => newest(join(root, p))));
const stale = () => outputs.some((p) => !existsSync(p) || statSync(p).mtimeMs < sources);
if (stale()) {
  // Two runs at once (two terminals) must not build into out/ together: the first takes a lock
  // folder, the other waits for it and then builds only if out/ is still stale.
  const lock = join(root, '.e2e-build.lock');
  const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      else sleep(500);
    }
  }
  try {
    if (stale()) {
      process.stdout.write('Building the app (out/ is missing or older than its sources)…\n');
      const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
      if (r.status !== 0) {
        process.stderr.write('The renderer build failed (see above).\n');
        rmSync(lock, { recursive: true, force: true });
        process.exit(r.status ?? 1);
      }
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

process.stdout.write(`e2e: Chromium at ${chromium}\n`);
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', '--config', join(root, 'test', 'e2e', 'vitest.config.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CARDOPS_E2E_CHROMIUM: chromium },
});
process.exit(r.status ?? 1);
