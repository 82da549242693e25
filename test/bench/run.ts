/**
 * `npm run bench`: the event store's speed, measured in one run on one machine, with each
 * figure set against a baseline measured in the same run (these machines are noisy).
 * Prints a table and writes bench-results/store-<timestamp>.json. Not a test: it fails nothing,
 * it reports whether each target is met.
 *
 *   npm run bench               full size (1M and 3M events: a few minutes, ~3 GB of memory)
 *   npm run bench -- --quick    a tenth of the size, for a smoke run
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, pct, printAndSave, type Row } from './report.js';
import { seedDemo } from '../../domain/backend/bootstrap.js';
import { createBackend } from '../../domain/backend/backend.js';
import type { Projection } from '../../domain/eventstore/projection.js';
import { MIGRATIONS, PRAGMAS } from '../../domain/eventstore/sqljs/schema.js';
import { loadSqlJs, SqlJsEventStore } from '../../domain/eventstore/sqljs/store.js';
import type { StreamAppend } from '../../domain/eventstore/types.js';
import { operatorStreamId } from '../../domain/operators/events.js';
import { PROJECTIONS } from '../../domain/projections.js';

const quick = process.argv.includes('--quick');
const scale = quick ? 0.1 : 1;
const N_RAW = Math.round(300_000 * scale);
const N_BATCHED = Math.round(500_000 * scale);
const BATCH = 10_000;
const N_SINGLE = quick ? 500 : 2_000;
const OPEN_SIZES = [Math.round(1_000_000 * scale), Math.round(3_000_000 * scale)];

const dir = mkdtempSync(join(tmpdir(), 'cardops-bench-'));
const meta = { operator: 'bench', correlationId: 'bench-run', causationId: 'bench-run', commandId: 'bench-run' };
const silent = (): void => {};

/** A projection that reads every event, so a rebuild does real work per event. */
const streamHeads: Projection = {
  name: 'bench_stream_heads',
  version: 1,
  tables: ['bench_stream_heads'],
  schema: 'CREATE TABLE bench_stream_heads (stream_id TEXT PRIMARY KEY, version INTEGER NOT NULL, last_type TEXT NOT NULL, total INTEGER NOT NULL) STRICT;',
  apply(e, sql) {
    const amount = (e.data as { amount?: number }).amount ?? 0;
    sql.run(
      'INSERT INTO bench_stream_heads (stream_id, version, last_type, total) VALUES (?, ?, ?, ?) ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, last_type = excluded.last_type, total = total + excluded.total',
      [e.streamId, e.streamPosition, e.type, amount],
    );
  },
};

function chargeData(i: number): { chargeId: string; amount: number; currency: string; period: string } {
  return { chargeId: `charge-${i}`, amount: 1200 + (i % 7), currency: 'EUR', period: '2026-11' };
}

const ms = (t0: number): number => performance.now() - t0;

const rows: Row[] = [];
const results: Record<string, number> = {};

/** 1. The raw ceiling: a prepared INSERT of the same rows into the same table, one transaction. */
async function rawCeiling(): Promise<number> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.exec(PRAGMAS);
  for (const m of MIGRATIONS) db.exec(m.sql);
  const metaJson = JSON.stringify(meta);
  const values = Array.from({ length: N_RAW }, (_, i) => [i + 1, `account-${i}`, 1, `raw-${i}`, 'BenchCharged', 1, JSON.stringify(chargeData(i)), metaJson, '2026-11-24T00:00:00.000Z']);
  const st = db.prepare('INSERT INTO events (position, stream_id, stream_position, event_id, type, schema_version, data, metadata, recorded_at) VALUES (?,?,?,?,?,?,?,?,?)');
  const t0 = performance.now();
  db.exec('BEGIN');
  for (const v of values) st.run(v);
  db.exec('COMMIT');
  const perSec = N_RAW / (ms(t0) / 1000);
  st.free();
  db.close();
  return perSec;
}

