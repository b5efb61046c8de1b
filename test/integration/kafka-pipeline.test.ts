// The Kafka path on real services: agentmeter → Kafka 3.9.1 (KRaft) → OpenTelemetry Collector
// (kafkareceiver → batch → prometheusexporter) → Prometheus. No decoding in the test: the
// Collector reading the messages is the proof they are standard OTLP with the app's resource.
import { afterEach, describe, expect, it } from 'vitest';
import { addTarget, byLabel, expectKafkaAppToolCalls, expectSameResults, query, waitForQuery } from '../infra/prom';
import { runNode, type RunningChild } from '../infra/child';
import { kafkaService, collectorService, messageSizes, messagesOf, storedBatches } from '../infra/kafka-helpers';
import { freePort } from '../infra/process.mjs';
import { killService, restartService } from '../infra/services.mjs';

let apps: RunningChild[] = [];
let targets: Array<() => void> = [];
afterEach(async () => {
  for (const remove of targets) remove();
  targets = [];
  await Promise.all(apps.map((a) => a.stop()));
  apps = [];
});

function startApp(service: string, env: Record<string, string>): RunningChild {
  const app = runNode(['--require', 'agentmeter/register', 'test/fixtures/kafka-app.cjs'], {
    OTEL_SERVICE_NAME: service,
    OTEL_METRICS_EXPORTER: 'kafka',
    OTEL_METRIC_EXPORT_INTERVAL: '500',
    AGENTMETER_KAFKA_BROKERS: kafkaService().brokers,
    AGENTMETER_INSTRUMENTATIONS: 'none',
    ...env,
  });
  apps.push(app);
  return app;
}

/** Waits until `promql` returns one sample equal to `expected`. */
async function waitForValue(promql: string, expected: number, timeoutMillis = 45000): Promise<void> {
  await waitForQuery(promql, (r) => r.length === 1 && Number(r[0]!.value[1]) === expected, timeoutMillis);
}

const calls = (service: string) => `sum(gen_ai_execute_tool_duration_seconds_count{path="collector",job="${service}"})`;

