/** `cardops plans run|show` and `cardops outbox status|retry|dispatch` on a real store file. */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from './fixtures/cli.js';
import { removeTempStores, tempStore } from './fixtures/helpers.js';

afterAll(removeTempStores);

const exec = async (path: string, as: string, commands: object[]): Promise<void> => {
  const file = join(dirname(path), `cmds-${Math.random().toString(36).slice(2)}.jsonl`);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, commands.map((c) => JSON.stringify(c)).join('\n'));
  const r = await runCli(['exec', '--db', path, '--as', as, '--file', file]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
};

describe('the plans and outbox CLI', () => {
  it('runs the renewal job twice for a date and charges once; shows the outbox; retry refuses a delivered message; dispatch delivers to a folder', async () => {
    const path = tempStore('cardops-plans-cli-');
    await runCliJson(['seed', '--db', path, '--accounts', '0']);
    const today = new Date().toISOString().slice(0, 10);
    await exec(path, 'agent1', [
      { type: 'OpenAccount', accountId: 'A1', holderName: 'Ada', currency: 'EUR', creditLimit: 100000 },
      { type: 'AddPaymentMethod', methodId: 'M1', accountId: 'A1', token: 'tok_cli', holderName: 'Ada', brand: 'visa', last4: '4242', expiryMonth: 12, expiryYear: 2099 },
      { type: 'CreatePaymentPlan', planId: 'P1', accountId: 'A1', methodId: 'M1', amount: 1000, currency: 'EUR', interval: 'monthly', startDate: today },
    ]);
    const refused = await runCli(['plans', 'run', '--db', path, '--date', today, '--as', 'agent1', '--json']);
    expect(refused.code).toBe(3);
    expect(JSON.parse(refused.stdout.trim())).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await runCliJson(['plans', 'run', '--db', path, '--date', today, '--as', 'super1'])).toMatchObject({ ok: true, charged: 1 });
    expect(await runCliJson(['plans', 'run', '--db', path, '--date', today, '--as', 'super1'])).toMatchObject({ ok: true, charged: 0 });
    const plan = await runCliJson<{ status: string; log: { type: string }[] }>(['plans', 'show', '--db', path, '--plan', 'P1']);
    expect(plan.log.filter((l) => l.type === 'PlanChargeSucceeded')).toHaveLength(1);
    const status = await runCliJson<{ pending: number; undelivered: { eventId: string; topic: string }[] }>(['outbox', 'status', '--db', path]);
    expect(status.pending).toBe(2);
    expect(status.undelivered.map((u) => u.topic)).toEqual(expect.arrayContaining(['plan.state_changed', 'charge.posted']));
    const dir = join(dirname(path), 'sink');
    expect(await runCliJson(['outbox', 'dispatch', '--db', path, '--dir', dir])).toMatchObject({ ok: true, delivered: status.pending, failed: 0, parked: 0 });
    expect(readdirSync(dir)).toHaveLength(status.pending);
    const retry = await runCli(['outbox', 'retry', status.undelivered[0]!.eventId, '--db', path, '--as', 'super1', '--json']);
    expect(retry.code).toBe(3);
    expect(JSON.parse(retry.stdout.trim())).toMatchObject({ ok: false, error: { code: 'MESSAGE_NOT_PARKED' } });
  });
});
