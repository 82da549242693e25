import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useUi } from '../../stores/ui';

export type PlansScreen = { readonly kind: 'list' } | { readonly kind: 'plan'; readonly planId: string };

/** Which part of the Payment plans screen is open: the lists, or one plan. */
export const usePlanNav = defineStore('planNav', () => {
  const view = ref<PlansScreen>({ kind: 'list' });
  function openPlan(planId: string): void {
    view.value = { kind: 'plan', planId };
    useUi().open('plans');
  }
  function list(): void {
    view.value = { kind: 'list' };
  }
  return { view, openPlan, list };
});
