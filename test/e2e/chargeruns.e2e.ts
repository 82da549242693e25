/**
 * The monthly charge run in Chromium: super1 plans it with a live preview; super2 approves and
 * starts it, watches the progress bar reach the end, filters the review to "authorisation
 * required", downloads the CSV (parsed here: its control totals match the run) and prints the
 * one-page summary to PDF from the print view. Also: the planner cannot approve (four eyes), an
 * interrupted run offers Resume, pause and cancel. Every screen: light and dark, axe.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../domain/backend/backend.js';
import { driveChargeRun } from '../../domain/chargeruns/executor.js';
import type { TestApp } from './support/app.js';
import { launchChromium } from './support/browser.js';
import { execute, signedIn, startChargeRunApp } from './support/chargeruns.js';
import { axeViolations, checkScreen, openApp, pageErrors, SCREENSHOTS, signIn, until } from './support/page.js';

const ACCOUNTS = 3000;
let app: TestApp;
let browser: Browser;
let planner: Page;
let approver: Page;
let super2: Connection;
let runId = '';

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
const progressBar = (page: Page) => page.getByRole('progressbar', { name: 'Accounts processed' });
const outcomes = (page: Page) => page.getByRole('table', { name: 'Outcomes' });
async function outcomeCells(page: Page, column: number): Promise<string[]> {
  const out: string[] = [];
  for (const row of await outcomes(page).getByRole('row').all()) {
    const cells = await row.getByRole('cell').allTextContents();
    if (cells.length > 3) out.push((cells[column] ?? '').trim());
  }
  return out;
}
/** To the list of runs. The screen keeps its place: when a run is open, back by the breadcrumb. */
async function goToList(page: Page): Promise<void> {
  await nav(page).getByRole('button', { name: 'Charge runs' }).click();
  const crumb = page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('button', { name: 'Charge runs' });
  if (await crumb.isVisible()) await crumb.click();
  await until(() => page.getByRole('table', { name: 'Charge runs' }).isVisible(), 'the list of runs');
}
async function openRun(page: Page, id: string): Promise<void> {
  await goToList(page);
  const list = page.getByRole('table', { name: 'Charge runs' });
  await until(() => list.getByRole('button', { name: `Open ${id}`, exact: true }).isVisible(), `${id} in the list`);
  await list.getByRole('button', { name: `Open ${id}`, exact: true }).click();
  await until(() => page.getByRole('heading', { name: new RegExp(`Charge run ${id}`), level: 1 }).isVisible(), `the page of ${id}`);
}

beforeAll(async () => {
  app = await startChargeRunApp({ accounts: ACCOUNTS, batchSize: 150 });
  // A tighter credit policy: a fee of 250.00 then sends some accounts to a supervisor's review.
  const admin = await signedIn(app, 'admin');
  await execute(admin, { type: 'UpdateSettings', changes: { creditPolicy: { autoApproveMaxOverdraft: 2_000, autoDenyOverOverdraft: 100_000 } } });
  admin.close();
  super2 = await signedIn(app, 'super2');
  browser = await launchChromium();
  planner = (await openApp(browser, app)).page;
  approver = (await openApp(browser, app)).page;
  await signIn(planner, 'super1');
  await signIn(approver, 'super2');
}, 180_000);

afterAll(async () => {
  super2?.close();
  await browser?.close();
  await app?.close();
});

