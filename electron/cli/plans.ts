/** `cardops plans run|due|show`: the payment plans' renewal job and its lists, from a terminal. */
import { type Command, Option } from 'commander';
import type { Connection } from '../../domain/backend/backend.js';
import { formatMoney } from '../../domain/shared/money.js';
import type { ChargeRunCliDeps } from './chargerun.js';
import { CliError, EXIT, printJson, printPairs, printTable } from './io.js';

interface Common {
  db?: string;
  json?: boolean;
  as?: string;
}

const db = () => new Option('--db <path>', "the store file (default: $CARDOPS_DB, else the desktop app's data file)");
const as = () => new Option('--as <operator>', 'act as this operator (password from $CARDOPS_PASSWORD or a prompt)');
const json = () => new Option('--json', 'machine-readable output');

export function registerPlansCommand(program: Command, deps: ChargeRunCliDeps): void {
  const onStore = <T>(o: Common, fn: (conn: Connection) => Promise<T>): Promise<T> => {
    const path = deps.dbPath(o);
    deps.requireStore(path);
    return deps.withConnection(path, o.as, fn);
  };
  const plans = program.command('plans').description('payment plans: run the renewal job for a date, list what is due');

  plans
    .command('run')
    .description('run the renewal job for a date: notices, charges, retries and lapses due by then (safe to run again: nothing is done twice)')
    .addOption(db())
    .addOption(as().makeOptionMandatory())
    .requiredOption('--date <YYYY-MM-DD>', 'the date to run for (usually today)')
    .addOption(json())
    .action(async (o: Common & { date: string }) => {
      await onStore(o, async (conn) => {
        const r = await conn.call('plans.run', { date: o.date });
        if (!r.ok) throw new CliError(r.error.code === 'FORBIDDEN' || r.error.code === 'VALIDATION_FAILED' ? EXIT.refused : EXIT.failure, r.error);
        const v = r.value;
        if (o.json) printJson({ ok: v.failed.length === 0, ...v });
        else {
          process.stdout.write(`Renewal job for ${v.date}: ${v.plans} plan(s) looked at.\n`);
          printPairs([
            ['renewal notices', v.notices],
            ['charged', v.charged],
            ['declined', v.declined],
            ['gateway timeouts', v.timedOut],
            ['lapsed', v.lapsed],
            ['failed', v.failed.length],
          ]);
          for (const f of v.failed) process.stdout.write(`  ${f.planId}: ${f.message} [${f.code}]\n`);
        }
        if (v.failed.length) process.exitCode = EXIT.failure;
      });
    });

  plans
    .command('due')
    .description('live plans renewing today or within the next days')
    .addOption(db())
    .option('--days <n>', 'how many days ahead', (v) => Number(v), 7)
    .addOption(json())
    .action(async (o: Common & { days: number }) => {
      await onStore(o, async (conn) => {
        const r = await conn.call('plans.due', { days: o.days });
        if (!r.ok) throw new CliError(EXIT.failure, r.error);
        if (o.json) return printJson(r.value);
        printTable(
          ['plan', 'account', 'status', 'renews', 'amount', 'method'],
          r.value.plans.map((p) => [p.planId, p.accountId, p.status, p.nextDueDate, formatMoney(p), p.methodLabel ?? p.methodId]),
        );
      });
    });

  plans
    .command('show')
    .description("one plan: its schedule, charges, notices, retries and state")
    .addOption(db())
    .requiredOption('--plan <id>', 'the plan id')
    .addOption(json())
    .action(async (o: Common & { plan: string }) => {
      await onStore(o, async (conn) => {
        const r = await conn.call('plans.get', { planId: o.plan });
        if (!r.ok) throw new CliError(EXIT.failure, r.error);
        const p = r.value;
        if (o.json) return printJson(p);
        printPairs([
          ['plan', p.planId],
          ['account', p.accountId],
          ['status', p.status + (p.flagReason ? ` (flagged: ${p.flagReason})` : '')],
          ['amount', `${formatMoney(p)} ${p.interval}`],
          ['method', p.methodLabel ?? p.methodId],
          ['next renewal', p.nextDueDate],
        ]);
        printTable(['when (UTC)', 'what', 'period', 'charge', 'details'], p.log.map((l) => [l.at.replace('T', ' ').slice(0, 19), l.type, l.period ?? '', l.chargeId ?? '', l.text]));
      });
    });
}
