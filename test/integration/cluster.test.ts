// A node:cluster app (primary + 3 workers, `--require agentmeter/register`) on real services:
// the primary's one endpoint serves every worker's series, exact and monotonic, through a real
// Prometheus; each worker also exports through Kafka → Collector under its own instance; the
// JSON summary shows the whole cluster; a re-forked worker starts new series and no counter
// goes backwards; a worker that cannot answer is left out and counted, not waited for.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode, type RunningChild } from '../infra/child';
import { kafkaService } from '../infra/kafka-helpers';
import { addTarget, prometheus, query, waitForQuery, type Sample } from '../infra/prom';
import { freePort, freePorts } from '../infra/process.mjs';
import { fetchSummary } from '../infra/summary-contract';

// Unique per run: the Collector keeps an earlier run's instances until metric_expiration (60 min).
const SERVICE = `cluster-app-${process.pid}`;
const CALLS = [1200, 2400, 3600];
const REFORK_CALLS = 500;
const STEADY = 'gen_ai_execute_tool_duration_seconds_count{gen_ai_tool_name="steady"';

interface WorkerInfo {
  id: number;
  index: number;
  pid: number;
}

/** The JSON lines the app printed so far. */
function lines(app: RunningChild): Array<Record<string, unknown>> {
  return app
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{') && l.endsWith('}'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function waitForLine(app: RunningChild, match: (line: Record<string, unknown>) => boolean, timeoutMillis = 30000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMillis;
  while (Date.now() < deadline) {
    const line = lines(app).find(match);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no matching line in ${timeoutMillis} ms; stdout: ${app.stdout()}; stderr: ${app.stderr()}`);
}

/** Tool-call counts of the `steady` tool per service_instance_id on one page. */
function steadyByInstance(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(STEADY)) continue;
    const instance = /service_instance_id="([^"]+)"/.exec(line)?.[1] ?? '';
    out[instance] = (out[instance] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return out;
}

/** process.pid → service_instance_id, from the page's target_info lines. */
function instancesByPid(text: string): Record<number, string> {
  const out: Record<number, string> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('target_info{')) continue;
    const pid = /process_pid="(\d+)"/.exec(line)?.[1];
    const instance = /service_instance_id="([^"]+)"/.exec(line)?.[1];
    if (pid && instance) out[Number(pid)] = instance;
  }
  return out;
}

function valueOf(text: string, prefix: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The primary's own series of a family: the one without a worker's `service_instance_id` (workers serve theirs at 0 too). */
function primaryValueOf(text: string, prefix: string): number | undefined {
  return valueOf(text.split('\n').filter((l) => !l.includes('service_instance_id=')).join('\n'), prefix);
}

const byLabel = (result: Sample[], label: string): Record<string, number> => Object.fromEntries(result.map((s) => [s.metric[label] ?? '', Number(s.value[1])]));
const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

let app: RunningChild;
let metricsUrl: string;
let summaryUrl: string;
let jobsDir: string;
let removeTarget: (() => void) | undefined;
let workers: WorkerInfo[];
/** service_instance_id per worker index, once known. */
const instanceOf: Record<number, string> = {};

const scrape = async (): Promise<string> => (await fetch(metricsUrl)).text();

beforeAll(async () => {
  const [port, summaryPort] = await freePorts(2);
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  summaryUrl = `http://127.0.0.1:${summaryPort}`;
  jobsDir = mkdtempSync(join(tmpdir(), 'agentmeter-cluster-jobs-'));
  app = runNode(['--require', 'agentmeter/register', 'test/fixtures/cluster/app.cjs'], {
    OTEL_SERVICE_NAME: SERVICE,
    OTEL_METRICS_EXPORTER: 'prometheus,kafka',
    OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
    OTEL_METRIC_EXPORT_INTERVAL: '500',
    AGENTMETER_KAFKA_BROKERS: kafkaService().brokers,
    AGENTMETER_SUMMARY_ENABLED: 'true',
    AGENTMETER_SUMMARY_PORT: String(summaryPort),
    WORKER_CALLS: CALLS.join(','),
    APP_BATCH: '100',
    APP_EVERY_MS: '50',
    REFORK_CALLS: String(REFORK_CALLS),
    JOBS_DIR: jobsDir,
  });
  await app.ready;
  removeTarget = addTarget('cluster', `127.0.0.1:${port}`);
});

