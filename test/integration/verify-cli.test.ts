/**
 * The CLI's side of issue #16's verify, rebuild and report rules, on real files, each `cardops`
 * a child process: `cardops verify` reports ledger problems (a one-legged transfer, a balance
 * that disagrees with its postings) and exits non-zero; `cardops rebuild` saves what it rebuilt;
 * `cardops report` without `--as` is refused like a write.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { VerifyReport } from '../../domain/eventstore/projection.js';
import { openBackend, openStore } from '../../domain/open.js';
import { runCli, runCliJson } from './fixtures/cli.js';
import { meta, removeTempStores, tempStore } from './fixtures/helpers.js';

afterAll(() => removeTempStores());

/** A seeded store with two accounts, a deposit and a proper transfer, made through the backend. */
async function storeWithAccounts(): Promise<string> {
  const path = tempStore('cardops-verify-cli-');
  await runCliJson(['seed', '--db', path, '--accounts', '5']);
  const b = await openBackend({ path, log: () => {} });
  const agent = b.connect({ origin: 'test' });
  expect((await agent.call('auth.login', { operatorId: 'agent1', password: 'demo' })).ok).toBe(true);
  for (const command of [
    { type: 'OpenAccount', accountId: 'acc-a', holderName: 'Ada Andersen', currency: 'EUR', creditLimit: 100_000 },
    { type: 'OpenAccount', accountId: 'acc-b', holderName: 'Ben Becker', currency: 'EUR', creditLimit: 100_000 },
    { type: 'PostDeposit', accountId: 'acc-a', depositId: 'dep-1', amount: 50_000 },
    { type: 'TransferFunds', transferId: 'tr-good', fromAccountId: 'acc-a', toAccountId: 'acc-b', amount: 12_345 },
  ]) {
    expect(await agent.call('commands.execute', { command })).toMatchObject({ ok: true });
  }
  await b.close();
  return path;
}

describe('cardops verify checks the ledger', () => {
  it('says OK and exits 0 on a store whose ledger holds, without --as', async () => {
    const path = await storeWithAccounts();
    const r = await runCli(['verify', '--db', path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/OK: the projections equal a replay of \d+ events, and the ledger of 7 accounts holds/);
  });

  it('reports a one-legged transfer and a balance that disagrees with its postings, and exits 1', async () => {
    const path = await storeWithAccounts();
    // Corruption faked through the store port, bypassing the deciders.
    const store = await openStore({ path, log: () => {} });
    await store.append('account-acc-b', [{ eventId: 'raw-1', type: 'TransferReceived', data: { accountId: 'acc-b', transferId: 'tr-ghost', fromAccountId: 'acc-a', amount: 70_000, currency: 'EUR' }, metadata: meta }]);
    await store.append('account-acc-a', [{ eventId: 'raw-2', type: 'DepositReceived', data: { accountId: 'acc-b', depositId: 'dep-x', amount: 5_000, currency: 'EUR' }, metadata: meta }]);
    await store.close();

    const r = await runCli(['verify', '--db', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('TRANSFER_ONE_LEG transfer tr-ghost: transfer tr-ghost has one leg only: TransferReceived on account acc-b (700.00 EUR');
    expect(r.stdout).toContain('the TransferSent on account acc-a is missing');
    expect(r.stdout).toMatch(/BALANCE_MISMATCH account acc-a: account acc-a has the balance 376\.55 EUR in the accounts projection, its postings add up to 426\.55 EUR \(expected 426\.55 EUR, found 376\.55 EUR\)/);
    expect(r.stdout).toMatch(/LEDGER: \d+ problem\(s\) in the log itself/);

    const json = await runCli(['verify', '--db', path, '--json']);
    expect(json.code).toBe(1);
    const v = JSON.parse(json.stdout.trim().split('\n').at(-1)!) as VerifyReport;
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => `${p.code} ${p.subject}`)).toEqual(expect.arrayContaining(['TRANSFER_ONE_LEG transfer tr-ghost', 'BALANCE_MISMATCH account acc-a', 'BALANCE_MISMATCH account acc-b', 'POSTING_ACCOUNT_MISMATCH account acc-a']));
  });
});

describe('cardops rebuild', () => {
  it('saves what it rebuilt: after a rebuild, the reopened store verifies clean', async () => {
    const path = await storeWithAccounts();
    // A projection row damaged by raw SQL, saved in a checkpoint (one more event makes the close write one).
    const store = await openStore({ path, log: () => {} });
    await store.read((sql) => sql.run("UPDATE accounts SET balance = balance + 99 WHERE account_id = 'acc-a'"));
    await store.append('test-nudge', [{ eventId: 'nudge-1', type: 'TestHappened', data: {}, metadata: meta }]);
    await store.close();
    const broken = await runCli(['verify', '--db', path]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('DIFFERENT: run `cardops rebuild --as <admin>`');

    const rebuilt = await runCliJson<{ ok: boolean; projections: string[] }>(['rebuild', '--db', path, '--as', 'admin']);
    expect(rebuilt).toMatchObject({ ok: true });
    expect(rebuilt.projections).toContain('accounts');

    const after = await runCli(['verify', '--db', path]);
    expect(after.stdout).toContain('OK: the projections equal a replay');
    expect(after.code).toBe(0);
    const reopened = await openStore({ path, log: () => {} });
    try {
      expect(await reopened.read((sql) => sql.scalar("SELECT balance FROM accounts WHERE account_id = 'acc-a'"))).toBe(50_000 - 12_345);
    } finally {
      await reopened.close();
    }
  });

  it('needs an admin', async () => {
    const path = await storeWithAccounts();
    const r = await runCli(['rebuild', '--db', path, '--as', 'super1', '--json']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('FORBIDDEN');
  });
});

describe('cardops report', () => {
  it('without --as is refused like a write: exit 2, OPERATOR_REQUIRED, no file', async () => {
    const path = await storeWithAccounts();
    const out = join(path, '..', 'r.csv');
    const r = await runCli(['report', 'reconciliation', '--db', path, '--run', 'any-run', '--format', 'csv', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a report needs an operator, a supervisor or an admin: add --as NAME [OPERATOR_REQUIRED]');
    expect(existsSync(out)).toBe(false);
    const write = await runCli(['exec', '--db', path], {});
    expect(write.code).toBe(r.code);
    // With an agent it is refused by role.
    const agent = await runCli(['report', 'reconciliation', '--db', path, '--as', 'agent1', '--run', 'any-run', '--format', 'csv', '--out', out, '--json']);
    expect(agent.code).toBe(3);
    expect(agent.stdout).toContain('FORBIDDEN');
  });
});
