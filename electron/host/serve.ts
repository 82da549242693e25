/**
 * Serving the protocol on one message port: one backend connection per port, closed with it.
 * No Electron import: the host adapts Electron's MessagePortMain to `PortLike`, and tests use
 * Node's MessageChannel.
 */
import type { Backend } from '../../domain/backend/backend.js';
import { serveMessage, type ServerMessage } from '../../domain/backend/protocol.js';

export interface PortLike {
  onMessage(listener: (data: unknown) => void): void;
  onClose(listener: () => void): void;
  postMessage(message: ServerMessage): void;
  start(): void;
}

export function servePort(backend: Backend, port: PortLike, origin = 'electron'): void {
  const connection = backend.connect({ origin });
  let open = true;
  const send = (m: ServerMessage): void => {
    if (open) port.postMessage(m);
  };
  const stopPushes = connection.onPush((push) => send({ kind: 'push', push }));
  port.onMessage((data) => void serveMessage(connection, data).then(send));
  port.onClose(() => {
    open = false;
    stopPushes();
    connection.close();
  });
  port.start();
}

/** What the host tells main about itself. */
export type HostStatus = { readonly kind: 'ready'; readonly dbPath: string } | { readonly kind: 'fatal'; readonly code: string; readonly message: string; readonly dbPath: string };
