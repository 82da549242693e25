/** `cardops` never prints a card number back, and its outbox endpoint must be http(s). */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { containsCardNumber } from '../../domain/shared/text.js';
import { runCli, runCliJson } from './fixtures/cli.js';
import { removeTempStores, tempStore } from './fixtures/helpers.js';

afterAll(removeTempStores);

describe('card numbers through the CLI', () => {
  it('exec refuses them in any field and in a malformed line, without printing them; outbox dispatch takes only an http(s) endpoint', async () => {
    const path = tempStore('cardops-pan-cli-');
    await runCliJson(['seed', '--db', path, '--accounts', '0']);
    const file = join(dirname(path), 'cmds.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ type: 'OpenAccount', accountId: 'A1', holderName: 'Ada 4111.1111.1111.1111', currency: 'EUR', creditLimit: 0 }),
        JSON.stringify({ type: 'OpenAccount', accountId: '4111_1111_1111_1111', holderName: 'Ada', currency: 'EUR', creditLimit: 0 }),
        JSON.stringify({ type: 'OpenAccount', accountId: 'A2', holderName: 'Ada', currency: 'EUR', creditLimit: 0, '5500 0000 0000 0004': 1 }),
        '{"type": "OpenAccount", "holderName": "4111 1111 1111 1111 12/29 123" oops',
        JSON.stringify({ type: 'OpenAccount', accountId: 'A3', holderName: 'Ada Lovelace', currency: 'EUR', creditLimit: 0 }),
      ].join('\n'),
    );
    const r = await runCli(['exec', '--db', path, '--as', 'agent1', '--file', file]);
    expect(r.code).toBe(3);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { ok: boolean; error?: { code: string; message: string } });
    expect(lines.map((l) => l.ok)).toEqual([false, false, false, false, true]);
    expect(lines.map((l) => l.error?.code)).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED', 'VALIDATION_FAILED', 'MALFORMED_JSON', undefined]);
    expect(lines[0]!.error!.message).toMatch(/holderName: looks like a card number/);
    expect(containsCardNumber(r.stdout), r.stdout).toBe(false);
    expect(containsCardNumber(r.stderr), r.stderr).toBe(false);

    const init = await runCli(['init', '--db', tempStore('cardops-pan-init-'), '--admin', 'a4111.1111.1111.1111', '--json'], { CARDOPS_PASSWORD: 'a long enough passphrase' });
    expect(init.code, init.stdout + init.stderr).toBe(2);
    expect(JSON.parse(init.stdout.trim().split('\n').at(-1)!)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/card number/) } });
    expect(containsCardNumber(init.stdout + init.stderr), init.stdout + init.stderr).toBe(false);

    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'ftp://hooks.example.com/']) {
      const d = await runCli(['outbox', 'dispatch', '--db', path, '--http', url, '--json']);
      expect(d.code, d.stdout + d.stderr).toBe(2);
      expect(JSON.parse(d.stdout.trim())).toMatchObject({ ok: false, error: { code: 'INVALID_URL' } });
    }
    const fromEnv = await runCli(['outbox', 'dispatch', '--db', path, '--json'], { CARDOPS_OUTBOX_URL: 'file:///etc/passwd' });
    expect(fromEnv.code, fromEnv.stdout + fromEnv.stderr).toBe(2);
    expect(JSON.parse(fromEnv.stdout.trim())).toMatchObject({ ok: false, error: { code: 'INVALID_URL', message: expect.stringMatching(/CARDOPS_OUTBOX_URL/) } });
  });
});
