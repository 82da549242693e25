import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqlJsEventStore } from '../../domain/eventstore/sqljs/store.js';

describe('store edges', () => {
  it('refuses an empty checkpoint file instead of opening it as a new, empty store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardops-edge-'));
    const path = join(dir, 'store.db');
    const s = await SqlJsEventStore.open({ path, log: () => {} });
    await s.append('a', [{ eventId: 'e1', type: 'T', data: {}, metadata: { operator: 'x', correlationId: 'c', causationId: 'c', commandId: 'c' } }]);
    await s.close();
    writeFileSync(path, Buffer.alloc(0));
    await expect(SqlJsEventStore.open({ path, log: () => {} })).rejects.toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringMatching(/is empty/) });
    expect(readFileSync(path).length).toBe(0);
  });
});
