// Kafka with authentication, on real services: the shared broker's SASL_SSL listener requires
// SASL/SCRAM over TLS (test/infra/kafka-auth.mjs). An app configured only through
// AGENTMETER_KAFKA_* → that listener → a stock Collector with
// collector-config/kafka-sasl-tls-to-prometheus.yaml → Prometheus: exact totals, as in
// kafka-pipeline.test.ts. Routing events over the same listener reach PostgreSQL through the DB
// writer, which authenticates too. With a wrong password the host runs on, the failures are
// counted, and the password is in nothing the processes print.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addTarget, byLabel, expectKafkaAppToolCalls, expectSameResults, query, waitForQuery, type Sample } from '../infra/prom';
import { runNode, type RunningChild } from '../infra/child';
import { authenticatedKafkaEnv, kafkaService, startAuthenticatedCollector, topicEnd } from '../infra/kafka-helpers';
import { createDatabase, query as sql } from '../infra/postgres-helpers';
import { freePort, sleep } from '../infra/process.mjs';
import { createPool } from '../../src/events/postgres';
import { migrate } from '../../src/events/migrate';

const run = `${process.pid}-${Date.now()}`;
const metricsTopic = `otlp_metrics_auth.${run}`;
const eventsTopic = `routing.auth.${run}`;
const PATH = 'collector-sasl';
let collector: { logPath: string; stop: () => Promise<void> } | undefined;

beforeAll(async () => {
  collector = await startAuthenticatedCollector(PATH, metricsTopic);
});
afterAll(async () => {
  await collector?.stop();
});

let children: RunningChild[] = [];
let targets: Array<() => void> = [];
afterEach(async () => {
  for (const remove of targets.splice(0)) remove();
  await Promise.all(children.splice(0).map((c) => c.stop()));
});

function start(args: string[], env: Record<string, string>, timeoutMillis?: number): RunningChild {
  const child = runNode(args, { AGENTMETER_INSTRUMENTATIONS: 'none', ...env }, timeoutMillis);
  children.push(child);
  return child;
}

describe('SASL/SCRAM-SHA-512 over TLS: app → broker → Collector → Prometheus', () => {
  it('delivers exact totals, sums and buckets, the same PromQL results as the direct scrape', async () => {
    const service = `sasl-app-${run}`;
    const port = await freePort();
    const app = start(['--require', 'agentmeter/register', 'test/fixtures/kafka-app.cjs'], {
      ...authenticatedKafkaEnv('scram-sha-512'),
      OTEL_SERVICE_NAME: service,
      OTEL_METRICS_EXPORTER: 'prometheus,kafka',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_METRIC_EXPORT_INTERVAL: '500',
      AGENTMETER_KAFKA_TOPIC: metricsTopic,
      APP_CALLS: '50',
    });
    await app.ready;
    targets.push(addTarget(`sasl-${run}`, `127.0.0.1:${port}`));
    const viaCollector = `path="${PATH}",job="${service}"`;
    const direct = `path="direct",test="sasl-${run}"`;
    const total = (sel: string) => `sum(gen_ai_execute_tool_duration_seconds_count{${sel}})`;
    const one = (r: Sample[]) => r.length === 1 && Number(r[0]!.value[1]) === 50;
    await waitForQuery(total(viaCollector), one, 60000).catch((err: Error) => {
      throw new Error(`${err.message}; Collector log: ${collector?.logPath}; app stderr: ${app.stderr()}`);
    });
    await waitForQuery(total(direct), one);

    await expectKafkaAppToolCalls(viaCollector);
    const cache = await query(`sum by (agent_cache_result) (agent_cache_requests_total{${viaCollector}})`);
    expect(byLabel(cache, 'agent_cache_result')).toEqual({ hit: 7, miss: 3 });
    const routing = await query(`sum(agent_routing_decisions_total{${viaCollector}})`);
    expect(Number(routing[0]!.value[1])).toBe(4);
    await expectSameResults(
      [
        'sum by (gen_ai_tool_name, error_type) (gen_ai_execute_tool_duration_seconds_count{SEL})',
        'sum by (le) (gen_ai_execute_tool_duration_seconds_bucket{SEL,error_type=""})',
        'sum by (agent_cache_result) (agent_cache_requests_total{SEL})',
        'count by (__name__) ({SEL,__name__=~"gen_ai_.*|agent_cache_.*|agent_routing_.*"})',
      ],
      direct,
      viaCollector,
    );
    // Sent over the authenticated listener, counted as sent, nothing failed.
    const page = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(page).toMatch(/^agentmeter_exporter_kafka_sent_messages_total\{.*\} [1-9]\d*$/m);
    expect(page).not.toContain('agentmeter_exporter_kafka_failures_total{');
    expect(app.stderr()).toBe('');
  });
});

