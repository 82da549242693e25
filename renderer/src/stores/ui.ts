import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ScreenId } from '../lib/nav';

/** Which screen is open, and the overlays over it. */
export const useUi = defineStore('ui', () => {
  const screen = ref<ScreenId>('accounts');
  const paletteOpen = ref(false);
  const helpOpen = ref(false);
  /** A search the palette hands to the screen it opens. */
  const pendingSearch = ref<{ screen: ScreenId; text: string } | null>(null);

  function open(id: ScreenId, search?: string): void {
    screen.value = id;
    pendingSearch.value = search === undefined ? null : { screen: id, text: search };
  }
  function takeSearch(id: ScreenId): string | null {
    const p = pendingSearch.value;
    if (!p || p.screen !== id) return null;
    pendingSearch.value = null;
    return p.text;
  }
  return { screen, paletteOpen, helpOpen, pendingSearch, open, takeSearch };
});
