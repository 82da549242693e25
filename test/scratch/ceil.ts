import initSqlJs from 'sql.js';
import { MIGRATIONS, PRAGMAS } from '../../domain/eventstore/sqljs/schema.js';
const SQL = await initSqlJs();
const db = new SQL.Database();
db.exec(PRAGMAS);
for (const m of MIGRATIONS) db.exec(m.sql);
const N = 200000;
const meta = JSON.stringify({ operator: 'x', correlationId: 'c', causationId: 'c', commandId: 'c' });
const rows = [];
for (let i = 0; i < N; i++) rows.push([i + 1, `acc-${i}`, 1, `ev-${i}`, 'ChargePosted', 1, JSON.stringify({ chargeId: `ch-${i}`, amount: 1200, currency: 'EUR' }), meta, '2026-11-24T00:00:00.000Z']);
let t = performance.now();
db.exec('BEGIN');
const st = db.prepare('INSERT INTO events (position, stream_id, stream_position, event_id, type, schema_version, data, metadata, recorded_at) VALUES (?,?,?,?,?,?,?,?,?)');
for (const r of rows) st.run(r);
db.exec('COMMIT');
console.log('raw insert/s', Math.round(N / ((performance.now() - t) / 1000)));
t = performance.now();
const q = db.prepare('SELECT coalesce(max(stream_position), 0) FROM events WHERE stream_id = ?');
for (let i = 0; i < N; i++) { q.bind([`acc-${i}`]); q.step(); q.get(); q.reset(); }
console.log('version lookups/s', Math.round(N / ((performance.now() - t) / 1000)));
t = performance.now();
const q2 = db.prepare('SELECT 1 FROM events WHERE event_id = ?');
for (let i = 0; i < N; i++) { q2.bind([`evx-${i}`]); q2.step(); q2.reset(); }
console.log('exists lookups/s', Math.round(N / ((performance.now() - t) / 1000)));
t = performance.now();
for (let i = 0; i < N; i++) JSON.stringify({ chargeId: `ch-${i}`, amount: 1200, currency: 'EUR' });
console.log('json/s', Math.round(N / ((performance.now() - t) / 1000)));
t = performance.now();
const q3 = db.prepare('SELECT stream_position FROM events WHERE stream_id = ? ORDER BY stream_position DESC LIMIT 1');
for (let i = 0; i < N; i++) { q3.bind([`acc-${i}`]); q3.step(); q3.get(); q3.reset(); }
console.log('version lookups2/s', Math.round(N / ((performance.now() - t) / 1000)));
t = performance.now();
for (let i = 0; i < N; i++) { q3.bind([`accx-${i}`]); q3.step(); q3.reset(); }
console.log('version lookups miss/s', Math.round(N / ((performance.now() - t) / 1000)));
t = performance.now();
const q4 = db.prepare('SELECT 1 FROM events WHERE event_id = ?');
for (let i = 0; i < N; i++) { q4.bind([`ev-${i}`]); q4.step(); q4.reset(); }
console.log('exists hit/s', Math.round(N / ((performance.now() - t) / 1000)));
t = performance.now();
const q5 = db.prepare('SELECT e.stream_id AS s, max(e.stream_position) AS v FROM json_each(?) j JOIN events e ON e.stream_id = j.value GROUP BY e.stream_id');
let found = 0;
for (let b = 0; b < N; b += 10000) {
  const ids = []; for (let i = b; i < b + 10000; i++) ids.push(`acc-${i}`);
  q5.bind([JSON.stringify(ids)]); while (q5.step()) { q5.get(); found++; } q5.reset();
}
console.log('batched version lookups/s', Math.round(N / ((performance.now() - t) / 1000)), found);
t = performance.now();
const q6 = db.prepare('SELECT e.event_id FROM json_each(?) j JOIN events e ON e.event_id = j.value');
found = 0;
for (let b = 0; b < N; b += 10000) {
  const ids = []; for (let i = b; i < b + 10000; i++) ids.push(`evy-${i}`);
  q6.bind([JSON.stringify(ids)]); while (q6.step()) { q6.get(); found++; } q6.reset();
}
console.log('batched exists/s', Math.round(N / ((performance.now() - t) / 1000)), found);
