/**
 * Where things are kept, tested as pure functions (no Electron, no server): the data folder and
 * the store file on each OS, the files the browser twin may serve, and the window's remembered
 * place.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWindowState, parseWindowState, saveWindowState, visibleOn } from '../../electron/main/bounds.js';
import { defaultDataDir, defaultDbPath } from '../../electron/platform/paths.js';
import { resolveInside } from '../../electron/web/static.js';

describe('default data path', () => {
  it('follows each OS, and $CARDOPS_DB wins', () => {
    expect(defaultDataDir({ platform: 'linux', env: {}, home: '/home/ann' })).toBe('/home/ann/.config/CardOps');
    expect(defaultDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '/x/cfg' }, home: '/home/ann' })).toBe('/x/cfg/CardOps');
    expect(defaultDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: 'relative' }, home: '/home/ann' })).toBe('/home/ann/.config/CardOps');
    expect(defaultDataDir({ platform: 'darwin', env: {}, home: '/Users/ann' })).toBe('/Users/ann/Library/Application Support/CardOps');
    expect(defaultDataDir({ platform: 'win32', env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, home: 'C:\\Users\\ann' })).toBe('C:\\Users\\ann\\AppData\\Roaming\\CardOps');
    expect(defaultDbPath({ platform: 'win32', env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, home: 'C:\\Users\\ann' })).toBe('C:\\Users\\ann\\AppData\\Roaming\\CardOps\\cardops.db');
    expect(defaultDbPath({ platform: 'linux', env: {}, home: '/home/ann' })).toBe('/home/ann/.config/CardOps/cardops.db');
    expect(defaultDbPath({ platform: 'linux', env: { CARDOPS_DB: '/data/x.db' }, home: '/home/ann' })).toBe('/data/x.db');
  });

  it('ignores blank settings and a trailing separator', () => {
    expect(defaultDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '   ' }, home: '/home/ann' })).toBe('/home/ann/.config/CardOps');
    expect(defaultDbPath({ platform: 'linux', env: { CARDOPS_DB: '  ' }, home: '/home/ann' })).toBe('/home/ann/.config/CardOps/cardops.db');
    expect(defaultDataDir({ platform: 'win32', env: { APPDATA: 'D:\\Roaming\\' }, home: 'C:\\Users\\ann' })).toBe('D:\\Roaming\\CardOps');
    expect(defaultDbPath({ platform: 'darwin', env: { CARDOPS_DB: '/Volumes/x/c.db' }, home: '/Users/ann' })).toBe('/Volumes/x/c.db');
  });
});

describe('static files of the browser twin', () => {
  it('serves static files only from inside the renderer folder', () => {
    expect(resolveInside('/srv/r', '/assets/a.js')).toBe('/srv/r/assets/a.js');
    expect(resolveInside('/srv/r', '/../etc/passwd')).toBeNull();
    expect(resolveInside('/srv/r', '/%2e%2e/etc/passwd')).toBeNull();
    expect(resolveInside('/srv/r', '/%00')).toBeNull();
    expect(resolveInside('/srv/r', '/%E0%A4%A')).toBeNull();
    // A sibling folder that starts with the same name is outside.
    expect(resolveInside('/srv/r', '/../r2/x.js')).toBeNull();
  });
});

describe('the remembered window place', () => {
  it('keeps a saved window only if it is still on a screen, and never smaller than the minimum', () => {
    const s = parseWindowState({ bounds: { x: 100, y: 50, width: 500, height: 400 }, maximized: true });
    expect(s).toEqual({ bounds: { x: 100, y: 50, width: 960, height: 600 }, maximized: true });
    expect(parseWindowState({ bounds: { x: 'a' } })).toBeNull();
    expect(parseWindowState(null)).toBeNull();
    expect(parseWindowState({ bounds: { x: 0, y: 0, width: Number.NaN, height: 700 } })).toBeNull();
    expect(parseWindowState({ bounds: { x: 0, y: 0, width: 1200, height: 700 }, maximized: 'yes' })?.maximized).toBe(false);
    const screenA = { x: 0, y: 0, width: 1920, height: 1080 };
    expect(visibleOn(s!, [screenA])).toBe(true);
    expect(visibleOn({ bounds: { x: 3000, y: 50, width: 1000, height: 700 }, maximized: false }, [screenA])).toBe(false);
    expect(visibleOn({ bounds: { x: 100, y: -500, width: 1000, height: 700 }, maximized: false }, [screenA])).toBe(false);
    // On the second of two screens (right of the first), it stays.
    expect(visibleOn({ bounds: { x: 2000, y: 50, width: 1000, height: 700 }, maximized: false }, [screenA, { x: 1920, y: 0, width: 1920, height: 1080 }])).toBe(true);
  });

  it('saves and loads the place through a file, and a damaged file gives none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardops-window-'));
    try {
      const file = join(dir, 'nested', 'window.json');
      expect(loadWindowState(file)).toBeNull();
      const state = { bounds: { x: 10, y: 20, width: 1300, height: 900 }, maximized: false };
      saveWindowState(file, state);
      expect(loadWindowState(file)).toEqual(state);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(state);
      writeFileSync(file, '{"bounds": {"x": 1,');
      expect(loadWindowState(file)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
