/**
 * The typed API client: the only way the renderer reaches the backend. Each method's params and
 * result types come from the domain's `Api` map (types only).
 */
import type { Carrier } from './carrier.js';
import { electronCarrier } from './electron.js';
import type { ApiMethod, CardOpsBridge, Command, ConnectionState, Params, Push, Reply } from './types.js';
import { socketUrl, takeToken, websocketCarrier } from './websocket.js';

export interface ApiClient {
  readonly kind: Carrier['kind'];
  call<M extends ApiMethod>(method: M, params: Params<M>): Promise<Reply<M>>;
  /** Runs a command. Pass the same `commandId` to repeat one safely: the backend does it once. */
  execute(command: Command, commandId?: string): Promise<Reply<'commands.execute'>>;
  onPush(listener: (push: Push) => void): () => void;
  onState(listener: (state: ConnectionState) => void): () => void;
  retryNow(): void;
  /** Called when any call answers SESSION_EXPIRED (the session was idle too long): the app goes back to sign-in. */
  onSessionExpired(listener: (message: string) => void): () => void;
}

export function createClient(carrier: Carrier): ApiClient {
  const expired = new Set<(message: string) => void>();
  const call = async <M extends ApiMethod>(method: M, params: Params<M>): Promise<Reply<M>> => {
    // The carrier checked the reply's envelope; its result has the type the Api map gives this method.
    const r = (await carrier.call(method, params)) as Reply<M>;
    if (!r.ok && r.error.code === 'SESSION_EXPIRED') expired.forEach((l) => l(r.error.message));
    return r;
  };
  return {
    kind: carrier.kind,
    call,
    execute: (command, commandId) => call('commands.execute', { command, ...(commandId ? { commandId } : {}) }),
    onPush: (l) => carrier.onPush(l),
    onState: (l) => carrier.onState(l),
    retryNow: () => carrier.retryNow(),
    onSessionExpired(listener) {
      expired.add(listener);
      return () => expired.delete(listener);
    },
  };
}

declare global {
  interface Window {
    /** Present only in the Electron app (the preload exposes it). */
    readonly cardops?: CardOpsBridge;
  }
}

export type Startup = { readonly ok: true; readonly client: ApiClient } | { readonly ok: false; readonly reason: 'no-token' };

/** Electron's bridge when the preload gave one, else the browser twin's WebSocket. */
export function connectClient(): Startup {
  if (window.cardops) return { ok: true, client: createClient(electronCarrier(window.cardops)) };
  const token = takeToken(window.location, window.sessionStorage, window.history);
  if (!token) return { ok: false, reason: 'no-token' };
  return { ok: true, client: createClient(websocketCarrier(socketUrl(window.location, token))) };
}

let current: ApiClient | undefined;
export function installClient(client: ApiClient): void {
  current = client;
}
export function useApi(): ApiClient {
  if (!current) throw new Error('the API client is not installed yet');
  return current;
}
