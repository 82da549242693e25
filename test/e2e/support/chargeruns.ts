/**
 * A CardOps for the charge-run tests: a store seeded by `cardops seed --accounts N` (realistic
 * accounts, cards in every state), a backend that runs charge runs in small batches (so the
 * progress moves visibly), and the browser twin over it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from '../../../domain/backend/backend.js';
import { openBackend } from '../../../domain/open.js';
import { findAppRoot, resolveRendererDir } from '../../../electron/web/rendererDir.js';
import { startWebServer } from '../../../electron/web/server.js';
import type { TestApp } from './app.js';

export async function startChargeRunApp(options: { accounts: number; seed?: number; batchSize: number }): Promise<TestApp> {
  const staticDir = resolveRendererDir();
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error(`the renderer is not built (${staticDir}): run the e2e tests with \`npm run test:e2e\`, which builds it`);
  const dir = mkdtempSync(join(tmpdir(), 'cardops-e2e-cr-'));
  const dbPath = join(dir, 'cardops.db');
  const root = findAppRoot();
  const r = spawnSync(process.execPath, [join(root, 'bin/cardops.js'), 'seed', '--db', dbPath, '--accounts', String(options.accounts), '--seed', String(options.seed ?? 1)], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`cardops seed failed (exit ${String(r.status)}):\n${r.stdout}\n${r.stderr}`);
  const backend = await openBackend({ path: dbPath, chargeRunBatchSize: options.batchSize });
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

/** A backend connection signed in as a demo operator, for setting up what a test does not click. */
export async function signedIn(app: TestApp, operatorId: string): Promise<Connection> {
  const c = app.backend.connect({ origin: 'test' });
  const r = await c.call('auth.login', { operatorId, password: 'demo' });
  if (!r.ok) throw new Error(`${operatorId} could not sign in: ${r.error.message}`);
  return c;
}

export async function execute(c: Connection, command: Record<string, unknown>): Promise<void> {
  const r = await c.call('commands.execute', { command });
  if (!r.ok) throw new Error(`${String(command.type)} was refused: ${r.error.code} ${r.error.message}`);
}
