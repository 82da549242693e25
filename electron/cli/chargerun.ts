/** `cardops charge-run plan|approve|start|resume|status|pause|cancel`: the monthly charge run from a terminal. */
import { randomUUID } from 'node:crypto';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Connection } from '../../domain/backend/backend.js';
import { formatMoney } from '../../domain/shared/money.js';
import { DEFAULT_BATCH_SIZE } from '../../domain/chargeruns/executor.js';
import { CliError, EXIT, printJson, printPairs, printTable, progressBar } from './io.js';

export interface ChargeRunCliDeps {
  dbPath(o: { db?: string }): string;
  requireStore(path: string): void;
  /** Opens the backend, signs in when `as` is given (else a read-only connection), runs `fn`, closes. */
  withConnection<T>(path: string, as: string | undefined, fn: (conn: Connection) => Promise<T>, options?: { batchSize?: number }): Promise<T>;
}

interface Common {
  db?: string;
  json?: boolean;
  as?: string;
}

/** `--fee 1500` (every currency) or `--fee EUR=1500` (one currency), repeatable; minor units. */
function parseFee(v: string, prev: { default?: number; perCurrency: Record<string, number> } = { perCurrency: {} }) {
  const m = /^(?:([A-Za-z]{3})=)?(\d+)$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError('a fee is minor units, for every currency (--fee 1500) or one (--fee EUR=1500)');
  const amount = Number(m[2]);
  if (!Number.isSafeInteger(amount)) throw new InvalidArgumentError('the fee is too large');
  return m[1] ? { ...prev, perCurrency: { ...prev.perCurrency, [m[1].toUpperCase()]: amount } } : { ...prev, default: amount };
}

