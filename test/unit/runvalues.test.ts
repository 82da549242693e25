/**
 * runValues writes many rows per statement; with `shared`, values every row has are bound once
 * per statement and named ?1, ?2, … in the tuple. Every row must land whole, in its own columns,
 * below, at and above the 64 rows of one statement, with an upsert tail too.
 */
import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { ROWS_PER_STATEMENT, runValues, StatementCache } from '../../domain/eventstore/sql.js';

async function table(): Promise<StatementCache> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.exec('CREATE TABLE t (run TEXT NOT NULL, id TEXT NOT NULL, n INTEGER, note TEXT, at TEXT NOT NULL, PRIMARY KEY (run, id)) STRICT');
  return new StatementCache(db);
}

const rowsOf = (n: number, tag: string): [string, number, string | null][] =>
  Array.from({ length: n }, (_, i) => [`${tag}-${String(i).padStart(4, '0')}`, i * 7, i % 3 ? `note ${i} ünïcødé` : null]);

describe('runValues', () => {
  for (const n of [1, ROWS_PER_STATEMENT - 1, ROWS_PER_STATEMENT, ROWS_PER_STATEMENT * 2 + 5]) {
    it(`puts ${n} rows whole in their columns, with shared values bound once per statement`, async () => {
      const sql = await table();
      const rows = rowsOf(n, 'a');
      runValues(sql, 'INSERT INTO t (run, id, n, note, at)', rows, { shared: ['run-1', '2026-11-25T00:00:00.000Z'], tuple: '(?1, ?, ?, ?, ?2)' });
      const got = sql.all<{ run: string; id: string; n: number; note: string | null; at: string }>('SELECT run, id, n, note, at FROM t ORDER BY id');
      expect(got).toEqual(rows.map(([id, v, note]) => ({ run: 'run-1', id, n: v, note, at: '2026-11-25T00:00:00.000Z' })));
    });
  }

  it('numbers shared values that the tuple names out of order, and keeps an upsert tail working', async () => {
    const sql = await table();
    const rows = rowsOf(ROWS_PER_STATEMENT + 3, 'b');
    runValues(sql, 'INSERT INTO t (at, id, n, note, run)', rows, { shared: ['run-2', 'first'], tuple: '(?2, ?, ?, ?, ?1)' });
    runValues(
      sql,
      'INSERT INTO t (at, id, n, note, run)',
      rows.map(([id, v]) => [id, v + 1, 'again']),
      { shared: ['run-2', 'second'], tuple: '(?2, ?, ?, ?, ?1)', tail: 'ON CONFLICT (run, id) DO UPDATE SET n = excluded.n, note = excluded.note, at = excluded.at' },
    );
    const got = sql.all<{ run: string; id: string; n: number; note: string; at: string }>('SELECT run, id, n, note, at FROM t ORDER BY id');
    expect(got).toEqual(rows.map(([id, v]) => ({ run: 'run-2', id, n: v + 1, note: 'again', at: 'second' })));
  });

  it('without shared values, a tuple may hold constants', async () => {
    const sql = await table();
    runValues(sql, 'INSERT INTO t (run, id, n, note, at)', [['x', 1], ['y', 2]], { tuple: "('run-3', ?, ?, NULL, 'now')" });
    expect(sql.all('SELECT run, id, n, note, at FROM t ORDER BY id')).toEqual([
      { run: 'run-3', id: 'x', n: 1, note: null, at: 'now' },
      { run: 'run-3', id: 'y', n: 2, note: null, at: 'now' },
    ]);
  });

  it('keeps apart statements of one head whose tuples differ, as texts are reused by shape (this follows a test with a constant tuple)', async () => {
    const sql = await table();
    const wide: [string, string, number, string | null, string][] = rowsOf(ROWS_PER_STATEMENT + 1, 'w').map(([id, v, note]) => ['run-4', id, v, note, 'at']);
    runValues(sql, 'INSERT INTO t (run, id, n, note, at)', wide);
    runValues(sql, 'INSERT INTO t (run, id, at)', wide.map(([run, id]) => [`${run}b`, id, 'later']));
    expect(sql.scalar("SELECT count(*) FROM t WHERE run = 'run-4' AND at = 'at'")).toBe(ROWS_PER_STATEMENT + 1);
    expect(sql.all("SELECT n, note FROM t WHERE run = 'run-4b' GROUP BY n, note")).toEqual([{ n: null, note: null }]);
    expect(sql.scalar("SELECT count(*) FROM t WHERE run = 'run-4b' AND at = 'later'")).toBe(ROWS_PER_STATEMENT + 1);
  });
});
