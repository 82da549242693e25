/**
 * Which pages may talk to the main process. Every IPC message is checked against the app's own
 * origin (`cardops://app` in a built app, the dev server's origin in `npm run dev`), so a page
 * that got into a frame or a window by any route cannot reach the backend. No Electron import:
 * this is a pure function that tests cover.
 */

/** True when `url` (the sender frame's URL) belongs to the `expected` app origin. */
export function isTrustedSender(url: string | null | undefined, expected: string): boolean {
  if (!url) return false;
  let u: URL;
  let e: URL;
  try {
    u = new URL(url);
    e = new URL(expected);
  } catch {
    return false;
  }
  if (u.protocol !== e.protocol || u.username || u.password) return false;
  if (u.protocol === 'file:') {
    // A file:// app is trusted only inside its own folder (the folder of `expected`).
    const dir = e.pathname.endsWith('/') ? e.pathname : e.pathname.slice(0, e.pathname.lastIndexOf('/') + 1);
    return u.host === e.host && !/(^|\/)\.\.(\/|$)/.test(decodeURIComponent(u.pathname)) && u.pathname.startsWith(dir);
  }
  // For http(s) and standard custom schemes: the same host and port.
  return u.host === e.host && u.host !== '';
}
