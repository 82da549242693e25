/**
 * Saving a charge run's reconciliation report in the desktop app: a native Save dialog, then the
 * backend host writes the CSV or XLSX (it holds the store), or sends the one-page summary HTML,
 * which an offscreen, sandboxed window without JavaScript prints to PDF (printToPDF).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, BrowserWindow, dialog } from 'electron';
import type { ReportJob, ReportJobFormat, ReportReply } from '../host/reportProtocol.js';

const FILTERS: Readonly<Record<ReportJobFormat, { name: string; extensions: string[] }>> = {
  csv: { name: 'CSV (Excel)', extensions: ['csv'] },
  xlsx: { name: 'Excel workbook', extensions: ['xlsx'] },
  pdf: { name: 'PDF', extensions: ['pdf'] },
};

export type RunReportJob = (job: Omit<ReportJob, 'kind' | 'id'>) => Promise<ReportReply>;

/** Prints self-contained HTML to an A4 PDF in a hidden window that runs no script. */
export async function printHtmlToPdf(html: string): Promise<Buffer> {
  const win = new BrowserWindow({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, webSecurity: true, spellcheck: false } });
  try {
    await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    return await win.webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    win.destroy();
  }
}

export async function saveReport(parent: BrowserWindow | null, request: { ticket: string; suggestedName: string; format: ReportJobFormat }, runJob: RunReportJob): Promise<{ saved: true; path: string } | { saved: false }> {
  const options = { defaultPath: join(app.getPath('documents'), request.suggestedName), filters: [FILTERS[request.format]] };
  const r = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
  if (r.canceled || !r.filePath) return { saved: false };
  const reply = await runJob(request.format === 'pdf' ? { ticket: request.ticket, format: 'pdf' } : { ticket: request.ticket, format: request.format, path: r.filePath });
  if (!reply.ok) throw new Error(`${reply.message} [${reply.code}]`);
  if (request.format === 'pdf') {
    if (!reply.html) throw new Error('the backend sent no summary to print [REPORT_FAILED]');
    await writeFile(r.filePath, await printHtmlToPdf(reply.html));
  }
  return { saved: true, path: r.filePath };
}
