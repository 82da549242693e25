/**
 * The app's own scheme, `cardops://app/`, serving the built renderer with a strict CSP header.
 * A custom scheme instead of file:// (Electron's security checklist, item 18): pages get a real
 * origin, and no other file on disk is reachable.
 */
import { stat, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { protocol } from 'electron';
import { contentSecurityPolicy, securityHeaders } from '../web/headers.js';
import { contentType, resolveInside } from '../web/static.js';

export const APP_SCHEME = 'cardops';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** Before `app.ready`: the scheme is standard (relative URLs work) and secure (a secure context). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export function serveAppProtocol(rendererDir: string): void {
  const headers = securityHeaders(contentSecurityPolicy([]));
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app' || request.method !== 'GET') return new Response('not found', { status: 404 });
    let file = resolveInside(rendererDir, url.pathname);
    if (!file) return new Response('bad path', { status: 400 });
    if (!(await isFile(file))) {
      if (extname(url.pathname) && extname(url.pathname) !== '.html') return new Response('not found', { status: 404 });
      file = join(rendererDir, 'index.html');
    }
    return new Response(await readFile(file), { status: 200, headers: { ...headers, 'Content-Type': contentType(file) } });
  });
}
