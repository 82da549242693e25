/**
 * Download tickets: how a report leaves the backend by another way than the message protocol (an
 * HTTP download in the browser twin, a file the Electron host writes). The backend method
 * `reports.ticket` checks the caller's role and issues one; whoever serves the file redeems it.
 * A ticket is random (256 bits), names one run and one format, works once, expires quickly, and
 * dies with the session that asked for it (sign-out, a new sign-in or the connection closing).
 * One registry per store, so the web server and the host find the backend's tickets through
 * the store they share with it.
 */
import { randomBytes } from 'node:crypto';
import type { ReportFormat } from './lines.js';

export interface ReportTicket {
  readonly runId: string;
  readonly format: ReportFormat;
  readonly operatorId: string;
  readonly expiresAt: number;
  /** The session that asked for it (an identity only): when it ends, the ticket goes with it. */
  readonly session?: object;
}

export const TICKET_TTL_MS = 60_000;
const MAX_OPEN = 1_000;

export class ReportTickets {
  private readonly open = new Map<string, ReportTicket>();
  constructor(private readonly now: () => number = Date.now) {}

  issue(grant: Omit<ReportTicket, 'expiresAt'>, ttlMs = TICKET_TTL_MS): { ticket: string; expiresAt: string } {
    this.sweep();
    if (this.open.size >= MAX_OPEN) this.open.delete(this.open.keys().next().value!);
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + ttlMs;
    this.open.set(ticket, { ...grant, expiresAt });
    return { ticket, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** The grant, once: a second redeem of the same ticket, or a late one, gets null. */
  redeem(ticket: string): ReportTicket | null {
    const t = this.open.get(ticket);
    if (!t) return null;
    this.open.delete(ticket);
    return t.expiresAt >= this.now() ? t : null;
  }

  /** Every ticket of a session that ended: none of them downloads any more. */
  revokeSession(session: object): void {
    for (const [k, t] of this.open) if (t.session === session) this.open.delete(k);
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, t] of this.open) if (t.expiresAt < now) this.open.delete(k);
  }
}

const registries = new WeakMap<object, ReportTickets>();

/** The ticket registry of the backend over `store`. */
export function reportTickets(store: object): ReportTickets {
  let r = registries.get(store);
  if (!r) registries.set(store, (r = new ReportTickets()));
  return r;
}
