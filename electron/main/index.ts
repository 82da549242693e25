/**
 * Electron main: one window on the app's own scheme, hardened per Electron's security
 * checklist (docs/electron-security.md), the backend in a utility process, and a menu.
 */
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, screen, session, shell, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron';
import { defaultDataDir, defaultDbPath } from '../platform/paths.js';
import { DEFAULT_SIZE, loadWindowState, MIN_SIZE, saveWindowState, visibleOn } from './bounds.js';
import { superviseHost, type HostSupervisor } from './host.js';
import { CH, isTheme, parseInvoicePdfRequest, parseSaveRequest, type Theme } from './ipc.js';
import { saveInvoicePdf } from './invoicePdf.js';
import { buildMenu } from './menu.js';
import { parseSaveReportRequest } from '../host/reportProtocol.js';
import { saveReport } from './reports.js';
import { APP_ORIGIN, registerAppScheme, serveAppProtocol } from './protocol.js';
import { isTrustedSender } from './sender.js';

const here = import.meta.dirname;
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
/** The one origin whose pages may use IPC and be navigated to. */
const trustedOrigin = devUrl ? new URL(devUrl).origin : APP_ORIGIN;
const stateFile = join(defaultDataDir(), 'window-state.json');

let mainWindow: BrowserWindow | null = null;
let host: HostSupervisor | null = null;
let theme: Theme = 'system';

registerAppScheme();
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // Another CardOps owns the store: bring its window forward instead of starting a second one.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_e, contents) => lockDown(contents));
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (e) => {
    if (!host) return;
    e.preventDefault();
    const h = host;
    host = null;
    void h.stop().finally(() => app.quit());
  });
  void app.whenReady().then(start);
}

function trusted(e: IpcMainEvent | IpcMainInvokeEvent): boolean {
  const frame = e.senderFrame;
  return frame !== null && frame.parent === null && isTrustedSender(frame.url, trustedOrigin);
}

