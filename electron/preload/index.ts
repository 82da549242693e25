/**
 * The preload: exposes exactly the typed API as `window.cardops` (CardOpsBridge), and nothing of
 * ipcRenderer. It holds the MessagePort to the backend host that main hands each page load;
 * requests and replies are matched by id here, pushes are handed to the page's listeners.
 * Sandboxed: bundled into one CommonJS file, with only `electron` required at run time.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { listeners, openGate, WAIT_FOR_LINK_MS } from '../../renderer/src/api/carrier.js';
import { createRequester, DISCONNECTED, OFFLINE } from '../../renderer/src/api/requests.js';
import type { ApiMethod, CardOpsBridge, ConnectionState, Params, Push, Reply, SaveFileResult, SaveInvoicePdfRequest, SaveReportRequest, ShellCommand, ThemePreference } from '../../renderer/src/api/types.js';
import { CH } from '../main/ipc.js';

/** The DOM MessagePort the page side gets, as much of it as this file uses. */
interface PagePort {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

const pushes = listeners<Push>();
const states = listeners<ConnectionState>();
const shellCommands = listeners<ShellCommand>();
let state: ConnectionState = 'connecting';
let port: PagePort | null = null;
const gate = openGate();

function setState(next: ConnectionState): void {
  if (next === state) return;
  state = next;
  if (next === 'open') gate.open();
  else gate.close();
  states.emit(next);
}

const requester = createRequester((message) => {
  if (!port) throw new Error('no port to the backend');
  port.postMessage(message);
}, pushes.emit);

ipcRenderer.on(CH.port, (event) => {
  const next = event.ports[0] as unknown as PagePort | undefined;
  if (!next) return;
  port?.close();
  port = next;
  next.onmessage = (e) => requester.receive(e.data);
  next.start();
  setState('open');
});

ipcRenderer.on(CH.state, (_event, value: unknown) => {
  if (value !== 'reconnecting' && value !== 'closed') return;
  port?.close();
  port = null;
  requester.failAll(DISCONNECTED, 'the CardOps backend stopped before the answer came; it is restarting. Check whether it was done before you repeat it');
  setState(value);
});

const SHELL_TYPES = new Set(['export', 'theme', 'shortcuts', 'search']);
ipcRenderer.on(CH.shell, (_event, value: unknown) => {
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && SHELL_TYPES.has(type)) shellCommands.emit(value as ShellCommand);
});

/** Waits briefly for the link (first load, or a host restart) before giving up on a call. */
async function call<M extends ApiMethod>(method: M, params: Params<M>): Promise<Reply<M>> {
  if (!(await gate.wait(WAIT_FOR_LINK_MS))) {
    return { ok: false, error: { code: OFFLINE, message: 'the CardOps backend is not running: wait a moment, then try again' } };
  }
  return requester.call(method, params) as Promise<Reply<M>>;
}

const bridge = {
  call,
  onPush: (listener: (push: Push) => void) => pushes.add(listener),
  onState(listener: (s: ConnectionState) => void) {
    listener(state);
    return states.add(listener);
  },
  onShellCommand: (listener: (c: ShellCommand) => void) => shellCommands.add(listener),
  saveFile: (request: { suggestedName: string; content: string }) => ipcRenderer.invoke(CH.saveFile, request) as Promise<SaveFileResult>,
  saveReport: (request: SaveReportRequest) => ipcRenderer.invoke(CH.saveReport, request) as Promise<SaveFileResult>,
  // Only the invoice's name crosses: main prints the sender's own window, nothing the page picks.
  saveInvoicePdf: (request: SaveInvoicePdfRequest) => ipcRenderer.invoke(CH.saveInvoicePdf, { invoice: request.invoice }) as Promise<SaveFileResult>,
  setTheme: (theme: ThemePreference) => ipcRenderer.send(CH.setTheme, theme),
} satisfies CardOpsBridge;

contextBridge.exposeInMainWorld('cardops', bridge);
ipcRenderer.send(CH.ready);
