/** Terminal helpers for the CLI: exit codes, output, passwords, progress. */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import type { AppError } from '../../domain/shared/result.js';

export const EXIT = { ok: 0, failure: 1, usage: 2, refused: 3, auth: 4 } as const;

/** An error the CLI reports and exits on, with its code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    readonly error: AppError,
  ) {
    super(error.message);
  }
}

/**
 * Closes the store at the end of a command, and never turns the command's outcome into another:
 * what it acknowledged is durable in the journal before it was acknowledged, so a close that
 * fails (the final checkpoint, say) is reported on stderr and the exit code stays the one the
 * command earned. The next open replays the journal.
 */
export async function closeStore(close: () => Promise<void>): Promise<void> {
  try {
    await close();
  } catch (e) {
    const code = typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : 'INTERNAL_ERROR';
    process.stderr.write(`cardops: warning: closing the store failed: ${e instanceof Error ? e.message : String(e)} [${code}]\n`);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function printTable(head: string[], rows: (string | number)[][]): void {
  const t = new Table({ head, style: { head: [], border: [] }, wordWrap: true, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  for (const r of rows) t.push(r.map(String));
  process.stdout.write(`${t.toString()}\n`);
}

export function printPairs(pairs: [string, string | number][]): void {
  const w = Math.max(...pairs.map(([k]) => k.length));
  for (const [k, v] of pairs) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
}

/** Reads a password from $CARDOPS_PASSWORD, else from the terminal without echo. */
export async function readPassword(prompt: string, confirm = false): Promise<string> {
  const env = process.env.CARDOPS_PASSWORD;
  if (env !== undefined && env !== '') return env;
  if (!process.stdin.isTTY) {
    throw new CliError(EXIT.usage, { code: 'PASSWORD_REQUIRED', message: 'a password is needed: set CARDOPS_PASSWORD, or run in a terminal to be asked' });
  }
  const ask = async (q: string): Promise<string> => {
    let muted = false;
    const out = new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (!muted) process.stderr.write(chunk);
        cb();
      },
    });
    const rl = createInterface({ input: process.stdin, output: out, terminal: true });
    const answer = new Promise<string>((resolve) => rl.question(q, resolve));
    muted = true;
    process.stderr.write(q);
    const a = await answer;
    rl.close();
    process.stderr.write('\n');
    return a;
  };
  const first = await ask(prompt);
  if (confirm && (await ask('Again, to confirm: ')) !== first) {
    throw new CliError(EXIT.usage, { code: 'PASSWORD_MISMATCH', message: 'the two passwords differ: run the command again' });
  }
  return first;
}

/** A progress bar on stderr, shown only in a terminal. */
export function progressBar(label: string): { update(done: number, total: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(Math.max(total, 1), 0);
        started = true;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