describe('routing events over SASL/SCRAM-SHA-256 with TLS: app → broker → DB writer → PostgreSQL', () => {
  it('stores exactly the events the app recorded and the one it published', async () => {
    const databaseUrl = await createDatabase('routing_auth');
    const pool = createPool({ connectionString: databaseUrl });
    try {
      await migrate(pool);
    } finally {
      await pool.end();
    }
    const env = { ...authenticatedKafkaEnv('scram-sha-256'), AGENTMETER_ROUTING_EVENTS_TOPIC: eventsTopic, DATABASE_URL: databaseUrl };
    const app = start(['--require', 'agentmeter/register', 'test/fixtures/routing-events-app.cjs'], {
      ...env,
      OTEL_SERVICE_NAME: 'routing-auth-app',
      AGENTMETER_ROUTING_EVENTS: 'true',
      OTEL_METRICS_EXPORTER: 'none',
      APP_DECISIONS: '60',
    });
    const ready = await app.ready;
    expect(ready).toMatchObject({ ready: true, acked: { topic: eventsTopic } });
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(app.stderr()).toBe('');
    // Counted on the PLAINTEXT listener of the same broker: all 61, none twice.
    expect(await topicEnd(eventsTopic)).toBe(61);

    const writer = start(['dist/cli/main.js', 'routing', 'consume', '--group', `auth-writer.${eventsTopic}`, '--metrics-port', '0'], env, 60000);
    expect(await writer.ready).toMatchObject({ ready: true, topic: eventsTopic });
    const count = async () => Number((await sql<{ n: string }>(databaseUrl, 'SELECT count(*) AS n FROM router_performance_metrics'))[0]!.n);
    const deadline = Date.now() + 45000;
    while ((await count()) < 61 && Date.now() < deadline) await sleep(200);
    writer.child.kill('SIGTERM');
    expect(await writer.exited).toEqual({ code: 0, signal: null });
    expect(writer.stderr()).toBe('');
    const rows = await sql<{ query_text: string; routing_duration_ms: number; match_strategy: string; selected_agent: string; service_name: string; event_id: string }>(
      databaseUrl,
      'SELECT query_text, routing_duration_ms, match_strategy, selected_agent, service_name, event_id::text FROM router_performance_metrics ORDER BY routing_duration_ms, query_text',
    );
    const acked = (ready.acked as { event: { event_id: string } }).event;
    expect(rows.length).toBe(61);
    expect(rows.filter((r) => r.query_text !== 'acknowledged').map((r) => r.query_text)).toEqual(Array.from({ length: 60 }, (_, i) => `decision ${i}`));
    expect(rows.find((r) => r.query_text === 'acknowledged')).toEqual({ query_text: 'acknowledged', routing_duration_ms: 250, match_strategy: 'keyword', selected_agent: 'support', service_name: 'routing-auth-app', event_id: acked.event_id });
    expect(rows[7]).toMatchObject({ query_text: 'decision 7', routing_duration_ms: 7, match_strategy: 'semantic', selected_agent: 'billing', service_name: 'routing-auth-app' });
  });
});

