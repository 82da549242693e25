/**
 * `cardops`: the command line over the same backend the app uses. Every command that writes acts
 * as an operator (`--as`, with a password); read-only commands need none.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Connection } from '../../domain/backend/backend.js';
import { BootstrapError, DEMO_OPERATORS, initializeStore, seedDemo } from '../../domain/backend/bootstrap.js';
import type { EventView } from '../../domain/backend/methods.js';
import { listSegments } from '../../domain/eventstore/sqljs/journal.js';
import { StoreError } from '../../domain/eventstore/types.js';
import { openBackend } from '../../domain/open.js';
import { defaultDbPath } from '../platform/paths.js';
import { registerChargeRunCommand } from './chargerun.js';
import { registerReportCommand } from './report.js';
import { registerPlansCommand } from './plans.js';
import { registerOutboxCommand } from './outbox.js';
import { CliError, closeStore, EXIT, printJson, printPairs, printTable, progressBar, readPassword } from './io.js';

interface Common {
  db?: string;
  json?: boolean;
}

const dbOption = () => new Option('--db <path>', 'the store file (default: $CARDOPS_DB, else the desktop app\'s data file)');
const jsonOption = () => new Option('--json', 'machine-readable output');
const asOption = () => new Option('--as <operator>', 'act as this operator (password from $CARDOPS_PASSWORD or a prompt)');

function dbPath(o: Common): string {
  return o.db ?? defaultDbPath();
}

function storeExists(path: string): boolean {
  return existsSync(path) || listSegments(path).length > 0;
}

function requireStore(path: string): void {
  if (!storeExists(path)) {
    throw new CliError(EXIT.failure, { code: 'STORE_NOT_FOUND', message: `there is no CardOps store at ${path}: create one with \`cardops init --db ${path}\` or \`cardops seed --db ${path} --accounts 1000\`` });
  }
}

async function withBackend<T>(path: string, fn: (b: Awaited<ReturnType<typeof openBackend>>) => Promise<T>, options: { chargeRunBatchSize?: number } = {}): Promise<T> {
  const bar = progressBar('Opening store');
  const backend = await openBackend({ path, onProgress: (_phase, done, total) => bar.update(done, total), ...options });
  bar.stop();
  try {
    return await fn(backend);
  } finally {
    await closeStore(() => backend.close());
  }
}

/** Signs in as `--as`; a wrong password exits with code 4. */
async function signIn(conn: Connection, operatorId: string | undefined): Promise<void> {
  if (!operatorId) throw new CliError(EXIT.usage, { code: 'OPERATOR_REQUIRED', message: 'this command writes, so it needs an operator: add --as NAME' });
  const password = await readPassword(`Password for ${operatorId}: `);
  const r = await conn.call('auth.login', { operatorId, password });
  if (!r.ok) throw new CliError(EXIT.auth, r.error);
}

function fail(exitCode: number, code: string, message: string): never {
  throw new CliError(exitCode, { code, message });
}

