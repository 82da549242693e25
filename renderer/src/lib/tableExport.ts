/**
 * "Export CSV" for a list screen, as Accounts does it: every row the table's search, filters
 * and sort select (page by page, up to a cap), as a CSV that opens in Excel (lib/csv.ts), saved
 * through a Save dialog on the desktop or downloaded in the browser; Ctrl+E (File → Export) runs
 * it while the screen is mounted.
 */
import { onBeforeUnmount, onMounted } from 'vue';
import type { ListParams } from '../api/types';
import { useExporter } from '../stores/exporter';
import { useToasts } from '../stores/toasts';
import { toCsv, type Cell } from './csv';
import { saveTextFile } from './save';
import { fetchAll, type FetchPage } from './table';

export interface TableCsv<T> {
  /** The rows' name in messages, plural: "invoices". */
  readonly noun: string;
  /** The file name's start: "cardops-invoices" (the date and .csv are added). */
  readonly fileStem: string;
  /** snake_case column names; money as `*_minor` integers beside a `currency` column; dates ISO. */
  readonly header: readonly string[];
  readonly row: (r: T) => readonly Cell[];
  readonly fetchPage: FetchPage<T>;
  /** The table's current query (search, filters, sort); paging is dropped. */
  readonly params: ListParams | undefined;
  readonly max?: number;
}

/** Fetches every row the table selects and saves them as CSV; tells the operator what happened. */
export async function exportTableCsv<T>(spec: TableCsv<T>): Promise<void> {
  const toasts = useToasts();
  const { after: _after, limit: _limit, ...rest } = spec.params ?? {};
  const max = spec.max ?? 200_000;
  const r = await fetchAll(spec.fetchPage, rest, max);
  if (!r.ok) return toasts.error('Export failed', r.error);
  if (r.value.length >= max) toasts.info('Export cut short', `The first ${max.toLocaleString()} ${spec.noun} only: search or filter for fewer.`);
  const csv = toCsv(spec.header, r.value.map(spec.row));
  const saved = await saveTextFile(`${spec.fileStem}-${new Date().toISOString().slice(0, 10)}.csv`, csv);
  if (saved.saved) toasts.success(`${spec.noun.charAt(0).toUpperCase()}${spec.noun.slice(1)} exported`, `${r.value.length.toLocaleString()} ${r.value.length === 1 ? 'row' : 'rows'} → ${saved.path}`);
}

/** Registers `run` as the screen's Ctrl+E export from mount to unmount. */
export function useCsvExport(label: string, run: () => Promise<void>): void {
  let stop: (() => void) | undefined;
  onMounted(() => {
    stop = useExporter().register(label, run);
  });
  onBeforeUnmount(() => stop?.());
}