afterAll(async () => {
  removeTarget?.();
  await app?.stop();
});

describe('node:cluster: primary + 3 workers under --require agentmeter/register', () => {
  it("serves every worker's series on the primary's one endpoint: exact per worker and in total, monotonic across scrapes", async () => {
    const pages: Array<Record<string, number>> = [];
    while (!lines(app).some((l) => l.ready === true)) {
      const page = await scrape().catch(() => undefined);
      if (page !== undefined) pages.push(steadyByInstance(page));
      await new Promise((r) => setTimeout(r, 100));
    }
    workers = (lines(app).find((l) => l.ready === true)!.workers as WorkerInfo[]).sort((a, b) => a.index - b.index);
    const page = await scrape();
    const pids = instancesByPid(page);
    for (const w of workers) instanceOf[w.index] = pids[w.pid]!;
    expect(steadyByInstance(page)).toEqual(Object.fromEntries(workers.map((w) => [instanceOf[w.index], CALLS[w.index]])));
    expect(total(steadyByInstance(page))).toBe(7200);
    // Every worker has its own id; the primary's own series carry none.
    expect(new Set(Object.values(instanceOf)).size).toBe(3);
    expect(page).toMatch(/^agent_service_uptime_seconds\{otel_scope_name="agentmeter",otel_scope_version="[^"]+"\} /m);
    // Whole collections: the workers' instrumentation metrics come along.
    for (const w of workers) expect(page).toContain(`nodejs_eventloop_utilization_ratio{service_instance_id="${instanceOf[w.index]}",`);
    // Each scrape taken while the workers recorded is a step up, never down.
    pages.push(steadyByInstance(page));
    for (let i = 1; i < pages.length; i++) {
      for (const [instance, count] of Object.entries(pages[i - 1]!)) expect(pages[i]![instance]!, `scrape ${i}`).toBeGreaterThanOrEqual(count);
      expect(total(pages[i]!)).toBeGreaterThanOrEqual(total(pages[i - 1]!));
    }
    const promtool = spawnSync(prometheus().promtool, ['check', 'metrics'], { input: page, encoding: 'utf8' });
    expect(promtool.stdout + promtool.stderr).toBe('');
    expect(promtool.status).toBe(0);
    expect(app.stderr()).toBe('');
  });

  it('gives the same exact counts through a real Prometheus, and through Kafka → Collector with each worker its own instance', async () => {
    const direct = `${STEADY},test="cluster"}`;
    await waitForQuery(`sum(${direct})`, (r) => r.length === 1 && Number(r[0]!.value[1]) === 7200);
    const perWorker = Object.fromEntries(workers.map((w) => [instanceOf[w.index]!, CALLS[w.index]!]));
    expect(byLabel(await query(`sum by (service_instance_id) (${direct})`), 'service_instance_id')).toEqual(perWorker);
    const viaCollector = `${STEADY},path="collector",job="${SERVICE}"}`;
    await waitForQuery(`sum(${viaCollector})`, (r) => r.length === 1 && Number(r[0]!.value[1]) === 7200, 45000);
    // The Collector's instance is the worker's service.instance.id: the same ids on both paths.
    expect(byLabel(await query(`sum by (instance) (${viaCollector})`), 'instance')).toEqual(perWorker);
  });

  it("shows the whole cluster in the JSON summary and on the status page; each job's lines stay in its worker's file", async () => {
    const s = (await fetchSummary(summaryUrl)) as Record<string, any>;
    expect(s.tool_metrics.steady).toMatchObject({ total_calls: 7200, successful_calls: 6480, failed_calls: 720, error_types: { TimeoutError: 720 } });
    expect(s.tool_metrics.search).toMatchObject({ total_calls: 6, failed_calls: 3, min_latency_ms: 100, max_latency_ms: 300 });
    expect(s.cache_metrics.embeddings).toEqual({ cache_name: 'embeddings', hits: 21, misses: 9, total_requests: 30, hit_rate: 70, evictions: 0, size_rejections: 0 });
    expect(s.cluster).toEqual({ workers: 3, workers_answered: 3 });
    // Each worker's one job, merged into the primary's list: two search calls, one failed.
    expect(s.jobs.finished).toBe(3);
    const jobs = (s.jobs.recent as Array<Record<string, unknown>>).map((j) => [j.id, j.tool_calls, j.failed_tool_calls, j.llm_calls, j.failed]);
    expect(jobs.sort()).toEqual(workers.map((w) => [`job-${w.index}`, 2, 1, 0, false]).sort());
    expect(await (await fetch(`${summaryUrl}/`)).text()).toContain('cluster: primary + ');
    for (const w of workers) {
      const records = readFileSync(join(jobsDir, `w${w.index}`, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(records.map((r) => [r.event, r.job_id, r.tool, r.success])).toEqual([
        ['tool_call', `job-${w.index}`, 'search', true],
        ['tool_call', `job-${w.index}`, 'search', false],
      ]);
    }
  });

  it('ends the series of a worker killed with SIGKILL and starts the re-forked one at 0: no counter goes backwards', async () => {
    const killed = workers[1]!;
    process.kill(killed.pid, 'SIGKILL');
    const reforked = (await waitForLine(app, (l) => typeof l.reforked === 'object')).reforked as WorkerInfo;
    const page = await scrape();
    const fresh = instancesByPid(page)[reforked.pid]!;
    expect(fresh).not.toBe(instanceOf[1]);
    expect(steadyByInstance(page)).toEqual({ [instanceOf[0]!]: 1200, [instanceOf[2]!]: 3600, [fresh]: REFORK_CALLS });

    const direct = `${STEADY},test="cluster"}`;
    await waitForQuery(`sum(${direct})`, (r) => r.length === 1 && Number(r[0]!.value[1]) === 1200 + 3600 + REFORK_CALLS);
    // The killed worker's series ended at its last value (stale now), not at a lower one.
    expect(await query(`sum(${STEADY},test="cluster",service_instance_id="${instanceOf[1]}"})`)).toEqual([]);
    expect(Number((await query(`sum(max_over_time(${STEADY},test="cluster",service_instance_id="${instanceOf[1]}"}[10m]))`))[0]!.value[1])).toBe(2400);
    for (const family of ['gen_ai_execute_tool_duration_seconds_count', 'gen_ai_execute_tool_duration_seconds_bucket', 'agent_cache_requests_total']) {
      const resets = await query(`sum(resets(${family}{test="cluster"}[10m]))`);
      expect(resets.map((s) => s.value[1]), family).toEqual(['0']);
    }
    // Through the Collector, the killed worker's instance keeps its last totals until metric_expiration.
    const viaCollector = `${STEADY},path="collector",job="${SERVICE}"}`;
    await waitForQuery(`sum(${viaCollector})`, (r) => r.length === 1 && Number(r[0]!.value[1]) === 7200 + REFORK_CALLS, 45000);
    expect(Object.keys(byLabel(await query(`sum by (instance) (${viaCollector})`), 'instance')).sort()).toEqual([instanceOf[0], instanceOf[1], instanceOf[2], fresh].sort());
    instanceOf[1] = fresh;
    workers[1] = reforked;
    expect(app.stderr()).toBe('');
  });

  it('has written nothing on stderr, in the primary or any worker', () => {
    expect(app.stderr()).toBe('');
  });
});

describe('a worker that cannot answer in time', () => {
  let busy: RunningChild | undefined;
  afterAll(async () => {
    await busy?.stop();
  });

  it('is left out of that scrape and counted, and the scrape waits no longer than the 1 s timeout', async () => {
    // An app of its own, scraped by nobody else, so every miss counted below is this test's.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    busy = runNode(['--require', 'agentmeter/register', 'test/fixtures/cluster/app.cjs'], {
      WORKER_CALLS: '100,200',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      AGENTMETER_INSTRUMENTATIONS: 'none',
    });
    const ready = await waitForLine(busy, (l) => l.ready === true);
    const [first, second] = (ready.workers as WorkerInfo[]).sort((a, b) => a.index - b.index);
    const ids = instancesByPid(await (await fetch(url)).text());
    const [a, b] = [ids[first!.pid]!, ids[second!.pid]!];
    expect(steadyByInstance(await (await fetch(url)).text())).toEqual({ [a]: 100, [b]: 200 });

    process.kill(first!.pid, 'SIGUSR2'); // blocks its event loop for 2.5 s
    await new Promise((r) => setTimeout(r, 200));
    const started = performance.now();
    const during = await (await fetch(url)).text();
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(2500);
    expect(steadyByInstance(during)).toEqual({ [b]: 200 });
    expect(primaryValueOf(during, 'agentmeter_cluster_missed_collections_total{')).toBe(1);
    expect(valueOf(during, 'agentmeter_cluster_workers{')).toBe(2);
    // Each scrape until the worker answers again leaves it out and counts it once.
    await new Promise((r) => setTimeout(r, 2300));
    let misses = 1;
    let after = await (await fetch(url)).text();
    while (steadyByInstance(after)[a] === undefined && misses < 20) {
      misses++;
      after = await (await fetch(url)).text();
    }
    expect(steadyByInstance(after)).toEqual({ [a]: 100, [b]: 200 });
    expect(primaryValueOf(after, 'agentmeter_cluster_missed_collections_total{')).toBe(misses);
    expect(busy.stderr()).toBe('');
  });
});

describe('cluster set-ups where a worker cannot be served say so on stderr', () => {
  let other: RunningChild | undefined;
  afterAll(async () => {
    await other?.stop();
  });

  it('a primary without agentmeter: each worker says, once, that nobody serves its series', async () => {
    const port = await freePort();
    other = runNode(['test/fixtures/cluster/app.cjs'], {
      REGISTER_IN_WORKERS_ONLY: '1',
      WORKER_CALLS: '10,10',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      AGENTMETER_INSTRUMENTATIONS: 'none',
    });
    await waitForLine(other, (l) => l.ready === true);
    const deadline = Date.now() + 10000;
    while (other.stderr().split('\n').filter(Boolean).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const said = other.stderr().split('\n').filter(Boolean).sort();
    expect(said).toHaveLength(2);
    for (const [i, line] of said.entries()) {
      expect(line).toMatch(
        new RegExp(
          `^agentmeter: cluster worker ${i + 1} \\(pid \\d+\\): the cluster primary does not run agentmeter, so this worker's Prometheus series are served nowhere; ` +
            'start the primary with --require agentmeter/register or start\\(\\), or set AGENTMETER_CLUSTER=false and give each worker its own OTEL_EXPORTER_PROMETHEUS_PORT \\(docs/many-processes.md\\)$',
        ),
      );
    }
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
    await other.stop();
  });

  it('AGENTMETER_CLUSTER=false: workers bind their own endpoint, and one that cannot says why', async () => {
    const port = await freePort();
    other = runNode(['--require', 'agentmeter/register', 'test/fixtures/cluster/app.cjs'], {
      AGENTMETER_CLUSTER: 'false',
      WORKER_CALLS: '10,10',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      AGENTMETER_INSTRUMENTATIONS: 'none',
    });
    await waitForLine(other, (l) => l.ready === true);
    const deadline = Date.now() + 10000;
    while (other.stderr().split('\n').filter(Boolean).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // The primary holds the port; the workers' listen goes through the primary and fails.
    expect(other.stderr().split('\n').filter(Boolean)).toEqual([
      `agentmeter: the Prometheus endpoint cannot listen on 127.0.0.1:${port} (bind EADDRINUSE 127.0.0.1:${port}); recording goes on, but nothing is served there: set OTEL_EXPORTER_PROMETHEUS_PORT to a free port`,
      `agentmeter: the Prometheus endpoint cannot listen on 127.0.0.1:${port} (bind EADDRINUSE 127.0.0.1:${port}); recording goes on, but nothing is served there: set OTEL_EXPORTER_PROMETHEUS_PORT to a free port`,
    ]);
    expect(steadyByInstance(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())).toEqual({});
  });
});
