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
}

export function createClient(carrier: Carrier): ApiClient {
  const call = <M extends ApiMethod>(method: M, params: Params<M>): Promise<Reply<M>> =>
    // The carrier checked the reply's envelope; its result has the type the Api map gives this method.
    carrier.call(method, params) as Promise<Reply<M>>;
  return {
    kind: carrier.kind,
    call,
    execute: (command, commandId) => call('commands.execute', { command, ...(commandId ? { commandId } : {}) }),
    onPush: (l) => carrier.onPush(l),
    onState: (l) => carrier.onState(l),
    retryNow: () => carrier.retryNow(),
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
