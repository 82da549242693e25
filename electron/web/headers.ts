/** The HTTP security headers of the browser twin. */

/**
 * A strict Content-Security-Policy: the app's own scripts and styles only, no inline script, no
 * eval, no frames, no plugins. `connect` lists where the page may open connections: the browser
 * twin's own socket, or nothing at all in Electron (which talks over a MessagePort).
 */
export function contentSecurityPolicy(connect: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect.length ? connect.join(' ') : "'none'"}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), bluetooth=(), payment=()',
  };
}

/** The browser twin's origin and its WebSocket, the only places its pages may connect to. */
export const webConnectSources = (origin: string): string[] => ["'self'", origin.replace(/^http/, 'ws')];
