// Routing events end to end against the real broker and PostgreSQL of test/infra: the CLI
// publishes, the DB writer (`agentmeter routing consume`) stores, and rows are compared field by
// field with what the CLI printed; refused input writes nothing anywhere; `--sink auto` falls
// back to PostgreSQL with the broker stopped; invalid messages go to the dead-letter topic.
import { spawn } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runNode, type RunningChild } from '../infra/child';
import { kafkaService, topicEnd } from '../infra/kafka-helpers';
import { createDatabase, postgresService, query } from '../infra/postgres-helpers';
import { killService, restartService } from '../infra/services.mjs';
import { sleep } from '../infra/process.mjs';
import { createRoutingEvent, type RoutingEvent } from '../../src/events/event';
import { fixKafkaRequestQueue } from '../../src/exporters/kafka/request-queue-fix';
import { createPool } from '../../src/events/postgres';
import { migrate } from '../../src/events/migrate';

// This file's own kafkajs clients (admin, producer, DLQ reader) get agentmeter's idle-timer fix too.
fixKafkaRequestQueue();

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  millis: number;
}

const topic = `routing.it.${process.pid}.${Date.now()}`;
let env: Record<string, string>;
let databaseUrl: string;

function agentmeter(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['dist/cli/main.js', ...args], { cwd: ROOT, env: { ...process.env, ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, millis: performance.now() - started });
    });
  });
}

const EVENT_FIELDS = [
  'schema_version', 'event_id', 'correlation_id', 'query_text', 'routing_duration_ms', 'cache_hit', 'candidates_evaluated',
  'match_strategy', 'confidence_components', 'selected_agent', 'timestamp', 'service_name',
] as const;

/** The event fields of a CLI result. */
function eventOf(result: Record<string, unknown>): RoutingEvent {
  return Object.fromEntries(EVENT_FIELDS.filter((f) => f in result).map((f) => [f, result[f]])) as unknown as RoutingEvent;
}

/** Rows of the table as events (absent optional fields left out, times as ISO strings). */
async function storedEvents(where = 'true', params: unknown[] = []): Promise<RoutingEvent[]> {
  const rows = await query(databaseUrl, `SELECT event_id::text, schema_version, correlation_id::text, query_text, routing_duration_ms, cache_hit, candidates_evaluated, match_strategy, confidence_components, selected_agent, "timestamp", service_name FROM router_performance_metrics WHERE ${where} ORDER BY id`, params);
  return rows.map((row) => {
    const event: Record<string, unknown> = {};
    for (const field of EVENT_FIELDS) {
      const value = row[field];
      if (value === null) continue;
      event[field] = value instanceof Date ? value.toISOString() : value;
    }
    return event as unknown as RoutingEvent;
  });
}

async function rowCount(): Promise<number> {
  return Number((await query<{ n: string }>(databaseUrl, 'SELECT count(*) AS n FROM router_performance_metrics'))[0]!.n);
}

async function waitForRows(n: number, writer?: RunningChild): Promise<void> {
  const deadline = Date.now() + 45000;
  let count = 0;
  while (Date.now() < deadline) {
    count = await rowCount();
    if (count >= n) return;
    await sleep(200);
  }
  throw new Error(`table has ${count} of ${n} rows after 45 s; writer stderr: ${writer?.stderr() ?? ''}; PostgreSQL log: ${postgresService().logPath}`);
}

const writers: RunningChild[] = [];

/** A DB writer in consumer group `<name>.<topic>` (a group of its own for this run). */
function startWriter(name: string, extra: string[] = []): RunningChild {
  const writer = runNode(['dist/cli/main.js', 'routing', 'consume', '--group', `${name}.${topic}`, '--metrics-port', '0', ...extra], env, 60000);
  writers.push(writer);
  return writer;
}

// A failed test must not leave a writer behind in its group.
afterEach(async () => {
  await Promise.all(writers.splice(0).map((w) => w.stop()));
});

