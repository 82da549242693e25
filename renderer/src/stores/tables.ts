/**
 * What every data table shows (sort, search, filters, page size, the pages walked through) and
 * what it remembers on this machine (hidden columns, page size), per table.
 *
 * The queries live here, in Pinia, so a screen that is left and opened again finds its table as
 * it was. They are also written into the browser history with the open screen: each page,
 * sort, filter or screen change is a history entry, and Back (the browser's, Alt+← or the
 * mouse's back button in the desktop app) restores the screen and the page it was on. Starting
 * a search adds an entry; typing on replaces it rather than adding one per pause. The URL itself is left
 * alone: it carries the browser twin's token, and cursors are no business of a URL.
 *
 * Entries remember the operator who made them: after signing out and in as someone else, Back
 * does not bring back the previous operator's searches.
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { NO_PREFS, parsePrefs, parseSnapshot, sameQuery, type HistorySnapshot, type TablePrefs, type TableQuery } from '../lib/table';
import { SCREENS, type ScreenId } from '../lib/nav';
import { isTyping } from '../lib/shortcuts';
import { useSession } from './session';
import { useUi } from './ui';

/** How a change reaches the browser history: a new entry (Back undoes it) or the current one. */
export type HistoryMode = 'push' | 'replace';

const PREFS_KEY = (table: string): string => `cardops.table.${table}`;
const isScreen = (id: string): id is ScreenId => SCREENS.some((s) => s.id === id);

/** The stored choice, or null when the operator has made none on this machine. */
function readPrefs(table: string): TablePrefs | null {
  try {
    const raw = localStorage.getItem(PREFS_KEY(table));
    return raw === null ? null : parsePrefs(JSON.parse(raw) as unknown);
  } catch {
    return NO_PREFS;
  }
}

export const useTables = defineStore('tables', () => {
  const queries = ref<Record<string, TableQuery>>({});
  /** Loaded from localStorage on first use; null: the operator has chosen nothing yet. */
  const prefs = ref<Record<string, TablePrefs | null>>({});
  /** Bumped when Back or Forward restores queries (tables reload what changed). */
  const restored = ref(0);

  const ui = useUi();
  const session = useSession();
  const operator = (): string | null => session.user?.operatorId ?? null;
  let restoring = false;

  function snapshot(): HistorySnapshot {
    // A plain copy: history.state takes structured clones, and Vue's proxies are not clonable.
    return { v: 1, user: operator(), screen: ui.screen, tables: JSON.parse(JSON.stringify(queries.value)) as Record<string, TableQuery> };
  }

  function writeHistory(mode: HistoryMode): void {
    if (restoring || typeof history === 'undefined') return;
    try {
      if (mode === 'push') history.pushState({ cardops: snapshot() }, '');
      else {
        const current: unknown = history.state;
        const others = typeof current === 'object' && current !== null ? current : {};
        history.replaceState({ ...others, cardops: snapshot() }, '');
      }
    } catch {
      // A browser that throttles or refuses history writes: the queries above still hold.
    }
  }

  /** The query of `table`: the one kept, or `initial` (kept from now on). */
  function ensure(table: string, initial: TableQuery): TableQuery {
    const kept = queries.value[table];
    if (kept) return kept;
    queries.value = { ...queries.value, [table]: initial };
    writeHistory('replace');
    return initial;
  }

  function setQuery(table: string, q: TableQuery, mode: HistoryMode): void {
    const before = queries.value[table];
    if (before && sameQuery(before, q)) return;
    queries.value = { ...queries.value, [table]: q };
    writeHistory(mode);
  }

  function prefsOf(table: string): TablePrefs | null {
    if (!(table in prefs.value)) prefs.value = { ...prefs.value, [table]: readPrefs(table) };
    return prefs.value[table] ?? null;
  }

  function savePrefs(table: string, next: TablePrefs): void {
    prefs.value = { ...prefs.value, [table]: next };
    try {
      localStorage.setItem(PREFS_KEY(table), JSON.stringify(next));
    } catch {
      // Storage full or disabled: the choice holds for this session.
    }
  }

  const setHidden = (table: string, hidden: readonly string[]): void => savePrefs(table, { ...(prefsOf(table) ?? NO_PREFS), hidden: [...hidden] });
  const setPageSizePref = (table: string, pageSize: number): void => savePrefs(table, { ...(prefsOf(table) ?? NO_PREFS), pageSize });

  function restore(state: unknown): void {
    const snap = parseSnapshot(typeof state === 'object' && state !== null ? (state as { cardops?: unknown }).cardops : undefined);
    if (!snap || snap.user !== operator()) return;
    restoring = true;
    try {
      queries.value = { ...queries.value, ...snap.tables };
      if (isScreen(snap.screen) && snap.screen !== ui.screen) ui.open(snap.screen);
      restored.value++;
    } finally {
      restoring = false;
    }
  }

  if (typeof window !== 'undefined') {
    // A reload keeps history.state: take the tables back from it (the screen is the shell's).
    const start = parseSnapshot((history.state as { cardops?: unknown } | null)?.cardops);
    if (start && start.user === operator()) queries.value = { ...start.tables };
    window.addEventListener('popstate', (e) => restore(e.state));
    // Each screen the operator opens is a history entry. Synchronous, so that a screen set by
    // restore() is told apart from one the operator opened.
    watch(
      () => ui.screen,
      () => writeHistory('push'),
      { flush: 'sync' },
    );
    // Another operator signs in: forget the previous one's searches and pages.
    let lastOperator = operator();
    watch(operator, (now) => {
      if (now === null) return;
      if (lastOperator !== null && now !== lastOperator) queries.value = {};
      lastOperator = now;
    });
    // Browsers have Back on Alt+← and the mouse; an Electron window has neither by itself.
    if (window.cardops) {
      window.addEventListener('keydown', (e) => {
        if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || isTyping(e.target)) return;
        if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
          e.preventDefault();
          if (e.key === 'ArrowLeft') history.back();
          else history.forward();
        }
      });
      window.addEventListener('mouseup', (e) => {
        if (e.button === 3) history.back();
        else if (e.button === 4) history.forward();
      });
    }
    writeHistory('replace');
  }

  return { queries, prefs, restored, ensure, setQuery, prefsOf, setHidden, setPageSizePref, restore };
});