const positive = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1`);
  return n;
};

const money = (totals: Readonly<Record<string, number>>): string =>
  Object.entries(totals)
    .map(([c, a]) => formatMoney({ amount: a, currency: c }))
    .join(', ') || '-';

async function exec(conn: Connection, command: Record<string, unknown>): Promise<void> {
  const r = await conn.call('commands.execute', { command });
  // Any refusal of a charge-run command (rules, role, input) is exit code 3.
  if (!r.ok) throw new CliError(EXIT.refused, r.error);
}

async function show(conn: Connection, runId: string, json: boolean | undefined): Promise<void> {
  const r = await conn.call('chargeRuns.get', { runId });
  if (!r.ok) throw new CliError(EXIT.failure, r.error);
  const run = r.value;
  if (json) {
    printJson({ ok: true, run });
    return;
  }
  printPairs([
    ['run', run.runId],
    ['period', `${run.period} (${run.feeKind})`],
    ['status', run.status === 'running' && !run.active ? 'running (interrupted: resume it)' : run.status],
    ['planned', `${run.plannedAt} by ${run.plannedBy}`],
    ['approved', run.approvedBy ? `${run.approvedAt} by ${run.approvedBy}` : '-'],
    ['started', run.startedAt ?? '-'],
    ['finished', run.finishedAt ?? '-'],
    ['accounts', `${run.preview.accounts} (${run.preview.eligible} eligible at planning)`],
    ['at approval', run.eligibleAtApproval === null ? '-' : `${run.eligibleAtApproval} eligible, ${run.chargedAccounts} charged so far`],
    ['outcomes', Object.entries(run.counts).map(([k, v]) => `${k} ${v}`).join(', ') || '-'],
    ['charged', money(run.totals)],
    ['event positions', run.controlTotals.minPosition === null ? '-' : `${run.controlTotals.minPosition}..${run.controlTotals.maxPosition}`],
  ]);
}

export function registerChargeRunCommand(program: Command, deps: ChargeRunCliDeps): void {
  /** Finds the store (or says there is none) and runs `fn` on a connection, as `as` or read-only. */
  const onStore = <T>(o: Common, fn: (conn: Connection) => Promise<T>, options?: { batchSize?: number }): Promise<T> => {
    const path = deps.dbPath(o);
    deps.requireStore(path);
    return deps.withConnection(path, o.as, fn, options);
  };
  const cr = program.command('charge-run').description('plan, approve and execute the monthly charge run');
  const db = () => new Option('--db <path>', "the store file (default: $CARDOPS_DB, else the desktop app's data file)");
  const as = () => new Option('--as <operator>', 'act as this operator (password from $CARDOPS_PASSWORD or a prompt)');
  const json = () => new Option('--json', 'machine-readable output');
  const run = () => new Option('--run <id>', 'the run id').makeOptionMandatory();

  cr.command('plan')
    .description('plan a run for a period and print its preview: eligible accounts, totals, exclusions')
    .addOption(db())
    .addOption(as())
    .requiredOption('--period <YYYY-MM>', 'the billing period')
    .requiredOption('--fee <fee>', 'minor units: --fee 1500 for every currency, --fee EUR=1500 for one (repeatable)', parseFee)
    .option('--kind <feeKind>', 'the fee kind (part of the charge id)', 'monthly_fee')
    .option('--run <id>', 'the run id (default: generated)')
    .addOption(json())
    .action(async (o: Common & { period: string; fee: { default?: number; perCurrency: Record<string, number> }; kind: string; run?: string }) => {
      const runId = o.run ?? `run-${o.period}-${randomUUID().slice(0, 8)}`;
      await onStore(o, async (conn) => {
        await exec(conn, { type: 'PlanChargeRun', runId, period: o.period, fees: { feeKind: o.kind, ...o.fee } });
        const r = await conn.call('chargeRuns.get', { runId });
        if (!r.ok) throw new CliError(EXIT.failure, r.error);
        const p = r.value.preview;
        if (o.json) return printJson({ ok: true, runId, preview: p });
        process.stdout.write(`Planned charge run ${runId} for ${o.period}. Another supervisor must approve it.\n`);
        printPairs([
          ['accounts', p.accounts],
          ['eligible', p.eligible],
          ['to charge', money(p.totals)],
        ]);
        const ex = Object.entries(p.exclusions);
        if (ex.length) printTable(['excluded because', 'accounts'], ex.map(([k, v]) => [k.replace(/_/g, ' '), v ?? 0]));
        if (p.eligible === 0 && (p.exclusions.already_charged ?? 0) > 0) process.stdout.write('Nobody to charge: every account was already charged for this period and fee kind.\n');
      });
    });

  cr.command('approve')
    .description('approve a planned run (a supervisor other than the planner)')
    .addOption(db())
    .addOption(as())
    .addOption(run())
    .addOption(json())
    .action(async (o: Common & { run: string }) => {
      await onStore(o, async (conn) => {
        await exec(conn, { type: 'ApproveChargeRun', runId: o.run });
        if (o.json) printJson({ ok: true, runId: o.run, status: 'approved' });
        else process.stdout.write(`Approved charge run ${o.run}.\n`);
      });
    });

  for (const verb of ['start', 'resume'] as const) {
    cr.command(verb)
      .description(verb === 'start' ? 'start an approved run and follow it to the end' : 'resume a paused or interrupted run and follow it to the end')
      .addOption(db())
      .addOption(as())
      .addOption(run())
      .option('--batch-size <n>', `accounts per batch (default ${DEFAULT_BATCH_SIZE})`, positive('--batch-size'))
      .addOption(json())
      .action(async (o: Common & { run: string; batchSize?: number }) => {
        await onStore(
          o,
          async (conn) => {
            const bar = progressBar(`Charge run ${o.run}`);
            const off = conn.onPush((p) => {
              if (p.topic === 'chargerun' && p.payload.runId === o.run) bar.update(p.payload.done, p.payload.total);
            });
            await exec(conn, { type: verb === 'start' ? 'StartChargeRun' : 'ResumeChargeRun', runId: o.run });
            const r = await conn.call('chargeRuns.wait', { runId: o.run });
            off();
            bar.stop();
            if (!r.ok) throw new CliError(EXIT.failure, r.error);
            await show(conn, o.run, o.json);
          },
          o.batchSize ? { batchSize: o.batchSize } : {},
        );
      });
  }

  cr.command('retry')
    .description("retry a completed run's failed accounts")
    .addOption(db())
    .addOption(as())
    .addOption(run())
    .addOption(json())
    .action(async (o: Common & { run: string }) => {
      await onStore(o, async (conn) => {
        const r = await conn.call('chargeRuns.wait', { runId: o.run, retryFailed: true });
        if (!r.ok) throw new CliError(r.error.code === 'RUN_STATE' ? EXIT.refused : EXIT.failure, r.error);
        await show(conn, o.run, o.json);
      });
    });

  cr.command('status')
    .description("a run's state, outcome counts and totals")
    .addOption(db())
    .addOption(run())
    .addOption(json())
    .action(async (o: Common & { run: string }) => {
      await onStore({ ...o, as: undefined }, (conn) => show(conn, o.run, o.json));
    });

  for (const verb of ['pause', 'cancel'] as const) {
    cr.command(verb)
      .description(verb === 'pause' ? 'pause a running run at its next batch boundary' : 'cancel a run at its next batch boundary')
      .addOption(db())
      .addOption(as())
      .addOption(run())
      .option('--reason <text>', 'why (cancel)')
      .addOption(json())
      .action(async (o: Common & { run: string; reason?: string }) => {
        await onStore(o, async (conn) => {
          await exec(conn, verb === 'pause' ? { type: 'PauseChargeRun', runId: o.run } : { type: 'CancelChargeRun', runId: o.run, ...(o.reason ? { reason: o.reason } : {}) });
          if (o.json) printJson({ ok: true, runId: o.run, status: verb === 'pause' ? 'paused' : 'cancelled' });
          else process.stdout.write(`Charge run ${o.run}: ${verb === 'pause' ? 'paused' : 'cancelled'}.\n`);
        });
      });
  }
}
