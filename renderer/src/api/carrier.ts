import type { ConnectionState, Push, Result } from './types.js';

/** A way to reach the backend: Electron's preload or the browser twin's WebSocket. */
export interface Carrier {
  readonly kind: 'electron' | 'websocket';
  call(method: string, params: unknown): Promise<Result<unknown>>;
  onPush(listener: (push: Push) => void): () => void;
  onState(listener: (state: ConnectionState) => void): () => void;
  /** Try to connect now instead of waiting for the next back-off step. */
  retryNow(): void;
}

/** A tiny listener set. */
export function listeners<T>(): { add(l: (v: T) => void): () => void; emit(v: T): void } {
  const set = new Set<(v: T) => void>();
  return {
    add(l) {
      set.add(l);
      return () => set.delete(l);
    },
    emit(v) {
      for (const l of [...set]) l(v);
    },
  };
}

/** Resolves waiters once the link is open; calls made while it is down wait a little for it. */
export function openGate(): { open(): void; close(): void; wait(ms: number): Promise<boolean> } {
  let isOpen = false;
  let waiters: ((ok: boolean) => void)[] = [];
  return {
    open() {
      isOpen = true;
      const w = waiters;
      waiters = [];
      for (const resolve of w) resolve(true);
    },
    close() {
      isOpen = false;
    },
    wait(ms) {
      if (isOpen) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== done);
          resolve(false);
        }, ms);
        const done = (ok: boolean): void => {
          clearTimeout(timer);
          resolve(ok);
        };
        waiters.push(done);
      });
    },
  };
}

export const WAIT_FOR_LINK_MS = 10_000;

/** How long to wait before reconnect attempt `attempt` (1, 2, …): 250 ms, doubling, at most 10 s. */
export const backoffMs = (attempt: number): number => Math.min(10_000, 250 * 2 ** Math.max(0, attempt - 1));
