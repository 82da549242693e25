/**
 * Closing the store at the end: `cardops serve` on SIGTERM closes it cleanly (a last checkpoint,
 * the journal empty, the lock released) and exits 0; `cardops exec` whose final checkpoint fails
 * after every command was acknowledged still exits with its documented code, says so on stderr,
 * and loses nothing.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../domain/open.js';
import { ROOT, allEvents, captureLog, ev, removeTempStores, tempStore } from './fixtures/helpers.js';
import { journalBytes, runCli, runCliJson, spawnCli } from './fixtures/cli.js';

afterAll(removeTempStores);

const CLI = join(ROOT, 'bin', 'cardops.js');

/** Waits until `check` holds, or the process ended, or `ms` passed; runs `poll` between looks. */
async function until(check: () => boolean, running: () => boolean, poll?: () => Promise<void>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && running() && Date.now() < deadline) {
    await poll?.();
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Ports found refusing connections. */
const refused = new Set<number>();
function probePort(port: number): Promise<void> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => (s.destroy(), resolve()));
    s.on('error', () => (refused.add(port), resolve()));
  });
}

describe('cardops serve and SIGTERM', () => {
  it('closes the store cleanly, also when a second SIGTERM comes while it closes: exits 0, the last checkpoint taken, nothing left to replay, the lock released', async () => {
    const path = tempStore('cardops-close-');
    const dir = dirname(path);
    await runCliJson(['seed', '--db', path, '--accounts', '0']);
    // A charged plan: two integration events for the outbox to deliver once serve runs.
    const file = join(dir, 'commands.jsonl');
    const today = new Date().toISOString().slice(0, 10);
    writeFileSync(file, [
      { type: 'OpenAccount', accountId: 'A1', holderName: 'Ada', currency: 'EUR', creditLimit: 100000 },
      { type: 'AddPaymentMethod', methodId: 'M1', accountId: 'A1', token: 'tok_close', holderName: 'Ada', brand: 'visa', last4: '4242', expiryMonth: 12, expiryYear: 2099 },
      { type: 'CreatePaymentPlan', planId: 'P1', accountId: 'A1', methodId: 'M1', amount: 1000, currency: 'EUR', interval: 'monthly', startDate: today },
    ].map((c) => JSON.stringify(c)).join('\n'));
    expect(await runCli(['exec', '--db', path, '--as', 'agent1', '--file', file])).toMatchObject({ code: 0 });
    expect(await runCliJson(['plans', 'run', '--db', path, '--date', today, '--as', 'super1'])).toMatchObject({ ok: true, charged: 1 });
    // Writes that are only in the journal (as after a crash): the clean close must checkpoint them.
    const crashed = await openStore({ path, log: () => undefined, idleCheckpointMs: 0 });
    await crashed.append('close-test', [ev('c1'), ev('c2')]);
    crashed.abandon();
    expect(journalBytes(path)).toBeGreaterThan(0);

    // The outbox's HTTP endpoint holds its requests: the close waits for the delivery in flight.
    const held: ServerResponse[] = [];
    const sink: HttpServer = createHttpServer((req, res) => {
      req.resume();
      held.push(res);
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`;
    const staticDir = join(dir, 'renderer');
    mkdirSync(staticDir);
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>stand-in</title>');
    const serve = spawnCli(['serve', '--db', path, '--port', '0', '--json'], { CARDOPS_RENDERER_DIR: staticDir, CARDOPS_OUTBOX_DIR: join(dir, 'outbox'), CARDOPS_OUTBOX_URL: sinkUrl });
    try {
      await until(() => /"ok":true/.test(serve.stdout()) && held.length > 0, serve.running);
      expect(serve.stdout(), serve.stderr()).toMatch(/"ok":true/);
      expect(held.length, serve.stderr()).toBeGreaterThan(0);
      expect(existsSync(`${path}.lock`)).toBe(true);
      const port = Number(new URL((JSON.parse(serve.stdout().trim().split('\n')[0]!) as { url: string }).url).port);
      serve.process.kill('SIGTERM');
      // The close has begun once the web server stops taking connections; then a second SIGTERM.
      await until(() => refused.has(port), serve.running, () => probePort(port));
      expect(refused.has(port)).toBe(true);
      serve.process.kill('SIGTERM');
      await until(() => false, serve.running, undefined, 500);
      for (const res of held.splice(0)) res.end('ok');
      sink.on('request', (req: IncomingMessage, res: ServerResponse) => (req.resume(), res.end('ok')));
      await serve.closed;
    } finally {
      await serve.kill();
      await new Promise((resolve) => sink.close(resolve));
    }
    expect({ code: serve.process.exitCode, signal: serve.process.signalCode, stderr: serve.stderr() }).toMatchObject({ code: 0, signal: null });
    expect(serve.stderr()).not.toMatch(/warning/);
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect(journalBytes(path)).toBe(0);

    const captured = captureLog();
    const store = await openStore({ path, log: captured.log, idleCheckpointMs: 0 });
    try {
      expect(captured.lines.filter((l) => /replayed/.test(l.message))).toEqual([]);
      expect(store.stats().eventsSinceCheckpoint).toBe(0);
      const events = await allEvents(store);
      expect(events.map((e) => e.eventId)).toEqual(expect.arrayContaining(['c1', 'c2']));
      // The delivery that was in flight was recorded before the store closed.
      expect(events.some((e) => e.type === 'OutboxMessagesDelivered')).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe('a final checkpoint that fails', () => {
  it('after every command was acknowledged: `cardops exec` exits 0, says so on stderr, and loses nothing', async () => {
    const path = tempStore('cardops-close-');
    await runCliJson(['seed', '--db', path, '--accounts', '0']);
    const saved = join(dirname(path), 'saved-checkpoint.db');
    copyFileSync(path, saved);

    const exec = spawn(process.execPath, [CLI, 'exec', '--db', path, '--as', 'agent1'], { cwd: ROOT, env: { ...process.env, CARDOPS_PASSWORD: 'demo', NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    exec.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    exec.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const closed = once(exec, 'close');
    const running = (): boolean => exec.exitCode === null && exec.signalCode === null;
    try {
      for (const id of ['acc-close-1', 'acc-close-2']) exec.stdin.write(`${JSON.stringify({ type: 'OpenAccount', accountId: id, holderName: 'Close Test', currency: 'EUR', creditLimit: 10_000 })}\n`);
      await until(() => out.split('\n').filter((l) => l.startsWith('{"ok":true')).length === 2, running);
      expect(out.trim().split('\n'), err).toHaveLength(2);
      for (const line of out.trim().split('\n')) expect(JSON.parse(line)).toMatchObject({ ok: true });
      // The checkpoint's place is taken by a folder: the final checkpoint cannot be written.
      rmSync(path);
      mkdirSync(join(path, 'in-the-way'), { recursive: true });
      exec.stdin.end();
      await closed;
    } finally {
      if (running()) exec.kill('SIGKILL');
    }
    expect({ code: exec.exitCode, stderr: err }).toMatchObject({ code: 0 });
    expect(err).toMatch(/final checkpoint .* failed/);
    expect(err).toMatch(/nothing acknowledged is lost/);
    expect(existsSync(`${path}.lock`)).toBe(false);

    // Put the old checkpoint back: the journal holds both acknowledged commands.
    rmSync(path, { recursive: true });
    renameSync(saved, path);
    const store = await openStore({ path, log: () => undefined, idleCheckpointMs: 0 });
    try {
      const ids = (await allEvents(store)).map((e) => e.streamId);
      expect(ids).toEqual(expect.arrayContaining(['account-acc-close-1', 'account-acc-close-2']));
    } finally {
      await store.close();
    }
  });
});
