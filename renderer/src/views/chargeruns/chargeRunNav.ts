import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useUi } from '../../stores/ui';

export type ChargeRunScreen = { readonly kind: 'list' } | { readonly kind: 'plan' } | { readonly kind: 'run'; readonly runId: string };

/** Which part of the Charge runs screen is open: the list, the plan form, or one run. */
export const useChargeRunNav = defineStore('chargeRunNav', () => {
  const view = ref<ChargeRunScreen>({ kind: 'list' });
  /** Opens a run from anywhere (a toast, another screen). */
  function openRun(runId: string): void {
    view.value = { kind: 'run', runId };
    useUi().open('chargeRuns');
  }
  function plan(): void {
    view.value = { kind: 'plan' };
  }
  function list(): void {
    view.value = { kind: 'list' };
  }
  return { view, openRun, plan, list };
});
