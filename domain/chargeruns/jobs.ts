/**
 * The charge runs being driven in this process: at most one driver per run. The backend starts
 * one after StartChargeRun or ResumeChargeRun, and `wait` lets the CLI follow a run to its end.
 */
import type { CardOpsStore } from '../backend/store.js';
import type { ChargeRunState } from './events.js';
import { driveChargeRun, type RunProgress } from './executor.js';

export class ChargeRunJobs {
  private readonly running = new Map<string, Promise<ChargeRunState>>();
  private stopping = false;

  constructor(
    private readonly store: CardOpsStore,
    private readonly onProgress: (p: RunProgress) => void,
    private readonly batchSize?: number,
  ) {}

  isActive(runId: string): boolean {
    return this.running.has(runId);
  }

  /** Drives the run unless a driver already does; resolves with the state it stopped in. */
  ensure(runId: string, operatorId: string, options: { retryFailed?: boolean } = {}): Promise<ChargeRunState> {
    const existing = this.running.get(runId);
    if (existing) return existing;
    const job = driveChargeRun(runId, {
      store: this.store,
      operatorId,
      onProgress: this.onProgress,
      shouldStop: () => this.stopping,
      ...(this.batchSize ? { batchSize: this.batchSize } : {}),
      ...(options.retryFailed ? { retryFailed: true } : {}),
    }).finally(() => this.running.delete(runId));
    this.running.set(runId, job);
    return job;
  }

  /** Stops every driver at its next batch boundary (closing the store); the runs stay resumable. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running.values()]);
  }
}
