import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ApiClient } from '../api/client';
import type { ConnectionState } from '../api/types';

/** The link to the backend, for the "reconnecting…" banner. */
export const useConnection = defineStore('connection', () => {
  const state = ref<ConnectionState>('connecting');
  /** Set once the link has been open: the first connect shows no banner. */
  const wasOpen = ref(false);
  let client: ApiClient | undefined;

  function bind(c: ApiClient, onReopen: () => void): void {
    client = c;
    c.onState((s) => {
      const reopened = s === 'open' && wasOpen.value && state.value !== 'open';
      state.value = s;
      if (s === 'open') wasOpen.value = true;
      if (reopened) onReopen();
    });
  }
  const retryNow = (): void => client?.retryNow();
  return { state, wasOpen, bind, retryNow };
});
