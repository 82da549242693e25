/**
 * The browser twin's server: the built renderer as static files and the backend's message
 * protocol over a WebSocket at `/ws`, on the loopback interface only.
 *
 * A browser tab is not the sandboxed Electron window, so the socket is guarded: it accepts only
 * a client that presents this launch's random token and whose Origin is this server's own
 * origin (so another web page open in the same browser cannot drive the back office), and every
 * request must name this server by its loopback host (no DNS rebinding).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Backend } from '../../domain/backend/backend.js';
import { MAX_MESSAGE_BYTES, serveMessage, type ServerMessage } from '../../domain/backend/protocol.js';
import { contentSecurityPolicy, securityHeaders, webConnectSources } from './headers.js';
import { isReportRequest, serveReport } from './reports.js';
import { serveStatic } from './static.js';

export { resolveRendererDir } from './rendererDir.js';

export interface WebServerOptions {
  readonly backend: Backend;
  /** 0 (the default) picks any free port. */
  readonly port?: number;
  /** The built renderer: `resolveRendererDir()`. */
  readonly staticDir: string;
  /** Loopback only; anything else is refused. */
  readonly host?: string;
}

export interface WebServer {
  /** Open this in a browser: it carries the token in its hash, which never reaches a server log. */
  readonly url: string;
  readonly token: string;
  readonly origin: string;
  /** Drops every socket; the pages reconnect by themselves (and must sign in again). */
  disconnectAll(): void;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const HEARTBEAT_MS = 30_000;

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`the browser twin listens on this machine only: use 127.0.0.1, not ${host}`);
  const token = randomBytes(32).toString('base64url');
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let origin = '';
  let hosts = new Set<string>();

  const server: Server = createServer((req, res) => {
    if (!hosts.has(req.headers.host ?? '')) return refuse(res, 421, 'this server answers only to its own loopback address');
    if (isReportRequest(req)) return void serveReport(req, res, options.backend);
    serveStatic(options.staticDir, req, res, securityHeaders(contentSecurityPolicy(webConnectSources(origin)))).catch((e: unknown) => {
      if (!res.headersSent) refuse(res, 500, `could not read the file: ${e instanceof Error ? e.message : String(e)}`);
      else res.destroy();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const why = upgradeRefusal(req, { token, origin, hosts });
    if (why) {
      socket.end(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${why}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, options.backend, sockets));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host === '::1' ? '[::1]' : host;
  origin = `http://${hostInUrl}:${port}`;
  hosts = new Set([`${hostInUrl}:${port}`, `localhost:${port}`]);

  const heartbeat = setInterval(() => {
    for (const ws of sockets) {
      const w = ws as WebSocket & { cardopsAlive?: boolean };
      if (w.cardopsAlive === false) ws.terminate();
      else {
        w.cardopsAlive = false;
        ws.ping();
      }
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    url: `${origin}/#token=${token}`,
    token,
    origin,
    disconnectAll() {
      for (const ws of sockets) ws.terminate();
    },
    async close() {
      clearInterval(heartbeat);
      for (const ws of sockets) ws.close(1001, 'the server is shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const ws of sockets) ws.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(`${message}\n`);
}

/** Why an upgrade request is refused, or null when it may open a socket. */
export function upgradeRefusal(req: IncomingMessage, expected: { token: string; origin: string; hosts: ReadonlySet<string> }): string | null {
  const url = new URL(req.url ?? '/', expected.origin);
  if (url.pathname !== '/ws') return 'no such socket: the CardOps socket is /ws';
  if (!expected.hosts.has(req.headers.host ?? '')) return 'wrong Host: this server answers only to its own loopback address';
  if (req.headers.origin !== expected.origin) return `wrong Origin: only pages served by ${expected.origin} may connect`;
  const given = Buffer.from(url.searchParams.get('token') ?? '');
  const want = Buffer.from(expected.token);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return 'wrong or missing token: open the URL that `cardops serve` printed';
  return null;
}

/** One socket, one backend connection: its own session, closed with the socket. */
function attach(ws: WebSocket, backend: Backend, sockets: Set<WebSocket>): void {
  sockets.add(ws);
  const alive = ws as WebSocket & { cardopsAlive?: boolean };
  alive.cardopsAlive = true;
  ws.on('pong', () => (alive.cardopsAlive = true));
  const connection = backend.connect({ origin: 'web' });
  const send = (m: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };
  const stopPushes = connection.onPush((push) => send({ kind: 'push', push }));
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      send({ kind: 'reply', id: -1, ok: false, error: { code: 'MALFORMED_MESSAGE', message: 'send requests as JSON text, not binary' } });
      return;
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    void serveMessage(connection, text).then(send);
  });
  ws.on('close', () => {
    sockets.delete(ws);
    stopPushes();
    connection.close();
  });
  ws.on('error', () => ws.terminate());
}