const intArg = (name: string, min: number) => (v: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number of at least ${min}`);
  return n;
};

function shortData(data: unknown, width = 80): string {
  const s = JSON.stringify(data);
  return s.length > width ? `${s.slice(0, width - 1)}…` : s;
}

function printEvents(events: readonly EventView[], json: boolean | undefined): void {
  if (json) {
    for (const e of events) printJson({ position: e.position, streamId: e.streamId, streamPosition: e.streamPosition, eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata, recordedAt: e.recordedAt });
    return;
  }
  printTable(
    ['#', 'stream', 'v', 'type', 'when (UTC)', 'operator', 'data'],
    events.map((e) => [e.position, e.streamId, e.streamPosition, e.type, e.recordedAt.replace('T', ' ').slice(0, 19), e.metadata.operator, shortData(e.data)]),
  );
}

const program = new Command('cardops')
  .description('CardOps, the back office of a credit-card issuer: command line over the same store and backend as the app.')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

program
  .command('init')
  .description('create a store and its first admin operator (password from $CARDOPS_PASSWORD or a prompt)')
  .addOption(dbOption())
  .option('--admin <name>', 'the admin operator name', 'admin')
  .addOption(jsonOption())
  .action(async (o: Common & { admin: string }) => {
    const path = dbPath(o);
    const password = await readPassword(`New password for ${o.admin}: `, true);
    await withBackend(path, async (b) => {
      try {
        await initializeStore(b.store, { operatorId: o.admin, password });
      } catch (e) {
        if (e instanceof BootstrapError) fail(e.code === 'ALREADY_INITIALIZED' ? EXIT.refused : EXIT.usage, e.code, e.message);
        throw e;
      }
    });
    if (o.json) printJson({ ok: true, db: path, admin: o.admin });
    else process.stdout.write(`Created the store ${path} with the admin operator ${o.admin}.\n`);
  });

program
  .command('seed')
  .description('fill a new store with deterministic demo data: the demo operators admin, agent1, super1, super2 (password "demo")')
  .addOption(dbOption())
  .requiredOption('--accounts <n>', 'how many demo accounts, each with cards and a history', intArg('--accounts', 0))
  .option('--seed <s>', 'the random seed, for repeatable data', intArg('--seed', 0), 1)
  .addOption(jsonOption())
  .action(async (o: Common & { accounts: number; seed: number }) => {
    const path = dbPath(o);
    const result = await withBackend(path, async (b) => {
      try {
        const bar = progressBar('Seeding accounts');
        try {
          return await seedDemo(b.store, { accounts: o.accounts, seed: o.seed, onProgress: (d, t) => bar.update(d, t) });
        } finally {
          bar.stop();
        }
      } catch (e) {
        if (e instanceof BootstrapError) fail(EXIT.refused, e.code, e.message);
        throw e;
      }
    });
    if (o.json) printJson({ ok: true, db: path, operators: DEMO_OPERATORS.map((d) => d.operatorId), accounts: result.accounts, events: result.events, seed: o.seed });
    else {
      process.stdout.write(`Seeded ${path} with demo data (seed ${o.seed}). Sign in with any of these, password "demo":\n`);
      printTable(['operator', 'role'], DEMO_OPERATORS.map((d) => [d.operatorId, d.role]));
      process.stdout.write(`${result.operators} operators, ${result.accounts} accounts with their cards and history (${result.events} events).\n`);
    }
  });

program
  .command('exec')
  .description('run JSON commands, one per line, from --file or stdin: {"type":"<CommandName>", ...fields}. Prints one JSON result per command, once it is durable.')
  .addOption(dbOption())
  .addOption(asOption())
  .option('--file <f>', 'read commands from this file instead of stdin')
  .action(async (o: Common & { as?: string; file?: string }) => {
    const path = dbPath(o);
    requireStore(path);
    if (o.file && !existsSync(o.file)) fail(EXIT.usage, 'FILE_NOT_FOUND', `there is no file ${o.file}`);
    let refused = 0;
    await withBackend(path, async (b) => {
      const conn = b.connect({ origin: 'cli' });
      await signIn(conn, o.as);
      const lines = o.file ? readFileSync(o.file, 'utf8').split('\n') : createInterface({ input: process.stdin, crlfDelay: Infinity });
      for await (const raw of lines) {
        const line = raw.trim();
        if (!line) continue;
        let command: unknown;
        try {
          command = JSON.parse(line);
        } catch {
          refused++;
          printJson({ ok: false, error: { code: 'MALFORMED_JSON', message: `not a JSON object: ${line.slice(0, 80)}` } });
          continue;
        }
        const r = await conn.call('commands.execute', { command });
        if (r.ok) printJson({ ok: true, events: r.value.events });
        else {
          refused++;
          printJson({ ok: false, error: { code: r.error.code, message: r.error.message } });
        }
      }
    });
    process.exitCode = refused ? EXIT.refused : EXIT.ok;
  });

program
  .command('history')
  .description("one stream's whole history: every event, when, who, and which command caused it")
  .addOption(dbOption())
  .requiredOption('--stream <id>', 'the stream id, e.g. operator-agent1')
  .addOption(jsonOption())
  .action(async (o: Common & { stream: string }) => {
    const path = dbPath(o);
    requireStore(path);
    await withBackend(path, async (b) => {
      const r = await b.connect({ origin: 'cli', localReadOnly: true }).call('history.stream', { streamId: o.stream });
      if (!r.ok) throw new CliError(EXIT.failure, r.error);
      printEvents(r.value.events, o.json);
    });
  });

program
  .command('events')
  .description('the event log in order of position')
  .addOption(dbOption())
  .option('--from <pos>', 'start at this global position', intArg('--from', 1), 1)
  .option('--limit <n>', 'at most this many events', intArg('--limit', 1), 100)
  .option('--type <t...>', 'only events of these types')
  .addOption(jsonOption())
  .action(async (o: Common & { from: number; limit: number; type?: string[] }) => {
    const path = dbPath(o);
    requireStore(path);
    await withBackend(path, async (b) => {
      const conn = b.connect({ origin: 'cli', localReadOnly: true });
      let after = o.from - 1;
      let left = o.limit;
      while (left > 0) {
        const r = await conn.call('events.list', { after, limit: Math.min(left, 5000), ...(o.type ? { types: o.type } : {}) });
        if (!r.ok) throw new CliError(EXIT.failure, r.error);
        printEvents(r.value.events, o.json);
        left -= r.value.events.length;
        after = r.value.lastPosition;
        if (r.value.isEnd) break;
      }
    });
  });

program
  .command('stats')
  .description('events, streams, store and journal size, memory used')
  .addOption(dbOption())
  .addOption(jsonOption())
  .action(async (o: Common) => {
    const path = dbPath(o);
    requireStore(path);
    await withBackend(path, async (b) => {
      const r = await b.connect({ origin: 'cli', localReadOnly: true }).call('system.stats', {});
      if (!r.ok) throw new CliError(EXIT.failure, r.error);
      const s = r.value;
      if (o.json) return printJson(s);
      const mb = (n: number): string => `${(n / 1024 ** 2).toFixed(1)} MB`;
      printPairs([
        ['store', s.path ?? '(memory)'],
        ['events', s.events],
        ['streams', s.streams],
        ['schema version', s.schemaVersion],
        ['database size', mb(s.databaseBytes)],
        ['checkpoint file', mb(s.checkpointBytes)],
        ['journal', `${mb(s.journalBytes)} in ${s.journalSegments} segment(s), ${s.eventsSinceCheckpoint} events since the checkpoint`],
        ['memory', `${mb(s.memory.rssBytes)} resident, ${mb(s.memory.arrayBuffersBytes)} in buffers (sql.js's limit is near 4 GB)`],
        ...s.projections.map((p): [string, string] => [`projection ${p.name}`, `v${p.version} at position ${p.position}`]),
      ]);
    });
  });