/** 3. Batched appends through the store: many streams, one transaction, journaled and fsync'd once. */
async function batched(ceiling: number): Promise<void> {
  const store = await SqlJsEventStore.open({ path: join(dir, 'batched.db'), projections: PROJECTIONS, idleCheckpointMs: 0, checkpointEvery: Number.MAX_SAFE_INTEGER, log: silent });
  let total = 0;
  const t0 = performance.now();
  for (let b = 0; b < N_BATCHED / BATCH; b++) {
    const appends: StreamAppend[] = [];
    for (let i = 0; i < BATCH; i++) {
      const n = b * BATCH + i;
      appends.push({ streamId: `account-${n}`, expectedVersion: 'no_stream', events: [{ eventId: `batched-${n}`, type: 'BenchCharged', data: chargeData(n), metadata: meta }] });
    }
    await store.appendMany(appends);
    total += BATCH;
  }
  const perSec = total / (ms(t0) / 1000);
  store.abandon();
  results.batchedEventsPerSec = perSec;
  rows.push({ measure: `batched append (${BATCH} streams per transaction, journal fsync'd)`, value: `${fmt(perSec)} ev/s`, baseline: `${fmt(ceiling)} rows/s raw`, ratio: `${fmt((perSec / ceiling) * 100)} %`, target: '≥ 50 % of raw', met: perSec / ceiling >= 0.5 });
}

/** 2. Single durable commands through the backend: validation, roles, decider, append, fsync. */
async function singles(): Promise<void> {
  const store = await SqlJsEventStore.open({ path: join(dir, 'single.db'), projections: PROJECTIONS, idleCheckpointMs: 0, log: silent });
  await seedDemo(store, { accounts: 0, seed: 1 });
  // 200 operators to spread the commands over, created in one go (one scrypt hash for all).
  const hash = (await store.read((sql) => sql.scalar("SELECT password_hash FROM operators WHERE operator_id = 'agent1'"))) as string;
  await store.appendMany(
    Array.from({ length: 200 }, (_, i) => ({
      streamId: operatorStreamId(`bench${i}`),
      expectedVersion: 'no_stream' as const,
      events: [{ eventId: `bench-op-${i}`, type: 'OperatorCreated', data: { operatorId: `bench${i}`, displayName: `Bench ${i}`, role: 'agent', passwordHash: hash }, metadata: meta }],
    })),
  );
  const backend = createBackend({ store });
  const admin = backend.connect({ origin: 'bench' });
  const login = await admin.call('auth.login', { operatorId: 'admin', password: 'demo' });
  if (!login.ok) throw new Error(login.error.message);
  const latencies: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < N_SINGLE; i++) {
    const t = performance.now();
    const r = await admin.call('commands.execute', { command: { type: 'ChangeOperatorRole', operatorId: `bench${i % 200}`, role: Math.floor(i / 200) % 2 ? 'agent' : 'supervisor' } });
    latencies.push(ms(t));
    if (!r.ok || r.value.events.length !== 1) throw new Error(`command ${i} did not write one event: ${JSON.stringify(r)}`);
  }
  const perSec = N_SINGLE / (ms(t0) / 1000);
  // Baseline: the bare cost of the durability itself, one small write + fdatasync.
  const { openSync, writeSync, fdatasyncSync, closeSync } = await import('node:fs');
  const fd = openSync(join(dir, 'fsync-probe'), 'a');
  const fsyncs: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t = performance.now();
    writeSync(fd, Buffer.alloc(200, 1));
    fdatasyncSync(fd);
    fsyncs.push(ms(t));
  }
  closeSync(fd);
  store.abandon();
  const p50 = pct(latencies, 50);
  const p95 = pct(latencies, 95);
  const f50 = pct(fsyncs, 50);
  results.singleCommandsPerSec = perSec;
  results.singleP50Ms = p50;
  results.singleP95Ms = p95;
  results.fsyncP50Ms = f50;
  rows.push({ measure: 'single durable commands (backend, ChangeOperatorRole)', value: `${fmt(perSec)} cmd/s`, baseline: `fsync p50 ${fmt(f50, 3)} ms`, ratio: `p50 ${fmt(p50 / f50, 1)}× fsync`, target: '', met: null });
  rows.push({ measure: '  latency p50 / p95', value: `${fmt(p50, 2)} / ${fmt(p95, 2)} ms`, baseline: '', ratio: '', target: 'p95 ≤ 5 ms', met: p95 <= 5 });
}

