/**
 * Requests and replies over any message carrier: ids out, replies matched by id, pushes handed
 * on. Shared by the WebSocket carrier and the Electron preload. No DOM, no Node: plain TS.
 */
import type { AppError, Push, RequestMessage, Result, ServerMessage } from './types.js';

export const DISCONNECTED = 'DISCONNECTED';
export const OFFLINE = 'OFFLINE';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function isAppError(v: unknown): v is AppError {
  return isObject(v) && typeof v.code === 'string' && typeof v.message === 'string';
}

/** Checks a message from the backend before anything trusts its shape. */
export function asServerMessage(raw: unknown): ServerMessage | null {
  let v: unknown = raw;
  if (typeof raw === 'string') {
    try {
      v = JSON.parse(raw) as unknown;
    } catch {
      return null;
    }
  }
  if (!isObject(v)) return null;
  if (v.kind === 'push' && isObject(v.push) && typeof v.push.topic === 'string') return v as unknown as ServerMessage;
  if (v.kind === 'reply' && typeof v.id === 'number') {
    if (v.ok === true && 'result' in v) return v as unknown as ServerMessage;
    if (v.ok === false && isAppError(v.error)) return v as unknown as ServerMessage;
  }
  return null;
}

export interface Requester {
  call(method: string, params: unknown): Promise<Result<unknown>>;
  /** Feed every message from the backend here. */
  receive(raw: unknown): void;
  /** The link dropped: every request still waiting gets this error. */
  failAll(code: string, message: string): void;
  readonly pending: number;
}

export function createRequester(post: (message: RequestMessage) => void, onPush: (push: Push) => void): Requester {
  let nextId = 1;
  const waiting = new Map<number, (result: Result<unknown>) => void>();
  return {
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        try {
          post({ kind: 'request', id, method, params });
        } catch (e) {
          waiting.delete(id);
          resolve({ ok: false, error: { code: OFFLINE, message: `not connected to the CardOps backend (${e instanceof Error ? e.message : String(e)}): wait until it reconnects, then try again` } });
        }
      });
    },
    receive(raw) {
      const message = asServerMessage(raw);
      if (!message) return;
      if (message.kind === 'push') {
        onPush(message.push);
        return;
      }
      const resolve = waiting.get(message.id);
      if (!resolve) return;
      waiting.delete(message.id);
      resolve(message.ok ? { ok: true, value: message.result } : { ok: false, error: message.error });
    },
    failAll(code, message) {
      const all = [...waiting.values()];
      waiting.clear();
      for (const resolve of all) resolve({ ok: false, error: { code, message } });
    },
    get pending() {
      return waiting.size;
    },
  };
}
