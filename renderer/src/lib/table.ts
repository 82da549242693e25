/**
 * The one table setup every screen uses: server-side sorting, filtering and keyset paging, the
 * column chooser, and the state a table keeps (stores/tables.ts) so that Back returns to the
 * same page. Everything here is pure: no DOM, no store.
 */
import { columnVisibilityFeature, createColumnHelper, metaHelper, rowSortingFeature, tableFeatures, type ColumnDef, type RowData } from '@tanstack/vue-table';
import type { ListParams, Page, Result } from '../api/types.js';

export interface ColumnMeta {
  /** Right-align numbers and money. */
  readonly align?: 'start' | 'end';
  /** A CSS width such as '12rem'. */
  readonly width?: string;
  readonly mono?: boolean;
  /** The column's name in the column chooser, when its header is not plain text. */
  readonly label?: string;
}

export const features = tableFeatures({ rowSortingFeature, columnVisibilityFeature, columnMeta: metaHelper<ColumnMeta>() });
export type Features = typeof features;
export type Column<T extends RowData> = ColumnDef<Features, T>;
export const columnHelper = <T extends RowData>() => createColumnHelper<Features, T>();

export type FetchPage<T> = (params: ListParams) => Promise<Result<Page<T>>>;

export interface FilterDef {
  /** The API's filter name (a column). */
  readonly key: string;
  readonly label: string;
  readonly options: readonly { readonly value: string; readonly label: string }[];
}

/** Every row, page by page (for exports). Stops at `max` rows. */
export async function fetchAll<T>(fetchPage: FetchPage<T>, params: ListParams, max = 1_000_000): Promise<Result<T[]>> {
  const rows: T[] = [];
  let after: string | undefined;
  for (;;) {
    const r = await fetchPage({ ...params, limit: 1000, ...(after ? { after } : {}) });
    if (!r.ok) return r;
    rows.push(...r.value.rows);
    if (!r.value.next || rows.length >= max) return { ok: true, value: rows };
    after = r.value.next;
  }
}

// ---------------------------------------------------------------------------------------------
// A table's query: what it shows. Kept per table in Pinia and in each history entry.

/** The backend's largest page (domain/backend/paging.ts). */
export const MAX_PAGE_SIZE = 1000;
export const PAGE_SIZES: readonly number[] = [25, 50, 100, 250, 500, 1000];
/** "Load more" stops here: past it, page with Next (the scroller stays light). */
export const MAX_LOADED_ROWS = 10_000;

export interface SortState {
  readonly id: string;
  readonly desc: boolean;
}

/** Where a page starts: the keyset cursor (null for the first page) and the rows before it. */
export interface PageMark {
  readonly after: string | null;
  readonly offset: number;
}

export interface TableQuery {
  readonly sort: SortState;
  /** The search box as typed (the backend gets it trimmed). */
  readonly search: string;
  /** Non-empty filter values only. */
  readonly filters: Readonly<Record<string, string>>;
  readonly pageSize: number;
  /** The pages walked through with Next, the first page first: Previous goes back one. */
  readonly pages: readonly PageMark[];
  /** Pages appended to the current one with "Load more". */
  readonly more: number;
  /**
   * What the table was when it made this query (its default sort, filters and sortable
   * columns): a table that mounts under the same key but differs starts afresh rather than on
   * another table's page.
   */
  readonly scope?: string;
}

export const FIRST_PAGE: PageMark = { after: null, offset: 0 };

export function initialQuery(sort: SortState, pageSize: number, scope?: string): TableQuery {
  return { sort: { id: sort.id, desc: sort.desc }, search: '', filters: {}, pageSize, pages: [FIRST_PAGE], more: 0, ...(scope === undefined ? {} : { scope }) };
}

/** The page the query is on (the last of `pages`). */
export const currentMark = (q: TableQuery): PageMark => q.pages[q.pages.length - 1] ?? FIRST_PAGE;

/** The backend's parameters for the page the query is on (or for the page after `after`). */
export function queryParams(q: TableQuery, after: string | null = currentMark(q).after): ListParams {
  const search = q.search.trim();
  const filters = Object.fromEntries(Object.entries(q.filters).filter(([, v]) => v !== ''));
  return {
    sort: q.sort.id,
    direction: q.sort.desc ? 'desc' : 'asc',
    limit: q.pageSize,
    ...(search ? { search } : {}),
    ...(Object.keys(filters).length ? { filters } : {}),
    ...(after ? { after } : {}),
  };
}

