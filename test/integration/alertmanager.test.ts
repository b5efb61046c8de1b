// Alerts reach someone: the shipped Alertmanager config passes amtool, docker-compose.yml wires
// Prometheus to it, and on real services a shipped alert travels the whole way:
//   faulty demo (--fault-burst) ← scraped by a real Prometheus running the compose prometheus.yml
//   (its `alerting:` block pointed at this run's Alertmanager, 1 s intervals) and the generated
//   rule file rendered with TEST_OVERRIDES → a real Alertmanager running the shipped
//   alertmanager.yml (its webhook URL pointed at this test, group_wait/group_interval 1 s) → a
//   node:http webhook receiver in this process, which must get AgentToolErrorRateHigh for the
//   demo's job with its severity and absolute runbook URL.
// Needs no shared service: AGENTMETER_INFRA_SERVICES=none.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ROOT } from '../infra/child';
import { ensurePrometheusBinaries } from '../infra/prometheus.mjs';
import { ensureAlertmanagerBinaries, startAlertmanager } from '../infra/alertmanager.mjs';
import { freePort, startProcess, stopProcess, waitFor } from '../infra/process.mjs';
import { generate } from '../../grafana/src/generate';
import { DEFAULT_CONFIG, testConfig } from '../../grafana/src/config';
import { PATHS } from '../../grafana/src/paths';
import { FAULTY_TOOL } from '../../src/cli/demo-scenario';

const ALERTMANAGER_CONFIG = join(ROOT, 'collector-config', 'alertmanager.yml');
const PROMETHEUS_CONFIG = join(ROOT, 'collector-config', 'prometheus.yml');
const JOB = 'alerting-faulty-direct';
const ALERT = 'AgentToolErrorRateHigh';

interface AlertmanagerConfig {
  route: { receiver: string; group_by: string[]; group_wait: string; group_interval: string; repeat_interval: string };
  receivers: Array<{ name: string; webhook_configs?: Array<{ url: string; send_resolved?: boolean }> }>;
}
interface PrometheusConfig {
  global: Record<string, string>;
  rule_files: string[];
  alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
  scrape_configs: Array<Record<string, unknown> & { job_name: string }>;
}
interface ComposeService { image?: string; command?: string[]; ports?: string[]; volumes?: string[]; depends_on?: string[] }

/** Alertmanager's webhook payload (version 4), the fields this test reads. */
interface Notification {
  version: string;
  status: string;
  receiver: string;
  groupLabels: Record<string, string>;
  alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string> }>;
}

const shipped = parse(readFileSync(ALERTMANAGER_CONFIG, 'utf8')) as AlertmanagerConfig;
const promConfig = parse(readFileSync(PROMETHEUS_CONFIG, 'utf8')) as PrometheusConfig;
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };

let dir: string;
let webhook: Server;
const notifications: Notification[] = [];
let demo: ChildProcess | undefined;
let demoOut = '';
let promPid: number | undefined;
let promLog: string;
let alertmanager: { pid: number; url: string; port: number; logPath: string } | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentmeter-alerting-'));
  for (const sub of ['rules', 'targets', 'data', 'alertmanager']) mkdirSync(join(dir, sub), { recursive: true });

  // The receiver users replace: here, this process.
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      notifications.push(JSON.parse(body) as Notification);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const hookPort = (webhook.address() as { port: number }).port;

  // The shipped Alertmanager config with this test's receiver URL and 1 s grouping delays.
  const amConfig = structuredClone(shipped);
  amConfig.route.group_wait = '1s';
  amConfig.route.group_interval = '1s';
  for (const r of amConfig.receivers) for (const w of r.webhook_configs ?? []) w.url = `http://127.0.0.1:${hookPort}/agentmeter`;
  const amConfigPath = join(dir, 'alertmanager', 'alertmanager.yml');
  writeFileSync(amConfigPath, stringify(amConfig));
  alertmanager = await startAlertmanager(join(dir, 'alertmanager'), amConfigPath);

  // The faulty demo, scraped directly.
  demo = spawn(process.execPath, ['dist/cli/main.js', 'demo', '--port', '0', '--summary-port', '0', '--fault-burst', '--fault-seconds', '600'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OTEL_SERVICE_NAME: JOB, OTEL_METRICS_EXPORTER: 'prometheus' },
  });
  demo.stdout!.on('data', (d: Buffer) => (demoOut += d.toString()));
  demo.stderr!.on('data', (d: Buffer) => (demoOut += d.toString()));
  const demoPort = await waitFor('faulty demo', () => {
    const m = /metrics at http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(demoOut);
    return m ? Number(m[1]) : undefined;
  }, { timeoutMillis: 20000, pid: demo.pid });
  writeFileSync(join(dir, 'targets', 'demo.json'), JSON.stringify([{ targets: [`127.0.0.1:${demoPort}`], labels: { job: JOB } }]));

  // The compose Prometheus config: its alerting block aimed at this Alertmanager, one scrape job
  // for the demo, 1 s intervals; the shipped rules with the test overrides (every `for:` 5 s).
  const config = structuredClone(promConfig);
  config.global = { scrape_interval: '1s', evaluation_interval: '1s' };
  config.rule_files = [join(dir, 'rules', '*.rules.yml')];
  config.alerting.alertmanagers[0]!.static_configs = [{ targets: [`127.0.0.1:${alertmanager.port}`] }];
  config.scrape_configs = [{ job_name: 'agentmeter-demo-direct', file_sd_configs: [{ files: [join(dir, 'targets', '*.json')], refresh_interval: '1s' }] }];
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  writeFileSync(join(dir, 'rules', 'agentmeter.rules.yml'), generate(testConfig()).get(PATHS.prometheusRules)!);
  const { prometheus } = await ensurePrometheusBinaries();
  const port = await freePort();
  promLog = join(dir, 'prometheus.log');
  promPid = startProcess(prometheus, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { logPath: promLog });
  await waitFor('Prometheus for the alerting test', async () => (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok, { logPath: promLog, pid: promPid });
}, 120000);

