/**
 * The reconciliation report reconciles exactly: on a seeded store, a charge run planned by
 * super1 and approved and run by super2 through the backend, the report's control total per
 * currency equals the sum of the run's ChargePosted events in the log (correlation id = run id)
 * and equals the change of the balances in the accounts projection. Also: the XLSX and PDF
 * formats, formula escaping, the download tickets and the browser twin's download route.
 */
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, Connection } from '../../domain/backend/backend.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import type { ChargeRunRow, OutcomeRow } from '../../domain/chargeruns/queries.js';
import { openBackend } from '../../domain/open.js';
import { writeCsv } from '../../domain/reports/csv.js';
import { writeReconciliation } from '../../domain/reports/reconciliation.js';
import { ReportTickets, reportTickets } from '../../domain/reports/tickets.js';
import { summaryHtml } from '../../domain/reports/summary.js';
import { registerReportCommand } from '../../electron/cli/report.js';
import { parseSaveReportRequest } from '../../electron/host/reportProtocol.js';
import { runReportJob } from '../../electron/host/reports.js';
import { findChromium } from '../../electron/web/pdf.js';
import { startWebServer, type WebServer } from '../../electron/web/server.js';
import { removeTempStores, tempStore } from './fixtures/helpers.js';

const ACCOUNTS = 3000;
const RUN = 'run-2026-11-recon';
let backend: Backend;
let dir: string;
let super1: Connection;
let super2: Connection;
let before: Map<string, number>;

type Rows = string[][];

async function as(operatorId: string): Promise<Connection> {
  const c = backend.connect({ origin: 'test' });
  const r = await c.call('auth.login', { operatorId, password: 'demo' });
  expect(r.ok).toBe(true);
  return c;
}

async function exec(c: Connection, command: Record<string, unknown>): Promise<void> {
  const r = await c.call('commands.execute', { command });
  expect(r, JSON.stringify(command)).toMatchObject({ ok: true });
}

const balances = (): Promise<Map<string, number>> =>
  backend.store.read((sql) => new Map(sql.all<{ currency: string; total: number }>('SELECT currency, sum(balance) AS total FROM accounts GROUP BY currency').map((r) => [r.currency, Number(r.total)])));

/** Sums ChargePosted events of the run, read from the log itself (the store port, not a projection). */
async function postedInLog(runId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  let after = 0;
  for (;;) {
    const page = await backend.store.readAll({ after, limit: 10_000, types: ['ChargePosted'] });
    for (const e of page.events) {
      if (e.metadata.correlationId !== runId) continue;
      const d = e.data as { amount: number; currency: string };
      out[d.currency] = (out[d.currency] ?? 0) + d.amount;
    }
    if (page.isEnd) return out;
    after = page.lastPosition;
  }
}

/** The CSV's blocks: the run, the lines (under their header), the control totals. */
function blocks(csv: string): { run: Rows; header: string[]; lines: Rows; totals: Rows; tail: Rows } {
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  const rows = parse(csv.slice(1), { relax_column_count: false }) as Rows;
  const headerAt = rows.findIndex((r) => r[0] === 'account' && r[1] === 'card');
  const totalsAt = rows.findIndex((r) => r[0] === 'control totals');
  const after = rows.slice(totalsAt + 2);
  const end = after.findIndex((r) => r[0] === 'lines');
  return { run: rows.slice(0, headerAt - 1), header: rows[headerAt]!, lines: rows.slice(headerAt + 1, totalsAt - 1), totals: after.slice(0, end), tail: after.slice(end) };
}

async function csvOf(runId: string): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(c);
      cb();
    },
  });
  await writeReconciliation(backend.store, runId, 'csv', { generatedAt: '2026-11-30T12:00:00.000Z', generatedBy: 'super2' }, sink, { pageSize: 700 });
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  const path = tempStore('cardops-recon-');
  dir = join(path, '..');
  backend = await openBackend({ path, chargeRunBatchSize: 500 });
  await seedDemo(backend.store, { accounts: ACCOUNTS, seed: 7 });
  // A tighter credit policy, so that the fee raises authorisations of every kind.
  const admin = await as('admin');
  await exec(admin, { type: 'UpdateSettings', changes: { creditPolicy: { autoApproveMaxOverdraft: 2_000, autoDenyOverOverdraft: 20_000 } } });
  super1 = await as('super1');
  super2 = await as('super2');
  before = await balances();
  await exec(super1, { type: 'PlanChargeRun', runId: RUN, period: '2026-11', fees: { feeKind: 'monthly_fee', perCurrency: { GBP: 20_000 }, default: 25_000 } });
  await exec(super2, { type: 'ApproveChargeRun', runId: RUN });
  await exec(super2, { type: 'StartChargeRun', runId: RUN });
  const done = await super2.call('chargeRuns.wait', { runId: RUN });
  expect(done).toMatchObject({ ok: true, value: { status: 'completed' } });
}, 120_000);

