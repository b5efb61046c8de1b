// Helpers for tests that scrape through a real Prometheus.
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, inject } from 'vitest';

export interface PrometheusService {
  pid: number;
  infraDir: string;
  url: string;
  logPath: string;
  targetsDir: string;
  /** File-discovery directory of the `collector` job (honor_labels: the Collector's job and instance stay). */
  collectorTargetsDir: string;
  promtool: string;
  /** The HTTPS job: CA and server certificate made for this run, the basic-auth user Prometheus sends. */
  tls?: { ca: string; cert: string; key: string; username: string; password: string; targetsDir: string };
}

export function prometheus(): PrometheusService {
  const services = inject('services') as { prometheus?: PrometheusService } | undefined;
  if (!services?.prometheus) throw new Error('Prometheus was not started by test/infra/global-setup.mjs');
  return services.prometheus;
}

/** Adds a scrape target (host:port) under `testName`; returns a function that removes it. */
export function addTarget(testName: string, hostPort: string, metricsPath = '/metrics'): () => void {
  const file = join(prometheus().targetsDir, `${testName}.json`);
  writeFileSync(file, JSON.stringify([{ targets: [hostPort], labels: { test: testName, path: 'direct', __metrics_path__: metricsPath } }]));
  return () => rmSync(file, { force: true });
}

/** Adds a target of the HTTPS + basic auth job (`job="agentmeter-tls"`); returns a function that removes it. */
export function addTlsTarget(testName: string, hostPort: string): () => void {
  const { tls, logPath } = prometheus();
  if (!tls) throw new Error(`the running Prometheus has no HTTPS job (started by an older test/infra/prometheus.mjs?); log: ${logPath}`);
  const file = join(tls.targetsDir, `${testName}.json`);
  writeFileSync(file, JSON.stringify([{ targets: [hostPort], labels: { test: testName, path: 'direct-tls' } }]));
  return () => rmSync(file, { force: true });
}

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Runs an instant PromQL query; throws on an API error. */
export async function query(promql: string): Promise<Sample[]> {
  const { url, logPath } = prometheus();
  return queryAt({ url, logPath }, promql);
}

/** Runs an instant PromQL query on the Prometheus at `store.url` (e.g. a remote-write store of a test's own). */
export async function queryAt<T = Sample>(store: { url: string; logPath: string }, promql: string): Promise<T[]> {
  const res = await fetch(`${store.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: T[] } };
  if (body.status !== 'success') throw new Error(`PromQL ${promql} failed: ${body.error} (Prometheus log: ${store.logPath})`);
  return body.data!.result;
}

/** Polls `promql` until `accept` holds for its result; fails with the last result and the log path. */
export async function waitForQuery(
  promql: string,
  accept: (result: Sample[]) => boolean,
  timeoutMillis = 20000,
): Promise<Sample[]> {
  const deadline = Date.now() + timeoutMillis;
  let last: Sample[] = [];
  while (Date.now() < deadline) {
    last = await query(promql);
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `PromQL ${promql} never matched; last result ${JSON.stringify(last)} (Prometheus log: ${prometheus().logPath})`,
  );
}

/** A query result as label value → number, e.g. `{ '': 45, TimeoutError: 5 }` by `error_type`. */
export function byLabel(result: Sample[], label: string): Record<string, number> {
  return Object.fromEntries(result.map((s) => [s.metric[label] ?? '', Number(s.value[1])]));
}

/**
 * What test/fixtures/kafka-app.cjs records with APP_CALLS=50, seen through `selector`: 45 calls
 * without error and 5 TimeoutError, sum 5 s, every successful call in the 0.16 s bucket.
 */
export async function expectKafkaAppToolCalls(selector: string): Promise<void> {
  const counts = await query(`sum by (error_type) (gen_ai_execute_tool_duration_seconds_count{${selector}})`);
  expect(byLabel(counts, 'error_type')).toEqual({ '': 45, TimeoutError: 5 });
  const sum = await query(`sum(gen_ai_execute_tool_duration_seconds_sum{${selector}})`);
  expect(Number(sum[0]!.value[1])).toBeCloseTo(5, 9);
  const buckets = await query(`gen_ai_execute_tool_duration_seconds_bucket{${selector},error_type="",le=~"0.08|0.16|\\\\+Inf"}`);
  expect(byLabel(buckets, 'le')).toEqual({ '0.08': 0, '0.16': 45, '+Inf': 45 });
}

/** Each query (`SEL` standing for the selector) returns the same non-empty samples for both selectors. */
export async function expectSameResults(queries: readonly string[], direct: string, viaCollector: string): Promise<void> {
  const norm = (r: Sample[]) => r.map((s) => [JSON.stringify(s.metric), s.value[1]]).sort();
  for (const q of queries) {
    const a = await query(q.replaceAll('SEL', direct));
    expect(norm(await query(q.replaceAll('SEL', viaCollector))), q).toEqual(norm(a));
    expect(a.length, q).toBeGreaterThan(0);
  }
}
