/**
 * A command's fingerprint: a hash of its type and its validated parameters in canonical JSON
 * (keys sorted), stored in the metadata of the events it writes. A command id sent again with
 * the same fingerprint is a retry (a no-op); with another, it is a different command reusing
 * the id, and is refused. Secrets (passwords) are left out, so no event holds a cheap hash of one.
 */
import { createHash } from 'node:crypto';

const SECRET = /password/i;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      out[key] = SECRET.test(key) ? '(secret)' : canonical(v);
    }
    return out;
  }
  return value;
}

export function commandFingerprint(type: string, params: unknown): string {
  return createHash('sha256').update(type).update('\n').update(JSON.stringify(canonical(params))).digest('base64url').slice(0, 22);
}