/** Equal keys: the same rows on screen (a search that differs only in spaces loads nothing). */
export const queryKey = (q: TableQuery): string => JSON.stringify([queryParams(q), q.pages.length, currentMark(q).offset, q.more]);

export function sameQuery(a: TableQuery, b: TableQuery): boolean {
  return a.search === b.search && a.scope === b.scope && queryKey(a) === queryKey(b) && JSON.stringify(a.pages) === JSON.stringify(b.pages);
}

/** The same filters, sort and size, back on the first page. */
export const firstPageOf = (q: TableQuery): TableQuery => ({ ...q, pages: [FIRST_PAGE], more: 0 });

/** The page after the rows on screen (`loaded` of them, from the current page on). */
export const nextPageOf = (q: TableQuery, next: string, loaded: number): TableQuery => ({
  ...q,
  pages: [...q.pages, { after: next, offset: currentMark(q).offset + loaded }],
  more: 0,
});

export const previousPageOf = (q: TableQuery): TableQuery => (q.pages.length < 2 ? { ...q, more: 0 } : { ...q, pages: q.pages.slice(0, -1), more: 0 });

export interface QueryRules {
  /** See TableQuery.scope. */
  readonly scope: string;
  readonly defaultSort: SortState;
  /** Column ids the table may sort by. */
  readonly sortable: readonly string[];
  readonly filterKeys: readonly string[];
  readonly pageSizes: readonly number[];
  readonly defaultPageSize: number;
}

/**
 * A query made fit for this table: one restored from an older history entry or from another
 * version of the screen may name a column or filter that is gone, or a page size not offered;
 * one made by a different table under the same key is not used at all.
 */
export function fitQuery(q: TableQuery, rules: QueryRules): TableQuery {
  if (q.scope !== rules.scope) return initialQuery(rules.defaultSort, rules.defaultPageSize, rules.scope);
  const sort = rules.sortable.includes(q.sort.id) ? q.sort : rules.defaultSort;
  const filters = Object.fromEntries(Object.entries(q.filters).filter(([k, v]) => rules.filterKeys.includes(k) && v !== ''));
  const pageSize = rules.pageSizes.includes(q.pageSize) ? q.pageSize : rules.defaultPageSize;
  const changed = sort !== q.sort || pageSize !== q.pageSize || Object.keys(filters).length !== Object.keys(q.filters).length;
  // A cursor belongs to its sort, filters and size: when any of them had to change, start over.
  return changed ? { ...q, sort, filters, pageSize, pages: [FIRST_PAGE], more: 0 } : q;
}

// ---------------------------------------------------------------------------------------------
// Checks for what comes back from history.state and localStorage (written by us, but maybe by
// an older version, or edited by hand). Hand-written: the shapes are tiny, and a schema library
// would need `unsafe-eval` or a global jitless switch under the renderer's CSP.

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
const isShortString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

export function parseQuery(v: unknown): TableQuery | null {
  if (!isRecord(v)) return null;
  const { sort, search, filters, pageSize, pages, more, scope } = v;
  if (!(scope === undefined || isShortString(scope, 2000))) return null;
  if (!isRecord(sort) || !isShortString(sort.id, 200) || sort.id === '' || typeof sort.desc !== 'boolean') return null;
  if (!isShortString(search, 200) || !isRecord(filters) || !Object.values(filters).every((f) => isShortString(f, 200))) return null;
  if (!isCount(pageSize, MAX_PAGE_SIZE) || pageSize < 1 || !isCount(more, MAX_LOADED_ROWS)) return null;
  if (!Array.isArray(pages) || pages.length < 1 || pages.length > 100_000) return null;
  const marks: PageMark[] = [];
  for (const p of pages as unknown[]) {
    if (!isRecord(p) || !(p.after === null || isShortString(p.after, 2000)) || !isCount(p.offset, Number.MAX_SAFE_INTEGER)) return null;
    marks.push({ after: p.after, offset: p.offset });
  }
  if (marks[0]?.after !== null) return null;
  return { sort: { id: sort.id, desc: sort.desc }, search, filters: { ...(filters as Record<string, string>) }, pageSize, pages: marks, more, ...(scope === undefined ? {} : { scope }) };
}

