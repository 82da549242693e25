import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppError } from '../api/types';

export interface Toast {
  readonly id: number;
  readonly tone: 'error' | 'success' | 'info';
  readonly title: string;
  readonly message: string;
  readonly code?: string;
}

/** Short messages in the corner. Errors show their code and stay until dismissed. */
export const useToasts = defineStore('toasts', () => {
  const toasts = ref<Toast[]>([]);
  let next = 1;

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }
  function show(toast: Omit<Toast, 'id'>): void {
    const id = next++;
    toasts.value = [...toasts.value.slice(-4), { ...toast, id }];
    if (toast.tone !== 'error') setTimeout(() => dismiss(id), 5000);
  }
  const error = (title: string, e: AppError): void => show({ tone: 'error', title, message: e.message, code: e.code });
  const success = (title: string, message = ''): void => show({ tone: 'success', title, message });
  const info = (title: string, message = ''): void => show({ tone: 'info', title, message });
  return { toasts, show, error, success, info, dismiss };
});
