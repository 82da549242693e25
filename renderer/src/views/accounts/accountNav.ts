import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useUi } from '../../stores/ui';

/** Which account the Accounts screen shows (null: the list), and a card to point at in it. */
export const useAccountNav = defineStore('accountNav', () => {
  const accountId = ref<string | null>(null);
  const cardId = ref<string | null>(null);
  /** Bumped on every open, so the same account opened again still gets the focus. */
  const serial = ref(0);

  /** Opens an account from anywhere: the palette, the authorisation queue, a timeline link. */
  function open(id: string, card: string | null = null): void {
    accountId.value = id;
    cardId.value = card;
    serial.value++;
    useUi().open('accounts');
  }
  function back(): void {
    accountId.value = null;
    cardId.value = null;
  }
  return { accountId, cardId, serial, open, back };
});