afterAll(async () => {
  await backend?.close();
  removeTempStores();
});

describe('the reconciliation report reconciles exactly', () => {
  it('CSV control total per currency = the run’s ChargePosted events in the log = the change of the balances', async () => {
    const csv = await csvOf(RUN);
    const { run, header, lines, totals, tail } = blocks(csv);
    expect(header).toEqual(['account', 'card', 'amount', 'amount_minor', 'currency', 'outcome', 'reason', 'charge_id', 'event_position', 'time_utc']);
    expect(run[0]?.slice(0, 2)).toEqual(['CardOps reconciliation report', RUN]);
    expect(run.find((r) => r[0] === 'planned by')?.[1]).toBe('super1');
    expect(run.find((r) => r[0] === 'approved by')?.[1]).toBe('super2');
    expect(run.find((r) => r[0] === 'status')?.[1]).toBe('completed');

    // One line per account of the store, each account once.
    expect(lines).toHaveLength(ACCOUNTS);
    expect(new Set(lines.map((l) => l[0])).size).toBe(ACCOUNTS);
    const outcomes = new Set(lines.map((l) => l[5]));
    for (const o of ['charged', 'auth_approved', 'auth_denied', 'auth_review', 'skipped']) expect(outcomes, o).toContain(o);

    // The "posted" control totals...
    const posted: Record<string, number> = {};
    for (const r of totals.filter((t) => t[1] === 'posted')) posted[r[0]!] = Number(r[4]);
    expect(Object.keys(posted).length).toBeGreaterThan(1);
    // ...equal the lines they sum up...
    const fromLines: Record<string, number> = {};
    for (const l of lines.filter((x) => x[5] === 'charged' || x[5] === 'auth_approved')) fromLines[l[4]!] = (fromLines[l[4]!] ?? 0) + Number(l[3]);
    expect(posted).toEqual(fromLines);
    // ...the run's charge events in the log...
    expect(posted).toEqual(await postedInLog(RUN));
    // ...and the change of the balances in the accounts projection (a charge lowers the balance).
    const after = await balances();
    const change: Record<string, number> = {};
    for (const [c, b] of after) if (b !== before.get(c)) change[c] = (before.get(c) ?? 0) - b;
    expect(change).toEqual(posted);
    // The run's own running totals agree too.
    const got = await super2.call('chargeRuns.get', { runId: RUN });
    expect(got.ok && got.value.totals).toEqual(posted);

    // Per currency and outcome, accounts add up to the lines; positions span the charge events.
    expect(totals.filter((t) => t[1] !== 'posted').reduce((n, t) => n + Number(t[2]), 0)).toBe(ACCOUNTS);
    expect(tail.find((r) => r[0] === 'lines')?.[1]).toBe(String(ACCOUNTS));
    const positions = lines.filter((l) => l[5] !== 'skipped').map((l) => Number(l[8]));
    expect(tail.find((r) => r[0] === 'event positions')?.slice(1, 3)).toEqual([String(Math.min(...positions)), String(Math.max(...positions))]);
    expect(got.ok && [got.value.controlTotals.minPosition, got.value.controlTotals.maxPosition]).toEqual([Math.min(...positions), Math.max(...positions)]);
    // Amounts are exact decimals of the minor units, in the currency's digits.
    const charged = lines.find((l) => l[5] === 'charged' && l[4] === 'GBP');
    expect(charged?.slice(2, 5)).toEqual(['200.00', '20000', 'GBP']);
    expect(charged?.[7]).toBe('FEE-2026-11-monthly_fee');
    expect(charged?.[1]).toMatch(/^CRD-/);
  });

  it('a second run for the same period charges nobody, and its report says so', async () => {
    await exec(super1, { type: 'PlanChargeRun', runId: `${RUN}-again`, period: '2026-11', fees: { feeKind: 'monthly_fee', perCurrency: {}, default: 25_000 } });
    await exec(super2, { type: 'ApproveChargeRun', runId: `${RUN}-again` });
    await exec(super2, { type: 'StartChargeRun', runId: `${RUN}-again` });
    await super2.call('chargeRuns.wait', { runId: `${RUN}-again` });
    const { lines, totals } = blocks(await csvOf(`${RUN}-again`));
    expect(lines).toHaveLength(ACCOUNTS);
    expect(new Set(lines.map((l) => l[5]))).toEqual(new Set(['skipped']));
    expect(lines.filter((l) => l[6] === 'already_charged').length).toBeGreaterThan(2000);
    expect(totals.filter((t) => t[1] === 'posted')).toEqual([]);
    expect(await postedInLog(`${RUN}-again`)).toEqual({});
  });

  it('XLSX: the same lines and totals, streamed', async () => {
    const file = join(dir, 'r.xlsx');
    const totals = await writeReconciliation(backend.store, RUN, 'xlsx', { generatedAt: '2026-11-30T12:00:00.000Z', generatedBy: 'super2' }, createWriteStream(file), { pageSize: 700 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Lines', 'Summary']);
    const sheet = wb.getWorksheet('Lines')!;
    expect(sheet.rowCount).toBe(1 + ACCOUNTS);
    expect(sheet.getRow(1).getCell(1).value).toBe('Account');
    let minor = 0;
    sheet.eachRow((row, n) => {
      if (n > 1 && (row.getCell(6).value === 'charged' || row.getCell(6).value === 'auth_approved')) minor += Number(row.getCell(4).value);
    });
    expect(minor).toBe(Object.values(await postedInLog(RUN)).reduce((a, b) => a + b, 0));
    const summary = wb.getWorksheet('Summary')!;
    const postedRows: Record<string, number> = {};
    summary.eachRow((row) => {
      if (row.getCell(2).value === 'posted') postedRows[String(row.getCell(1).value)] = Number(row.getCell(5).value);
    });
    expect(postedRows).toEqual(totals.posted);
    expect(postedRows).toEqual(await postedInLog(RUN));
  });
});

describe('CSV safety', () => {
  it('quotes per RFC 4180 and escapes cells that begin with = + - @ tab or CR', async () => {
    const run = (await super2.call('chargeRuns.get', { runId: RUN })) as { ok: true; value: ChargeRunRow };
    const bad = ['=HYPERLINK("http://x","y")', '+1', '-2', '@SUM(A1)', '\tx', '\rx', 'a,b "c"\nd'];
    const rows: OutcomeRow[] = bad.map((reason, i) => ({ accountId: `ACC-${i}`, outcome: 'failed', reason, cardId: null, amount: null, currency: null, chargeId: null, position: 10 + i, at: '2026-11-30T00:00:00.000Z' }));
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    async function* pages(): AsyncGenerator<readonly OutcomeRow[]> {
      yield rows;
    }
    await writeCsv(run.value, pages(), { generatedAt: '2026-11-30T12:00:00.000Z', generatedBy: '=evil' }, out);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toContain('\r\n');
    const { lines, run: head } = blocks(text);
    expect(lines.map((l) => l[6])).toEqual(["'=HYPERLINK(\"http://x\",\"y\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", 'a,b "c"\nd']);
    expect(head.find((r) => r[0] === 'generated by')?.[1]).toBe("'=evil");
    expect(text).toContain('"a,b ""c""\nd"');
  });

  it('the print view escapes every value', () => {
    const html = summaryHtml(
      { runId: '<script>x</script>', period: '2026-11', feeKind: 'a&b', status: 'completed', plannedBy: '"p"', plannedAt: '2026-11-01T00:00:00Z', approvedBy: "o'q", approvedAt: null, startedAt: null, finishedAt: null, batches: 0, counts: {}, totals: {}, preview: { accounts: 0, eligible: 0, totals: {}, eligibleByCurrency: {}, exclusions: {} }, fees: { feeKind: 'a&b', perCurrency: {} }, firstPosition: null, lastPosition: null, approvedPreview: null, eligibleAtApproval: null, chargedAccounts: 0 },
      { rows: [], posted: {}, lines: 0, minPosition: null, maxPosition: null },
      { generatedAt: '2026-11-30T12:00:00.000Z', generatedBy: '<b>' },
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).toContain('a&amp;b');
    expect(html).toContain('&quot;p&quot;');
    expect(html).toContain('o&#39;q');
  });
});

describe('download tickets and the browser twin’s route', () => {
  let server: WebServer;
  beforeAll(async () => {
    const staticDir = join(dir, 'static');
    mkdirSync(staticDir, { recursive: true });
    server = await startWebServer({ backend, staticDir });
  });
  afterAll(async () => server?.close());

  it('a ticket works once and only until it expires', () => {
    let now = 1_000;
    const t = new ReportTickets(() => now);
    const a = t.issue({ runId: 'r', format: 'csv', operatorId: 'super2' }, 100);
    expect(a.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(t.redeem(a.ticket)).toMatchObject({ runId: 'r', format: 'csv', operatorId: 'super2' });
    expect(t.redeem(a.ticket)).toBeNull();
    const b = t.issue({ runId: 'r', format: 'csv', operatorId: 'super2' }, 100);
    now += 101;
    expect(t.redeem(b.ticket)).toBeNull();
    expect(t.redeem('made-up')).toBeNull();
  });

  it('reports.ticket needs a supervisor or admin and an existing run', async () => {
    const agent = await as('agent1');
    expect(await agent.call('reports.ticket', { runId: RUN, format: 'csv' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await super2.call('reports.ticket', { runId: 'no-such-run', format: 'csv' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await super2.call('reports.ticket', { runId: RUN, format: 'doc' as 'csv' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('streams the CSV once per ticket, and refuses cross-site requests and used tickets', async () => {
    const t = await super2.call('reports.ticket', { runId: RUN, format: 'csv' });
    if (!t.ok) throw new Error(t.error.message);
    expect(t.value.fileName).toBe(`reconciliation-${RUN}.csv`);
    const url = `${server.origin}/reports/download?ticket=${t.value.ticket}`;
    const cross = await fetch(url, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(cross.status).toBe(403);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="reconciliation-${RUN}.csv"`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const { lines, totals } = blocks(bytes.toString('utf8'));
    expect(lines).toHaveLength(ACCOUNTS);
    const posted = Object.fromEntries(totals.filter((r) => r[1] === 'posted').map((r) => [r[0], Number(r[4])]));
    expect(posted).toEqual(await postedInLog(RUN));
    const again = await fetch(url);
    expect(again.status).toBe(403);
    expect(await again.text()).toContain('used already or has expired');
    expect((await fetch(`${server.origin}/reports/download`)).status).toBe(403);
  });

  it('serves the print view with a CSP that allows no script, and refuses an operator who lost the role', async () => {
    const t = await super2.call('reports.ticket', { runId: RUN, format: 'html' });
    if (!t.ok) throw new Error(t.error.message);
    const res = await fetch(`${server.origin}/reports/download?ticket=${t.value.ticket}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).not.toContain('script');
    expect(await res.text()).toContain(`CardOps charge run ${RUN} for 2026-11`);

    const late = await super2.call('reports.ticket', { runId: RUN, format: 'csv' });
    if (!late.ok) throw new Error(late.error.message);
    const admin = await as('admin');
    await exec(admin, { type: 'ChangeOperatorRole', operatorId: 'super2', role: 'agent' });
    try {
      const res2 = await fetch(`${server.origin}/reports/download?ticket=${late.value.ticket}`);
      expect(res2.status).toBe(403);
      expect(await res2.text()).toContain('may no longer export reports');
    } finally {
      await exec(admin, { type: 'ChangeOperatorRole', operatorId: 'super2', role: 'supervisor' });
    }
    // The registry is the backend's: a ticket issued through it is found through its store.
    expect(reportTickets(backend.store)).toBe(reportTickets(backend.store));
  });
});

describe('the desktop app’s report jobs (the backend host’s side)', () => {
  it('writes the CSV where the Save dialog said, once per ticket; answers a PDF job with the summary HTML', async () => {
    const t = await super2.call('reports.ticket', { runId: RUN, format: 'csv' });
    if (!t.ok) throw new Error(t.error.message);
    const path = join(dir, 'saved.csv');
    expect(await runReportJob(backend, { kind: 'report', id: 1, ticket: t.value.ticket, format: 'csv', path })).toEqual({ kind: 'report-done', id: 1, ok: true });
    expect(blocks(readFileSync(path, 'utf8')).lines).toHaveLength(ACCOUNTS);
    expect(await runReportJob(backend, { kind: 'report', id: 2, ticket: t.value.ticket, format: 'csv', path })).toMatchObject({ ok: false, code: 'TICKET_INVALID' });

    const x = await super2.call('reports.ticket', { runId: RUN, format: 'xlsx' });
    if (!x.ok) throw new Error(x.error.message);
    // A ticket for one format does not buy another.
    expect(await runReportJob(backend, { kind: 'report', id: 3, ticket: x.value.ticket, format: 'pdf' })).toMatchObject({ ok: false, code: 'TICKET_INVALID' });

    const p = await super2.call('reports.ticket', { runId: RUN, format: 'pdf' });
    if (!p.ok) throw new Error(p.error.message);
    const reply = await runReportJob(backend, { kind: 'report', id: 4, ticket: p.value.ticket, format: 'pdf' });
    expect(reply).toMatchObject({ ok: true, id: 4 });
    expect(reply.ok && reply.html).toContain('Reconciliation report');
  });

  it('checks what the renderer asks to save: a ticket, a plain file name, a known format', () => {
    const ticket = 'A'.repeat(43);
    expect(parseSaveReportRequest({ ticket, suggestedName: '../../etc/passwd', format: 'csv' })).toEqual({ ticket, suggestedName: '_.._etc_passwd', format: 'csv' });
    expect(parseSaveReportRequest({ ticket, suggestedName: 'r.pdf', format: 'exe' })).toBeNull();
    expect(parseSaveReportRequest({ ticket: 'short', suggestedName: 'r.csv', format: 'csv' })).toBeNull();
    expect(parseSaveReportRequest(null)).toBeNull();
  });
});

describe('cardops report reconciliation', () => {
  async function cli(...args: string[]): Promise<string> {
    // A report needs an operator (--as); its password comes from the environment.
    process.env.CARDOPS_PASSWORD = 'demo';
    const program = new Command('cardops').exitOverride();
    registerReportCommand(program);
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'cardops', 'report', 'reconciliation', ...args]);
    } finally {
      process.stdout.write = write;
    }
    return out.join('');
  }

  it('refuses a run that does not exist, writing nothing', async () => {
    // The CLI opens the store itself: the test's backend holds its lock, so use a second store.
    const path = tempStore('cardops-recon-cli-');
    const b = await openBackend({ path });
    await seedDemo(b.store, { accounts: 50, seed: 3 });
    await b.close();
    await expect(cli('--db', path, '--as', 'super2', '--run', 'nope', '--format', 'csv', '--out', join(dir, 'nope.csv'))).rejects.toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(() => readFileSync(join(dir, 'nope.csv'))).toThrow();
  });

  it.skipIf(!findChromium())('writes a one-page PDF summary and a CSV, with --json', async () => {
    const path = tempStore('cardops-recon-cli-');
    let b = await openBackend({ path });
    await seedDemo(b.store, { accounts: 200, seed: 5 });
    const c1 = b.connect({ origin: 'test' });
    await c1.call('auth.login', { operatorId: 'super1', password: 'demo' });
    const c2 = b.connect({ origin: 'test' });
    await c2.call('auth.login', { operatorId: 'super2', password: 'demo' });
    for (const [c, command] of [
      [c1, { type: 'PlanChargeRun', runId: 'cli-run', period: '2026-12', fees: { default: 1_500 } }],
      [c2, { type: 'ApproveChargeRun', runId: 'cli-run' }],
      [c2, { type: 'StartChargeRun', runId: 'cli-run' }],
    ] as const) expect((await c.call('commands.execute', { command })).ok).toBe(true);
    await c2.call('chargeRuns.wait', { runId: 'cli-run' });
    await b.close();

    const pdfOut = JSON.parse(await cli('--db', path, '--as', 'super2', '--run', 'cli-run', '--format', 'pdf', '--out', join(dir, 'cli.pdf'), '--json')) as { ok: boolean; bytes: number };
    expect(pdfOut).toMatchObject({ ok: true });
    const pdf = readFileSync(join(dir, 'cli.pdf'));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBe(pdfOut.bytes);
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1);

    const csvOut = JSON.parse(await cli('--db', path, '--as', 'super2', '--run', 'cli-run', '--format', 'csv', '--out', join(dir, 'cli.csv'), '--json')) as { lines: number; posted: Record<string, number> };
    expect(csvOut.lines).toBe(200);
    const { totals } = blocks(readFileSync(join(dir, 'cli.csv'), 'utf8'));
    expect(Object.fromEntries(totals.filter((r) => r[1] === 'posted').map((r) => [r[0], Number(r[4])]))).toEqual(csvOut.posted);
    b = await openBackend({ path });
    const run = await b.connect({ origin: 'cli', localReadOnly: true }).call('chargeRuns.get', { runId: 'cli-run' });
    await b.close();
    expect(run.ok && run.value.totals).toEqual(csvOut.posted);
  });
});