describe('Kafka → Collector → Prometheus', () => {
  it('delivers exact totals, sums and buckets with the same series names and PromQL results as the direct scrape', async () => {
    const service = 'e2e-app';
    const port = await freePort();
    const app = startApp(service, { OTEL_METRICS_EXPORTER: 'prometheus,kafka', OTEL_EXPORTER_PROMETHEUS_PORT: String(port), APP_CALLS: '50' });
    await app.ready;
    targets.push(addTarget('e2e', `127.0.0.1:${port}`));
    const direct = 'path="direct",test="e2e"';
    const viaCollector = `path="collector",job="${service}"`;
    await waitForValue(`sum(gen_ai_execute_tool_duration_seconds_count{${viaCollector}})`, 50);
    await waitForValue(`sum(gen_ai_execute_tool_duration_seconds_count{${direct}})`, 50);

    const queries = [
      'sum by (gen_ai_tool_name, error_type) (gen_ai_execute_tool_duration_seconds_count{SEL})',
      'sum by (gen_ai_tool_name) (gen_ai_execute_tool_duration_seconds_sum{SEL})',
      'sum by (le) (gen_ai_execute_tool_duration_seconds_bucket{SEL,error_type=""})',
      'sum by (agent_cache_result) (agent_cache_requests_total{SEL})',
      'sum by (agent_routing_outcome, gen_ai_agent_name) (agent_routing_decisions_total{SEL})',
      // Whole-number bounds (1, 2, 3, 5, ...): both OpenMetrics pages write them le="1.0".
      'sum by (le) (agent_routing_candidates_bucket{SEL})',
      'sum(agent_cache_requests_total{SEL,agent_cache_result="hit"}) / sum(agent_cache_requests_total{SEL})',
      'count by (__name__) ({SEL,__name__=~"gen_ai_.*|agent_cache_.*|agent_routing_.*"})',
    ];
    await expectSameResults(queries, direct, viaCollector);
    await expectKafkaAppToolCalls(viaCollector);
    // The resource travelled in the message: the Collector turned its service.name into job.
    const jobs = await query(`count by (job) (gen_ai_execute_tool_duration_seconds_count{path="collector",gen_ai_tool_name="steady"})`);
    expect(Object.keys(byLabel(jobs, 'job'))).toContain(service);
    expect(app.stderr()).toBe('');
  });

  it.each([
    ['broker', 'kafka', 400],
    ['Collector', 'collector', 300],
  ] as const)('keeps every count when the %s is killed with SIGKILL mid-run and restarted', async (_what, name, total) => {
    const service = `${name}-crash-app`;
    const app = startApp(service, { APP_CALLS: String(total), APP_BATCH: '10', APP_EVERY_MS: '50' });
    await app.ready;
    await waitForQuery(calls(service), (r) => r.length === 1 && Number(r[0]!.value[1]) > 0);
    const { infraDir } = name === 'kafka' ? kafkaService() : collectorService();
    await killService(infraDir, name);
    await new Promise((r) => setTimeout(r, 2500)); // the app keeps recording meanwhile
    await restartService(infraDir, name);
    await waitForValue(calls(service), total, 90000);
    expect(app.stderr()).toBe('');
  });

  it('starts and records with no broker running, then delivers once it comes up, counting the failures', async () => {
    const { infraDir } = kafkaService();
    await killService(infraDir, 'kafka');
    const service = 'late-broker-app';
    const port = await freePort();
    const app = startApp(service, { OTEL_METRICS_EXPORTER: 'kafka,prometheus', OTEL_EXPORTER_PROMETHEUS_PORT: String(port), APP_CALLS: '120' });
    expect(await app.ready).toMatchObject({ ready: true });
    await new Promise((r) => setTimeout(r, 2500));
    const before = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(before).toMatch(/^agentmeter_exporter_kafka_failures_total\{error_type="[A-Za-z_]+",.*\} [1-9]\d*$/m);
    // Served at 0 from start() ("avoid missing metrics"); nothing was acknowledged yet.
    expect(before).toMatch(/^agentmeter_exporter_kafka_sent_messages_total\{[^}]*\} 0$/m);
    await restartService(infraDir, 'kafka');
    await waitForValue(calls(service), 120, 90000);
    const after = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(after).toMatch(/^agentmeter_exporter_kafka_sent_messages_total\{.*\} [1-9]\d*$/m);
    expect(app.stderr()).toBe('');
  });

  it('delivers everything a process recorded when it receives SIGTERM', async () => {
    const service = 'sigterm-app';
    const app = startApp(service, { OTEL_METRIC_EXPORT_INTERVAL: '600000', APP_CALLS: '77' });
    await app.ready;
    await new Promise<void>((resolve) => {
      const check = () => (app.stdout().includes('"done":true') ? resolve() : setTimeout(check, 20));
      check();
    });
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: null, signal: 'SIGTERM' });
    await waitForValue(calls(service), 77);
  });

  it('lets an app that is done exit by itself (broker sockets do not hold it) and delivers its final export', async () => {
    const service = 'ends-app';
    // Records for about 2 s, so periodic exports have opened broker connections before it ends.
    const app = startApp(service, { OTEL_METRIC_EXPORT_INTERVAL: '500', APP_CALLS: '42', APP_BATCH: '6', APP_EVERY_MS: '300', APP_EXIT_WHEN_DONE: '1' });
    await app.ready;
    expect(await app.exited).toEqual({ code: 0, signal: null });
    await waitForValue(calls(service), 42);
    expect(app.stderr()).toBe('');
  });

  it.each(['zstd', 'gzip', 'none'] as const)('delivers exact totals in %s record batches, as the broker stored them', async (compression) => {
    const service = `${compression}-batches-app`;
    const app = startApp(service, { AGENTMETER_KAFKA_COMPRESSION: compression, APP_CALLS: '33', APP_BATCH: '11', APP_EVERY_MS: '300', APP_EXIT_WHEN_DONE: '1' });
    await app.ready;
    expect(await app.exited).toEqual({ code: 0, signal: null });
    await waitForValue(calls(service), 33);
    // Which codec each of the app's messages went in, by offset, from the broker's log segments.
    const offsets = (await messagesOf('otlp_metrics', `${service}/`)).map((m) => m.offset);
    expect(offsets.length).toBeGreaterThan(0);
    const batches = await storedBatches('otlp_metrics');
    expect(new Set(offsets.map((o) => batches.find((b) => b.first <= o && o <= b.last)?.codec))).toEqual(new Set([compression]));
    expect(app.stderr()).toBe('');
  });

  it('splits 20,000 series in one collection into messages under the size limit, and all arrive', async () => {
    const service = 'split-app';
    const app = startApp(service, {
      APP_CALLS: '1',
      APP_CACHE_SERIES: '20000',
      AGENTMETER_ATTRIBUTE_CAP: '30000',
      AGENTMETER_KAFKA_MAX_MESSAGE_BYTES: '100000',
      OTEL_METRIC_EXPORT_INTERVAL: '600000',
    });
    await app.ready;
    app.child.kill('SIGTERM');
    await app.exited;
    await waitForValue(`count(agent_cache_requests_total{path="collector",job="${service}",agent_cache_name=~"cache_.*"})`, 20000, 60000);
    const sizes = await messageSizes('otlp_metrics', `${service}/`);
    // About 70 bytes of OTLP per counter series: 20,000 of them need well over ten 100 kB messages.
    expect(sizes.length).toBeGreaterThan(10);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100000);
  });
});