afterAll(async () => {
  if (demo && demo.exitCode === null && demo.signalCode === null) demo.kill('SIGKILL');
  await stopProcess(promPid);
  await stopProcess(alertmanager?.pid);
  await new Promise((resolve) => webhook?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
}, 30000);

describe('the shipped Alertmanager config', () => {
  it('passes amtool check-config', async () => {
    const { amtool } = await ensureAlertmanagerBinaries();
    const out = execFileSync(amtool, ['check-config', ALERTMANAGER_CONFIG], { encoding: 'utf8' });
    expect(out).toContain(`Checking '${ALERTMANAGER_CONFIG}'  SUCCESS`);
    expect(out).toContain(' - 1 receivers');
  });

  it('routes everything to one webhook receiver with a placeholder URL that never resolves, grouped by alertname and job', () => {
    expect(shipped.route).toEqual({ receiver: 'default', group_by: ['alertname', 'job'], group_wait: '30s', group_interval: '5m', repeat_interval: '4h' });
    expect(shipped.receivers).toEqual([{ name: 'default', webhook_configs: [{ url: 'http://alert-receiver.example.invalid/agentmeter', send_resolved: true }] }]);
  });

  it('is what docker-compose.yml runs, and the compose Prometheus sends its alerts to it', () => {
    const am = compose.services.alertmanager!;
    expect(am.image).toBe('prom/alertmanager:v0.27.0');
    expect(am.command).toEqual(['--config.file=/etc/alertmanager/alertmanager.yml', '--storage.path=/alertmanager']);
    expect(am.volumes).toEqual(['./collector-config/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro']);
    expect(am.ports).toEqual(['127.0.0.1:9093:9093']);
    expect(promConfig.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ['alertmanager:9093'] }] }] });
    expect(compose.services.prometheus!.depends_on).toContain('alertmanager');
  });
});

describe('a shipped alert reaches the webhook: demo → Prometheus → Alertmanager → receiver', () => {
  it(`delivers ${ALERT} for the faulty demo with alertname, job, severity and the absolute runbook URL`, async () => {
    const mine = () => notifications.find((n) => n.groupLabels.alertname === ALERT && n.groupLabels.job === JOB && n.status === 'firing');
    await waitFor(`a webhook notification of ${ALERT}`, () => mine(), { timeoutMillis: 90000, logPath: alertmanager!.logPath });
    const n = mine()!;
    expect(n.version).toBe('4');
    expect(n.receiver).toBe('default');
    expect(n.groupLabels).toEqual({ alertname: ALERT, job: JOB });
    expect(n.alerts.length).toBe(1);
    const [alert] = n.alerts;
    expect(alert!.status).toBe('firing');
    expect(alert!.labels).toMatchObject({ alertname: ALERT, job: JOB, severity: 'critical', gen_ai_tool_name: FAULTY_TOOL });
    expect(alert!.annotations.runbook_url).toBe(`${DEFAULT_CONFIG.docsBaseUrl}/docs/runbooks.md#${ALERT.toLowerCase()}`);
    expect(alert!.annotations.runbook_url).toMatch(/^https:\/\//);
    // Nothing reached the receiver for another job: the route groups per job.
    expect(notifications.every((x) => x.groupLabels.job === JOB)).toBe(true);
  }, 100000);
});
