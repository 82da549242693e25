/**
 * The data table's pure parts (renderer/src/lib/table.ts): the query a table keeps and sends,
 * the checks on what comes back from history.state and localStorage, the column chooser's
 * rule, and the keyboard's moves between cells.
 */
import { describe, expect, it } from 'vitest';
import {
  cellCopyText,
  firstPageOf,
  fitQuery,
  hiddenColumns,
  initialQuery,
  nextCell,
  nextPageOf,
  parsePrefs,
  parseQuery,
  parseSnapshot,
  previousPageOf,
  queryKey,
  queryParams,
  sameQuery,
  type TableQuery,
} from '../../renderer/src/lib/table.js';

const start = initialQuery({ id: 'operatorId', desc: false }, 25);

describe('a table query', () => {
  it('sends the backend a trimmed search, only the filters set, and the cursor of its page', () => {
    expect(queryParams(start)).toEqual({ sort: 'operatorId', direction: 'asc', limit: 25 });
    const q: TableQuery = { ...start, search: '  alex ', filters: { role: 'agent', status: '' }, sort: { id: 'role', desc: true } };
    expect(queryParams(q)).toEqual({ sort: 'role', direction: 'desc', limit: 25, search: 'alex', filters: { role: 'agent' } });
    const paged = nextPageOf(q, 'cur-1', 25);
    expect(queryParams(paged).after).toBe('cur-1');
    expect(queryParams(paged, 'cur-2').after).toBe('cur-2');
  });

  it('walks pages with their row offsets, and Previous pops one', () => {
    const p2 = nextPageOf(start, 'a', 25);
    // Load more appended two pages (75 rows on screen): the next page starts at row 101.
    const p3 = nextPageOf({ ...p2, more: 2 }, 'b', 75);
    expect(p3.pages).toEqual([
      { after: null, offset: 0 },
      { after: 'a', offset: 25 },
      { after: 'b', offset: 100 },
    ]);
    expect(p3.more).toBe(0);
    expect(previousPageOf(p3).pages).toEqual(p2.pages);
    expect(previousPageOf(start)).toEqual(start);
    expect(firstPageOf(p3).pages).toEqual([{ after: null, offset: 0 }]);
  });

  it('loads again only when what is on screen would change', () => {
    expect(queryKey({ ...start, search: 'alex' })).toBe(queryKey({ ...start, search: ' alex  ' }));
    expect(queryKey({ ...start, more: 1 })).not.toBe(queryKey(start));
    expect(queryKey({ ...start, sort: { id: 'operatorId', desc: true } })).not.toBe(queryKey(start));
    // The store still keeps the search as typed.
    expect(sameQuery({ ...start, search: 'alex' }, { ...start, search: 'alex ' })).toBe(false);
    expect(sameQuery(nextPageOf(start, 'a', 25), nextPageOf(start, 'a', 25))).toBe(true);
  });

  it('is made fit for the table: an unknown sort, filter or page size starts over on page 1', () => {
    const rules = { scope: 's', defaultSort: { id: 'operatorId', desc: false }, sortable: ['operatorId', 'role'], filterKeys: ['role'], pageSizes: [25, 50], defaultPageSize: 50 };
    const onPage2 = nextPageOf({ ...start, scope: 's' }, 'a', 25);
    expect(fitQuery(onPage2, rules)).toBe(onPage2);
    const gone = fitQuery({ ...onPage2, sort: { id: 'dropped', desc: true } }, rules);
    expect(gone.sort).toEqual({ id: 'operatorId', desc: false });
    expect(gone.pages).toHaveLength(1);
    expect(fitQuery({ ...onPage2, filters: { color: 'red', role: 'agent' } }, rules).filters).toEqual({ role: 'agent' });
    expect(fitQuery({ ...onPage2, pageSize: 1000 }, rules)).toMatchObject({ pageSize: 50, pages: [{ after: null, offset: 0 }] });
  });

  it('is not used by a different table under the same key: that one starts afresh', () => {
    const rules = { scope: 'pending', defaultSort: { id: 'openedAt', desc: false }, sortable: ['openedAt'], filterKeys: [], pageSizes: [25, 50], defaultPageSize: 50 };
    const other = nextPageOf({ ...start, sort: { id: 'openedAt', desc: true }, search: 'x', scope: 'all' }, 'a', 25);
    expect(fitQuery(other, rules)).toEqual(initialQuery({ id: 'openedAt', desc: false }, 50, 'pending'));
    expect(fitQuery({ ...start, scope: undefined }, rules).scope).toBe('pending');
    expect(sameQuery({ ...start, scope: 'a' }, { ...start, scope: 'b' })).toBe(false);
    expect(parseQuery({ ...start, scope: 'a' })?.scope).toBe('a');
    expect(parseQuery({ ...start, scope: 5 })).toBeNull();
  });
});

