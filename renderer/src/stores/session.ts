import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { useApi } from '../api/client';
import type { AppError, SessionInfo, SystemInfo } from '../api/types';

/** Who is signed in, and what the store is (demo or not). */
export const useSession = defineStore('session', () => {
  const user = ref<SessionInfo | null>(null);
  /** The backend forgot the session (it restarted, or the link was re-made): ask for the password again. */
  const needsReauth = ref(false);
  const system = ref<SystemInfo | null>(null);
  const role = computed(() => user.value?.role ?? null);
  /** Why the last session ended by itself (idle too long), shown on the sign-in screen. */
  const expiredNotice = ref<string | null>(null);
  let watching = false;
  function watchExpiry(): void {
    if (watching) return;
    watching = true;
    useApi().onSessionExpired((message) => {
      // Back to the sign-in screen: the backend forgot the session.
      user.value = null;
      needsReauth.value = false;
      expiredNotice.value = message;
    });
  }

  async function loadSystem(): Promise<void> {
    watchExpiry();
    const r = await useApi().call('system.info', {});
    if (r.ok) system.value = r.value;
  }

  async function login(operatorId: string, password: string): Promise<AppError | null> {
    const r = await useApi().call('auth.login', { operatorId, password });
    if (!r.ok) return r.error;
    user.value = r.value;
    needsReauth.value = false;
    expiredNotice.value = null;
    watchExpiry();
    return null;
  }

  async function logout(): Promise<void> {
    await useApi().call('auth.logout', {});
    user.value = null;
    needsReauth.value = false;
  }

  /** After a reconnect: does the backend still know us? */
  async function recheck(): Promise<void> {
    await loadSystem();
    if (!user.value) return;
    const r = await useApi().call('auth.session', {});
    if (r.ok && r.value?.operatorId === user.value.operatorId) user.value = r.value;
    else if (r.ok) needsReauth.value = true;
  }

  /**
   * An UNAUTHENTICATED answer while signed in means the same. FORBIDDEN may mean an admin
   * changed our role meanwhile: fetch it again, so the navigation shows what we may use now.
   */
  function noticeError(e: AppError): void {
    if (!user.value) return;
    if (e.code === 'UNAUTHENTICATED') needsReauth.value = true;
    else if (e.code === 'FORBIDDEN') void recheck();
  }

  return { user, role, system, needsReauth, expiredNotice, loadSystem, login, logout, recheck, noticeError };
});