/** What a history entry holds: the screen and every table's query, for the operator who made it. */
export interface HistorySnapshot {
  readonly v: 1;
  readonly user: string | null;
  readonly screen: string;
  readonly tables: Readonly<Record<string, TableQuery>>;
}

export function parseSnapshot(v: unknown): HistorySnapshot | null {
  if (!isRecord(v) || v.v !== 1 || !(v.user === null || isShortString(v.user, 200)) || !isShortString(v.screen, 100) || !isRecord(v.tables)) return null;
  const tables: Record<string, TableQuery> = {};
  for (const [key, q] of Object.entries(v.tables)) {
    const parsed = parseQuery(q);
    if (parsed) tables[key] = parsed;
  }
  return { v: 1, user: v.user, screen: v.screen, tables };
}

/** What a table remembers on this machine (localStorage): the columns hidden, the page size. */
export interface TablePrefs {
  readonly hidden: readonly string[];
  readonly pageSize: number | null;
}

export const NO_PREFS: TablePrefs = { hidden: [], pageSize: null };

export function parsePrefs(v: unknown): TablePrefs {
  if (!isRecord(v)) return NO_PREFS;
  const hidden = Array.isArray(v.hidden) ? (v.hidden as unknown[]).filter((h): h is string => isShortString(h, 200)).slice(0, 200) : [];
  const pageSize = isCount(v.pageSize, MAX_PAGE_SIZE) && v.pageSize >= 1 ? v.pageSize : null;
  return { hidden, pageSize };
}

/**
 * The columns to hide: the operator's choice, or the table's defaults until they choose. Never
 * every column: when nothing would be left, the first column that may not be hidden, or else
 * the first column, stays.
 */
export function hiddenColumns(prefs: TablePrefs | null, defaults: readonly string[], columnIds: readonly string[]): string[] {
  const wanted = new Set(prefs ? prefs.hidden : defaults);
  const hidden = columnIds.filter((id) => wanted.has(id));
  if (hidden.length === columnIds.length && columnIds.length > 0) hidden.shift();
  return hidden;
}

// ---------------------------------------------------------------------------------------------
// Keyboard movement between cells. Rows are the rows loaded (-1 is the header row); columns
// are the visible ones, plus the actions column when there is one.

export interface CellPos {
  readonly row: number;
  readonly col: number;
}

export interface GridSize {
  readonly rows: number;
  readonly cols: number;
  /** Rows in view, for Page Up / Page Down. */
  readonly page: number;
}

/** The cell a key moves to, or null when the key does not move (or would not move) the focus. */
export function nextCell(pos: CellPos, key: string, ctrl: boolean, size: GridSize): CellPos | null {
  if (size.cols < 1) return null;
  const lastRow = size.rows - 1;
  const clampRow = (r: number): number => Math.max(-1, Math.min(lastRow, r));
  const clampCol = (c: number): number => Math.max(0, Math.min(size.cols - 1, c));
  const row = clampRow(pos.row);
  const col = clampCol(pos.col);
  let to: CellPos;
  switch (key) {
    case 'ArrowUp':
      to = { row: clampRow(row - 1), col };
      break;
    case 'ArrowDown':
      to = { row: clampRow(row + 1), col };
      break;
    case 'ArrowLeft':
      to = { row, col: clampCol(col - 1) };
      break;
    case 'ArrowRight':
      to = { row, col: clampCol(col + 1) };
      break;
    case 'Home':
      to = ctrl ? { row: Math.min(0, lastRow), col: 0 } : { row, col: 0 };
      break;
    case 'End':
      to = ctrl ? { row: lastRow, col: size.cols - 1 } : { row, col: size.cols - 1 };
      break;
    case 'PageUp':
      to = { row: row < 0 ? row : Math.max(Math.min(0, lastRow), row - Math.max(1, size.page)), col };
      break;
    case 'PageDown':
      to = { row: clampRow(row + Math.max(1, size.page)), col };
      break;
    default:
      return null;
  }
  return to.row === pos.row && to.col === pos.col ? null : to;
}

/** A cell's text as the operator sees it, on one line: what Copy puts on the clipboard. */
export const cellCopyText = (text: string): string => text.replace(/\s+/g, ' ').trim();
