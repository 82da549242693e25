/** The IPC channel names and the checks on what the renderer sends. No Electron import. */
export const CH = {
  /** renderer → main: this page wants a port to the backend (sent on every load). */
  ready: 'cardops:ready',
  /** main → renderer: the MessagePort to the backend host. */
  port: 'cardops:port',
  /** main → renderer: the backend host went down / is coming back. */
  state: 'cardops:state',
  /** main → renderer: a menu command. */
  shell: 'cardops:shell',
  /** renderer → main (invoke): save a text file through a Save dialog. */
  saveFile: 'cardops:save-file',
  /** renderer → main (invoke): save a charge run's report (a ticket from reports.ticket) through a Save dialog. */
  saveReport: 'cardops:save-report',
  /** renderer → main: the operator picked a theme. */
  setTheme: 'cardops:set-theme',
} as const;

export const MAX_SAVE_BYTES = 256 * 1024 * 1024;

export type Theme = 'system' | 'light' | 'dark';
export const isTheme = (v: unknown): v is Theme => v === 'system' || v === 'light' || v === 'dark';

/** A save request from the renderer, checked: a plain file name and text content. */
export function parseSaveRequest(v: unknown): { suggestedName: string; content: string } | null {
  if (typeof v !== 'object' || v === null) return null;
  const { suggestedName, content } = v as { suggestedName?: unknown; content?: unknown };
  if (typeof suggestedName !== 'string' || typeof content !== 'string') return null;
  if (content.length > MAX_SAVE_BYTES) return null;
  // Only a file name, never a path: the operator chooses the folder in the dialog.
  const safe = [...suggestedName].map((c) => (c.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(c) ? '_' : c)).join('');
  const name = safe.replace(/^\.+/, '').slice(0, 120).trim();
  return { suggestedName: name || 'cardops-export.csv', content };
}
