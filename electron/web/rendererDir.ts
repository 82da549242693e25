/** Finds the built renderer (`out/renderer`) of this checkout, wherever the caller runs from. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (or packaged app) root: the nearest folder up whose package.json is CardOps's. */
export function findAppRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'cardops') return dir;
      } catch {
        /* not ours; keep looking */
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find CardOps's package.json above ${from}`);
    dir = up;
  }
}

/** `<repo>/out/renderer`, where `electron-vite build` puts the renderer. It may not exist yet. */
export function resolveRendererDir(): string {
  return join(findAppRoot(), 'out', 'renderer');
}
