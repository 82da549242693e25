/**
 * The shell's carriers, tested without Electron or a browser: the backend host's message port
 * and the browser twin's server (token, Origin, Host and CSP guards). The pure helpers (who may
 * send IPC, Save requests, data paths, static-file paths, the window's place) are unit tests:
 * test/unit/sender.test.ts and test/unit/paths.test.ts.
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
import { resolveRendererDir, startWebServer, type WebServer } from '../../electron/web/server.js';

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
    port2.postMessage({ kind: 'request', id: 3, method: 'commands.execute', params: { command: { type: 'CreateOperator', operatorId: 'dana', displayName: 'Dana', role: 'agent', password: 'dana-long-pass' } } });
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
