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
  /** renderer → main (invoke): print the sender's own window (the invoice print view) to PDF and save it through a Save dialog. */
  saveInvoicePdf: 'cardops:save-invoice-pdf',
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

/**
 * A safe PDF file name for an invoice: its number once issued (`INV-2026-000012`), else its id.
 * Letters, digits, `.`, `_` and `-` are kept; anything else (path separators, spaces, control
 * characters) becomes `_`; no leading dot, no name Windows reserves; at most 100 characters before `.pdf`.
 */
export function invoicePdfFileName(invoice: string): string {
  const safe = invoice
    .trim()
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 100)
    .replace(/\.+$/, '');
  // Windows reserves these names whatever the extension.
  if (/^(con|prn|aux|nul|com\d|lpt\d)$/i.test(safe)) return `invoice-${safe}.pdf`;
  return `${safe || 'invoice'}.pdf`;
}

/** An invoice PDF request from the renderer, checked: `{ invoice }`, the invoice's number or id (1–200 characters). */
export function parseInvoicePdfRequest(v: unknown): { fileName: string } | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const { invoice } = v as { invoice?: unknown };
  if (typeof invoice !== 'string' || invoice.trim() === '' || invoice.length > 200) return null;
  return { fileName: invoicePdfFileName(invoice) };
}
