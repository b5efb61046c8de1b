// Helpers for tests that scrape through a real Prometheus.
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

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
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: Sample[] } };
  if (body.status !== 'success') throw new Error(`PromQL ${promql} failed: ${body.error} (Prometheus log: ${logPath})`);
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
