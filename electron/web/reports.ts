/**
 * The browser twin's report downloads: GET /reports/download?ticket=… streams a charge run's
 * reconciliation report. Guarded like the WebSocket: the server's own Host only (checked before
 * this is called), no cross-site request (Sec-Fetch-Site), and a one-time ticket that the backend
 * issued (`reports.ticket`) to a signed-in supervisor or admin less than a minute ago. The
 * operator must still be active with that role when the download starts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Backend } from '../../domain/backend/backend.js';
import { CONTENT_TYPES, reconciliationHtml, ReportError, reportFileName, reportTickets, writeReconciliation, type ReportTicket } from '../../domain/reports/reconciliation.js';
import { securityHeaders } from './headers.js';
import { htmlToPdf, PdfError } from './pdf.js';

export const REPORT_PATH = '/reports/download';

/** The print view: inline styles only, nothing else. */
const PRINT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const DOWNLOAD_CSP = "default-src 'none'; frame-ancestors 'none'";

export const isReportRequest = (req: IncomingMessage): boolean => (req.url ?? '').split('?')[0] === REPORT_PATH;

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { ...securityHeaders(DOWNLOAD_CSP), 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${message}\n`);
}

/** Why this request may not have a report, or null. */
export function reportRefusal(req: IncomingMessage): { status: number; message: string } | null {
  if (req.method !== 'GET') return { status: 405, message: 'reports are fetched with GET' };
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return { status: 403, message: 'reports are downloaded from CardOps itself, not from another site' };
  return null;
}

async function stillAllowed(backend: Backend, t: ReportTicket): Promise<boolean> {
  const row = await backend.store.read((sql) => sql.get<{ role: string; status: string }>('SELECT role, status FROM operators WHERE operator_id = ?', [t.operatorId]));
  return row?.status === 'active' && (row.role === 'supervisor' || row.role === 'admin');
}

/** Serves one report request; never rejects (a failure after the first byte cuts the download short). */
export async function serveReport(req: IncomingMessage, res: ServerResponse, backend: Backend): Promise<void> {
  try {
    await serve(req, res, backend);
  } catch (e) {
    if (!res.headersSent) refuse(res, 500, `the report failed: ${e instanceof Error ? e.message : String(e)}`);
    else res.destroy();
  }
}

async function serve(req: IncomingMessage, res: ServerResponse, backend: Backend): Promise<void> {
  const why = reportRefusal(req);
  if (why) return refuse(res, why.status, why.message);
  const ticket = new URL(req.url ?? '/', 'http://x').searchParams.get('ticket') ?? '';
  const t = ticket ? reportTickets(backend.store).redeem(ticket) : null;
  if (!t) return refuse(res, 403, 'this download link was used already or has expired (links work once, for a minute): download the report again from CardOps');
  if (!(await stillAllowed(backend, t))) return refuse(res, 403, `operator ${t.operatorId} may no longer export reports: sign in as a supervisor`);

  const meta = { generatedAt: new Date().toISOString(), generatedBy: t.operatorId };
  const fileName = reportFileName(t.runId, t.format);
  const headers = (csp: string, disposition: 'inline' | 'attachment'): Record<string, string> => ({
    ...securityHeaders(csp),
    'Content-Type': CONTENT_TYPES[t.format],
    'Content-Disposition': `${disposition}; filename="${fileName}"`,
    'Cache-Control': 'no-store',
  });
  try {
    if (t.format === 'html' || t.format === 'pdf') {
      const html = await reconciliationHtml(backend.store, t.runId, meta);
      if (t.format === 'html') {
        res.writeHead(200, headers(PRINT_CSP, 'inline'));
        res.end(html);
        return;
      }
      const pdf = await htmlToPdf(html);
      res.writeHead(200, { ...headers(DOWNLOAD_CSP, 'attachment'), 'Content-Length': String(pdf.length) });
      res.end(pdf);
      return;
    }
    // Streamed: the first bytes go out before the last page is read.
    res.writeHead(200, headers(DOWNLOAD_CSP, 'attachment'));
    await writeReconciliation(backend.store, t.runId, t.format, meta, res);
  } catch (e) {
    if (res.headersSent) {
      res.destroy(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    if (e instanceof ReportError) return refuse(res, e.code === 'NOT_FOUND' ? 404 : 500, e.message);
    if (e instanceof PdfError) return refuse(res, 503, e.message);
    refuse(res, 500, `the report failed: ${e instanceof Error ? e.message : String(e)}. Nothing was saved; try again`);
  }
}
