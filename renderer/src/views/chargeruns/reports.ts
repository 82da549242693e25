/**
 * Getting a run's reconciliation report out: a one-time ticket from the backend
 * (`reports.ticket`), then a download from the browser twin's route, or, in the desktop app, a
 * Save dialog in which the backend host writes the file (PDF: printed by Electron).
 */
import { useApi } from '../../api/client';
import type { AppError } from '../../api/types';
import type { ReportFormat } from './types';

export const REPORT_PATH = '/reports/download';

export type ReportOutcome = { readonly ok: true; readonly saved: boolean; readonly where: string } | { readonly ok: false; readonly error: AppError };

const downloadUrl = (ticket: string): string => `${new URL(REPORT_PATH, window.location.origin).href}?ticket=${encodeURIComponent(ticket)}`;

export async function downloadReport(runId: string, format: Exclude<ReportFormat, 'html'>): Promise<ReportOutcome> {
  const t = await useApi().call('reports.ticket', { runId, format });
  if (!t.ok) return t;
  if (window.cardops) {
    const r = await window.cardops.saveReport({ ticket: t.value.ticket, suggestedName: t.value.fileName, format });
    return r.saved ? { ok: true, saved: true, where: r.path } : { ok: true, saved: false, where: '' };
  }
  const a = document.createElement('a');
  a.href = downloadUrl(t.value.ticket);
  a.download = t.value.fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  return { ok: true, saved: true, where: t.value.fileName };
}

/** The print view (the one-page summary the PDF is made from) in a new tab: browser twin only. */
export async function openPrintView(runId: string): Promise<ReportOutcome> {
  const t = await useApi().call('reports.ticket', { runId, format: 'html' });
  if (!t.ok) return t;
  window.open(downloadUrl(t.value.ticket), '_blank', 'noopener');
  return { ok: true, saved: true, where: 'a new tab' };
}

/** Only the browser twin can open the print view in a tab; the desktop app saves a PDF. */
export const canOpenPrintView = (): boolean => !window.cardops;
