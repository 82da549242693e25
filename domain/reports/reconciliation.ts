/**
 * The reconciliation report of one charge run, in any format, written to a stream. CSV and XLSX
 * read the run's outcomes page by page; the HTML print view (and the PDF made from it) reads the
 * run and its control totals in one query. PDF rendering needs a browser engine, so the caller
 * turns the HTML into PDF: printToPDF in Electron, Chromium through playwright-core elsewhere.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { CardOpsStore } from '../backend/store.js';
import type { OutcomeRow } from '../chargeruns/queries.js';
import { writeCsv } from './csv.js';
import { loadRun, loadSummary, outcomePages, type ReportMeta, type ReportTotals } from './lines.js';
import { summaryHtml } from './summary.js';
import { writeXlsx } from './xlsx.js';

export { REPORT_FORMATS, ReportError, reportFileName, type ReportFormat, type ReportMeta, type ReportTotals } from './lines.js';
export { reportTickets, type ReportTicket } from './tickets.js';

export const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
  html: 'text/html; charset=utf-8',
} as const;

/** The print view of the run: a one-page HTML summary. */
export async function reconciliationHtml(store: CardOpsStore, runId: string, meta: ReportMeta): Promise<string> {
  const { run, totals } = await loadSummary(store, runId);
  return summaryHtml(run, totals, meta);
}

async function finish(out: Writable): Promise<void> {
  if (out.writableFinished) return;
  const done = once(out, 'finish');
  out.end();
  await done;
}

/** Counts lines as they go by. */
async function* counted(pages: AsyncIterable<readonly OutcomeRow[]>, onProgress: (lines: number) => void): AsyncGenerator<readonly OutcomeRow[]> {
  let n = 0;
  for await (const page of pages) {
    yield page;
    onProgress((n += page.length));
  }
}

export interface WriteOptions {
  readonly pageSize?: number;
  /** Lines written so far, after every page. */
  readonly onProgress?: (lines: number) => void;
}

/**
 * Writes the CSV or XLSX report to `out` and ends it. Throws ReportError(NOT_FOUND) before
 * writing anything when there is no such run.
 */
export async function writeReconciliation(store: CardOpsStore, runId: string, format: 'csv' | 'xlsx', meta: ReportMeta, out: Writable, options: WriteOptions = {}): Promise<ReportTotals> {
  const run = await loadRun(store, runId);
  const raw = outcomePages(store, runId, options.pageSize);
  const pages = options.onProgress ? counted(raw, options.onProgress) : raw;
  const totals = format === 'csv' ? await writeCsv(run, pages, meta, out) : await writeXlsx(run, pages, meta, out);
  await finish(out);
  return totals;
}
