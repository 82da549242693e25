/**
 * The outbox dispatcher: delivers due messages, oldest first, to every configured sink, at least
 * once. Each round's results are recorded as the outbox's own events (events.ts) in one append,
 * so they are as durable as anything else in the store; a crash between a delivery and its record
 * means the message is delivered again after the restart (the sink deduplicates by message id),
 * never lost.
 *
 * A failure backs off exponentially (per message, and the whole dispatcher waits too: a sink that
 * is down is not hammered); after `maxAttempts` failures the message is parked until an operator
 * retries it (RetryOutboxMessage).
 */
import { randomUUID } from 'node:crypto';
import type { CardOpsStore } from '../backend/store.js';
import type { NewEvent } from '../eventstore/types.js';
import { systemClock, type Clock } from '../shared/ports.js';
import { OUTBOX_DISPATCH_STREAM, type OutboxEvent } from './events.js';
import { outboxRoute } from './registry.js';
import { dueMessages, nextDueAt } from './queries.js';
import type { Sink } from './sinks.js';

export interface DispatcherOptions {
  readonly store: CardOpsStore;
  readonly sinks: readonly Sink[];
  readonly clock?: Clock;
  /** Messages per round (one append records a round); default 100. */
  readonly batchSize?: number;
  /** Failed attempts before a message is parked; default 8. */
  readonly maxAttempts?: number;
  /** The first back-off; it doubles with each failure of a message, up to `maxDelayMs`. Default 1 s, max 15 min. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** How long the loop sleeps when there is nothing to do (new messages wake it earlier); default 5 s. */
  readonly idleMs?: number;
  readonly log?: (message: string) => void;
}

export interface RoundResult {
  readonly delivered: number;
  readonly failed: number;
  readonly parked: number;
  /** True when a failure stopped the round: the loop then waits for the back-off. */
  readonly backedOff: boolean;
}

export const backoffMs = (attempt: number, base: number, max: number): number => Math.min(max, base * 2 ** Math.max(0, attempt - 1));

export class OutboxDispatcher {
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  /** After a failure, nothing is tried before this time (ms), even when new messages arrive. */
  private holdUntil = 0;
  private unsubscribe: (() => void) | null = null;
  private readonly clock: Clock;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly idleMs: number;

  constructor(private readonly o: DispatcherOptions) {
    this.clock = o.clock ?? systemClock;
    this.batchSize = o.batchSize ?? 100;
    this.maxAttempts = o.maxAttempts ?? 8;
    this.baseDelayMs = o.baseDelayMs ?? 1000;
    this.maxDelayMs = o.maxDelayMs ?? 15 * 60_000;
    this.idleMs = o.idleMs ?? 5000;
  }

  get sinkNames(): string[] {
    return this.o.sinks.map((s) => s.name);
  }

  /** One round: deliver the due messages until the first failure; record what happened in one append. */
  async runOnce(): Promise<RoundResult> {
    if (!this.o.sinks.length) return { delivered: 0, failed: 0, parked: 0, backedOff: false };
    const now = this.clock.now();
    const due = await this.o.store.read((sql) => dueMessages(sql, now, this.batchSize));
    const delivered: string[] = [];
    const positions: number[] = [];
    const events: NewEvent[] = [];
    let failed = 0;
    let parked = 0;
    const commandId = `outbox-${randomUUID()}`;
    const metadata = { operator: 'system', commandId, correlationId: commandId, causationId: commandId };
    const add = (e: OutboxEvent, causationId = commandId): void => {
      events.push({ eventId: `${commandId}:${events.length}`, type: e.type, data: e.data, metadata: { ...metadata, causationId } });
    };
    for (const { row, message } of due) {
      try {
        for (const sink of this.o.sinks) await sink.deliver(message);
        delivered.push(row.eventId);
        positions.push(row.position);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        const attempt = row.attempts + 1;
        if (attempt >= this.maxAttempts) {
          parked++;
          add({ type: 'OutboxMessageParked', data: { eventId: row.eventId, position: row.position, attempts: attempt, error } }, row.eventId);
          this.o.log?.(`outbox: parked ${row.eventId} after ${attempt} failed attempts: ${error}`);
        } else {
          failed++;
          const nextAttemptAt = new Date(Date.parse(now) + backoffMs(attempt, this.baseDelayMs, this.maxDelayMs)).toISOString();
          this.holdUntil = Date.parse(nextAttemptAt);
          add({ type: 'OutboxDeliveryFailed', data: { eventId: row.eventId, position: row.position, attempt, error, nextAttemptAt } }, row.eventId);
        }
        break; // the sink is likely down: stop here, back off, and keep the order
      }
    }
    if (delivered.length) events.unshift({ eventId: `${commandId}:d`, type: 'OutboxMessagesDelivered', data: { eventIds: delivered, positions, sinks: this.sinkNames }, metadata });
    if (events.length) await this.o.store.append(OUTBOX_DISPATCH_STREAM, events, { expectedVersion: 'any' });
    return { delivered: delivered.length, failed, parked, backedOff: failed + parked > 0 };
  }

  /** Rounds until nothing is due now (for the CLI and tests); returns the totals. */
  async drain(): Promise<{ delivered: number; failed: number; parked: number }> {
    const total = { delivered: 0, failed: 0, parked: 0 };
    for (;;) {
      const r = await this.runOnce();
      total.delivered += r.delivered;
      total.failed += r.failed;
      total.parked += r.parked;
      if (r.backedOff || r.delivered === 0) return total;
    }
  }

  /** Runs in the background until `stop`: woken by new integration events, sleeping through back-offs. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.o.store.headPosition().then((head) => {
      if (this.stopped) return;
      this.unsubscribe = this.o.store.subscribe(head, (events) => {
        if (events.some((e) => outboxRoute(e.type))) this.wake();
      });
    });
    this.loop = this.run();
  }

  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let wait = this.idleMs;
      const held = this.holdUntil - Date.parse(this.clock.now());
      if (held > 0) {
        await this.sleep(held);
        continue;
      }
      try {
        const r = await this.runOnce();
        if (r.delivered && !r.backedOff) continue;
        const next = await this.o.store.read((sql) => nextDueAt(sql));
        if (next) wait = Math.max(0, Math.min(wait, Date.parse(next) - Date.parse(this.clock.now())));
        if (r.backedOff && next) wait = Math.max(wait, 1);
      } catch (e) {
        if (this.stopped) return;
        this.o.log?.(`outbox: a round failed: ${(e as Error).message}`);
      }
      if (this.stopped) return;
      await this.sleep(wait);
    }
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wakeUp = done;
    });
    this.wakeUp = null;
  }
}