/** 4 and 5. Open a store of 1M and 3M events; rebuild a projection that reads every event. */
async function openAndRebuild(): Promise<void> {
  const path = join(dir, 'big.db');
  const projections = [...PROJECTIONS, streamHeads];
  let written = 0;
  const accounts = OPEN_SIZES[0]!;
  for (const size of OPEN_SIZES) {
    const store = await SqlJsEventStore.open({ path, projections, idleCheckpointMs: 0, checkpointEvery: Number.MAX_SAFE_INTEGER, log: silent });
    process.stderr.write(`  building a store of ${fmt(size)} events…\n`);
    while (written < size) {
      const appends: StreamAppend[] = [];
      for (let i = 0; i < BATCH && written < size; i++, written++) {
        appends.push({ streamId: `account-${written % accounts}`, expectedVersion: 'any', events: [{ eventId: `big-${written}`, type: written < accounts ? 'BenchOpened' : 'BenchCharged', data: chargeData(written), metadata: meta }] });
      }
      await store.appendMany(appends);
    }
    await store.close(); // checkpoint
    const bytes = statSync(path).size;
    // Baseline: the floor of any open, reading the checkpoint file and handing it to sql.js.
    const SQL = await loadSqlJs();
    const tb = performance.now();
    const raw = new SQL.Database(readFileSync(path));
    raw.exec('SELECT count(*) FROM sqlite_master');
    const floor = ms(tb);
    raw.close();
    const t0 = performance.now();
    const reopened = await SqlJsEventStore.open({ path, projections, idleCheckpointMs: 0, log: silent });
    const openMs = ms(t0);
    const head = reopened.position;
    if (head !== size) throw new Error(`reopened store has ${head} events, expected ${size}`);
    results[`open${size}Ms`] = openMs;
    rows.push({ measure: `open a store of ${fmt(size)} events (${fmt(bytes / 1024 ** 2)} MB)`, value: `${fmt(openMs)} ms`, baseline: `${fmt(floor)} ms read+load`, ratio: `${fmt(openMs / floor, 2)}×`, target: size === OPEN_SIZES[1] ? '≤ 3000 ms (3M)' : '', met: size === OPEN_SIZES[1] ? (quick ? null : openMs <= 3000) : null });
    if (size === OPEN_SIZES[1]) {
      const tr = performance.now();
      const r = await reopened.rebuild(['bench_stream_heads']);
      const perSec = r.events / (ms(tr) / 1000);
      results.rebuildEventsPerSec = perSec;
      const rawPerSec = results.rawInsertsPerSec!;
      rows.push({ measure: `projection rebuild (${fmt(r.events)} events, one upsert each)`, value: `${fmt(perSec)} ev/s`, baseline: `${fmt(rawPerSec)} rows/s raw`, ratio: `${fmt((perSec / rawPerSec) * 100)} %`, target: '≥ 100,000 ev/s', met: perSec >= 100_000 });
    }
    reopened.abandon();
  }
}

async function main(): Promise<void> {
  process.stderr.write(`CardOps store benchmark${quick ? ' (quick: a tenth of the size)' : ''}, in ${dir}\n`);
  const ceiling = await rawCeiling();
  results.rawInsertsPerSec = ceiling;
  rows.push({ measure: `raw sql.js ceiling (prepared INSERT, ${fmt(N_RAW)} rows, one transaction)`, value: `${fmt(ceiling)} rows/s`, baseline: '', ratio: '100 %', target: '', met: null });
  await batched(ceiling);
  await singles();
  await openAndRebuild();

  printAndSave('store', rows, results, quick);
  rmSync(dir, { recursive: true, force: true });
}

await main();
