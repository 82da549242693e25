/** The renderer's plain-TypeScript parts, without a browser: request/reply matching and CSV. */
import { describe, expect, it } from 'vitest';
import { createRequester, DISCONNECTED } from '../../renderer/src/api/requests.js';
import { backoffMs } from '../../renderer/src/api/carrier.js';
import type { Push, RequestMessage } from '../../renderer/src/api/types.js';
import { csvCell, toCsv } from '../../renderer/src/lib/csv.js';

describe('createRequester', () => {
  it('matches replies to requests by id, in any order, and hands pushes on', async () => {
    const sent: RequestMessage[] = [];
    const pushes: Push[] = [];
    const r = createRequester((m) => sent.push(m), (p) => pushes.push(p));
    const a = r.call('auth.session', {});
    const b = r.call('system.info', {});
    expect(sent.map((m) => [m.id, m.method])).toEqual([
      [1, 'auth.session'],
      [2, 'system.info'],
    ]);
    r.receive(JSON.stringify({ kind: 'reply', id: 2, ok: true, result: 'B' }));
    r.receive({ kind: 'push', push: { topic: 'progress', payload: { task: 'verify', done: 1, total: 2 } } });
    r.receive({ kind: 'reply', id: 1, ok: false, error: { code: 'X', message: 'no' } });
    expect(await b).toEqual({ ok: true, value: 'B' });
    expect(await a).toEqual({ ok: false, error: { code: 'X', message: 'no' } });
    expect(pushes).toHaveLength(1);
    expect(r.pending).toBe(0);
  });

  it('ignores what is not a protocol message, and fails what waits when the link drops', async () => {
    const r = createRequester(() => undefined, () => undefined);
    const a = r.call('auth.session', {});
    for (const junk of ['{not json', null, 42, { kind: 'reply', id: 1, ok: false, error: 'no code' }, { kind: 'reply', id: '1', ok: true, result: 1 }]) r.receive(junk);
    expect(r.pending).toBe(1);
    r.failAll(DISCONNECTED, 'dropped');
    expect(await a).toEqual({ ok: false, error: { code: DISCONNECTED, message: 'dropped' } });
  });

  it('answers OFFLINE at once when the carrier cannot send', async () => {
    const r = createRequester(() => {
      throw new Error('down');
    }, () => undefined);
    expect(await r.call('auth.session', {})).toMatchObject({ ok: false, error: { code: 'OFFLINE' } });
    expect(r.pending).toBe(0);
  });

  it('backs off 250 ms, doubling, up to 10 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map(backoffMs)).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });
});

describe('CSV for Excel', () => {
  it('quotes what needs quoting and neutralises formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@sum')).toBe("'@sum");
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
    expect(toCsv(['a', 'b'], [[1, 'x y']])).toBe('\uFEFFa,b\r\n1,x y\r\n');
  });
});