/** No navigation away from the app, no new windows, no <webview>. */
function lockDown(contents: Electron.WebContents): void {
  const stay = (e: Electron.Event, url: string): void => {
    if (!isTrustedSender(url, trustedOrigin)) e.preventDefault();
  };
  contents.on('will-navigate', stay);
  contents.on('will-redirect', stay);
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function start(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.setDevicePermissionHandler(() => false);
  if (!devUrl) serveAppProtocol(join(here, '../renderer'));

  host = superviseHost({ entry: join(here, 'host.js'), onFatal: askAfterFatal });
  ipcMain.on(CH.ready, (e) => {
    if (trusted(e)) host?.connect(e.sender);
  });
  ipcMain.on(CH.setTheme, (e, value: unknown) => {
    if (trusted(e) && isTheme(value)) applyTheme(value, false);
  });
  ipcMain.handle(CH.saveFile, async (e, request: unknown) => {
    if (!trusted(e)) throw new Error('refused: this page is not CardOps');
    const r = parseSaveRequest(request);
    if (!r) throw new Error('refused: a save needs a file name and text content');
    return saveFile(r.suggestedName, r.content);
  });
  ipcMain.handle(CH.saveReport, async (e, request: unknown) => {
    if (!trusted(e)) throw new Error('refused: this page is not CardOps');
    const r = parseSaveReportRequest(request);
    if (!r) throw new Error('refused: a report needs a ticket, a file name and a format (csv, xlsx or pdf)');
    if (!host) throw new Error('the CardOps backend is not running: wait a moment, then try again');
    return saveReport(mainWindow, r, host.report);
  });
  ipcMain.handle(CH.saveInvoicePdf, async (e, request: unknown) => {
    if (!trusted(e)) throw new Error('refused: this page is not CardOps');
    const r = parseInvoicePdfRequest(request);
    if (!r) throw new Error("refused: an invoice PDF needs the invoice's number or id");
    // The sender's own window: a page can print itself, never another window.
    return saveInvoicePdf(e.sender, r.fileName);
  });

  refreshMenu();
  mainWindow = createWindow();
  app.on('activate', () => {
    if (!BrowserWindow.getAllWindows().length) mainWindow = createWindow();
  });
}

function createWindow(): BrowserWindow {
  const saved = loadWindowState(stateFile);
  const fits = saved && visibleOn(saved, screen.getAllDisplays().map((d) => d.workArea)) ? saved : null;
  const win = new BrowserWindow({
    ...(fits ? fits.bounds : DEFAULT_SIZE),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'CardOps',
    show: false,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#0f1215' : '#f4f5f7',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  if (fits?.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());

  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = (): void => {
    try {
      saveWindowState(stateFile, { bounds: win.getNormalBounds(), maximized: win.isMaximized() });
    } catch {
      /* a read-only data folder must not stop the app */
    }
  };
  const saveSoon = (): void => {
    clearTimeout(timer);
    timer = setTimeout(save, 400);
  };
  win.on('resize', saveSoon);
  win.on('move', saveSoon);
  win.on('maximize', saveSoon);
  win.on('unmaximize', saveSoon);
  win.on('close', () => {
    clearTimeout(timer);
    save();
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(devUrl ?? `${APP_ORIGIN}/index.html`);
  return win;
}

function send(command: unknown): void {
  mainWindow?.webContents.send(CH.shell, command);
}

function applyTheme(value: Theme, tellRenderer: boolean): void {
  theme = value;
  nativeTheme.themeSource = value;
  refreshMenu();
  if (tellRenderer) send({ type: 'theme', theme: value });
}

function refreshMenu(): void {
  Menu.setApplicationMenu(
    buildMenu(
      {
        exportView: () => send({ type: 'export' }),
        setTheme: (t) => applyTheme(t, true),
        showShortcuts: () => send({ type: 'shortcuts' }),
        search: () => send({ type: 'search' }),
        about: () => void about(),
        openDataFolder: () => void openDataFolder(),
      },
      theme,
    ),
  );
}

async function saveFile(suggestedName: string, content: string): Promise<{ saved: true; path: string } | { saved: false }> {
  const options = { defaultPath: join(app.getPath('documents'), suggestedName), filters: [{ name: 'CSV (Excel)', extensions: ['csv'] }] };
  const r = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
  if (r.canceled || !r.filePath) return { saved: false };
  await writeFile(r.filePath, content, 'utf8');
  return { saved: true, path: r.filePath };
}

async function about(): Promise<void> {
  const detail = [`Version ${app.getVersion()}`, `Data: ${defaultDbPath()}`, `Electron ${process.versions.electron}, Chromium ${process.versions.chrome}, Node ${process.versions.node}`].join('\n');
  const options = { type: 'info' as const, title: 'About CardOps', message: 'CardOps', detail, buttons: ['OK'] };
  if (mainWindow) await dialog.showMessageBox(mainWindow, options);
  else await dialog.showMessageBox(options);
}

async function openDataFolder(): Promise<void> {
  const dir = defaultDataDir();
  mkdirSync(dir, { recursive: true });
  const error = await shell.openPath(dir);
  if (error) dialog.showErrorBox('Cannot open the data folder', `${dir}\n\n${error}`);
}

async function askAfterFatal(status: { code: string; message: string; dbPath: string }): Promise<'retry' | 'quit'> {
  const options = {
    type: 'error' as const,
    title: 'CardOps cannot open its store',
    message: 'CardOps cannot open its store',
    detail: `${status.message}\n\nStore: ${status.dbPath}\nCode: ${status.code}`,
    buttons: ['Try again', 'Open data folder', 'Quit'],
    defaultId: 0,
    cancelId: 2,
  };
  for (;;) {
    const r = mainWindow ? await dialog.showMessageBox(mainWindow, options) : await dialog.showMessageBox(options);
    if (r.response === 0) return 'retry';
    if (r.response === 1) {
      await openDataFolder();
      continue;
    }
    app.quit();
    return 'quit';
  }
}
