// Exemplars end to end on real services: an app that traces (OTEL_TRACES_EXPORTER=otlp into a
// sink) records tool calls inside spans; a Prometheus with exemplar storage must return their
// trace and span ids per bucket, from the direct scrape (OpenMetrics) and through
// Kafka → Collector (OTLP exemplars → OpenMetrics) alike, and each trace id must be one the app
// exported as a span, so the link leads somewhere.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTarget, prometheus } from '../infra/prom';
import { runNode, type RunningChild } from '../infra/child';
import { kafkaService } from '../infra/kafka-helpers';
import { freePort } from '../infra/process.mjs';
import { startOtlpSink, type OtlpSink } from '../infra/otlp-sink';

interface Call {
  traceId: string;
  spanId: string;
  seconds: number | undefined;
}

interface ExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: Array<{ labels: Record<string, string>; value: string; timestamp: number }>;
}

/** GET /api/v1/query_exemplars over the last ten minutes. */
async function queryExemplars(promql: string): Promise<ExemplarSeries[]> {
  const { url, logPath } = prometheus();
  const now = Date.now() / 1000;
  const res = await fetch(`${url}/api/v1/query_exemplars?query=${encodeURIComponent(promql)}&start=${now - 600}&end=${now + 60}`);
  const body = (await res.json()) as { status: string; error?: string; data?: ExemplarSeries[] };
  if (body.status !== 'success') throw new Error(`query_exemplars ${promql} failed: ${body.error} (Prometheus log: ${logPath})`);
  return body.data!;
}

/** Exemplars of `promql` as "le trace_id span_id value" lines, sorted; waits until `expected` many. */
async function waitForExemplars(promql: string, expected: number, timeoutMillis = 45000): Promise<string[]> {
  const deadline = Date.now() + timeoutMillis;
  let last: string[] = [];
  while (Date.now() < deadline) {
    const series = await queryExemplars(promql);
    last = series
      .flatMap((s) => s.exemplars.map((e) => `le=${s.seriesLabels.le} ${e.labels.trace_id} ${e.labels.span_id} ${e.value}`))
      .sort();
    if (last.length >= expected) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`query_exemplars ${promql} returned ${JSON.stringify(last)}, wanted ${expected} (Prometheus log: ${prometheus().logPath})`);
}

/** The app's "done" line. */
async function doneLine(app: RunningChild): Promise<{ calls: Call[] }> {
  for (let i = 0; i < 100; i++) {
    const line = app.stdout().split('\n').find((l) => l.startsWith('{"done"'));
    if (line) return JSON.parse(line) as { calls: Call[] };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the app never finished; stderr: ${app.stderr()}`);
}

describe('exemplars on both paths', () => {
  const service = `exemplar-app-${process.pid}`;
  let sink: OtlpSink;
  let app: RunningChild;
  let port: number;
  let removeTarget: () => void;
  let calls: Call[];

  beforeAll(async () => {
    sink = await startOtlpSink();
    port = await freePort();
    app = runNode(['--require', 'agentmeter/register', 'test/fixtures/exemplar-app.cjs'], {
      OTEL_SERVICE_NAME: service,
      OTEL_METRICS_EXPORTER: 'prometheus,kafka',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_METRIC_EXPORT_INTERVAL: '500',
      AGENTMETER_KAFKA_BROKERS: kafkaService().brokers,
      AGENTMETER_INSTRUMENTATIONS: 'none',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    await app.ready;
    ({ calls } = await doneLine(app));
    removeTarget = addTarget('exemplars', `127.0.0.1:${port}`);
  });

  afterAll(async () => {
    removeTarget?.();
    await app?.stop();
    await sink?.close();
  });

  /** What each path must return: one exemplar per bucket the calls fell in. */
  function expected(): string[] {
    const le: Record<number, string> = { 0.003: '0.005', 0.03: '0.04', 0.3: '0.32', 3: '5.12' };
    return calls
      .filter((c) => c.seconds !== undefined)
      .map((c) => `le=${le[c.seconds!]} ${c.traceId} ${c.spanId} ${c.seconds}`)
      .sort();
  }

  it('returns the trace and span id of each call per bucket from the direct scrape (OpenMetrics)', async () => {
    const found = await waitForExemplars('gen_ai_execute_tool_duration_seconds_bucket{path="direct",test="exemplars",gen_ai_tool_name="exemplar_tool"}', 4);
    expect(found).toEqual(expected());
  });

  it('returns the same exemplars through Kafka → Collector → Prometheus', async () => {
    const found = await waitForExemplars(`gen_ai_execute_tool_duration_seconds_bucket{path="collector",job="${service}",gen_ai_tool_name="exemplar_tool"}`, 4);
    expect(found).toEqual(expected());
  });

  it('links withToolSpan calls to their own execute_tool span', async () => {
    const span = calls.find((c) => c.seconds === undefined)!;
    for (const selector of ['path="direct",test="exemplars"', `path="collector",job="${service}"`]) {
      const found = await waitForExemplars(`gen_ai_execute_tool_duration_seconds_bucket{${selector},gen_ai_tool_name="exemplar_tool_span"}`, 1);
      expect(found.map((f) => f.split(' ').slice(1, 3).join(' '))).toEqual([`${span.traceId} ${span.spanId}`]);
    }
  });

  it('points at traces the app exported', async () => {
    const deadline = Date.now() + 20000;
    const wanted = new Set(calls.map((c) => c.traceId));
    while (Date.now() < deadline && !calls.every((c) => sink.spans().some((s) => s.traceId === c.traceId && s.spanId === c.spanId))) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const exported = sink.spans().filter((s) => wanted.has(s.traceId)).map((s) => `${s.traceId} ${s.spanId}`).sort();
    expect(exported).toEqual(calls.map((c) => `${c.traceId} ${c.spanId}`).sort());
  });

  it('keeps the 0.0.4 text (no exemplars) clean for promtool', async () => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).not.toContain('trace_id');
    const out = execFileSync(prometheus().promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(out).toBe('');
  });
});
