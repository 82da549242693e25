import { defineStore } from 'pinia';
import { shallowRef } from 'vue';

/** The open screen's "Export…" (File menu, Ctrl+E), if it has something to export. */
export const useExporter = defineStore('exporter', () => {
  const current = shallowRef<{ label: string; run: () => Promise<void> } | null>(null);
  function register(label: string, run: () => Promise<void>): () => void {
    const entry = { label, run };
    current.value = entry;
    return () => {
      if (current.value === entry) current.value = null;
    };
  }
  return { current, register };
});