describe('what comes back from history and localStorage', () => {
  it('takes a well-formed query and refuses anything else', () => {
    const q = nextPageOf({ ...start, search: 'x', filters: { role: 'agent' } }, 'cur', 25);
    expect(parseQuery(JSON.parse(JSON.stringify(q)))).toEqual(q);
    expect(parseQuery(null)).toBeNull();
    expect(parseQuery({ ...q, pageSize: 5000 })).toBeNull();
    expect(parseQuery({ ...q, pageSize: 0 })).toBeNull();
    expect(parseQuery({ ...q, pages: [] })).toBeNull();
    expect(parseQuery({ ...q, pages: [{ after: 'cur', offset: 0 }] })).toBeNull();
    expect(parseQuery({ ...q, pages: [{ after: null, offset: -1 }] })).toBeNull();
    expect(parseQuery({ ...q, sort: { id: '', desc: false } })).toBeNull();
    expect(parseQuery({ ...q, filters: { role: 7 } })).toBeNull();
    expect(parseQuery({ ...q, search: 'x'.repeat(201) })).toBeNull();
    expect(parseQuery({ ...q, more: 1.5 })).toBeNull();
  });

  it('keeps the good tables of a snapshot and drops the bad ones', () => {
    const snap = { v: 1, user: 'admin', screen: 'operators', tables: { Operators: start, Broken: { sort: 1 } } };
    expect(parseSnapshot(snap)).toEqual({ v: 1, user: 'admin', screen: 'operators', tables: { Operators: start } });
    expect(parseSnapshot({ ...snap, v: 2 })).toBeNull();
    expect(parseSnapshot({ ...snap, user: 5 })).toBeNull();
    expect(parseSnapshot({ ...snap, tables: [] })).toBeNull();
    expect(parseSnapshot(undefined)).toBeNull();
  });

  it('reads the remembered columns and page size, ignoring what it does not understand', () => {
    expect(parsePrefs({ hidden: ['displayName', 3, 'updatedAt'], pageSize: 250 })).toEqual({ hidden: ['displayName', 'updatedAt'], pageSize: 250 });
    expect(parsePrefs({ hidden: 'displayName', pageSize: 1e9 })).toEqual({ hidden: [], pageSize: null });
    expect(parsePrefs('nonsense')).toEqual({ hidden: [], pageSize: null });
  });
});

describe('the column chooser', () => {
  const ids = ['operatorId', 'displayName', 'role'];
  it('hides the chosen columns, or the defaults before any choice', () => {
    expect(hiddenColumns(null, ['role'], ids)).toEqual(['role']);
    expect(hiddenColumns({ hidden: ['displayName'], pageSize: null }, ['role'], ids)).toEqual(['displayName']);
    expect(hiddenColumns({ hidden: [], pageSize: null }, ['role'], ids)).toEqual([]);
    // A column that no longer exists is ignored.
    expect(hiddenColumns({ hidden: ['gone', 'role'], pageSize: null }, [], ids)).toEqual(['role']);
  });
  it('never hides every column', () => {
    expect(hiddenColumns({ hidden: ids, pageSize: null }, [], ids)).toEqual(['displayName', 'role']);
  });
});

describe('moving between cells by keyboard', () => {
  const size = { rows: 10, cols: 4, page: 3 };
  it('moves with the arrows and stops at the edges; the header is row -1', () => {
    expect(nextCell({ row: 0, col: 0 }, 'ArrowDown', false, size)).toEqual({ row: 1, col: 0 });
    expect(nextCell({ row: 0, col: 0 }, 'ArrowRight', false, size)).toEqual({ row: 0, col: 1 });
    expect(nextCell({ row: 0, col: 0 }, 'ArrowUp', false, size)).toEqual({ row: -1, col: 0 });
    expect(nextCell({ row: -1, col: 0 }, 'ArrowUp', false, size)).toBeNull();
    expect(nextCell({ row: 0, col: 0 }, 'ArrowLeft', false, size)).toBeNull();
    expect(nextCell({ row: 9, col: 3 }, 'ArrowDown', false, size)).toBeNull();
    expect(nextCell({ row: 9, col: 3 }, 'ArrowRight', false, size)).toBeNull();
    expect(nextCell({ row: 0, col: 0 }, 'x', false, size)).toBeNull();
  });
  it('jumps with Home, End, Ctrl+Home, Ctrl+End, Page Up and Page Down', () => {
    expect(nextCell({ row: 4, col: 2 }, 'Home', false, size)).toEqual({ row: 4, col: 0 });
    expect(nextCell({ row: 4, col: 2 }, 'End', false, size)).toEqual({ row: 4, col: 3 });
    expect(nextCell({ row: 4, col: 2 }, 'Home', true, size)).toEqual({ row: 0, col: 0 });
    expect(nextCell({ row: 4, col: 2 }, 'End', true, size)).toEqual({ row: 9, col: 3 });
    expect(nextCell({ row: 4, col: 2 }, 'PageDown', false, size)).toEqual({ row: 7, col: 2 });
    expect(nextCell({ row: 8, col: 2 }, 'PageDown', false, size)).toEqual({ row: 9, col: 2 });
    expect(nextCell({ row: 4, col: 2 }, 'PageUp', false, size)).toEqual({ row: 1, col: 2 });
    expect(nextCell({ row: 1, col: 2 }, 'PageUp', false, size)).toEqual({ row: 0, col: 2 });
  });
  it('copes with a position left over from more rows or columns, and with no rows', () => {
    expect(nextCell({ row: 40, col: 9 }, 'ArrowUp', false, size)).toEqual({ row: 8, col: 3 });
    expect(nextCell({ row: -1, col: 0 }, 'ArrowDown', false, { rows: 0, cols: 4, page: 3 })).toBeNull();
    expect(nextCell({ row: 0, col: 0 }, 'ArrowDown', false, { rows: 5, cols: 0, page: 3 })).toBeNull();
  });
});

describe('copying a cell', () => {
  it('copies the text on one line', () => {
    expect(cellCopyText('  Alex\n  Agent \t')).toBe('Alex Agent');
    expect(cellCopyText('')).toBe('');
  });
});