program
  .command('rebuild')
  .description('replay every event into the projections (all, or those named)')
  .addOption(dbOption())
  .addOption(asOption())
  .option('--projection <name...>', 'only these projections')
  .addOption(jsonOption())
  .action(async (o: Common & { as?: string; projection?: string[] }) => {
    const path = dbPath(o);
    requireStore(path);
    await withBackend(path, async (b) => {
      const conn = b.connect({ origin: 'cli' });
      await signIn(conn, o.as);
      const bar = progressBar('Rebuilding');
      const off = conn.onPush((p) => p.topic === 'progress' && bar.update(p.payload.done, p.payload.total));
      const r = await conn.call('system.rebuild', o.projection ? { projections: o.projection } : {});
      off();
      bar.stop();
      if (!r.ok) throw new CliError(r.error.code === 'FORBIDDEN' ? EXIT.refused : EXIT.failure, r.error);
      if (o.json) printJson({ ok: true, ...r.value });
      else process.stdout.write(`Rebuilt ${r.value.projections.join(', ')} from ${r.value.events} events.\n`);
    });
  });

program
  .command('verify')
  .description('check the store: replay the log into a scratch database and compare it with the live projections, and check the ledger (both legs of every transfer, balances equal to their postings, posting ids used once, amounts in the safe integer range). Opens the store file itself, so it needs no operator; through the app or the browser it is for admins.')
  .addOption(dbOption())
  .addOption(jsonOption())
  .action(async (o: Common) => {
    const path = dbPath(o);
    requireStore(path);
    await withBackend(path, async (b) => {
      const conn = b.connect({ origin: 'cli', localReadOnly: true });
      const bar = progressBar('Verifying');
      const off = conn.onPush((p) => p.topic === 'progress' && bar.update(p.payload.done, p.payload.total));
      const r = await conn.call('system.verify', {});
      off();
      bar.stop();
      if (!r.ok) throw new CliError(EXIT.failure, r.error);
      const v = r.value;
      if (o.json) printJson(v);
      else {
        printTable(['projection', 'tables', 'rows', 'differences'], v.projections.map((p) => [p.name, p.tables.join(', '), p.rows, p.differences]));
        for (const d of v.differences) process.stdout.write(`${d.kind.padEnd(10)} ${d.projection}.${d.table}: ${d.row}\n`);
        for (const p of v.problems) {
          const ef = p.expected !== undefined || p.found !== undefined ? ` (expected ${p.expected ?? '-'}, found ${p.found ?? '-'})` : '';
          process.stdout.write(`${p.code} ${p.subject}: ${p.message}${ef}\n`);
        }
        if (v.problems.length < v.ledger.problems) process.stdout.write(`… and ${v.ledger.problems - v.problems.length} more ledger problems (--json lists the first ${v.problems.length}).\n`);
        const diffs = v.projections.reduce((n, p) => n + p.differences, 0);
        if (v.ok) process.stdout.write(`OK: the projections equal a replay of ${v.events} events, and the ledger of ${v.ledger.streams} accounts holds.\n`);
        else {
          if (diffs) process.stdout.write('DIFFERENT: run `cardops rebuild --as <admin>` to rebuild the projections from the log.\n');
          if (v.ledger.problems) process.stdout.write(`LEDGER: ${v.ledger.problems} problem(s) in the log itself; a rebuild does not mend them: restore the store from a backup, or correct them with compensating postings.\n`);
        }
      }
      if (!v.ok) process.exitCode = EXIT.failure;
    });
  });

