/**
 * Where CardOps keeps its data on this machine. The Electron app, the browser twin and the
 * `cardops` CLI all call these, so they open the same store by default. No Electron import:
 * Electron's own `app.getPath('userData')` is deliberately not used, so that a CLI run outside
 * Electron finds the same file.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface PlatformEnv {
  readonly platform: NodeJS.Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
}

const currentEnv = (): PlatformEnv => ({ platform: process.platform, env: process.env, home: homedir() });

/**
 * The folder for CardOps's data: Linux `$XDG_CONFIG_HOME/CardOps` (or `~/.config/CardOps`),
 * macOS `~/Library/Application Support/CardOps`, Windows `%APPDATA%\CardOps`.
 */
export function defaultDataDir(p: PlatformEnv = currentEnv()): string {
  switch (p.platform) {
    case 'darwin':
      return join(p.home, 'Library', 'Application Support', 'CardOps');
    case 'win32': {
      const appData = p.env.APPDATA?.trim() || join(p.home, 'AppData', 'Roaming');
      return `${appData.replace(/[\\/]+$/, '')}\\CardOps`;
    }
    default: {
      const xdg = p.env.XDG_CONFIG_HOME?.trim();
      // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
      const base = xdg && xdg.startsWith('/') ? xdg : join(p.home, '.config');
      return join(base, 'CardOps');
    }
  }
}

/** The store file: `$CARDOPS_DB` when set, else `<defaultDataDir()>/cardops.db`. */
export function defaultDbPath(p: PlatformEnv = currentEnv()): string {
  const fromEnv = p.env.CARDOPS_DB?.trim();
  if (fromEnv) return fromEnv;
  const dir = defaultDataDir(p);
  return p.platform === 'win32' ? `${dir}\\cardops.db` : join(dir, 'cardops.db');
}
