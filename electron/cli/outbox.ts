/** `cardops outbox status|retry|dispatch`: the messages to third parties, from a terminal. */
import { type Command, Option } from 'commander';
import type { Backend, Connection } from '../../domain/backend/backend.js';
import { OutboxDispatcher } from '../../domain/outbox/dispatcher.js';
import { folderSink, httpSink, type Sink } from '../../domain/outbox/sinks.js';
import { isHttpUrl } from '../../domain/shared/text.js';
import { outboxSinks } from '../platform/background.js';
import type { ChargeRunCliDeps } from './chargerun.js';
import { CliError, EXIT, printJson, printPairs, printTable } from './io.js';

interface Common {
  db?: string;
  json?: boolean;
  as?: string;
}

export interface OutboxCliDeps extends ChargeRunCliDeps {
  withBackend<T>(path: string, fn: (b: Backend) => Promise<T>): Promise<T>;
}

const db = () => new Option('--db <path>', "the store file (default: $CARDOPS_DB, else the desktop app's data file)");
const json = () => new Option('--json', 'machine-readable output');

export function registerOutboxCommand(program: Command, deps: OutboxCliDeps): void {
  const onStore = <T>(o: Common, fn: (conn: Connection) => Promise<T>): Promise<T> => {
    const path = deps.dbPath(o);
    deps.requireStore(path);
    return deps.withConnection(path, o.as, fn);
  };
  const outbox = program.command('outbox').description('messages to third parties: what is pending, delivered, failed and parked');

  outbox
    .command('status')
    .description('counts by status, and the messages not delivered yet (failed and parked first)')
    .addOption(db())
    .option('--limit <n>', 'list at most this many undelivered messages', (v) => Number(v), 20)
    .addOption(json())
    .action(async (o: Common & { limit: number }) => {
      await onStore(o, async (conn) => {
        const counts = await conn.call('outbox.status', {});
        if (!counts.ok) throw new CliError(EXIT.failure, counts.error);
        const lists = await Promise.all(['parked', 'failed', 'pending'].map((status) => conn.call('outbox.list', { filters: { status }, limit: o.limit })));
        const rows = lists.flatMap((l) => (l.ok ? l.value.rows : [])).slice(0, o.limit);
        if (o.json) return printJson({ ...counts.value, undelivered: rows });
        const c = counts.value;
        printPairs([
          ['pending', c.pending],
          ['failed (retrying)', c.failed],
          ['parked', c.parked],
          ['delivered', c.delivered],
          ['oldest undelivered', c.oldestOpenAt ?? '-'],
        ]);
        if (rows.length) printTable(['#', 'status', 'topic', 'type', 'attempts', 'next try', 'last error', 'event id'], rows.map((r) => [r.position, r.status, r.topic, r.type, r.attempts, r.nextAttemptAt ?? '-', r.lastError ?? '', r.eventId]));
        if (c.parked) process.stdout.write('Retry a parked message with `cardops outbox retry ID --as <supervisor>`.\n');
      });
    });

  outbox
    .command('retry')
    .description('deliver a parked message again (its number or event id)')
    .argument('<id>', "the message's number (#) or event id")
    .addOption(db())
    .addOption(new Option('--as <operator>', 'act as this operator (a supervisor or admin)').makeOptionMandatory())
    .option('--note <text>', 'why')
    .addOption(json())
    .action(async (id: string, o: Common & { note?: string }) => {
      await onStore(o, async (conn) => {
        const r = await conn.call('commands.execute', { command: { type: 'RetryOutboxMessage', id, ...(o.note ? { note: o.note } : {}) } });
        if (!r.ok) throw new CliError(EXIT.refused, r.error);
        if (o.json) printJson({ ok: true, id });
        else process.stdout.write(`Message ${id} is pending again: the dispatcher delivers it next.\n`);
      });
    });

  outbox
    .command('dispatch')
    .description('deliver what is due now, then stop (the app and `cardops serve` dispatch all the time by themselves)')
    .addOption(db())
    .option('--dir <folder>', 'write messages as JSON files into this folder (default: $CARDOPS_OUTBOX_DIR, else outbox/ beside the store)')
    .option('--http <url>', 'POST messages to this endpoint (default: $CARDOPS_OUTBOX_URL)')
    .option('--max-attempts <n>', 'park a message after this many failed attempts', (v) => Number(v), 8)
    .addOption(json())
    .action(async (o: Common & { dir?: string; http?: string; maxAttempts: number }) => {
      const path = deps.dbPath(o);
      deps.requireStore(path);
      if (o.http !== undefined && !isHttpUrl(o.http)) throw new CliError(EXIT.usage, { code: 'INVALID_URL', message: '--http must be an http or https address such as https://hooks.example.com/cardops' });
      const envUrl = process.env.CARDOPS_OUTBOX_URL;
      if (!o.dir && !o.http && envUrl && !isHttpUrl(envUrl)) throw new CliError(EXIT.usage, { code: 'INVALID_URL', message: '$CARDOPS_OUTBOX_URL must be an http or https address such as https://hooks.example.com/cardops' });
      const sinks: Sink[] = o.dir || o.http ? [...(o.dir ? [folderSink(o.dir)] : []), ...(o.http ? [httpSink(o.http)] : [])] : outboxSinks(path);
      const total = await deps.withBackend(path, (b) => new OutboxDispatcher({ store: b.store, sinks, maxAttempts: o.maxAttempts, batchSize: 20 }).drain());
      if (o.json) printJson({ ok: true, ...total, sinks: sinks.map((s) => s.name) });
      else process.stdout.write(`Delivered ${total.delivered} message(s) to ${sinks.map((s) => s.name).join(' and ')}; ${total.failed} failed (retried later), ${total.parked} parked.\n`);
      if (total.failed || total.parked) process.exitCode = EXIT.failure;
    });
}
