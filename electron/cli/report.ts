/**
 * `cardops report reconciliation --run ID --format csv|xlsx|pdf|html --out FILE`: a charge run's
 * reconciliation report from a terminal. It needs an operator (`--as`), a supervisor or an admin,
 * like every other path to a report; without one it is refused like a write. The file appears whole or not at all:
 * the report is written beside it and renamed into place when complete.
 */
import { createWriteStream, existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import type { Connection } from '../../domain/backend/backend.js';
import { listSegments } from '../../domain/eventstore/sqljs/journal.js';
import { openBackend } from '../../domain/open.js';
import { reconciliationHtml, REPORT_FORMATS, ReportError, writeReconciliation, type ReportFormat, type ReportTotals } from '../../domain/reports/reconciliation.js';
import { formatMoney } from '../../domain/shared/money.js';
import { defaultDbPath } from '../platform/paths.js';
import { htmlToPdf, PdfError } from '../web/pdf.js';
import { CliError, closeStore, EXIT, printJson, printPairs, progressBar, readPassword } from './io.js';

interface Options {
  db?: string;
  as?: string;
  json?: boolean;
  run: string;
  format: ReportFormat;
  out: string;
}

function requireStore(path: string): void {
  if (!existsSync(path) && listSegments(path).length === 0) {
    throw new CliError(EXIT.failure, { code: 'STORE_NOT_FOUND', message: `there is no CardOps store at ${path}: create one with \`cardops init --db ${path}\` or \`cardops seed --db ${path} --accounts 1000\`` });
  }
}

/** The operator of `--as`: a report is refused without one, as a write is (exit code 2). */
function requireOperator(operatorId: string | undefined): string {
  if (!operatorId) throw new CliError(EXIT.usage, { code: 'OPERATOR_REQUIRED', message: 'a report needs an operator, a supervisor or an admin: add --as NAME' });
  return operatorId;
}

async function signIn(conn: Connection, operatorId: string): Promise<void> {
  const password = await readPassword(`Password for ${operatorId}: `);
  const r = await conn.call('auth.login', { operatorId, password });
  if (!r.ok) throw new CliError(EXIT.auth, r.error);
}

/** Writes `out` through a temporary file beside it, renamed into place once complete. */
async function writeWhole<T>(out: string, write: (tmp: string) => Promise<T>): Promise<T> {
  const dir = dirname(out);
  if (!existsSync(dir)) throw new CliError(EXIT.usage, { code: 'FOLDER_NOT_FOUND', message: `there is no folder ${dir}: create it first, or choose another --out` });
  const tmp = join(dir, `.${basename(out)}.${process.pid}.partial`);
  try {
    const result = await write(tmp);
    renameSync(tmp, out);
    return result;
  } finally {
    rmSync(tmp, { force: true });
  }
}

export function registerReportCommand(program: Command): void {
  const report = program.command('report').description('reports: the reconciliation report of a charge run');
  report
    .command('reconciliation')
    .description("a charge run's reconciliation report: one line per account, control totals per currency and outcome, event positions, planner and approver (PDF: a one-page summary)")
    .addOption(new Option('--db <path>', "the store file (default: $CARDOPS_DB, else the desktop app's data file)"))
    .addOption(new Option('--as <operator>', 'sign in as this supervisor or admin (password from $CARDOPS_PASSWORD or a prompt); required'))
    .requiredOption('--run <id>', 'the charge run id')
    .addOption(new Option('--format <format>', 'csv (opens in Excel), xlsx, pdf (one-page summary) or html (the print view)').choices(REPORT_FORMATS).makeOptionMandatory())
    .requiredOption('--out <file>', 'the file to write (replaced if it exists)')
    .addOption(new Option('--json', 'machine-readable output'))
    .action(async (o: Options) => {
      const path = o.db ?? defaultDbPath();
      const operatorId = requireOperator(o.as);
      requireStore(path);
      const out = resolve(o.out);
      if (existsSync(out) && statSync(out).isDirectory()) throw new CliError(EXIT.usage, { code: 'OUT_IS_FOLDER', message: `${out} is a folder: give a file name, e.g. --out ${join(o.out, `reconciliation-${o.run}.${o.format}`)}` });
      const opening = progressBar('Opening store');
      const backend = await openBackend({ path, onProgress: (_phase, done, total) => opening.update(done, total) });
      opening.stop();
      try {
        const conn = backend.connect({ origin: 'cli' });
        await signIn(conn, operatorId);
        const run = await conn.call('chargeRuns.get', { runId: o.run });
        if (!run.ok) throw new CliError(run.error.code === 'FORBIDDEN' ? EXIT.refused : EXIT.failure, run.error);
        const meta = { generatedAt: new Date().toISOString(), generatedBy: operatorId };
        const lines = Object.values(run.value.counts).reduce((n, c) => n + (c ?? 0), 0);
        let totals: ReportTotals | null = null;
        await writeWhole(out, async (tmp) => {
          if (o.format === 'csv' || o.format === 'xlsx') {
            const bar = progressBar(`Report ${o.run}`);
            try {
              totals = await writeReconciliation(backend.store, o.run, o.format, meta, createWriteStream(tmp), { onProgress: (n) => bar.update(n, Math.max(n, lines)) });
            } finally {
              bar.stop();
            }
            return;
          }
          const html = await reconciliationHtml(backend.store, o.run, meta);
          writeFileSync(tmp, o.format === 'html' ? html : await htmlToPdf(html));
        });
        const bytes = statSync(out).size;
        const result = totals as ReportTotals | null;
        if (o.json) {
          printJson({ ok: true, runId: o.run, format: o.format, out, bytes, ...(result ? { lines: result.lines, posted: result.posted, minPosition: result.minPosition, maxPosition: result.maxPosition } : {}) });
          return;
        }
        process.stdout.write(`Wrote the reconciliation report of charge run ${o.run} (${o.format}) to ${out}.\n`);
        if (result) {
          printPairs([
            ['lines', result.lines],
            ['posted', Object.entries(result.posted).map(([c, a]) => formatMoney({ amount: a, currency: c })).join(', ') || '-'],
            ['event positions', result.minPosition === null ? '-' : `${result.minPosition}..${result.maxPosition}`],
          ]);
        }
      } catch (e) {
        if (e instanceof ReportError) throw new CliError(e.code === 'NOT_FOUND' ? EXIT.failure : EXIT.failure, { code: e.code, message: e.message });
        if (e instanceof PdfError) throw new CliError(EXIT.failure, { code: e.code, message: e.message });
        throw e;
      } finally {
        await closeStore(() => backend.close());
      }
    });
}
