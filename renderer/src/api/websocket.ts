/**
 * The browser twin's carrier: the protocol over a WebSocket to the server that served this page.
 * It reconnects with back-off; requests in flight when the socket drops get a DISCONNECTED error
 * (a command may or may not have been done: the client resends it with the same command id).
 */
import { backoffMs, listeners, openGate, WAIT_FOR_LINK_MS, type Carrier } from './carrier.js';
import { createRequester, DISCONNECTED, OFFLINE } from './requests.js';
import type { ConnectionState, Push } from './types.js';

export function websocketCarrier(url: string): Carrier {
  const pushes = listeners<Push>();
  const states = listeners<ConnectionState>();
  let state: ConnectionState = 'connecting';
  let socket: WebSocket | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gate = openGate();

  const setState = (s: ConnectionState): void => {
    if (s === state) return;
    state = s;
    if (s === 'open') gate.open();
    else gate.close();
    states.emit(s);
  };

  const requester = createRequester((message) => {
    if (!socket || socket.readyState !== WebSocket.OPEN) throw new Error('the connection is down');
    socket.send(JSON.stringify(message));
  }, pushes.emit);

  function connect(): void {
    clearTimeout(timer);
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setState('open');
    };
    ws.onmessage = (e: MessageEvent<unknown>) => requester.receive(e.data);
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      requester.failAll(DISCONNECTED, 'the connection to CardOps dropped before the answer came: check whether it was done before you repeat it');
      attempt++;
      setState('reconnecting');
      timer = setTimeout(connect, backoffMs(attempt));
    };
  }
  connect();

  return {
    kind: 'websocket',
    async call(method, params) {
      if (!(await gate.wait(WAIT_FOR_LINK_MS))) return { ok: false, error: { code: OFFLINE, message: 'not connected to CardOps: wait until it reconnects, then try again' } };
      return requester.call(method, params);
    },
    onPush: pushes.add,
    onState(l) {
      l(state);
      return states.add(l);
    },
    retryNow() {
      if (state !== 'open' && socket?.readyState !== WebSocket.CONNECTING) connect();
    },
  };
}

/**
 * The access token `cardops serve` put in the URL's hash. It is kept for this tab (so a reload
 * works) and removed from the address bar (so it does not end up in a screenshot or a bookmark).
 */
export function takeToken(location: Location, storage: Storage, history: History): string | null {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (fromHash) {
    storage.setItem('cardops.token', fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return storage.getItem('cardops.token');
}

export function socketUrl(location: Location, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`;
}
