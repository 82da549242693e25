/** The application menu: File (Export…, Quit), View (Theme, Zoom), Help (shortcuts, About, Open data folder). */
import { app, Menu, type MenuItemConstructorOptions } from 'electron';
import type { Theme } from './ipc.js';

export interface MenuActions {
  exportView(): void;
  setTheme(theme: Theme): void;
  showShortcuts(): void;
  search(): void;
  about(): void;
  openDataFolder(): void;
}

export function buildMenu(actions: MenuActions, theme: Theme): Menu {
  const isMac = process.platform === 'darwin';
  const themeItem = (value: Theme, label: string): MenuItemConstructorOptions => ({ label, type: 'radio', checked: theme === value, click: () => actions.setTheme(value) });
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: '&Export…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportView() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit', label: '&Quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { label: 'Search…', accelerator: 'CmdOrCtrl+K', registerAccelerator: false, click: () => actions.search() },
        { type: 'separator' },
        { label: '&Theme', submenu: [themeItem('system', 'Follow the system'), themeItem('light', 'Light'), themeItem('dark', 'Dark')] },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }]),
      ],
    },
    {
      label: '&Help',
      submenu: [
        { label: 'Keyboard shortcuts', accelerator: 'Shift+/', registerAccelerator: false, click: () => actions.showShortcuts() },
        { label: 'Open data folder', click: () => actions.openDataFolder() },
        { type: 'separator' },
        { label: 'About CardOps', click: () => actions.about() },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
