import { SqlJsEventStore } from '../../domain/eventstore/sqljs/store.js';
import { rmSync } from 'node:fs';
rmSync('/tmp/smk', { recursive: true, force: true });
const meta = { operator: 'x', correlationId: 'c', causationId: 'c', commandId: 'c' };
let s = await SqlJsEventStore.open({ path: '/tmp/smk/a.db' });
const r = await s.append('s-1', [{ eventId: 'e1', type: 'T', data: { a: 1 }, metadata: meta }], { expectedVersion: 'no_stream' });
console.log(r);
console.log(await s.append('s-1', [{ eventId: 'e1', type: 'T', data: { a: 1 }, metadata: meta }], { expectedVersion: 'no_stream' }));
s.abandon();
s = await SqlJsEventStore.open({ path: '/tmp/smk/a.db' });
console.log(await s.readStream('s-1'), s.stats());
await s.close();
s = await SqlJsEventStore.open({ path: '/tmp/smk/a.db' });
console.log(s.stats().events, s.stats().journalSegments);
// batch speed
const t0 = performance.now();
for (let b = 0; b < 20; b++) {
  const appends = [];
  for (let i = 0; i < 10000; i++) appends.push({ streamId: `acc-${b}-${i}`, expectedVersion: 'no_stream' as const, events: [{ eventId: `ev-${b}-${i}`, type: 'ChargePosted', data: { chargeId: `ch-${i}`, amount: 1200, currency: 'EUR' }, metadata: meta }] });
  await s.appendMany(appends);
}
console.log('batched ev/s', Math.round(200000 / ((performance.now() - t0) / 1000)));
const t1 = performance.now();
for (let i = 0; i < 200; i++) await s.append(`single-${i}`, [{ eventId: `sg-${i}`, type: 'T', data: {}, metadata: meta }]);
console.log('single ms avg', (performance.now() - t1) / 200);
await s.close();