program
  .command('serve')
  .description('serve the browser build and the backend on 127.0.0.1, and print the URL to open')
  .addOption(dbOption())
  .option('--port <p>', 'the port (0 picks a free one)', intArg('--port', 0), 0)
  .option('--build', 'build the renderer first (npm run web does)')
  .addOption(jsonOption())
  .action(async (o: Common & { port: number; build?: boolean }) => {
    const path = dbPath(o);
    const { serve } = await import('./serve.js');
    await serve({ path, port: o.port, build: o.build ?? false, json: o.json ?? false });
  });

registerChargeRunCommand(program, {
  dbPath,
  requireStore,
  withConnection: (path, as, fn, options = {}) =>
    withBackend(
      path,
      async (b) => {
        const conn = b.connect(as ? { origin: 'cli' } : { origin: 'cli', localReadOnly: true });
        if (as) await signIn(conn, as);
        return fn(conn);
      },
      options.batchSize ? { chargeRunBatchSize: options.batchSize } : {},
    ),
});

registerReportCommand(program);

const storeDeps = {
  dbPath,
  requireStore,
  withConnection: <T>(path: string, as: string | undefined, fn: (conn: Connection) => Promise<T>): Promise<T> =>
    withBackend(path, async (b) => {
      const conn = b.connect(as ? { origin: 'cli' } : { origin: 'cli', localReadOnly: true });
      if (as) await signIn(conn, as);
      return fn(conn);
    }),
  withBackend: <T>(path: string, fn: (b: Awaited<ReturnType<typeof openBackend>>) => Promise<T>): Promise<T> => withBackend(path, fn),
};
registerPlansCommand(program, storeDeps);
registerOutboxCommand(program, storeDeps);

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') process.exit(EXIT.ok);
      process.exit(EXIT.usage);
    }
    const json = process.argv.includes('--json');
    let exitCode: number = EXIT.failure;
    let error: { code: string; message: string };
    if (e instanceof CliError) {
      exitCode = e.exitCode;
      error = { code: e.error.code, message: e.error.message };
    } else if (e instanceof StoreError) {
      error = { code: e.code, message: e.message };
    } else {
      error = { code: 'INTERNAL_ERROR', message: e instanceof Error ? e.message : String(e) };
    }
    if (json) printJson({ ok: false, error });
    else process.stderr.write(`cardops: ${error.message} [${error.code}]\n`);
    process.exit(exitCode);
  }
}

await main();
