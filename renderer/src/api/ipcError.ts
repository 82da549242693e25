/** What main said when an IPC invoke failed, without Electron's "Error invoking remote method '…': Error: " wrapper. Pure: no DOM, no Electron. */
export function ipcErrorMessage(e: unknown, fallback = 'the desktop app could not do it'): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/, '') || fallback;
}
