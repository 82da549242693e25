/**
 * The Settings screen's Refunds section (renderer/src/views/settings/sections.ts): what the admin
 * types is the command the backend takes, and what the backend stores is shown back as typed.
 */
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import { openBackend } from '../../domain/open.js';
import { buildCommand, draftOf, SECTIONS } from '../../renderer/src/views/settings/sections.js';
import type { AllSettings } from '../../renderer/src/views/settings/types.js';

const section = SECTIONS.find((x) => x.id === 'refunds')!;

describe('the Refunds section edits the agent limit, the daily limit and the limits by currency', () => {
  it('builds the UpdateSettings command from the drafts, in each currency\'s own units; the backend stores it; the drafts come back as typed', async () => {
    const built = buildCommand(section, { agentLimit: '80.00', agentDailyLimit: '1200', byCurrency: 'jpy 20000 / 150000; USD 50.00 / 0' });
    expect(built).toEqual({
      ok: true,
      command: { type: 'UpdateSettings', changes: { refunds: { agentLimit: 8_000, agentDailyLimit: 120_000, byCurrency: { JPY: { agentLimit: 20_000, agentDailyLimit: 150_000 }, USD: { agentLimit: 5_000, agentDailyLimit: 0 } } } } },
    });
    const backend = await openBackend({ log: () => {} });
    await seedDemo(backend.store, { accounts: 0, seed: 1 });
    const admin = backend.connect({ origin: 'test' });
    expect((await admin.call('auth.login', { operatorId: 'admin', password: 'demo' })).ok).toBe(true);
    if (!built.ok) return;
    const saved = await admin.call('commands.execute', { command: built.command });
    expect(saved.ok).toBe(true);
    const settings = await admin.call('settings.get', {});
    if (!settings.ok) throw new Error(settings.error.message);
    const all = { settings: settings.value } as AllSettings;
    expect(section.fields.map((f) => draftOf(f.kind, f.get(all)))).toEqual(['80.00', '1200.00', 'JPY 20000 / 150000; USD 50.00 / 0.00']);
  });

  it('names the mistake in a line of limits by currency', () => {
    const base = { agentLimit: '1', agentDailyLimit: '1' };
    expect(buildCommand(section, { ...base, byCurrency: 'JPY 20000' })).toMatchObject({ ok: false, errors: { byCurrency: expect.stringMatching(/is not "CODE agent limit \/ daily limit"/) } });
    expect(buildCommand(section, { ...base, byCurrency: 'JPY 1.5 / 2' })).toMatchObject({ ok: false, errors: { byCurrency: expect.stringMatching(/^JPY agent limit/) } });
    expect(buildCommand(section, { ...base, byCurrency: 'USD 1 / 2; usd 3 / 4' })).toMatchObject({ ok: false, errors: { byCurrency: expect.stringMatching(/USD is listed twice/) } });
    expect(buildCommand(section, { ...base, byCurrency: '' })).toMatchObject({ ok: true, command: { changes: { refunds: { byCurrency: {} } } } });
  });
});
