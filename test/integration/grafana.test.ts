// The committed dashboards and rules on real data, through both export paths at once.
//
// Two real demos (`agentmeter demo`, one healthy, one with --fault-burst; a third joins for step 2) export both ways: a
// Prometheus scrapes their endpoints directly, and scrapes the real Collector that reads what
// they publish to the real Kafka broker. That Prometheus runs collector-config/prometheus.yml
// (the compose one, with local targets and 1 s intervals) and the generated rule file rendered
// with TEST_OVERRIDES (grafana/src/config.ts: group interval 1 s, every `for:` 5 s, stall after
// 15 s). The test then
//   1. waits for every fault-burst alert to fire for the faulty demo on both paths, while no
//      alert ever fires for the healthy one;
//   2. stops a third demo (Kafka path only) with SIGTERM: its final export carries
//      agentmeter_shutdown 1, and the stall alert stays silent for it once its data is stale;
//   3. kills the healthy demo and the broker: scrape-target-down (direct), stalled (Collector
//      path) and dropping (direct) fire; then kills the Collector: its scrape target is down;
//   4. restarts both, and evaluates every panel query (variables substituted as Grafana does),
//      every variable query and every recording rule for the faulty demo on each path, failing
//      with the list of those that return nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ROOT } from '../infra/child';
import { collectorService, kafkaService } from '../infra/kafka-helpers';
import { ensurePrometheusBinaries } from '../infra/prometheus.mjs';
import { freePort, isAlive, startProcess, stopProcess, waitFor } from '../infra/process.mjs';
import { killService, readState, restartService } from '../infra/services.mjs';
import { generate } from '../../grafana/src/generate';
import { DEFAULT_CONFIG, TEST_OVERRIDES, testConfig } from '../../grafana/src/config';
import { PATHS } from '../../grafana/src/paths';
import { alertSpecs, type AlertSpec, type Trigger } from '../../grafana/src/rules/alerts';
import { interpolate, intervalMillis, type GrafanaContext } from '../../grafana/src/interpolate';
import { grafanaRuleExprs, panelQueries, prometheusRuleExprs, variableQueries } from '../../grafana/src/queries';
import { labelValuesSelector } from '../../grafana/src/promql/metric-names';
import { FAULTY_TOOL } from '../../src/cli/demo-scenario';

type Path = 'direct' | 'collector';
const HEALTHY = 'grafana-healthy';
const FAULTY = 'grafana-faulty';
/** A healthy demo on the Kafka path only, stopped with SIGTERM: its stall must not page. */
const STOPPED = 'grafana-stopped';
/** The job of a demo on a path: service.name through the Collector, a target label when scraped. */
const job = (service: string, path: Path): string => (path === 'collector' ? service : `${service}-direct`);
const PATHS_BOTH: Path[] = ['direct', 'collector'];
const ALERTS = alertSpecs(DEFAULT_CONFIG);
/** The Grafana-managed rules as `grafanaManagedAlerts: true` emits them (not committed by default). */
const GRAFANA_RULES = generate({ ...DEFAULT_CONFIG, grafanaManagedAlerts: true }).get(PATHS.grafanaRules)!;

interface Demo {
  child: ChildProcess;
  port: number;
  stdout: () => string;
  stderr: () => string;
}

let dir: string;
let promUrl: string;
let promPid: number | undefined;
let promLog: string;
const demos = new Map<string, Demo>();
let brokerKilled = false;
let collectorKilled = false;

// ---- Prometheus HTTP API -------------------------------------------------------------------

