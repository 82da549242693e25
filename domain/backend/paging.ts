/**
 * Keyset paging over a projection table: sorted and filtered in SQL, LIMIT n+1 to know whether
 * there is a next page, never a COUNT(*) over the table. Column names come from a whitelist.
 */
import { z } from 'zod';
import { clientRef, isOneLine, ONE_LINE_MESSAGE, searchText, withoutCardNumber } from '../shared/text.js';
import type { Sql } from '../eventstore/sql.js';
import type { SqlValue } from 'sql.js';

export const listParams = z.strictObject({
  sort: clientRef('sort column', 100).optional(),
  direction: z.enum(['asc', 'desc']).optional(),
  /** Free text matched (contains, case-insensitive) against the table's search columns. */
  search: searchText(200).optional(),
  /** Exact matches on filterable columns. */
  filters: z.record(clientRef('filter column', 100), z.union([withoutCardNumber(z.string().refine(isOneLine, ONE_LINE_MESSAGE)), z.number()])).optional(),
  /** The cursor a previous page returned. */
  after: z.string().max(2000).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});
export type ListParams = z.input<typeof listParams>;

export interface Page<T> {
  readonly rows: readonly T[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly next: string | null;
}

export interface TableSpec<T> {
  readonly table: string;
  /** The unique key that breaks ties, always sorted in the same direction. */
  readonly key: string;
  /** API column name → SQL column, for the columns that can be sorted and filtered. */
  readonly columns: Readonly<Record<string, string>>;
  readonly search: readonly string[];
  /**
   * `contains` (the default) matches anywhere, a scan: fine for small tables. `prefix` matches
   * the start of each column with a range that the columns' indexes serve, for big tables.
   */
  readonly searchMode?: 'contains' | 'prefix';
  readonly defaultSort: string;
  /** Columns that filter but do not sort (no index serves that order); default: none. */
  readonly unsortable?: readonly string[];
  /**
   * The index that serves a filter's value, where SQLite's planner would guess otherwise (it has
   * no statistics, and takes a partial index only when the query names the index's condition):
   * the query reads it (INDEXED BY) and adds `where`, that condition.
   */
  readonly filterIndex?: Readonly<Record<string, (value: string | number) => { readonly index: string; readonly where: string } | null>>;
  readonly select: string;
  readonly map: (row: Record<string, SqlValue>) => T;
}

export class PagingError extends Error {}

/** The bounds of every string that starts with `prefix`, for an index range scan (the column's collation applies). */
export const prefixRange = (prefix: string): [string, string] => [prefix, `${prefix}\u{10FFFF}`];

const encode = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
function decode(s: string): [SqlValue, SqlValue] {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2) return v as [SqlValue, SqlValue];
  } catch {
    /* below */
  }
  throw new PagingError('the page cursor is not valid: start again from the first page');
}

export function keysetPage<T>(sql: Sql, spec: TableSpec<T>, params: ListParams): Page<T> {
  const sortName = params.sort ?? spec.defaultSort;
  const sortCol = spec.columns[sortName];
  if (!sortCol || spec.unsortable?.includes(sortName)) {
    throw new PagingError(`cannot sort by ${sortName}: choose one of ${Object.keys(spec.columns).filter((c) => !spec.unsortable?.includes(c)).join(', ')}`);
  }
  const dir = params.direction ?? 'asc';
  const limit = params.limit ?? 100;
  const where: string[] = [];
  const args: SqlValue[] = [];
  let indexedBy: string | undefined;
  for (const [name, value] of Object.entries(params.filters ?? {})) {
    const col = spec.columns[name];
    if (!col) throw new PagingError(`cannot filter by ${name}: choose one of ${Object.keys(spec.columns).join(', ')}`);
    where.push(`${col} = ?`);
    args.push(value);
    const hint = spec.filterIndex?.[name]?.(value);
    if (hint) {
      where.push(hint.where);
      indexedBy ??= hint.index;
    }
  }
  const search = params.search?.trim();
  if (search && spec.searchMode === 'prefix') {
    const [lo, hi] = prefixRange(search);
    where.push(`(${spec.search.map((c) => `(${c} >= ? AND ${c} < ?)`).join(' OR ')})`);
    for (let i = 0; i < spec.search.length; i++) args.push(lo, hi);
  } else if (search) {
    const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(`(${spec.search.map((c) => `${c} LIKE ? ESCAPE '\\'`).join(' OR ')})`);
    for (let i = 0; i < spec.search.length; i++) args.push(like);
  }
  if (params.after) {
    const [v, k] = decode(params.after);
    where.push(sortCol === spec.key ? `${spec.key} ${dir === 'asc' ? '>' : '<'} ?` : `(${sortCol}, ${spec.key}) ${dir === 'asc' ? '>' : '<'} (?, ?)`);
    if (sortCol === spec.key) args.push(k);
    else args.push(v, k);
  }
  const order = sortCol === spec.key ? `${spec.key} ${dir}` : `${sortCol} ${dir}, ${spec.key} ${dir}`;
  const q = `SELECT ${spec.select}, ${sortCol} AS __sort, ${spec.key} AS __key FROM ${spec.table}${indexedBy ? ` INDEXED BY ${indexedBy}` : ''}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`;
  const rows = sql.all(q, [...args, limit + 1]);
  const more = rows.length > limit;
  if (more) rows.pop();
  const last = rows[rows.length - 1];
  return { rows: rows.map(spec.map), next: more && last ? encode([last.__sort, last.__key]) : null };
}