describe('the monthly charge run', () => {
  it('super1 plans a run: fees typed as money, a live preview with the exclusions by reason', async () => {
    await nav(planner).getByRole('button', { name: 'Charge runs' }).click();
    await until(() => planner.getByText('No charge run yet. Plan the first one.').isVisible(), 'the empty list');
    await checkScreen(planner, 'chargeruns-list-empty');

    await planner.getByRole('button', { name: 'Plan a run' }).click();
    const form = planner.getByRole('form', { name: 'Plan a charge run' });
    await form.getByLabel('Period').fill('2026-11');
    await form.getByLabel('Default fee').fill('250.001');
    await until(() => form.getByText('the default fee has at most 2 decimals').isVisible(), 'the decimals error');
    await form.getByLabel('Default fee').fill('250.00');
    await form.getByRole('button', { name: 'Add a fee for a currency' }).click();
    await form.getByLabel('Currency').fill('GBP');
    await form.getByLabel('Fee in GBP').fill('200');
    const preview = planner.getByRole('region', { name: 'Preview' });
    await until(async () => (await preview.getByText('For November 2026').isVisible()) && (await preview.getByRole('table', { name: 'To charge, per currency' }).getByRole('row', { name: /GBP/ }).isVisible()), 'the preview');
    const gbp = await preview.getByRole('table', { name: 'To charge, per currency' }).getByRole('row', { name: /GBP/ }).getByRole('cell').allTextContents();
    expect(gbp[1]).toBe('200.00 GBP');
    const eur = await preview.getByRole('table', { name: 'To charge, per currency' }).getByRole('row', { name: /EUR/ }).getByRole('cell').allTextContents();
    expect(eur[1]).toBe('250.00 EUR');
    // The preview's numbers are the backend's.
    const expected = await super2.call('chargeRuns.preview', { period: '2026-11', fees: { feeKind: 'monthly_fee', perCurrency: { GBP: 20_000 }, default: 25_000 } });
    if (!expected.ok) throw new Error(expected.error.message);
    expect(await preview.getByTestId('preview-eligible').textContent()).toBe(expected.value.eligible.toLocaleString('en-US'));
    const exclusions = preview.getByRole('table', { name: 'Exclusions by reason' });
    expect(await exclusions.getByRole('row', { name: /No active card/ }).getByRole('cell').textContent()).toBe((expected.value.exclusions.no_active_card ?? 0).toLocaleString('en-US'));
    await checkScreen(planner, 'chargeruns-plan');

    runId = await form.getByLabel('Run id').inputValue();
    expect(runId).toMatch(/^run-2026-11-[0-9a-f]{4}$/);
    await form.getByRole('button', { name: 'Plan run' }).click();
    await until(() => planner.getByRole('heading', { name: new RegExp(`Charge run ${runId}`), level: 1 }).isVisible(), 'the planned run');
    // Four eyes: the planner sees why they cannot approve.
    const why = planner.getByRole('note').filter({ hasText: 'You planned this run, so you cannot approve it' });
    await until(() => why.isVisible(), 'the four-eyes note');
    expect(await planner.getByRole('button', { name: 'Approve run' }).isDisabled()).toBe(true);
    expect(await planner.getByText('To approve', { exact: true }).first().isVisible()).toBe(true);
    await checkScreen(planner, 'chargeruns-approve-planner');
    // The backend refuses it too, whatever the page shows.
    const refused = await (await signedIn(app, 'super1')).call('commands.execute', { command: { type: 'ApproveChargeRun', runId } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FOUR_EYES' } });
  });

  it('super2 approves and starts it, and watches the progress bar reach the end', async () => {
    await nav(approver).getByRole('button', { name: 'Charge runs' }).click();
    const row = approver.getByRole('table', { name: 'Charge runs' }).getByRole('row', { name: new RegExp(runId) });
    await until(() => row.isVisible(), 'the run in the list');
    expect(await row.getByRole('cell').allTextContents()).toEqual(expect.arrayContaining(['2026-11', 'To approve', 'super1']));
    await checkScreen(approver, 'chargeruns-list');
    await openRun(approver, runId);
    await checkScreen(approver, 'chargeruns-approve');
    await approver.getByRole('button', { name: 'Approve run' }).click();
    await until(() => approver.getByRole('button', { name: 'Start run' }).isVisible(), 'Start run');
    await checkScreen(approver, 'chargeruns-start');

    const seen: number[] = [];
    await approver.getByRole('button', { name: 'Start run' }).click();
    await until(async () => {
      const bar = progressBar(approver);
      if (!(await bar.isVisible())) return false;
      const now = Number(await bar.getAttribute('aria-valuenow'));
      if (seen[seen.length - 1] !== now) seen.push(now);
      return now > 0 && now === Number(await bar.getAttribute('aria-valuemax'));
    }, 'the progress bar to reach the end', 60_000);
    expect(seen[seen.length - 1]).toBe(ACCOUNTS);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    await until(() => approver.getByRole('heading', { level: 1 }).getByText('Completed').isVisible(), 'Completed');
    expect(await progressBar(approver).getAttribute('aria-valuetext')).toBe(`${ACCOUNTS.toLocaleString('en-US')} of ${ACCOUNTS.toLocaleString('en-US')} accounts`);
  });

  it('super2 filters the review to "authorisation required", searches by account, and opens an account', async () => {
    await until(async () => (await outcomeCells(approver, 0)).length > 0, 'the outcomes');
    await checkScreen(approver, 'chargeruns-review');
    await outcomes(approver).scrollIntoViewIfNeeded();
    await approver.getByRole('combobox', { name: 'Filter by outcome' }).selectOption('auth_review');
    await until(async () => {
      const o = await outcomeCells(approver, 2);
      return o.length > 0 && o.every((x) => x === 'Authorisation required (review)');
    }, 'only authorisations in review');
    const run = await super2.call('chargeRuns.get', { runId });
    if (!run.ok) throw new Error(run.error.message);
    expect(run.value.counts.auth_review ?? 0).toBeGreaterThan(0);
    const accounts = await outcomeCells(approver, 0);
    expect(accounts.length).toBe(Math.min(50, run.value.counts.auth_review ?? 0));
    await checkScreen(approver, 'chargeruns-review-auth');

    const first = accounts[0]!;
    await approver.getByRole('searchbox', { name: 'Search outcomes by account' }).fill(first);
    await until(async () => (await outcomeCells(approver, 0)).join() === first, `only ${first}`);
    await approver.getByRole('searchbox', { name: 'Search outcomes by account' }).fill('');
    await approver.getByRole('combobox', { name: 'Filter by outcome' }).selectOption('');

    // Every row links to its account.
    await outcomes(approver).getByRole('button', { name: `Open account ${first}` }).click();
    await until(async () => (await nav(approver).getByRole('button', { name: 'Accounts' }).getAttribute('aria-current')) === 'page', 'the Accounts screen');
    await until(() => approver.getByText(first).first().isVisible(), `account ${first}`);
    await openRun(approver, runId);
  });

  it('super2 downloads the CSV: its control totals are the run’s', async () => {
    await until(() => approver.getByRole('button', { name: 'Download CSV' }).isVisible(), 'the downloads');
    const download = approver.waitForEvent('download');
    await approver.getByRole('button', { name: 'Download CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`reconciliation-${runId}.csv`);
    const bytes = readFileSync(await file.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.subarray(3).toString('utf8')) as string[][];
    expect(rows[0]?.slice(0, 2)).toEqual(['CardOps reconciliation report', runId]);
    expect(rows.find((r) => r[0] === 'planned by')?.[1]).toBe('super1');
    expect(rows.find((r) => r[0] === 'approved by')?.[1]).toBe('super2');
    const head = rows.findIndex((r) => r[0] === 'account' && r[5] === 'outcome');
    const totalsAt = rows.findIndex((r) => r[0] === 'control totals');
    const lines = rows.slice(head + 1, totalsAt - 1);
    expect(lines).toHaveLength(ACCOUNTS);
    const fromLines: Record<string, number> = {};
    for (const l of lines) if (l[5] === 'charged' || l[5] === 'auth_approved') fromLines[l[4]!] = (fromLines[l[4]!] ?? 0) + Number(l[3]);
    const posted = Object.fromEntries(rows.slice(totalsAt).filter((r) => r[1] === 'posted').map((r) => [r[0], Number(r[4])]));
    const run = await super2.call('chargeRuns.get', { runId });
    if (!run.ok) throw new Error(run.error.message);
    expect(posted).toEqual(run.value.totals);
    expect(posted).toEqual(fromLines);
    expect(Object.keys(posted)).toEqual(expect.arrayContaining(['EUR', 'GBP']));
    const review = rows.slice(totalsAt).filter((r) => r[1] === 'auth_review').reduce((n, r) => n + Number(r[2]), 0);
    expect(review).toBe(run.value.counts.auth_review);
    expect(rows.find((r) => r[0] === 'event positions')?.slice(1, 3)).toEqual([String(run.value.controlTotals.minPosition), String(run.value.controlTotals.maxPosition)]);
  });

  it('prints the one-page summary to PDF from the print view', async () => {
    const popup = approver.context().waitForEvent('page');
    await approver.getByRole('button', { name: 'Print view' }).click();
    const view = await popup;
    await view.waitForLoadState('load');
    expect(await view.getByRole('heading', { name: 'Reconciliation report', level: 1 }).isVisible()).toBe(true);
    expect(await view.getByText(`CardOps charge run ${runId} for 2026-11`).isVisible()).toBe(true);
    // The print view is a document, not the app: one (light, print-like) look, scanned by axe.
    mkdirSync(SCREENSHOTS, { recursive: true });
    await view.screenshot({ path: join(SCREENSHOTS, 'chargeruns-print-view.png'), fullPage: true });
    expect(await axeViolations(view)).toEqual([]);
    const pdf = await view.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1);
    await view.close();
  });

  it('an interrupted run shows Interrupted with Resume; pause and cancel work from the screen', async () => {
    // Another run, for December, planned and approved through the backend.
    const super1 = await signedIn(app, 'super1');
    const second = 'run-2026-12-e2e';
    await execute(super1, { type: 'PlanChargeRun', runId: second, period: '2026-12', fees: { default: 1_500 } });
    await execute(super2, { type: 'ApproveChargeRun', runId: second });
    // As if the app had been killed mid-run: started, four batches committed, no driver any more.
    await execute(super2, { type: 'PauseChargeRun', runId: second }).catch(() => undefined);
    await app.backend.store.append(`chargerun-${second}`, [{ eventId: `${second}:started-by-test`, type: 'ChargeRunStarted', data: { runId: second }, metadata: { operator: 'super2', correlationId: second, causationId: second, commandId: `${second}:started-by-test` } }], { expectedVersion: 'stream_exists' });
    let batches = 0;
    await driveChargeRun(second, { store: app.backend.store, operatorId: 'super2', batchSize: 150, shouldStop: () => batches++ >= 4 });

    await openRun(approver, second);
    const banner = approver.getByRole('alert').filter({ hasText: 'Interrupted: CardOps stopped while this run was running' });
    await until(() => banner.isVisible(), 'the interrupted banner');
    expect(await progressBar(approver).getAttribute('aria-valuenow')).toBe('600');
    await checkScreen(approver, 'chargeruns-interrupted');
    await goToList(approver);
    const row = approver.getByRole('table', { name: 'Charge runs' }).getByRole('row', { name: new RegExp(second) });
    await until(() => row.getByText('Interrupted').isVisible(), 'Interrupted in the list');
    expect(await row.getByRole('button', { name: `Resume ${second}` }).isVisible()).toBe(true);

    // Paused (by another supervisor): the screen follows; the partial review shows.
    await execute(super1, { type: 'PauseChargeRun', runId: second });
    await until(() => row.getByText('Paused').isVisible(), 'Paused in the list');
    await openRun(approver, second);
    await until(() => approver.getByRole('button', { name: 'Resume' }).isVisible(), 'Resume');
    await checkScreen(approver, 'chargeruns-paused');
    await outcomes(approver).scrollIntoViewIfNeeded();
    await checkScreen(approver, 'chargeruns-paused-review');
    // An admin sees the paused run but is offered none of the supervisor's controls.
    {
      const { context, page: admin } = await openApp(browser, app);
      await signIn(admin, 'admin');
      await openRun(admin, second);
      await until(() => admin.getByRole('heading', { level: 1 }).getByText('Paused').isVisible(), 'Paused, seen by an admin');
      for (const name of ['Resume', 'Pause', 'Cancel run…']) expect(await admin.getByRole('button', { name, exact: true }).count(), name).toBe(0);
      await goToList(admin);
      await until(() => admin.getByRole('table', { name: 'Charge runs' }).getByRole('row', { name: new RegExp(second) }).isVisible(), 'the run in the list');
      expect(await admin.getByRole('button', { name: `Resume ${second}` }).count()).toBe(0);
      await context.close();
    }
    await approver.getByRole('button', { name: 'Resume' }).click();
    await until(async () => (await progressBar(approver).getAttribute('aria-valuenow')) === String(ACCOUNTS), 'the resumed run to finish', 60_000);
    await until(() => approver.getByRole('heading', { level: 1 }).getByText('Completed').isVisible(), 'Completed');
    const done = await super2.call('chargeRuns.get', { runId: second });
    expect(done.ok && Object.values(done.value.counts).reduce((n, c) => n + (c ?? 0), 0)).toBe(ACCOUNTS);

    // A third run, cancelled with a reason before it starts.
    const third = 'run-2027-01-e2e';
    await execute(super1, { type: 'PlanChargeRun', runId: third, period: '2027-01', fees: { default: 1_000 } });
    super1.close();
    await openRun(approver, third);
    await approver.getByRole('button', { name: 'Cancel run…' }).click();
    const dialog = approver.getByRole('dialog', { name: `Cancel ${third}` });
    await dialog.getByLabel('Reason').fill('wrong fee schedule');
    await checkScreen(approver, 'chargeruns-cancel');
    await dialog.getByRole('button', { name: 'Cancel the run' }).click();
    await until(() => approver.getByRole('heading', { level: 1 }).getByText('Cancelled').isVisible(), 'Cancelled');
    const events = await app.backend.store.readStream(`chargerun-${third}`);
    expect(events.events.at(-1)).toMatchObject({ type: 'ChargeRunCancelled', data: { reason: 'wrong fee schedule' }, metadata: { operator: 'super2' } });
    expect(pageErrors(approver)).toEqual([]);
    expect(pageErrors(planner)).toEqual([]);
  });
});
