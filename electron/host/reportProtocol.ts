/**
 * What main and the backend host say to each other about reports. Main shows the Save dialog;
 * the host, which holds the store, redeems the ticket and writes the file (CSV, XLSX), or sends
 * back the summary HTML that main prints to PDF. No Electron import, no domain import.
 */
export type ReportJobFormat = 'csv' | 'xlsx' | 'pdf';

export interface ReportJob {
  readonly kind: 'report';
  readonly id: number;
  readonly ticket: string;
  readonly format: ReportJobFormat;
  /** Where to write a CSV or XLSX; absent for a PDF (the host answers with the HTML). */
  readonly path?: string;
}

export type ReportReply =
  | { readonly kind: 'report-done'; readonly id: number; readonly ok: true; readonly bytes?: number; readonly html?: string }
  | { readonly kind: 'report-done'; readonly id: number; readonly ok: false; readonly code: string; readonly message: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export const isReportJob = (v: unknown): v is ReportJob =>
  isObject(v) && v.kind === 'report' && typeof v.id === 'number' && typeof v.ticket === 'string' && (v.format === 'csv' || v.format === 'xlsx' || v.format === 'pdf') && (v.path === undefined || typeof v.path === 'string');

export const isReportReply = (v: unknown): v is ReportReply => isObject(v) && v.kind === 'report-done' && typeof v.id === 'number' && typeof v.ok === 'boolean';

/** A save-report request from the renderer, checked: a ticket, a plain file name, a format. */
export function parseSaveReportRequest(v: unknown): { ticket: string; suggestedName: string; format: ReportJobFormat } | null {
  if (!isObject(v)) return null;
  const { ticket, suggestedName, format } = v;
  if (typeof ticket !== 'string' || !/^[A-Za-z0-9_-]{16,100}$/.test(ticket)) return null;
  if (format !== 'csv' && format !== 'xlsx' && format !== 'pdf') return null;
  if (typeof suggestedName !== 'string') return null;
  // Only a file name, never a path: the operator chooses the folder in the dialog.
  const safe = [...suggestedName].map((c) => (c.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(c) ? '_' : c)).join('');
  const name = safe.replace(/^\.+/, '').slice(0, 120).trim();
  return { ticket, suggestedName: name || `reconciliation.${format}`, format };
}
