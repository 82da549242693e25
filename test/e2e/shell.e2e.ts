/**
 * The shell's own logic, tested without Electron or a browser: who may send IPC, where the data
 * lives, the remembered window place, the browser twin's guards, and the backend host's port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import type { Backend } from '../../domain/backend/backend.js';
import type { ServerMessage } from '../../domain/backend/protocol.js';
import { openBackend } from '../../domain/open.js';
import { servePort } from '../../electron/host/serve.js';
import { parseWindowState, visibleOn } from '../../electron/main/bounds.js';
import { parseSaveRequest } from '../../electron/main/ipc.js';
import { isTrustedSender } from '../../electron/main/sender.js';
import { defaultDataDir, defaultDbPath } from '../../electron/platform/paths.js';
import { resolveInside } from '../../electron/web/static.js';
import { resolveRendererDir, startWebServer, type WebServer } from '../../electron/web/server.js';

describe('isTrustedSender', () => {
  it('trusts the app scheme and the dev server origin, nothing else', () => {
    expect(isTrustedSender('cardops://app/index.html', 'cardops://app')).toBe(true);
    expect(isTrustedSender('cardops://app/', 'cardops://app')).toBe(true);
    expect(isTrustedSender('cardops://evil/index.html', 'cardops://app')).toBe(false);
    expect(isTrustedSender('https://app/index.html', 'cardops://app')).toBe(false);
    expect(isTrustedSender('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isTrustedSender('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isTrustedSender('http://localhost.evil.com:5173/', 'http://localhost:5173')).toBe(false);
    expect(isTrustedSender('http://user:pw@localhost:5173/', 'http://localhost:5173')).toBe(false);
    expect(isTrustedSender('about:blank', 'cardops://app')).toBe(false);
    expect(isTrustedSender('', 'cardops://app')).toBe(false);
    expect(isTrustedSender(undefined, 'cardops://app')).toBe(false);
    expect(isTrustedSender('not a url', 'cardops://app')).toBe(false);
  });

  it('trusts a file:// page only inside the app folder', () => {
    const app = 'file:///opt/CardOps/resources/app/out/renderer/index.html';
    expect(isTrustedSender(app, app)).toBe(true);
    expect(isTrustedSender('file:///opt/CardOps/resources/app/out/renderer/other.html', app)).toBe(true);
    expect(isTrustedSender('file:///home/me/Downloads/evil.html', app)).toBe(false);
    expect(isTrustedSender('file:///opt/CardOps/resources/app/out/renderer/%2e%2e/%2e%2e/x.html', app)).toBe(false);
  });
});

describe('default data path', () => {
  it('follows each OS, and $CARDOPS_DB wins', () => {
    expect(defaultDataDir({ platform: 'linux', env: {}, home: '/home/ann' })).toBe('/home/ann/.config/CardOps');
    expect(defaultDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '/x/cfg' }, home: '/home/ann' })).toBe('/x/cfg/CardOps');
    expect(defaultDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: 'relative' }, home: '/home/ann' })).toBe('/home/ann/.config/CardOps');
    expect(defaultDataDir({ platform: 'darwin', env: {}, home: '/Users/ann' })).toBe('/Users/ann/Library/Application Support/CardOps');
    expect(defaultDataDir({ platform: 'win32', env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, home: 'C:\\Users\\ann' })).toBe('C:\\Users\\ann\\AppData\\Roaming\\CardOps');
    expect(defaultDbPath({ platform: 'win32', env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, home: 'C:\\Users\\ann' })).toBe('C:\\Users\\ann\\AppData\\Roaming\\CardOps\\cardops.db');
    expect(defaultDbPath({ platform: 'linux', env: {}, home: '/home/ann' })).toBe('/home/ann/.config/CardOps/cardops.db');
    expect(defaultDbPath({ platform: 'linux', env: { CARDOPS_DB: '/data/x.db' }, home: '/home/ann' })).toBe('/data/x.db');
  });
});

describe('window state and IPC payloads', () => {
  it('keeps a saved window only if it is still on a screen, and never smaller than the minimum', () => {
    const s = parseWindowState({ bounds: { x: 100, y: 50, width: 500, height: 400 }, maximized: true });
    expect(s).toEqual({ bounds: { x: 100, y: 50, width: 960, height: 600 }, maximized: true });
    expect(parseWindowState({ bounds: { x: 'a' } })).toBeNull();
    expect(parseWindowState(null)).toBeNull();
    const screenA = { x: 0, y: 0, width: 1920, height: 1080 };
    expect(visibleOn(s!, [screenA])).toBe(true);
    expect(visibleOn({ bounds: { x: 3000, y: 50, width: 1000, height: 700 }, maximized: false }, [screenA])).toBe(false);
    expect(visibleOn({ bounds: { x: 100, y: -500, width: 1000, height: 700 }, maximized: false }, [screenA])).toBe(false);
  });

  it('accepts a file name only, never a path, for Save', () => {
    expect(parseSaveRequest({ suggestedName: 'ops.csv', content: 'a,b' })).toEqual({ suggestedName: 'ops.csv', content: 'a,b' });
    expect(parseSaveRequest({ suggestedName: '../../etc/passwd', content: '' })?.suggestedName).toBe('_.._etc_passwd');
    expect(parseSaveRequest({ suggestedName: 'C:\\x\\y.csv', content: '' })?.suggestedName).toBe('C__x_y.csv');
    expect(parseSaveRequest({ suggestedName: 1, content: '' })).toBeNull();
    expect(parseSaveRequest('x')).toBeNull();
  });

  it('serves static files only from inside the renderer folder', () => {
    expect(resolveInside('/srv/r', '/assets/a.js')).toBe('/srv/r/assets/a.js');
    expect(resolveInside('/srv/r', '/../etc/passwd')).toBeNull();
    expect(resolveInside('/srv/r', '/%2e%2e/etc/passwd')).toBeNull();
    expect(resolveInside('/srv/r', '/%00')).toBeNull();
    expect(resolveInside('/srv/r', '/%E0%A4%A')).toBeNull();
  });
});

describe('the backend over a message port (the Electron host)', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await openBackend({});
    await seedDemo(backend.store, { accounts: 0, seed: 1 });
  });
  afterAll(async () => backend.close());

  it('answers requests by id, forwards pushes, and keeps a session per port', async () => {
    const { port1, port2 } = new MessageChannel();
    servePort(backend, {
      onMessage: (l) => port1.on('message', l),
      onClose: (l) => port1.on('close', l),
      postMessage: (m) => port1.postMessage(m),
      start: () => port1.start(),
    });
    const inbox: ServerMessage[] = [];
    port2.on('message', (m: ServerMessage) => inbox.push(m));
    const reply = async (id: number): Promise<ServerMessage> => {
      for (let i = 0; i < 200; i++) {
        const m = inbox.find((x) => x.kind === 'reply' && x.id === id);
        if (m) return m;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no reply ${id}`);
    };
    port2.postMessage({ kind: 'request', id: 1, method: 'operators.list', params: {} });
    expect(await reply(1)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    port2.postMessage({ kind: 'request', id: 2, method: 'auth.login', params: { operatorId: 'admin', password: 'demo' } });
    expect(await reply(2)).toMatchObject({ ok: true, result: { operatorId: 'admin', role: 'admin' } });
    port2.postMessage({ kind: 'request', id: 3, method: 'commands.execute', params: { command: { type: 'CreateOperator', operatorId: 'dana', displayName: 'Dana', role: 'agent', password: 'pass' } } });
    expect(await reply(3)).toMatchObject({ ok: true });
    for (let i = 0; i < 200 && !inbox.some((m) => m.kind === 'push'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(inbox.find((m) => m.kind === 'push')).toMatchObject({ kind: 'push', push: { topic: 'events', payload: { types: ['OperatorCreated'] } } });
    port2.postMessage('{not json');
    expect(await reply(-1)).toMatchObject({ ok: false, error: { code: 'MALFORMED_MESSAGE' } });
    port2.close();
  });
});

describe('the browser twin server', () => {
  let backend: Backend;
  let server: WebServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cardops-web-'));
    backend = await openBackend({});
    await seedDemo(backend.store, { accounts: 0, seed: 1 });
    server = await startWebServer({ backend, staticDir: resolveRendererDir() });
  });
  afterAll(async () => {
    await server.close();
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ws = (query: string, headers: Record<string, string>): Promise<'open' | number> =>
    new Promise((resolve) => {
      const s = new WebSocket(`${server.origin.replace('http', 'ws')}/ws${query}`, { headers });
      s.on('open', () => {
        s.close();
        resolve('open');
      });
      s.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      s.on('error', () => undefined);
    });

  it('prints a loopback URL with the token in its hash', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}$/);
  });

  it('opens a socket only with the token and its own Origin', async () => {
    expect(await ws(`?token=${server.token}`, { Origin: server.origin })).toBe('open');
    expect(await ws('?token=wrong', { Origin: server.origin })).toBe(403);
    expect(await ws('', { Origin: server.origin })).toBe(403);
    expect(await ws(`?token=${server.token}`, { Origin: 'http://evil.example' })).toBe(403);
    expect(await ws(`?token=${server.token}`, {})).toBe(403);
  });

  it('refuses a request for another Host (DNS rebinding) and sends a strict CSP', async () => {
    const ok = await fetch(server.origin + '/');
    expect(ok.status).toBe(200);
    const csp = ok.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      const req = request(server.origin + '/', { headers: { Host: 'evil.example' } }, (res) => resolve(res.statusCode ?? 0));
      req.end();
    });
    expect(status).toBe(421);
    expect((await fetch(server.origin + '/assets/nope.js')).status).toBe(404);
    expect((await fetch(server.origin + '/', { method: 'POST' })).status).toBe(405);
  });
});
