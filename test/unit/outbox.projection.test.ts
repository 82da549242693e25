import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import { openBackend } from '../../domain/open.js';
import { listOutbox, messageOf, outboxCounts } from '../../domain/outbox/queries.js';

describe('the outbox projection', () => {
  it('writes a message for every card state change and charge in the same transaction, keyed by event id, and equals a replay', async () => {
    const backend = await openBackend({ log: () => {} });
    await seedDemo(backend.store, { accounts: 20, seed: 3 });
    const { rows, counts } = await backend.store.read((sql) => ({ rows: listOutbox(sql, { limit: 1000 }).rows, counts: outboxCounts(sql) }));
    const integration = await backend.store.read((sql) =>
      sql.all<{ event_id: string }>("SELECT event_id FROM events WHERE type LIKE 'Card%' OR type IN ('ChargePosted', 'CreditAuthorizationRequired') ORDER BY position").map((r) => r.event_id),
    );
    expect(integration.length).toBeGreaterThan(20);
    expect(rows.map((r) => r.eventId)).toEqual(integration);
    expect(counts.pending).toBe(integration.length);
    const first = rows.find((r) => r.type === 'ChargePosted')!;
    const message = await backend.store.read((sql) => messageOf(sql, first.eventId));
    expect(message).toMatchObject({ id: first.eventId, topic: 'charge.posted', type: 'ChargePosted', payload: { chargeId: expect.any(String) } });
    expect((await backend.store.verify()).ok).toBe(true);
    await backend.close();
  });
});