describe('a wrong SASL password', () => {
  // Recognisable, and never a valid credential: it must appear in nothing the processes print.
  const planted = `Planted-Wrong-${randomBytes(6).toString('hex')}`;

  it('leaves the host running, counts the failures in the exporter’s own metrics, and never prints the password', async () => {
    const port = await freePort();
    const app = start(['--require', 'agentmeter/register', 'test/fixtures/kafka-app.cjs'], {
      ...authenticatedKafkaEnv('scram-sha-512', planted),
      OTEL_SERVICE_NAME: `wrong-password-app-${run}`,
      OTEL_METRICS_EXPORTER: 'kafka,prometheus',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_METRIC_EXPORT_INTERVAL: '300',
      AGENTMETER_KAFKA_TOPIC: metricsTopic,
      // Every diagnostic, kafkajs's own log lines included, goes to stderr.
      OTEL_LOG_LEVEL: 'debug',
      APP_CALLS: '20',
    });
    expect(await app.ready).toMatchObject({ ready: true });
    let page = '';
    const deadline = Date.now() + 20000;
    while (!/^agentmeter_exporter_kafka_failures_total\{error_type="KafkaJSSASLAuthenticationError",.*\} [2-9]\d*$/m.test(page) && Date.now() < deadline) {
      await sleep(250);
      page = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    }
    expect(page).toMatch(/^agentmeter_exporter_kafka_failures_total\{error_type="KafkaJSSASLAuthenticationError",.*\} [2-9]\d*$/m);
    // Served at 0 from start() ("avoid missing metrics"); nothing was ever acknowledged.
    expect(page).toMatch(/^agentmeter_exporter_kafka_sent_messages_total\{[^}]*\} 0$/m);
    // Recording went on: the app's own numbers are all there.
    expect(page).toMatch(/^gen_ai_execute_tool_duration_seconds_count\{.*error_type="TimeoutError".*\} 2$/m);
    expect(app.child.exitCode).toBeNull();
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: null, signal: 'SIGTERM' });
    const stderr = app.stderr();
    expect(stderr).toContain('agentmeter: Kafka exporter cannot publish (KafkaJSSASLAuthenticationError); retrying with backoff');
    expect(stderr).toContain('SASL SCRAM SHA512 authentication failed');
    for (const output of [stderr, app.stdout(), page]) expect(output).not.toContain(planted);
  });

  it('rejects publishRoutingEvent with the authentication failure, the password in no message', async () => {
    const app = start(['--require', 'agentmeter/register', 'test/fixtures/routing-events-app.cjs'], {
      ...authenticatedKafkaEnv('scram-sha-256', planted),
      AGENTMETER_ROUTING_EVENTS: 'true',
      AGENTMETER_ROUTING_EVENTS_TOPIC: eventsTopic,
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOG_LEVEL: 'debug',
      APP_DECISIONS: '3',
    });
    const ready = await app.ready;
    expect(ready).toMatchObject({ ready: false });
    expect(ready.error).toMatch(/^ExportError: AGM_ERR_EXPORT: Kafka did not acknowledge the routing event \(KafkaJSSASLAuthenticationError: SASL SCRAM SHA256 authentication failed/);
    app.child.kill('SIGTERM');
    await app.exited;
    for (const output of [app.stderr(), app.stdout()]) expect(output).not.toContain(planted);
    expect(app.stderr()).toContain('KafkaJSSASLAuthenticationError');
  });
});

// The suite must not pass against a broker that lets anyone in.
describe('the authenticated listener', () => {
  it('is a different port from the PLAINTEXT one and refuses a client without SASL', async () => {
    const { auth, brokers } = kafkaService();
    expect(auth.brokers).not.toBe(brokers);
    const app = start(['--require', 'agentmeter/register', 'test/fixtures/routing-events-app.cjs'], {
      AGENTMETER_KAFKA_BROKERS: auth.brokers,
      AGENTMETER_KAFKA_TLS_CA_FILE: auth.caFile,
      AGENTMETER_ROUTING_EVENTS: 'true',
      AGENTMETER_ROUTING_EVENTS_TOPIC: eventsTopic,
      OTEL_METRICS_EXPORTER: 'none',
      AGENTMETER_KAFKA_REQUEST_TIMEOUT: '2000',
      APP_DECISIONS: '0',
    }, 30000);
    const ready = await app.ready;
    expect(ready).toMatchObject({ ready: false });
    expect(ready.error).toMatch(/^ExportError: AGM_ERR_EXPORT: Kafka did not acknowledge the routing event \(KafkaJS\w+: /);
  });
});
