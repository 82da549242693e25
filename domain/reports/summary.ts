/**
 * The one-page summary of a charge run, as HTML: the print view that becomes the PDF (printToPDF in
 * Electron, Chromium's page.pdf for the CLI, the browser twin and the tests). A pure function of
 * the run and its control totals; every value is escaped; no script, no external resource.
 */
import type { ChargeRunRow } from '../chargeruns/queries.js';
import { OUTCOMES, SKIP_REASONS, type Outcome } from '../chargeruns/events.js';
import { formatMoney } from '../shared/money.js';
import { OUTCOME_LABELS, SKIP_LABELS, statusNote, type ReportMeta, type ReportTotals } from './lines.js';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** "1234567.89 EUR" → "1,234,567.89 EUR": exact, grouped for reading. */
const money = (amount: number, currency: string | null): string => (currency ? formatMoney({ amount, currency }) : '');
const count = (n: number): string => n.toLocaleString('en-US');
const utc = (iso: string | null): string => (iso ? `${iso.slice(0, 19).replace('T', ' ')} UTC` : '—');

/** The print view's HTML. `totals` are the run's control totals (chargeRuns.get). */
export function summaryHtml(run: ChargeRunRow, totals: ReportTotals, meta: ReportMeta): string {
  const e = escapeHtml;
  const fees = [
    ...Object.entries(run.fees.perCurrency).map(([c, a]) => money(a, c)),
    ...(run.fees.default !== undefined ? [`${count(run.fees.default)} minor units in any other currency`] : []),
  ].join(', ');
  const facts: [string, string][] = [
    ['Run', run.runId],
    ['Period', run.period],
    ['Fee kind', run.feeKind],
    ['Fees', fees || '—'],
    ['Status', statusNote(run)],
    ['Planned', `${run.plannedBy}, ${utc(run.plannedAt)}`],
    ['Approved', run.approvedBy ? `${run.approvedBy}, ${utc(run.approvedAt)}` : 'not approved'],
    ['Started', utc(run.startedAt)],
    ['Finished', utc(run.finishedAt)],
    ['Event positions', totals.minPosition === null ? '—' : `${totals.minPosition} to ${totals.maxPosition}`],
  ];
  const counts = OUTCOMES.map((o) => [o, totals.rows.filter((r) => r.outcome === o).reduce((n, r) => n + r.accounts, 0)] as const);
  const exclusions = SKIP_REASONS.filter((r) => run.preview.exclusions[r]).map((r) => [SKIP_LABELS[r] ?? r, run.preview.exclusions[r] ?? 0] as const);
  const posted = Object.entries(totals.posted);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Reconciliation ${e(run.runId)} (${e(run.period)})</title>
<style>
  @page { size: A4; margin: 12mm 14mm; }
  * { box-sizing: border-box; }
  html { color-scheme: light; }
  body { margin: 0; font: 9.5pt/1.35 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; color: #1a1f26; background: #fff; }
  main { max-width: 182mm; margin: 0 auto; }
  @media screen { main { padding: 10mm 0; } }
  header { display: flex; justify-content: space-between; align-items: flex-end; gap: 6mm; border-bottom: 2px solid #2454c9; padding-bottom: 3mm; margin-bottom: 4mm; }
  h1 { font-size: 16pt; margin: 0; white-space: nowrap; }
  h2 { font-size: 10.5pt; margin: 4mm 0 1.5mm; }
  header .gen { text-align: right; }
  .sub { color: #56606d; font-size: 9pt; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 0.9mm 2mm; border-bottom: 1px solid #d9dee5; vertical-align: top; }
  .dense th, .dense td { padding: 0.5mm 1.5mm; font-size: 8pt; }
  th { font-size: 8.5pt; text-transform: uppercase; letter-spacing: .03em; color: #56606d; background: #f4f5f7; }
  td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .facts th { width: 30mm; text-transform: none; letter-spacing: 0; font-size: 9pt; background: none; color: #56606d; }
  .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 6mm; align-items: start; }
  .posted td { font-weight: 600; }
  footer { margin-top: 5mm; padding-top: 2mm; border-top: 1px solid #d9dee5; color: #56606d; font-size: 8.5pt; }
</style>
</head>
<body>
<main>
<header>
  <div><h1>Reconciliation report</h1><div class="sub">CardOps charge run ${e(run.runId)} for ${e(run.period)}</div></div>
  <div class="sub gen">Generated ${e(utc(meta.generatedAt))} by ${e(meta.generatedBy)}</div>
</header>
<div class="grid">
${[facts.slice(0, 5), facts.slice(5)].map((half) => `<table class="facts" aria-label="The run">\n${half.map(([k, v]) => `  <tr><th scope="row">${e(k)}</th><td>${e(v)}</td></tr>`).join('\n')}\n</table>`).join('\n')}
</div>
<h2>Posted to the accounts</h2>
<table class="posted" aria-label="Posted per currency">
  <tr><th scope="col">Currency</th><th scope="col" class="n">Accounts charged</th><th scope="col" class="n">Amount</th></tr>
${posted.length ? posted.map(([c, a]) => `  <tr><td>${e(c)}</td><td class="n">${e(count(totals.rows.filter((r) => r.currency === c && (r.outcome === 'charged' || r.outcome === 'auth_approved')).reduce((n, r) => n + r.accounts, 0)))}</td><td class="n">${e(money(a, c))}</td></tr>`).join('\n') : '  <tr><td colspan="3">Nothing was posted.</td></tr>'}
</table>
<div class="grid">
<section>
<h2>Outcomes</h2>
<table aria-label="Accounts per outcome">
  <tr><th scope="col">Outcome</th><th scope="col" class="n">Accounts</th></tr>
${counts.map(([o, n]) => `  <tr><td>${e(OUTCOME_LABELS[o])}</td><td class="n">${e(count(n))}</td></tr>`).join('\n')}
  <tr><td><strong>All lines</strong></td><td class="n"><strong>${e(count(totals.lines))}</strong></td></tr>
</table>
</section>
<section>
<h2>Excluded at planning</h2>
<table aria-label="Excluded at planning">
  <tr><th scope="col">Reason</th><th scope="col" class="n">Accounts</th></tr>
${exclusions.length ? exclusions.map(([r, n]) => `  <tr><td>${e(r)}</td><td class="n">${e(count(n))}</td></tr>`).join('\n') : '  <tr><td colspan="2">None</td></tr>'}
  <tr><td>Eligible at planning</td><td class="n">${e(count(run.preview.eligible))} of ${e(count(run.preview.accounts))}</td></tr>
</table>
</section>
</div>
<h2>Control totals per currency and outcome</h2>
<table aria-label="Control totals"${totals.rows.length > 16 ? ' class="dense"' : ''}>
  <tr><th scope="col">Currency</th><th scope="col">Outcome</th><th scope="col" class="n">Accounts</th><th scope="col" class="n">Amount</th></tr>
${totals.rows.map((r) => `  <tr><td>${e(r.currency ?? '—')}</td><td>${e(OUTCOME_LABELS[r.outcome as Outcome] ?? r.outcome)}</td><td class="n">${e(count(r.accounts))}</td><td class="n">${e(r.currency ? money(r.amount, r.currency) : '—')}</td></tr>`).join('\n')}
</table>
<footer>Amounts of authorisations in review or denied were asked, not posted. The full list of accounts is in the CSV or XLSX report of this run.</footer>
</main>
</body>
</html>
`;
}
