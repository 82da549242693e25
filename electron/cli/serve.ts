/** `cardops serve` and `npm run web`: the browser build and the backend on 127.0.0.1. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listSegments } from '../../domain/eventstore/sqljs/journal.js';
import { openBackend } from '../../domain/open.js';
import { startWebServer, resolveRendererDir } from '../web/server.js';
import { startBackground } from '../platform/background.js';
import { CliError, closeStore, EXIT } from './io.js';

export async function serve(o: { path: string; port: number; build: boolean; json: boolean }): Promise<void> {
  if (!existsSync(o.path) && listSegments(o.path).length === 0) {
    throw new CliError(EXIT.failure, { code: 'STORE_NOT_FOUND', message: `there is no CardOps store at ${o.path}: create one with \`cardops init --db ${o.path}\` or \`cardops seed --db ${o.path} --accounts 1000\`` });
  }
  // $CARDOPS_RENDERER_DIR: a renderer built elsewhere (tests serve a stand-in page and build nothing).
  const given = process.env.CARDOPS_RENDERER_DIR;
  const staticDir = given || resolveRendererDir();
  if (o.build || (!given && !existsSync(join(staticDir, 'index.html')))) {
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
  // Ctrl+C or SIGTERM: stop taking requests, stop the background work, then close the store
  // (a last checkpoint, the lock released) and exit 0. A second signal while that runs changes
  // nothing; a failure on the way is said on stderr and the store is closed all the same.
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      for (const [what, step] of [
        ['stopping the web server', () => server.close()],
        ['stopping the background work', () => background.stop()],
      ] as const) {
        try {
          await step();
        } catch (e) {
          process.stderr.write(`cardops: warning: ${what} failed: ${e instanceof Error ? e.message : String(e)}\n`);
        }
      }
      await closeStore(() => backend.close());
      process.exit(EXIT.ok);
    })());
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
