/** The one table setup every screen uses: server-side sorting, filtering and keyset paging. */
import { createColumnHelper, metaHelper, rowSortingFeature, tableFeatures, type ColumnDef, type RowData } from '@tanstack/vue-table';
import type { ListParams, Page, Result } from '../api/types';

export interface ColumnMeta {
  /** Right-align numbers and money. */
  readonly align?: 'start' | 'end';
  /** A CSS width such as '12rem'. */
  readonly width?: string;
  readonly mono?: boolean;
}

export const features = tableFeatures({ rowSortingFeature, columnMeta: metaHelper<ColumnMeta>() });
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
