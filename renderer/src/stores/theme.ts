import { defineStore } from 'pinia';
import { computed, ref, watchEffect } from 'vue';
import type { ThemePreference } from '../api/types';

const KEY = 'cardops.theme';
const isPreference = (v: unknown): v is ThemePreference => v === 'system' || v === 'light' || v === 'dark';

/** Light or dark: follows the OS unless the operator picks one. */
export const useTheme = defineStore('theme', () => {
  const stored = localStorage.getItem(KEY);
  const preference = ref<ThemePreference>(isPreference(stored) ? stored : 'system');
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const osDark = ref(media.matches);
  media.addEventListener('change', (e) => (osDark.value = e.matches));
  const resolved = computed<'light' | 'dark'>(() => (preference.value === 'system' ? (osDark.value ? 'dark' : 'light') : preference.value));

  watchEffect(() => {
    document.documentElement.dataset.theme = resolved.value;
    document.documentElement.style.colorScheme = resolved.value;
  });

  function set(p: ThemePreference): void {
    preference.value = p;
    localStorage.setItem(KEY, p);
    window.cardops?.setTheme(p);
  }
  // The desktop shell's menu and window colour follow the stored choice from the start.
  window.cardops?.setTheme(preference.value);
  return { preference, resolved, set };
});
