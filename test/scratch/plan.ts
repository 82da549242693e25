import initSqlJs from 'sql.js';
import { MIGRATIONS } from '../../domain/eventstore/sqljs/schema.js';
const SQL = await initSqlJs();
const db = new SQL.Database();
for (const m of MIGRATIONS) db.exec(m.sql);
for (const q of ['SELECT coalesce(max(stream_position), 0) FROM events WHERE stream_id = ?', 'SELECT 1 FROM events WHERE event_id = ?', 'SELECT stream_position FROM events WHERE stream_id = ? ORDER BY stream_position DESC LIMIT 1'])
  console.log(q, JSON.stringify(db.exec('EXPLAIN QUERY PLAN ' + q, ['x'])[0]?.values));
