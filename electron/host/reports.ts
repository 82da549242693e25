/**
 * The host's side of saving a report in the desktop app: redeem the ticket the renderer got from
 * `reports.ticket`, check the operator may still export, then write the CSV or XLSX beside the
 * chosen file and rename it into place (whole or not at all), or return the summary HTML for a PDF.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Backend } from '../../domain/backend/backend.js';
import { reconciliationHtml, ReportError, reportTickets, writeReconciliation } from '../../domain/reports/reconciliation.js';
import type { ReportJob, ReportReply } from './reportProtocol.js';

export async function runReportJob(backend: Backend, job: ReportJob): Promise<ReportReply> {
  const fail = (code: string, message: string): ReportReply => ({ kind: 'report-done', id: job.id, ok: false, code, message });
  const t = reportTickets(backend.store).redeem(job.ticket);
  if (!t || t.format !== job.format) return fail('TICKET_INVALID', 'this report request was used already or has expired: export the report again');
  const op = await backend.store.read((sql) => sql.get<{ role: string; status: string }>('SELECT role, status FROM operators WHERE operator_id = ?', [t.operatorId]));
  if (op?.status !== 'active' || (op.role !== 'supervisor' && op.role !== 'admin')) return fail('FORBIDDEN', `operator ${t.operatorId} may no longer export reports: sign in as a supervisor`);
  const meta = { generatedAt: new Date().toISOString(), generatedBy: t.operatorId };
  try {
    if (job.format === 'pdf') return { kind: 'report-done', id: job.id, ok: true, html: await reconciliationHtml(backend.store, t.runId, meta) };
    if (!job.path) return fail('VALIDATION_FAILED', 'no file to write the report to');
    const tmp = join(dirname(job.path), `.${basename(job.path)}.${process.pid}.partial`);
    try {
      await writeReconciliation(backend.store, t.runId, job.format, meta, createWriteStream(tmp));
      renameSync(tmp, job.path);
    } finally {
      rmSync(tmp, { force: true });
    }
    return { kind: 'report-done', id: job.id, ok: true };
  } catch (e) {
    if (e instanceof ReportError) return fail(e.code, e.message);
    const err = e as NodeJS.ErrnoException;
    return fail(err.code ?? 'REPORT_FAILED', `the report could not be written: ${err.message}. Nothing was saved; choose another folder or try again`);
  }
}