interface Series {
  metric: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${promUrl}${path}`);
  const body = (await res.json()) as { status: string; error?: string; data: T };
  if (body.status !== 'success') throw new Error(`Prometheus ${path} failed: ${body.error} (log: ${promLog})`);
  return body.data;
}

const instant = async (expr: string): Promise<Series[]> =>
  (await api<{ result: Series[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result;

async function range(expr: string, seconds: number, stepSeconds: number): Promise<Series[]> {
  const end = Date.now() / 1000;
  const q = `query=${encodeURIComponent(expr)}&start=${end - seconds}&end=${end}&step=${stepSeconds}`;
  return (await api<{ result: Series[] }>(`/api/v1/query_range?${q}`)).result;
}

interface ActiveAlert {
  labels: Record<string, string>;
  state: string;
}

const firing = async (): Promise<ActiveAlert[]> =>
  (await api<{ alerts: ActiveAlert[] }>('/api/v1/alerts')).alerts.filter((a) => a.state === 'firing');

/** Every (alert, job) ever seen firing, with the phase in which it was first seen. */
const seenFiring = new Map<string, string>();
let phase = 'start';
async function poll(): Promise<Set<string>> {
  const now = new Set((await firing()).map((a) => `${a.labels.alertname} ${a.labels.job}`));
  for (const key of now) if (!seenFiring.has(key)) seenFiring.set(key, phase);
  return now;
}

/** Polls /api/v1/alerts until every `wanted` "<alert> <job>" fires; fails listing the missing ones. */
async function waitForFiring(wanted: string[], timeoutMillis: number): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  let missing = wanted;
  while (Date.now() < deadline) {
    const now = await poll();
    missing = wanted.filter((w) => !now.has(w));
    if (missing.length === 0) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`never firing: ${missing.join(', ')}; firing now: ${[...(await poll())].join(', ')} (Prometheus log: ${promLog})`);
}

const expectedFor = (by: Trigger['by'], service: string): string[] =>
  ALERTS.flatMap((a) => a.triggers.filter((t) => t.by === by).flatMap((t) => t.paths.map((p) => `${a.name} ${by === 'collector-killed' ? DEFAULT_CONFIG.collectorJob : job(service, p)}`)));

/** Both renderings of an alert (Prometheus rule, Grafana-managed query) return a series for `jobName` now. */
async function expectExpressionsReturn(alert: AlertSpec, jobName: string): Promise<void> {
  const prom = prometheusRuleExprs(PATHS.prometheusRules, readFileSync(join(ROOT, PATHS.prometheusRules), 'utf8')).find((r) => r.name === alert.name)!;
  const graf = grafanaRuleExprs(PATHS.grafanaRules, GRAFANA_RULES).find((r) => r.name === alert.name)!;
  for (const [where, expr] of [[PATHS.prometheusRules, prom.expr], [PATHS.grafanaRules, graf.expr]] as const) {
    // The committed rule uses the production stall threshold; evaluate the test one.
    const e = alert.name === 'AgentmeterPipelineStalled' ? expr.replace(`> ${DEFAULT_CONFIG.thresholds.dataAgeSeconds}`, `> ${TEST_OVERRIDES.dataAgeSeconds}`) : expr;
    const jobs = (await instant(e)).map((s) => s.metric.job);
    expect(jobs, `${where}: ${alert.name} returns no series for job ${jobName}`).toContain(jobName);
  }
}

// ---- the demos -----------------------------------------------------------------------------

async function startDemo(service: string, flags: string[], scraped = true): Promise<Demo> {
  const child = spawn(process.execPath, ['dist/cli/main.js', 'demo', '--port', '0', '--summary-port', '0', ...flags], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      OTEL_SERVICE_NAME: service,
      OTEL_METRICS_EXPORTER: 'prometheus,kafka',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      AGENTMETER_KAFKA_BROKERS: kafkaService().brokers,
      AGENTMETER_KAFKA_MAX_QUEUE: '1',
      AGENTMETER_KAFKA_REQUEST_TIMEOUT: '2000',
    },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const port = await waitFor(`demo ${service}`, () => {
    const m = /metrics at http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(out);
    return m ? Number(m[1]) : undefined;
  }, { timeoutMillis: 20000, pid: child.pid });
  const demo = { child, port, stdout: () => out, stderr: () => err };
  demos.set(service, demo);
  if (scraped) writeFileSync(join(dir, 'targets', `${service}.json`), JSON.stringify([{ targets: [`127.0.0.1:${port}`], labels: { job: job(service, 'direct') } }]));
  return demo;
}

// ---- set-up --------------------------------------------------------------------------------

/** The compose Prometheus config with this test's targets, intervals and rule files. */
function prometheusConfig(): string {
  const config = parse(readFileSync(join(ROOT, 'collector-config/prometheus.yml'), 'utf8')) as {
    global: Record<string, string>;
    rule_files: string[];
    scrape_configs: Array<Record<string, unknown> & { job_name: string }>;
  };
  config.global = { scrape_interval: '1s', evaluation_interval: '1s' };
  config.rule_files = [join(dir, 'rules', '*.rules.yml')];
  for (const scrape of config.scrape_configs) {
    if (scrape.job_name === DEFAULT_CONFIG.collectorJob) scrape.static_configs = [{ targets: [collectorService().prometheusEndpoint, collectorService().telemetryEndpoint] }];
    else if (scrape.dns_sd_configs) {
      delete scrape.dns_sd_configs;
      scrape.file_sd_configs = [{ files: [join(dir, 'targets', '*.json')], refresh_interval: '1s' }];
    }
  }
  return stringify(config);
}

beforeAll(async () => {
  dir = join(kafkaService().infraDir, `grafana-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ['rules', 'targets', 'data']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'rules', 'agentmeter.rules.yml'), generate(testConfig()).get(PATHS.prometheusRules)!);
  writeFileSync(join(dir, 'prometheus.yml'), prometheusConfig());
  const { prometheus } = await ensurePrometheusBinaries();
  const port = await freePort();
  promLog = join(dir, 'prometheus.log');
  promUrl = `http://127.0.0.1:${port}`;
  promPid = startProcess(prometheus, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { logPath: promLog });
  await waitFor('Prometheus for the Grafana test', async () => (await fetch(`${promUrl}/-/ready`)).ok, { logPath: promLog, pid: promPid });
  await startDemo(HEALTHY, []);
  await startDemo(FAULTY, ['--fault-burst', '--fault-seconds', '1800']);
  await startDemo(STOPPED, [], false);
}, 120000);

