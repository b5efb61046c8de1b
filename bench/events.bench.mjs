// Routing events against the real broker and PostgreSQL started by test/infra: what a caller pays
// to queue an event (goal p99 < 1 ms), publish-to-ack latency (goal p99 < 5 ms), the CLI end to
// end (goal 300 ms), and DB-writer throughput (goal >= 10,000 rows/s), each next to its peer:
// a raw kafkajs send, and one INSERT per row.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { RoutingEventPublisher, RoutingEventWriter, createRoutingEvent, recordRouting } from 'agentmeter';
import { startRoutingEvents, shutdownRoutingEvents } from '../dist/events/routing-events.js';
import { migrate } from '../dist/events/migrate.js';
import { createPool, insertEvents } from '../dist/events/postgres.js';
import { fixKafkaRequestQueue } from '../dist/exporters/kafka/request-queue-fix.js';
import { up, down } from '../test/infra/services.mjs';
import { fmt, table } from './harness.mjs';

const input = (i) => ({ query: `refund order ${i} please`, durationMs: i % 1000, cacheHit: i % 3 === 0, candidates: 4, strategy: 'semantic', agent: 'billing', confidence: { semantic: 0.91, keyword: 0.4 } });

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

async function createDatabase(service, name) {
  const client = new pg.Client({ connectionString: service.url });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return service.url.replace(/\/[^/]*$/, `/${name}`);
}

/** Per-call cost of queueing: `rounds` × `perRound` calls timed one by one, the queue drained between rounds. */
async function enqueueLatency(call, flush, { rounds = 20, perRound = 1000 } = {}) {
  const samples = [];
  for (let r = 0; r < rounds + 2; r++) {
    for (let i = 0; i < perRound; i++) {
      const t = process.hrtime.bigint();
      call(r * perRound + i);
      if (r >= 2) samples.push(Number(process.hrtime.bigint() - t) / 1e6); // first rounds warm up
    }
    await flush();
  }
  return stats(samples);
}

/** Publish-to-ack of `ours` and `peer`, interleaved so both see the same moments of a busy machine. */
async function ackLatency(ours, peer, n = 1000) {
  for (let i = 0; i < 100; i++) {
    await ours(i);
    await peer(i);
  }
  const a = [];
  const b = [];
  for (let i = 0; i < n; i++) {
    let t = performance.now();
    await ours(i);
    a.push(performance.now() - t);
    t = performance.now();
    await peer(i);
    b.push(performance.now() - t);
  }
  return [stats(a), stats(b)];
}

function runCli(args, env) {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, ['dist/cli/main.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - t) : reject(new Error(`agentmeter ${args.join(' ')} exited ${code}: ${out}`))));
  });
}

async function cliLatency(sink, env, n = 20) {
  const args = ['routing', 'log', '--query', 'refund my order', '--duration-ms', '12', '--cache-hit', 'false', '--candidates', '4', '--sink', sink];
  for (let i = 0; i < 3; i++) await runCli(args, env); // fills Node's compile cache
  const samples = [];
  for (let i = 0; i < n; i++) samples.push(await runCli(args, env));
  return stats(samples);
}

async function countRows(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query('SELECT count(*)::int AS n FROM router_performance_metrics');
  await client.end();
  return rows[0].n;
}

/**
 * Rows/s of the DB writer draining `n` events already on a topic into an empty table, timed from
 * joining the group (its start-up is not throughput) to the last row stored.
 */
async function writerThroughput(brokers, url, n) {
  const topic = `bench.routing.${Date.now()}`;
  const publisher = new RoutingEventPublisher({ brokers: [brokers], topic, maxQueuedEvents: n });
  for (let i = 0; i < n; i++) publisher.record(input(i));
  await publisher.shutdown(120000);
  const writer = new RoutingEventWriter({ brokers: [brokers], topic, groupId: `bench-${topic}`, batchSize: 1000, postgres: { connectionString: url } });
  await writer.start();
  const t = performance.now();
  while ((await countRows(url)) < n) await new Promise((r) => setTimeout(r, 10));
  const seconds = (performance.now() - t) / 1000;
  await writer.stop();
  return { rowsPerSecond: n / seconds, seconds, batches: writer.stats.batches };
}

/** Rows/s of the naive peer: one INSERT statement (and commit) per event. */
async function rowAtATime(url, n) {
  const pool = createPool({ connectionString: url, maxConnections: 1 });
  const events = Array.from({ length: n }, (_, i) => createRoutingEvent(input(i)));
  const t = performance.now();
  for (const e of events) await insertEvents(pool, [e]);
  const seconds = (performance.now() - t) / 1000;
  await pool.end();
  return n / seconds;
}

