/** `cardops serve` and `npm run web`: the browser build and the backend on 127.0.0.1. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listSegments } from '../../domain/eventstore/sqljs/journal.js';
import { openBackend } from '../../domain/open.js';
import { startWebServer, resolveRendererDir } from '../web/server.js';
import { startBackground } from '../platform/background.js';
import { CliError, EXIT } from './io.js';

export async function serve(o: { path: string; port: number; build: boolean; json: boolean }): Promise<void> {
  if (!existsSync(o.path) && listSegments(o.path).length === 0) {
    throw new CliError(EXIT.failure, { code: 'STORE_NOT_FOUND', message: `there is no CardOps store at ${o.path}: create one with \`cardops init --db ${o.path}\` or \`cardops seed --db ${o.path} --accounts 1000\`` });
  }
  const staticDir = resolveRendererDir();
  if (o.build || !existsSync(join(staticDir, 'index.html'))) {
    process.stderr.write('Building the renderer…\n');
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new CliError(EXIT.failure, { code: 'BUILD_FAILED', message: 'the renderer build failed (see above)' });
  }
  const backend = await openBackend({ path: o.path });
  const server = await startWebServer({ backend, port: o.port, staticDir });
  const background = startBackground(backend, o.path);
  if (o.json) process.stdout.write(`${JSON.stringify({ ok: true, db: o.path, url: server.url })}\n`);
  else process.stdout.write(`CardOps is serving ${o.path}\nOpen ${server.url}\nPress Ctrl+C to stop.\n`);
  const stop = async (): Promise<void> => {
    await server.close();
    await background.stop();
    await backend.close();
    process.exit(EXIT.ok);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
