import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useUi } from '../../stores/ui';

/** Which contact the Contacts screen shows (null: the list). */
export const useContactNav = defineStore('contactNav', () => {
  const contactId = ref<string | null>(null);
  function open(id: string): void {
    contactId.value = id;
    useUi().open('contacts');
  }
  function back(): void {
    contactId.value = null;
  }
  return { contactId, open, back };
});