export async function runEvents() {
  fixKafkaRequestQueue();
  const dir = mkdtempSync(join(tmpdir(), 'agentmeter-bench-'));
  const { services } = await up(dir, ['kafka', 'postgres']);
  const brokers = services.kafka.brokers;
  const rows = [];
  const ratios = {};
  try {
    const url = await createDatabase(services.postgres, `bench_${process.pid}`);
    const pool = createPool({ connectionString: url });
    await migrate(pool);
    await pool.end();
    const topic = `bench.events.${Date.now()}`;
    const env = { AGENTMETER_KAFKA_BROKERS: brokers, DATABASE_URL: url, AGENTMETER_ROUTING_EVENTS_TOPIC: topic };

    // 1. What the caller pays to queue one event.
    const publisher = new RoutingEventPublisher({ brokers: [brokers], topic, maxQueuedEvents: 100000 });
    await publisher.publish(input(0)); // connect, create the topic
    const enqueue = await enqueueLatency((i) => publisher.record(input(i)), () => publisher.flush());
    rows.push(['`publisher.record()` (build, validate, serialise, queue)', fmt(enqueue.p50 * 1000, 1), fmt(enqueue.p99 * 1000, 1), 'µs']);
    const events = startRoutingEvents({ brokers: [brokers], topic, maxQueuedEvents: 100000 }, 'bench');
    const viaRecord = await enqueueLatency(
      (i) => recordRouting({ strategy: 'semantic', agent: 'billing', seconds: 0.012, candidates: 4, cacheHit: false, query: `refund order ${i}`, confidenceComponents: { semantic: 0.9 } }),
      () => events.flush(),
    );
    await shutdownRoutingEvents();
    rows.push(['`recordRouting()` with routing events on (metrics + event)', fmt(viaRecord.p50 * 1000, 1), fmt(viaRecord.p99 * 1000, 1), 'µs']);
    ratios.enqueueP99Millis = Math.max(enqueue.p99, viaRecord.p99);

    // 2. Publish to acknowledgement (acks=all), next to a bare kafkajs send of the same bytes.
    const producer = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const value = JSON.stringify(createRoutingEvent(input(0)));
    const [ack, raw] = await ackLatency(
      (i) => publisher.publish(input(i)),
      () => producer.send({ topic, acks: -1, messages: [{ key: 'k', value }] }),
    );
    await publisher.shutdown();
    await producer.disconnect();
    rows.push(['`publishRoutingEvent()` publish → ack (acks=all)', fmt(ack.p50, 2), fmt(ack.p99, 2), 'ms']);
    rows.push(['peer: kafkajs `producer.send()` of one message (acks=all)', fmt(raw.p50, 2), fmt(raw.p99, 2), 'ms']);
    ratios.ackP99Millis = ack.p99;

    // 3. The CLI end to end: process start, validate, send, acknowledged, exit.
    const cliKafka = await cliLatency('kafka', env);
    const cliPostgres = await cliLatency('postgres', env);
    rows.push(['`agentmeter routing log --sink kafka` end to end', fmt(cliKafka.p50, 0), fmt(cliKafka.p99, 0), 'ms']);
    rows.push(['`agentmeter routing log --sink postgres` end to end', fmt(cliPostgres.p50, 0), fmt(cliPostgres.p99, 0), 'ms']);
    ratios.cliP50Millis = cliKafka.p50;

    // 4. The DB writer draining a backlog, next to one INSERT per row.
    const writerUrl = await createDatabase(services.postgres, `bench_writer_${process.pid}`);
    const writerPool = createPool({ connectionString: writerUrl });
    await migrate(writerPool);
    await writerPool.end();
    const writer = await writerThroughput(brokers, writerUrl, 50000);
    const naive = await rowAtATime(writerUrl, 2000);
    ratios.writerRowsPerSecond = writer.rowsPerSecond;
    ratios.writerVsRowAtATime = writer.rowsPerSecond / naive;
    return {
      markdown:
        'Against a loopback Kafka 3.9.1 broker (acks=all) and PostgreSQL 15 (default settings, fsync on):\n\n' +
        table(['operation', 'p50', 'p99', 'unit'], rows) +
        `\n\nDB writer (\`RoutingEventWriter\`, what \`agentmeter routing consume\` runs: INSERTs of 1,000 rows, two at a time, offsets committed after): 50,000 queued events into an empty table in ${fmt(writer.seconds, 2)} s = **${fmt(writer.rowsPerSecond, 0)} rows/s** ` +
        `(${writer.batches} INSERTs); one INSERT per row: ${fmt(naive, 0)} rows/s, ${fmt(ratios.writerVsRowAtATime)}x slower.`,
      ratios,
    };
  } finally {
    await down(dir);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { markdown } = await runEvents();
  console.log(markdown);
}