async function stopWriter(writer: RunningChild): Promise<Record<string, unknown>> {
  writer.child.kill('SIGTERM');
  const { code, signal } = await writer.exited;
  expect({ code, signal, stderr: writer.stderr() }).toEqual({ code: 0, signal: null, stderr: '' });
  const lines = writer.stdout().trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

/** The value of the sample `name{labels...}` in Prometheus text (other labels, e.g. otel_scope_*, allowed). */
async function sample(url: string, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const text = await (await fetch(url)).text();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/** Text that looks binary: every code point from U+0001 to U+00FF, escapes and a base64 blob. */
const BINARY_LOOKING = Array.from({ length: 255 }, (_, i) => String.fromCharCode(i + 1)).join('') + '\u001b[31m\u001b[0m ÿþ\u0000'.replace('\u0000', '') + Buffer.from(Array.from({ length: 96 }, (_, i) => (i * 37) % 256)).toString('base64');
const TEN_KB = Array.from({ length: 10240 }, (_, i) => 'abcdefghij😀\\\'";\n'[i % 16]).join('');
const NASTY_QUERIES = [
  'He said "route me" and left',
  'C:\\Users\\agent\\new\\table \\\\ \\n \\0 \\x00',
  'SELECT 1; SELECT 2;; ;',
  "'; DROP TABLE router_performance_metrics; --",
  'emoji 😀🚀👩‍💻 and flags 🇳🇿, combining é',
  BINARY_LOOKING,
  TEN_KB,
];

beforeAll(async () => {
  const kafka = kafkaService();
  databaseUrl = await createDatabase('routing_events');
  env = { AGENTMETER_KAFKA_BROKERS: kafka.brokers, DATABASE_URL: databaseUrl, AGENTMETER_ROUTING_EVENTS_TOPIC: topic, OTEL_SERVICE_NAME: 'routing-it' };
  const pool = createPool({ connectionString: databaseUrl });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
});

describe('agentmeter db migrate', () => {
  it('creates the table once and records it; a second run applies nothing', async () => {
    const url = await createDatabase('routing_migrate');
    const first = await agentmeter(['db', 'migrate'], { DATABASE_URL: url });
    expect(first).toMatchObject({ status: 0, stderr: '', stdout: '{"success":true,"applied":["0001_router_performance_metrics"],"already_applied":[]}\n' });
    // The second time through node-postgres's PG* variables instead of DATABASE_URL.
    const { hostname, port, username, pathname } = new URL(url);
    const second = await agentmeter(['db', 'migrate'], { DATABASE_URL: '', PGHOST: hostname, PGPORT: port, PGUSER: username, PGDATABASE: pathname.slice(1) });
    expect(second).toMatchObject({ status: 0, stderr: '', stdout: '{"success":true,"applied":[],"already_applied":["0001_router_performance_metrics"]}\n' });
    const recorded = await query<{ name: string; checksum: string }>(url, 'SELECT name, checksum FROM agentmeter_schema_migrations');
    expect(recorded.map((r) => r.name)).toEqual(['0001_router_performance_metrics']);
    expect(recorded[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    const indexes = await query<{ indexname: string }>(url, "SELECT indexname FROM pg_indexes WHERE tablename = 'router_performance_metrics' ORDER BY indexname");
    expect(indexes.map((i) => i.indexname)).toEqual([
      'router_performance_metrics_correlation_id_idx',
      'router_performance_metrics_event_id_key',
      'router_performance_metrics_pkey',
      'router_performance_metrics_timestamp_idx',
    ]);
  });

  it('fails with one line and exit 1 when PostgreSQL cannot be reached', async () => {
    const run = await agentmeter(['db', 'migrate'], { DATABASE_URL: 'postgres://agentmeter@127.0.0.1:1/none' });
    expect(run).toMatchObject({ status: 1, stdout: '', stderr: 'agentmeter: AGM_ERR_DATABASE: cannot connect to PostgreSQL: connect ECONNREFUSED 127.0.0.1:1\n' });
  });
});

describe('CLI → Kafka → DB writer → PostgreSQL', () => {
  it('stores every event the CLI published, field by field, text verbatim', async () => {
    const sent: RoutingEvent[] = [];
    const runs = [
      ['--query', 'refund my order', '--duration-ms', '12', '--cache-hit', 'false', '--candidates', '4', '--strategy', 'semantic', '--agent', 'billing', '--confidence', '{"semantic":0.91,"keyword":0.4,"recency":0,"prior":1}', '--correlation-id', '123E4567-E89B-12D3-A456-426614174000'],
      ['--query', 'minimal', '--duration-ms', '0', '--cache-hit', 'true', '--candidates', '0'],
      ['--query', 'slow one', '--duration-ms', '999', '--cache-hit', 'false', '--candidates', '2147483647', '--service-name', 'router-2'],
      ...NASTY_QUERIES.map((q, i) => ['--query', q, '--duration-ms', String(i + 1), '--cache-hit', String(i % 2 === 0), '--candidates', String(i), '--strategy', 'keyword']),
    ];
    for (const args of runs) {
      const run = await agentmeter(['routing', 'log', ...args]);
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      const result = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(result).toMatchObject({ success: true, published_to: 'kafka', topic });
      expect(Object.keys(result).slice(0, 3)).toEqual(['success', 'published_to', 'topic']);
      sent.push(eventOf(result));
    }
    expect(sent[0]!.correlation_id).toBe('123e4567-e89b-12d3-a456-426614174000');
    expect(sent.map((e) => e.query_text).slice(3)).toEqual(NASTY_QUERIES);
    expect(await topicEnd(topic)).toBe(runs.length);

    const writer = startWriter('it-writer-main');
    const ready = await writer.ready;
    expect(ready).toMatchObject({ ready: true, topic, group: `it-writer-main.${topic}`, dead_letter_topic: `${topic}.dlq` });
    await waitForRows(sent.length, writer);
    expect(await storedEvents()).toEqual(sent);
    // Verbatim, by the database's own measure too.
    const lengths = await query<{ n: number; bytes: number }>(databaseUrl, 'SELECT char_length(query_text) AS n, octet_length(query_text) AS bytes FROM router_performance_metrics WHERE query_text = $1', [TEN_KB]);
    expect(lengths).toEqual([{ n: [...TEN_KB].length, bytes: Buffer.byteLength(TEN_KB) }]);

    const url = ready.metrics_url as string;
    expect(await sample(url, 'agentmeter_db_writer_rows_total', { agentmeter_db_writer_result: 'inserted' })).toBe(sent.length);
    // Served at 0 from start(): no duplicate was delivered.
    expect(await sample(url, 'agentmeter_db_writer_rows_total', { agentmeter_db_writer_result: 'duplicate' })).toBe(0);
    expect(await sample(url, 'agentmeter_db_writer_lag')).toBe(0);
    expect(await sample(url, 'agentmeter_db_writer_batches_total')).toBeGreaterThanOrEqual(1);
    expect(await sample(url, 'agentmeter_db_writer_insert_duration_seconds_count')).toBe(await sample(url, 'agentmeter_db_writer_batches_total'));

    const stopped = await stopWriter(writer);
    expect(stopped).toEqual({ stopped: true, rows_inserted: sent.length, duplicates: 0, dead_letters: 0, batches: stopped.batches });
    // Offsets were committed through the last event: a new writer in the group reads nothing.
    const admin = new Kafka({ brokers: [kafkaService().brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: `it-writer-main.${topic}`, topics: [topic] });
      expect(committed!.partitions.map((p) => Number(p.offset))).toEqual([runs.length]);
    } finally {
      await admin.disconnect();
    }
    // The table survived its would-be dropper, with every constraint in place.
    expect(await rowCount()).toBe(sent.length);
    const checks = await query<{ conname: string }>(databaseUrl, "SELECT conname FROM pg_constraint WHERE conrelid = 'router_performance_metrics'::regclass AND contype = 'c' ORDER BY conname");
    expect(checks.map((c) => c.conname)).toEqual([
      'router_performance_metrics_candidates_evaluated_check',
      'router_performance_metrics_confidence_components_check',
      'router_performance_metrics_routing_duration_ms_check',
      'router_performance_metrics_schema_version_check',
    ]);
  });

  it('returns in well under a second on loopback (goal 300 ms)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const run = await agentmeter(['routing', 'log', '--query', `timed ${i}`, '--duration-ms', '3', '--cache-hit', 'true', '--candidates', '1']);
      expect(run.status).toBe(0);
      times.push(run.millis);
    }
    times.sort((a, b) => a - b);
    // The 300 ms goal is measured by `npm run bench` on a quiet machine; here only a loose bound.
    expect(times[2]).toBeLessThan(1000);
  });
});

describe('refused input writes nothing anywhere', () => {
  const base = ['--query', 'refused', '--duration-ms', '5', '--cache-hit', 'true', '--candidates', '1'];
  const set = (flag: string, value: string): string[] => {
    const args = [...base];
    const at = args.indexOf(flag);
    if (at === -1) args.push(flag, value);
    else args[at + 1] = value;
    return ['routing', 'log', ...args];
  };

  it.each([
    [set('--duration-ms', '1000'), '--duration-ms: routing_duration_ms is not valid: must be <= 999'],
    [set('--duration-ms', '-1'), '--duration-ms: routing_duration_ms is not valid: must be >= 0'],
    [set('--duration-ms', '4.5'), '--duration-ms: routing_duration_ms is not valid: must be integer'],
    [set('--duration-ms', 'abc'), '--duration-ms: routing_duration_ms is not valid: must be integer'],
    [set('--candidates', '-1'), '--candidates: candidates_evaluated is not valid: must be >= 0'],
    [set('--cache-hit', 'maybe'), '--cache-hit: cache_hit is not valid: must be true or false; allowed: true or false in any case (true, True, TRUE, false, False, FALSE)\n'],
    [set('--confidence', 'not json'), '--confidence: "not json" is not valid JSON'],
    [set('--confidence', '"semantic"'), '--confidence: confidence_components is not valid: must be object'],
    [set('--confidence', '{"semantic":1.01}'), '--confidence: confidence_components.semantic is not valid: must be <= 1'],
    [set('--correlation-id', '123e4567e89b12d3a456426614174000'), '--correlation-id: correlation_id is not valid: does not have the required form'],
    [set('--unknown', 'x'), "unknown option '--unknown'"],
  ])('%j', async (args, message) => {
    const rowsBefore = await rowCount();
    const offsetBefore = await topicEnd(topic);
    const run = await agentmeter(args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.startsWith(`agentmeter: ${message}`)).toBe(true);
    expect(await topicEnd(topic)).toBe(offsetBefore);
    expect(await rowCount()).toBe(rowsBefore);
  });
});

describe('the DB writer and bad messages', () => {
  it('sends invalid messages to the dead-letter topic with the reason and keeps going', async () => {
    const dlqTopic = `${topic}.bad`;
    const kafka = new Kafka({ brokers: [kafkaService().brokers], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const good1 = createRoutingEvent({ query: 'before the bad ones', durationMs: 7, cacheHit: false, candidates: 3 });
    const good2 = createRoutingEvent({ query: 'after the bad ones', durationMs: 8, cacheHit: true, candidates: 1 });
    const first = await topicEnd(topic);
    await producer.send({
      topic,
      messages: [
        { key: good1.correlation_id, value: JSON.stringify(good1) },
        { key: 'k-json', value: '{"schema_version":1,' },
        { key: 'k-event', value: JSON.stringify({ ...good1, event_id: '0b7d5f4e-2f4b-4b8e-9a53-0d7c9c1d2e3f', routing_duration_ms: 5000 }) },
        { key: good2.correlation_id, value: JSON.stringify(good2) },
      ],
    });
    await producer.disconnect();
    // A new group reads the whole topic: events already stored are skipped as duplicates; the
    // ones no writer has read yet (the timed runs above) and the two good ones are inserted.
    const rowsBefore = await rowCount();
    const fresh = first - rowsBefore + 2;
    const writer = startWriter('it-writer-dlq', ['--dead-letter-topic', dlqTopic]);
    const ready = await writer.ready;
    await waitForRows(rowsBefore + fresh, writer);
    expect(await storedEvents('event_id = ANY($1::uuid[])', [[good1.event_id, good2.event_id]])).toEqual([good1, good2]);

    const deadline = Date.now() + 30000;
    while ((await topicEnd(dlqTopic)) < 2 && Date.now() < deadline) await sleep(200);
    expect(await topicEnd(dlqTopic)).toBe(2);
    const dead: { key: string; value: string; headers: Record<string, string> }[] = [];
    const consumer = kafka.consumer({ groupId: `it-dlq-reader-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: dlqTopic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${dead.length} of 2 dead letters in 30 s`)), 30000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          dead.push({
            key: message.key!.toString(),
            value: message.value!.toString(),
            headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          });
          if (dead.length === 2) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    expect(dead).toEqual([
      {
        key: 'k-json',
        value: '{"schema_version":1,',
        headers: {
          'agentmeter.dead_letter.reason': 'invalid_json',
          'agentmeter.dead_letter.error': expect.stringMatching(/JSON/) as unknown as string,
          'agentmeter.source.topic': topic,
          'agentmeter.source.partition': '0',
          'agentmeter.source.offset': String(first + 1),
        },
      },
      {
        key: 'k-event',
        value: expect.stringContaining('"routing_duration_ms":5000') as unknown as string,
        headers: {
          'agentmeter.dead_letter.reason': 'invalid_event',
          'agentmeter.dead_letter.error': 'AGM_ERR_EVENT_INVALID: routing_duration_ms is not valid: must be <= 999; allowed: an integer number of milliseconds from 0 to 999',
          'agentmeter.source.topic': topic,
          'agentmeter.source.partition': '0',
          'agentmeter.source.offset': String(first + 2),
        },
      },
    ]);
    const url = ready.metrics_url as string;
    expect(await sample(url, 'agentmeter_db_writer_dead_letters_total', { agentmeter_db_writer_dead_letter_reason: 'invalid_json' })).toBe(1);
    expect(await sample(url, 'agentmeter_db_writer_dead_letters_total', { agentmeter_db_writer_dead_letter_reason: 'invalid_event' })).toBe(1);
    expect(await sample(url, 'agentmeter_db_writer_rows_total', { agentmeter_db_writer_result: 'duplicate' })).toBe(rowsBefore);
    expect(await sample(url, 'agentmeter_db_writer_rows_total', { agentmeter_db_writer_result: 'inserted' })).toBe(fresh);
    const stopped = await stopWriter(writer);
    expect(stopped).toMatchObject({ stopped: true, rows_inserted: fresh, duplicates: rowsBefore, dead_letters: 2 });
    expect(await rowCount()).toBe(rowsBefore + fresh);
  });
});

describe('the library: recordRouting() with routing events on, and publishRoutingEvent()', () => {
  it('publishes decisions that carry a query, flushes them on SIGTERM, and acknowledges publishRoutingEvent', async () => {
    const rowsBefore = await rowCount();
    const app = runNode(['--require', 'agentmeter/register', 'test/fixtures/routing-events-app.cjs'], {
      ...env,
      OTEL_SERVICE_NAME: 'routing-it-app',
      AGENTMETER_ROUTING_EVENTS: 'true',
      OTEL_METRICS_EXPORTER: 'none',
      APP_DECISIONS: '200',
    });
    const ready = await app.ready;
    expect(ready).toMatchObject({ ready: true, acked: { topic } });
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: null, signal: 'SIGTERM' });
    const writer = startWriter('it-writer-library');
    await writer.ready;
    await waitForRows(rowsBefore + 201, writer);
    const stored = await storedEvents("service_name = 'routing-it-app'");
    expect(stored.length).toBe(201);
    expect(stored.find((e) => e.query_text === 'acknowledged')).toEqual((ready.acked as { event: RoutingEvent }).event);
    const fromRecord = stored.filter((e) => e.query_text !== 'acknowledged').sort((a, b) => a.routing_duration_ms - b.routing_duration_ms);
    expect(fromRecord.map((e) => e.query_text)).toEqual(Array.from({ length: 200 }, (_, i) => `decision ${i}`));
    expect(fromRecord[7]).toMatchObject({ routing_duration_ms: 7, cache_hit: true, candidates_evaluated: 3, match_strategy: 'semantic', selected_agent: 'billing', confidence_components: { semantic: 0.75 } });
    await stopWriter(writer);
  });
});

describe('an app with routing events on that simply ends', () => {
  it('exits by itself once its events are acknowledged (an idle connection does not hold it)', async () => {
    const before = await topicEnd(topic);
    const app = runNode(['--require', 'agentmeter/register', 'test/fixtures/routing-events-app.cjs'], {
      ...env,
      AGENTMETER_ROUTING_EVENTS: 'true',
      OTEL_METRICS_EXPORTER: 'none',
      APP_DECISIONS: '20',
      APP_EXIT: 'natural',
    });
    expect(await app.ready).toMatchObject({ ready: true, acked: { topic } });
    const started = Date.now();
    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await topicEnd(topic)).toBe(before + 21);
  });
});

describe('--sink auto with the broker stopped', () => {
  afterAll(async () => {
    // Later files need the broker: bring it back even if a test failed.
    const kafka = kafkaService();
    const state = await import('../infra/services.mjs').then((m) => m.readState(kafka.infraDir));
    if (state?.kafka && !(await import('../infra/process.mjs')).isAlive(state.kafka.pid)) await restartService(kafka.infraDir, 'kafka');
  });

  it('stores the event in PostgreSQL directly and says so; with PostgreSQL unreachable too, exits 3', async () => {
    const kafka = kafkaService();
    await killService(kafka.infraDir, 'kafka');
    const run = await agentmeter(['routing', 'log', '--query', 'while Kafka is down', '--duration-ms', '42', '--cache-hit', 'false', '--candidates', '5', '--agent', 'fallback']);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(result).slice(0, 7)).toEqual(['success', 'published_to', 'topic', 'metric_id', 'id', 'created_at', 'kafka_error']);
    // The topic it tried before falling back.
    expect(result).toMatchObject({ success: true, published_to: 'postgres', topic });
    expect(result.kafka_error).toMatch(/^AGM_ERR_EXPORT: Kafka did not acknowledge the routing event \(KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/);
    const [row] = await query<{ id: string; created_at: Date }>(databaseUrl, 'SELECT id, created_at FROM router_performance_metrics WHERE event_id = $1', [result.event_id]);
    expect({ id: Number(row!.id), created_at: row!.created_at.toISOString() }).toEqual({ id: result.metric_id, created_at: result.created_at });
    expect(result.id).toBe(result.metric_id);
    expect(await storedEvents('event_id = $1', [result.event_id])).toEqual([eventOf(result)]);

    const both = await agentmeter(['routing', 'log', '--query', 'nowhere to go', '--duration-ms', '1', '--cache-hit', 'false', '--candidates', '1'], {
      DATABASE_URL: 'postgres://agentmeter@127.0.0.1:1/none',
    });
    expect({ status: both.status, stderr: both.stderr }).toEqual({ status: 3, stderr: '' });
    expect(JSON.parse(both.stdout)).toMatchObject({ success: false, errors: { kafka: expect.stringMatching(/ECONNREFUSED/) as unknown, postgres: expect.stringMatching(/ECONNREFUSED 127\.0\.0\.1:1/) as unknown } });
    await restartService(kafka.infraDir, 'kafka');
  });
});
