/** Opens a CardOps store with every projection, and the backend over it. */
import { createBackend, type Backend } from './backend/backend.js';
import { SqlJsEventStore, type OpenOptions } from './eventstore/sqljs/store.js';
import { PROJECTIONS } from './projections.js';
import { ledgerCheck } from './accounts/ledger.js';
import type { Clock, IdGenerator } from './shared/ports.js';

export async function openStore(options: Omit<OpenOptions, 'projections' | 'checks'> = {}): Promise<SqlJsEventStore> {
  return SqlJsEventStore.open({ ...options, projections: PROJECTIONS, checks: [ledgerCheck] });
}

export async function openBackend(options: Omit<OpenOptions, 'projections' | 'checks'> & { clock?: Clock; ids?: IdGenerator; chargeRunBatchSize?: number } = {}): Promise<Backend> {
  const { clock, ids, chargeRunBatchSize, ...rest } = options;
  const store = await openStore(clock ? { ...rest, now: () => clock.now() } : rest);
  return createBackend({ store, ...(clock ? { clock } : {}), ...(ids ? { ids } : {}), ...(chargeRunBatchSize ? { chargeRunBatchSize } : {}) });
}
