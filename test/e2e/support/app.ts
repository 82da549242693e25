/**
 * A real CardOps for a test file: a new store seeded with the demo operators (password `demo`),
 * the real backend over it, and the browser twin's server serving the built renderer.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../../../domain/backend/backend.js';
import { seedDemo } from '../../../domain/backend/bootstrap.js';
import { openBackend, openStore } from '../../../domain/open.js';
import { findAppRoot, resolveRendererDir } from '../../../electron/web/rendererDir.js';
import { startWebServer, type WebServer } from '../../../electron/web/server.js';

export interface TestApp {
  readonly server: WebServer;
  readonly backend: Backend;
  readonly dbPath: string;
  close(): Promise<void>;
}

/** Seeds through the CLI (`cardops seed`) when it exists, as a user would; in-process otherwise. */
async function seed(dbPath: string): Promise<void> {
  const root = findAppRoot();
  if (existsSync(join(root, 'electron/cli/main.ts'))) {
    const r = spawnSync(process.execPath, [join(root, 'bin/cardops.js'), 'seed', '--db', dbPath, '--accounts', '0'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`cardops seed failed (exit ${String(r.status)}):\n${r.stdout}\n${r.stderr}`);
    return;
  }
  const store = await openStore({ path: dbPath });
  try {
    await seedDemo(store, { accounts: 0, seed: 1 });
  } finally {
    await store.close();
  }
}

export async function startTestApp(): Promise<TestApp> {
  const staticDir = resolveRendererDir();
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error(`the renderer is not built (${staticDir}): run the e2e tests with \`npm run test:e2e\`, which builds it`);
  const dir = mkdtempSync(join(tmpdir(), 'cardops-e2e-'));
  const dbPath = join(dir, 'cardops.db');
  await seed(dbPath);
  const backend = await openBackend({ path: dbPath });
  const server = await startWebServer({ backend, staticDir });
  return {
    server,
    backend,
    dbPath,
    async close() {
      await server.close();
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A CardOps on a new, empty store (no operator yet): the app offers its first-run setup. */
export async function startEmptyTestApp(): Promise<TestApp> {
  const staticDir = resolveRendererDir();
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error(`the renderer is not built (${staticDir}): run the e2e tests with \`npm run test:e2e\`, which builds it`);
  const dir = mkdtempSync(join(tmpdir(), 'cardops-e2e-empty-'));
  const dbPath = join(dir, 'cardops.db');
  const backend = await openBackend({ path: dbPath });
  const server = await startWebServer({ backend, staticDir });
  return {
    server,
    backend,
    dbPath,
    async close() {
      await server.close();
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