afterAll(async () => {
  for (const d of demos.values()) if (d.child.exitCode === null && d.child.signalCode === null) d.child.kill('SIGKILL');
  // Leave the shared services as the next test file expects them.
  const infraDir = kafkaService().infraDir;
  if (brokerKilled && !isAlive(readState(infraDir).kafka.pid)) await restartService(infraDir, 'kafka');
  if (collectorKilled && !isAlive(readState(infraDir).collector.pid)) await restartService(infraDir, 'collector');
  await stopProcess(promPid);
}, 120000);

// ---- the test ------------------------------------------------------------------------------

describe('dashboards and rules on the real demo, direct scrape and Kafka → Collector → Prometheus', () => {
  it('loads the committed rules with only the documented test overrides', async () => {
    const committed = prometheusRuleExprs('committed', readFileSync(join(ROOT, PATHS.prometheusRules), 'utf8'));
    const loaded = (await api<{ groups: Array<{ name: string; interval: number; rules: Array<{ name: string; query: string; duration?: number }> }> }>('/api/v1/rules')).groups;
    // The API lists groups by name; the file has recording rules first.
    const byName = (name: string) => loaded.find((g) => g.name === name)!;
    expect(loaded.map((g) => [g.name, g.interval]).sort()).toEqual([['agentmeter.alerts', 1], ['agentmeter.recording', 1]]);
    const rules = [...byName('agentmeter.recording').rules, ...byName('agentmeter.alerts').rules];
    expect(rules.map((r) => r.name)).toEqual(committed.map((r) => r.name));
    for (const [i, r] of rules.entries()) {
      const expected = r.name === 'AgentmeterPipelineStalled'
        ? committed[i]!.expr.replace(`> ${DEFAULT_CONFIG.thresholds.dataAgeSeconds}`, `> ${TEST_OVERRIDES.dataAgeSeconds}`)
        : committed[i]!.expr;
      // Prometheus prints the parsed expression; compare modulo whitespace.
      expect(r.query.replace(/\s+/g, ''), r.name).toBe(expected.replace(/\s+/g, ''));
      if (committed[i]!.kind === 'alert') expect(r.duration, r.name).toBe(5);
    }
  });

  it('fires every fault-burst alert for the faulty demo on both paths, and none for the healthy demo', async () => {
    phase = 'fault burst';
    await waitForFiring(expectedFor('fault-burst', FAULTY), 150000);
    // Keep watching until the healthy demo has run for 45 s, as seen on both paths.
    const uptime = `min by (job) (agent_service_uptime_seconds{job=~"${HEALTHY}|${HEALTHY}-direct"})`;
    await waitFor('45 s of the healthy demo on both paths', async () => {
      await poll();
      const uptimes = await instant(uptime);
      return uptimes.length === 2 && uptimes.every((s) => Number(s.value![1]) > 45);
    }, { timeoutMillis: 60000, logPath: promLog });
    const healthyFiring = [...seenFiring.keys()].filter((k) => k.endsWith(` ${HEALTHY}`) || k.endsWith(` ${HEALTHY}-direct`));
    expect(healthyFiring, 'alerts fired for the healthy demo').toEqual([]);
    const unexpected = [...seenFiring.keys()].filter((k) => !expectedFor('fault-burst', FAULTY).includes(k));
    expect(unexpected, 'alerts fired that the fault burst should not cause').toEqual([]);
    for (const a of ALERTS.filter((x) => x.triggers.some((t) => t.by === 'fault-burst'))) {
      for (const p of PATHS_BOTH) await expectExpressionsReturn(a, job(FAULTY, p));
    }
    expect(demos.get(HEALTHY)!.stderr()).toBe('');
  }, 240000);

  it('keeps the stall alert silent for a demo stopped with SIGTERM, whose final export says it shut down', async () => {
    phase = 'deliberate stop';
    const stopped = demos.get(STOPPED)!;
    stopped.child.kill('SIGTERM');
    await waitFor('the stopped demo to exit', () => stopped.child.exitCode !== null || stopped.child.signalCode !== null, { timeoutMillis: 20000 });
    expect([stopped.child.exitCode, stopped.child.signalCode, stopped.stderr()]).toEqual([0, null, '']);
    expect(stopped.stdout()).toContain('agentmeter demo: stopped');
    await waitFor('the shutdown to reach Prometheus through the Collector', async () => {
      const v = await instant(`agentmeter_shutdown{job="${STOPPED}"}`);
      return v.length === 1 && v[0]!.value![1] === '1';
    }, { timeoutMillis: 30000, logPath: collectorService().logPath });
    // Stale past the test threshold plus `for:` (15 s + 5 s) and a few evaluations: the alert
    // without the shutdown exclusion returns the job, the alert itself never fires for it.
    const age = `time() - max by (job) (agent_service_start_time_seconds{job="${STOPPED}"} + agent_service_uptime_seconds{job="${STOPPED}"})`;
    await waitFor('the stopped demo\'s data to be 25 s old', async () => {
      await poll();
      const v = await instant(age);
      return v.length === 1 && Number(v[0]!.value![1]) > TEST_OVERRIDES.dataAgeSeconds + 10;
    }, { timeoutMillis: 60000, logPath: promLog });
    await poll();
    expect([...seenFiring.keys()].filter((k) => k.endsWith(` ${STOPPED}`))).toEqual([]);
  }, 120000);

  it('fires scrape-target-down, stalled and dropping when a demo and the broker are killed, then when the Collector is', async () => {
    phase = 'outage';
    const infraDir = kafkaService().infraDir;
    demos.get(HEALTHY)!.child.kill('SIGKILL');
    await killService(infraDir, 'kafka');
    brokerKilled = true;
    const wanted = [...expectedFor('process-killed', HEALTHY), ...expectedFor('broker-killed', FAULTY)];
    expect(wanted.sort()).toEqual([`AgentmeterPipelineDropping ${FAULTY}-direct`, `AgentmeterPipelineStalled ${HEALTHY}`, `AgentmeterScrapeTargetDown ${HEALTHY}-direct`]);
    await waitForFiring(wanted, 90000);
    for (const w of wanted) {
      const [name, jobName] = w.split(' ');
      await expectExpressionsReturn(ALERTS.find((a) => a.name === name)!, jobName!);
    }
    await killService(infraDir, 'collector');
    collectorKilled = true;
    const collectorDown = expectedFor('collector-killed', FAULTY);
    expect(collectorDown).toEqual([`AgentmeterScrapeTargetDown ${DEFAULT_CONFIG.collectorJob}`]);
    await waitForFiring(collectorDown, 60000);
    await expectExpressionsReturn(ALERTS.find((a) => a.name === 'AgentmeterScrapeTargetDown')!, DEFAULT_CONFIG.collectorJob);
    await restartService(infraDir, 'kafka');
    brokerKilled = false;
    await restartService(infraDir, 'collector');
    collectorKilled = false;
    // The faulty demo's backlog arrives: the exporter's failures and drops reach the Collector path.
    phase = 'recovery';
    await waitFor('the Kafka path to deliver the outage\'s failures and drops', async () => {
      const series = await instant(`count by (__name__) ({job="${FAULTY}", __name__=~"agentmeter_exporter_kafka_(failures|dropped)_total"})`);
      const age = await instant(`job:agentmeter_data_age:seconds{job="${FAULTY}"}`);
      return series.length === 2 && age.length === 1 && Number(age[0]!.value![1]) < 5;
    }, { timeoutMillis: 120000, logPath: collectorService().logPath });
    // Rate windows ($__rate_interval is 4 s here) need a few samples after the recovery.
    await new Promise((r) => setTimeout(r, 8000));
  }, 300000);

  const ctx = (path: Path, detail: boolean): GrafanaContext => ({
    rangeSeconds: 300,
    scrapeIntervalSeconds: 1,
    maxDataPoints: 1000,
    variables: {
      job: [job(FAULTY, path)],
      tool: detail ? [FAULTY_TOOL] : 'All',
      cache: 'All',
      agent: 'All',
      model: 'All',
      collector_job: [DEFAULT_CONFIG.collectorJob],
    },
    allValues: { tool: '.*', cache: '.*', agent: '.*', model: '.*' },
  });

  it.each(PATHS_BOTH)('every panel query of every dashboard returns data for the faulty demo (%s)', async (path) => {
    const empty: string[] = [];
    let count = 0;
    const files = [...generate().keys()].filter((p) => p.startsWith(PATHS.dashboards));
    for (const file of files) {
      const dashboard = JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Parameters<typeof panelQueries>[0] & { uid: string };
      const c = ctx(path, dashboard.uid === 'agentmeter-tool-detail');
      for (const q of panelQueries(dashboard)) {
        const expr = interpolate(q.expr, c);
        const result = q.instant ? await instant(expr) : await range(expr, 60, intervalMillis(c) / 1000);
        const points = result.reduce((n, s) => n + (s.values?.length ?? (s.value ? 1 : 0)), 0);
        count++;
        if (points === 0) empty.push(`${q.dashboard} / ${q.panel} (${q.refId}): ${expr}`);
      }
      for (const v of variableQueries(dashboard)) {
        const selector = interpolate(labelValuesSelector(v.query), c);
        const label = /,\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(v.query)![1]!;
        const values = await api<string[]>(`/api/v1/label/${label}/values?match[]=${encodeURIComponent(selector)}&start=${Date.now() / 1000 - 300}`);
        count++;
        if (values.length === 0) empty.push(`${v.dashboard} / variable $${v.variable}: label_values(${selector}, ${label})`);
      }
    }
    expect(count).toBeGreaterThan(60);
    expect(empty, `empty on the ${path} path`).toEqual([]);
  }, 120000);

  it.each(PATHS_BOTH)('every recording rule returns data for the faulty demo (%s), both as recorded and as its expression', async (path) => {
    const empty: string[] = [];
    const jobName = job(FAULTY, path);
    for (const r of prometheusRuleExprs(PATHS.prometheusRules, readFileSync(join(ROOT, PATHS.prometheusRules), 'utf8')).filter((x) => x.kind === 'record')) {
      const matchers = [`job="${jobName}"`, ...Object.entries(r.labels).map(([k, v]) => `${k}="${v}"`)].join(', ');
      if ((await instant(`${r.name}{${matchers}}`)).length === 0) empty.push(`${r.name}{${matchers}} (recorded)`);
      if (!(await instant(r.expr)).some((s) => s.metric.job === jobName)) empty.push(`${r.name}: ${r.expr}`);
    }
    expect(empty, `empty on the ${path} path`).toEqual([]);
  }, 60000);

  it('never fired an alert for the healthy demo while it ran, and the faulty demo stayed up throughout', async () => {
    const byPhase = [...seenFiring.entries()].filter(([k]) => k.includes(HEALTHY)).map(([k, p]) => `${k} (${p})`);
    expect(byPhase.every((x) => !x.endsWith('(fault burst)') && !x.endsWith('(start)')), byPhase.join(', ')).toBe(true);
    const faulty = demos.get(FAULTY)!;
    expect(faulty.child.exitCode).toBeNull();
    expect(faulty.stdout()).toContain('fault burst from +0 s for 1800 s');
  });
});
