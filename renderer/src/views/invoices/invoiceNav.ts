import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useUi } from '../../stores/ui';

/** Which invoice the Invoices screen shows (null: the list), whether its print view is open, and the tab. */
export const useInvoiceNav = defineStore('invoiceNav', () => {
  const invoiceId = ref<string | null>(null);
  const printing = ref(false);
  const tab = ref<'all' | 'queue'>('all');
  function open(id: string): void {
    invoiceId.value = id;
    printing.value = false;
    useUi().open('invoices');
  }
  function back(): void {
    invoiceId.value = null;
    printing.value = false;
  }
  return { invoiceId, printing, tab, open, back };
});
