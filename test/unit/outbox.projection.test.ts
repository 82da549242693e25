import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import { openBackend } from '../../domain/open.js';
import { listOutbox, messageOf, outboxCounts } from '../../domain/outbox/queries.js';

describe('the outbox projection', () => {
  it('writes a message for every card state change and charge in the same transaction, keyed by event id, and equals a replay; made-up demo history is not announced', async () => {
    const backend = await openBackend({ log: () => {} });
    await seedDemo(backend.store, { accounts: 20, seed: 3 });
    // The seed's history never happened: third parties are not told about it.
    expect(await backend.store.read((sql) => outboxCounts(sql).pending)).toBe(0);

    const agent = backend.connect({ origin: 'test' });
    const supervisor = backend.connect({ origin: 'test' });
    expect((await agent.call('auth.login', { operatorId: 'agent1', password: 'demo' })).ok).toBe(true);
    expect((await supervisor.call('auth.login', { operatorId: 'super1', password: 'demo' })).ok).toBe(true);
    const card = await backend.store.read((sql) => sql.get<{ card_id: string; account_id: string }>("SELECT card_id, account_id FROM cards WHERE status = 'active' ORDER BY card_id LIMIT 1"));
    const cardId = card!.card_id;
    const accountId = card!.account_id;
    const head = await backend.store.headPosition();
    for (const [c, command] of [
      [agent, { type: 'DeactivateCard', cardId, reason: 'customer_request' }],
      [agent, { type: 'ReactivateCard', cardId, reason: 'issue_resolved' }],
      [supervisor, { type: 'PostCharge', accountId, chargeId: 'CHG-OUTBOX-1', amount: 1234, description: 'Replacement card fee' }],
    ] as const) {
      const r = await c.call('commands.execute', { command });
      expect(r.ok, `${command.type}: ${r.ok ? '' : r.error.message}`).toBe(true);
    }

    const { rows, counts } = await backend.store.read((sql) => ({ rows: listOutbox(sql, { limit: 1000 }).rows, counts: outboxCounts(sql) }));
    const integration = await backend.store.read((sql) =>
      sql.all<{ event_id: string }>("SELECT event_id FROM events WHERE position > ? AND (type LIKE 'Card%' OR type IN ('ChargePosted', 'CreditAuthorizationRequired')) ORDER BY position", [head]).map((r) => r.event_id),
    );
    expect(integration.length).toBeGreaterThanOrEqual(3);
    expect(rows.map((r) => r.eventId)).toEqual(integration);
    expect(counts.pending).toBe(integration.length);
    const first = rows.find((r) => r.type === 'ChargePosted')!;
    expect(first.streamId).toBe(`account-${accountId}`);
    const message = await backend.store.read((sql) => messageOf(sql, first.eventId));
    expect(message).toMatchObject({ id: first.eventId, topic: 'charge.posted', type: 'ChargePosted', payload: { chargeId: 'CHG-OUTBOX-1' } });
    expect((await backend.store.verify()).ok).toBe(true);
    await backend.close();
  });
});
