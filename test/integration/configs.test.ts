// The shipped configs are valid for the real programs that read them, and docker-compose.yml
// mounts exactly those files with every variable they need.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../infra/child';
import { prometheus } from '../infra/prom';
import { ensureCollector } from '../infra/collector.mjs';
import { PATHS } from '../../grafana/src/paths';
import { DEFAULT_CONFIG } from '../../grafana/src/config';
import { DASHBOARDS_MOUNT, PROMETHEUS_URL, SCRAPE_INTERVAL, STORE_URL } from '../../grafana/src/provisioning';

const CONFIG_DIR = join(ROOT, 'collector-config');
interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  profiles?: string[];
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  command?: string[];
  deploy?: { replicas?: number };
  depends_on?: string[];
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };
const prometheusConfig = parse(readFileSync(join(CONFIG_DIR, 'prometheus.yml'), 'utf8')) as {
  global: { scrape_interval: string };
  rule_files: string[];
  scrape_configs: Array<{ job_name: string; honor_labels?: boolean; static_configs?: Array<{ targets: string[] }>; dns_sd_configs?: Array<{ names: string[]; port: number }> }>;
};

/** `source:target[:ro]` of a service's volumes, as [source, target]. */
function mounts(service: ComposeService): Array<[string, string]> {
  return (service.volumes ?? []).map((v) => {
    const [source, target] = v.split(':');
    return [source!, target!];
  });
}

/** Prometheus' rule_files glob (only `*` is used) as a regular expression. */
function globRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
}

function envPlaceholders(file: string): string[] {
  return [...new Set([...readFileSync(file, 'utf8').matchAll(/\$\{env:([A-Z0-9_]+)(?::-[^}]*)?\}/g)].map((m) => m[1]!))].sort();
}

/** Every Collector config shipped (all YAML in collector-config/ but the builder manifest). */
const COLLECTOR_CONFIGS = readdirSync(CONFIG_DIR).filter((f) => f.endsWith('.yaml') && f !== 'builder-config.yaml').sort();

/** A value of the right shape for each variable a config reads (validate checks shapes, not files). */
function placeholderValue(name: string): string {
  if (name.endsWith('ENDPOINT')) return '127.0.0.1:0';
  if (name === 'KAFKA_BROKERS') return '127.0.0.1:9092';
  if (name === 'KAFKA_SASL_MECHANISM') return 'SCRAM-SHA-512';
  if (name.endsWith('_URL')) return 'http://127.0.0.1:9090/api/v1/write';
  if (name.endsWith('_HOST')) return '127.0.0.1';
  if (name.endsWith('_PORT')) return '8888';
  return 'x';
}

describe('collector-config', () => {
  it('ships the Kafka, Kafka with SASL/TLS, OTLP and Collector-group (remote write) configs', () => {
    expect(COLLECTOR_CONFIGS).toEqual(['kafka-sasl-tls-to-prometheus.yaml', 'kafka-to-prometheus.yaml', 'kafka-to-remote-write.yaml', 'otlp-to-prometheus.yaml']);
  });

  it.each(COLLECTOR_CONFIGS)('%s passes the built Collector’s validate', async (name) => {
    const binary = await ensureCollector();
    const env: Record<string, string> = {};
    for (const v of envPlaceholders(join(CONFIG_DIR, name))) env[v] = placeholderValue(v);
    const result = spawnSync(binary, ['validate', '--config', join(CONFIG_DIR, name)], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('kafka-sasl-tls-to-prometheus.yaml is kafka-to-prometheus.yaml plus SASL and TLS, every secret from the environment', () => {
    const read = (name: string) => parse(readFileSync(join(CONFIG_DIR, name), 'utf8')) as { receivers: { kafka: Record<string, unknown> } };
    const plain = read('kafka-to-prometheus.yaml');
    const secured = read('kafka-sasl-tls-to-prometheus.yaml');
    const { auth, tls, ...rest } = secured.receivers.kafka;
    expect(auth).toEqual({ sasl: { username: '${env:KAFKA_SASL_USERNAME}', password: '${env:KAFKA_SASL_PASSWORD}', mechanism: '${env:KAFKA_SASL_MECHANISM}' } });
    // v0.165's kafkareceiver: TLS at the top level (auth.tls is deprecated).
    expect(tls).toEqual({ ca_file: '${env:KAFKA_TLS_CA_FILE}' });
    expect({ ...secured, receivers: { ...secured.receivers, kafka: rest } }).toEqual(plain);
  });

  it.each(['prometheus.yml', 'prometheus-store.yml'])('%s passes promtool check config', (name) => {
    const out = execFileSync(prometheus().promtool, ['check', 'config', join(CONFIG_DIR, name)], { encoding: 'utf8' });
    expect(out).toContain('SUCCESS');
  });

  it('prometheus.yml names the Collector job the pipeline dashboard defaults to, and keeps its labels', () => {
    const collector = prometheusConfig.scrape_configs.find((c) => c.job_name === DEFAULT_CONFIG.collectorJob);
    expect(collector).toMatchObject({ honor_labels: true });
  });
});

describe('docker-compose.yml', () => {
  it('mounts files that exist in the repository, and builds from a Dockerfile that exists', () => {
    const sources = Object.values(compose.services).flatMap((s) => mounts(s).map(([source]) => source));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(existsSync(join(ROOT, source)), source).toBe(true);
    for (const [name, s] of Object.entries(compose.services).filter(([, x]) => x.build)) {
      expect(existsSync(join(ROOT, s.build!.context, s.build!.dockerfile)), name).toBe(true);
    }
  });

  it('pins every image tag, including the demo Dockerfile\'s base image', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.build) continue;
      expect(s.image, name).toMatch(/^[a-z0-9./-]+:v?\d+\.\d+\.\d+$/);
    }
    const dockerfiles = new Set(Object.values(compose.services).filter((s) => s.build).map((s) => join(s.build!.context, s.build!.dockerfile)));
    expect(dockerfiles.size).toBe(1);
    for (const file of dockerfiles) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const from of text.match(/^FROM .*$/gm)!) expect(from).toMatch(/^FROM [a-z0-9./-]+:\d+\.\d+\.\d+[a-z0-9.-]*$/);
      for (const copy of text.matchAll(/^COPY (.+) \S+$/gm)) for (const src of copy[1]!.split(' ')) expect(existsSync(join(ROOT, src)), src).toBe(true);
    }
  });

  it('gives Prometheus the shipped config and the generated rule file where rule_files finds it', () => {
    const m = new Map(mounts(compose.services.prometheus!).map(([source, target]) => [source, target]));
    expect(m.get('./collector-config/prometheus.yml')).toBe('/etc/prometheus/prometheus.yml');
    const rules = m.get(`./${PATHS.prometheusRules}`)!;
    expect(prometheusConfig.rule_files.some((g) => globRegExp(g).test(rules)), rules).toBe(true);
    // The promtool test file sits beside the rules and must not be loaded as a rule file.
    expect(prometheusConfig.rule_files.some((g) => globRegExp(g).test(`/etc/prometheus/rules/${PATHS.promtoolTests.split('/').pop()}`))).toBe(false);
  });

  it('stores exemplars in Prometheus and has the Collector serve them (OpenMetrics), so buckets link to traces', () => {
    const command = (compose.services.prometheus as { command?: string[] }).command!;
    expect(command).toEqual(['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', '--enable-feature=exemplar-storage']);
    for (const name of COLLECTOR_CONFIGS.filter((n) => n !== 'kafka-to-remote-write.yaml')) {
      const config = parse(readFileSync(join(CONFIG_DIR, name), 'utf8')) as { exporters: { prometheus: Record<string, unknown> } };
      expect(config.exporters.prometheus.enable_open_metrics, name).toBe(true);
    }
  });

  it('gives Grafana the generated provisioning and dashboards, anonymous viewers, and a data source pointing at the compose Prometheus', () => {
    const grafana = compose.services.grafana!;
    const m = new Map(mounts(grafana));
    for (const kind of ['datasources', 'dashboards', 'alerting']) expect(m.get(`./grafana/provisioning/${kind}`)).toBe(`/etc/grafana/provisioning/${kind}`);
    expect(m.get(`./${PATHS.dashboards}`)).toBe(DASHBOARDS_MOUNT);
    expect(grafana.environment).toMatchObject({ GF_AUTH_ANONYMOUS_ENABLED: 'true', GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer' });
    expect(grafana.ports).toEqual(['127.0.0.1:3000:3000']);
    const home = grafana.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!;
    expect(existsSync(join(ROOT, PATHS.dashboards, home.slice(DASHBOARDS_MOUNT.length + 1))), home).toBe(true);
    const [host, port] = new URL(PROMETHEUS_URL).host.split(':');
    expect(compose.services[host!]).toBeDefined();
    expect(compose.services[host!]!.ports).toContain(`127.0.0.1:${port}:${port}`);
    expect(SCRAPE_INTERVAL).toBe(prometheusConfig.global.scrape_interval);
  });

  it('runs the demo through Kafka, a faulty replica under the "faults" profile and a directly scraped one under "direct"', () => {
    const { demo, 'demo-faulty': faulty, 'demo-direct': direct } = compose.services;
    const plaintext = /PLAINTEXT:\/\/([^,]+)/.exec(compose.services.kafka!.environment!.KAFKA_ADVERTISED_LISTENERS!)![1];
    for (const s of [demo!, faulty!]) expect(s.environment).toMatchObject({ OTEL_METRICS_EXPORTER: 'kafka', AGENTMETER_KAFKA_BROKERS: plaintext });
    expect(demo!.profiles).toBeUndefined();
    expect(faulty!.profiles).toEqual(['faults']);
    expect(faulty!.command).toContain('--fault-burst');
    expect(direct!.profiles).toEqual(['direct']);
    expect(direct!.environment).toMatchObject({ OTEL_METRICS_EXPORTER: 'prometheus', OTEL_EXPORTER_PROMETHEUS_HOST: '0.0.0.0' });
    const port = Number(direct!.command![direct!.command!.indexOf('--port') + 1]);
    const job = prometheusConfig.scrape_configs.find((c) => c.dns_sd_configs?.[0]?.names.includes('demo-direct'));
    expect(job?.dns_sd_configs?.[0]?.port).toBe(port);
  });

  it('gives the Collector every variable its config uses, and runs the pinned version', () => {
    const collector = compose.services.collector!;
    const config = collector.command![0]!.replace('--config=/etc/otelcol/', '');
    expect(collector.volumes).toContain(`./collector-config/${config}:/etc/otelcol/${config}:ro`);
    expect(Object.keys(collector.environment!).sort()).toEqual(envPlaceholders(join(CONFIG_DIR, config)));
    const pinned = /otlpreceiver v([0-9.]+)/.exec(readFileSync(join(CONFIG_DIR, 'builder-config.yaml'), 'utf8'))![1];
    expect(collector.image).toBe(`otel/opentelemetry-collector-contrib:${pinned}`);
  });

  it('binds published ports to 127.0.0.1 and has Prometheus scrape the Collector’s exporter and telemetry ports', () => {
    for (const s of Object.values(compose.services)) for (const p of s.ports ?? []) expect(p).toMatch(/^127\.0\.0\.1:/);
    const { PROMETHEUS_EXPORTER_ENDPOINT, COLLECTOR_TELEMETRY_PORT } = compose.services.collector!.environment!;
    const job = prometheusConfig.scrape_configs.find((c) => c.job_name === DEFAULT_CONFIG.collectorJob)!;
    expect(job.static_configs).toEqual([{ targets: [`collector:${PROMETHEUS_EXPORTER_ENDPOINT!.split(':')[1]}`, `collector:${COLLECTOR_TELEMETRY_PORT}`] }]);
  });

  it('runs a Collector group pushing to the store under the "scale" profile, every variable given, the store scraping the group', () => {
    const { 'collector-scale': group, 'prometheus-store': store, collector } = compose.services;
    expect(group!.profiles).toEqual(['scale']);
    expect(store!.profiles).toEqual(['scale']);
    expect(group!.image).toBe(collector!.image);
    expect(group!.deploy).toEqual({ replicas: 2 });
    const config = group!.command![0]!.replace('--config=/etc/otelcol/', '');
    expect(config).toBe('kafka-to-remote-write.yaml');
    expect(group!.command!.slice(1)).toEqual(['--feature-gates=exporter.prometheusremotewritexporter.RetryOn429']);
    // Partitions for the group to share: the topic is made on first use with the broker's default.
    expect(Number(compose.services.kafka!.environment!.KAFKA_NUM_PARTITIONS)).toBeGreaterThanOrEqual(group!.deploy!.replicas! * 2);
    expect(group!.volumes).toEqual([`./collector-config/${config}:/etc/otelcol/${config}:ro`]);
    expect(Object.keys(group!.environment!).sort()).toEqual(envPlaceholders(join(CONFIG_DIR, config)));
    expect(group!.environment!.KAFKA_BROKERS).toBe(collector!.environment!.KAFKA_BROKERS);
    expect(group!.environment!.KAFKA_TOPIC).toBe(collector!.environment!.KAFKA_TOPIC);
    // Its own group: the pull path's Collector keeps reading every partition beside it.
    expect(group!.environment!.KAFKA_GROUP_ID).not.toBe(collector!.environment!.KAFKA_GROUP_ID);
    const write = new URL(group!.environment!.REMOTE_WRITE_URL!);
    expect([write.hostname, write.port, write.pathname]).toEqual(['prometheus-store', '9090', '/api/v1/write']);
    // Grafana's second data source is that store.
    expect(STORE_URL).toBe(`http://${write.host}`);
    const datasources = (parse(readFileSync(join(ROOT, PATHS.datasource), 'utf8')) as { datasources: Array<{ url: string; isDefault: boolean }> }).datasources;
    expect(datasources.map((d) => [d.url, d.isDefault])).toEqual([[PROMETHEUS_URL, true], [STORE_URL, false]]);
    expect(store!.command).toEqual(['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', '--web.enable-remote-write-receiver']);
    expect(new Map(mounts(store!))).toEqual(new Map([
      ['./collector-config/prometheus-store.yml', '/etc/prometheus/prometheus.yml'],
      [`./${PATHS.prometheusRules}`, '/etc/prometheus/rules/agentmeter.rules.yml'],
    ]));
    const storeConfig = parse(readFileSync(join(CONFIG_DIR, 'prometheus-store.yml'), 'utf8')) as {
      storage: { tsdb: { out_of_order_time_window: string } };
      rule_files: string[];
      scrape_configs: Array<{ job_name: string; dns_sd_configs: Array<{ names: string[]; port: number }> }>;
    };
    expect(storeConfig.storage.tsdb.out_of_order_time_window).toBe('10m');
    expect(storeConfig.rule_files).toEqual(prometheusConfig.rule_files);
    // The Collectors' telemetry under the job the pipeline dashboard and the target-down alert read.
    expect(storeConfig.scrape_configs).toEqual([
      { job_name: DEFAULT_CONFIG.collectorJob, dns_sd_configs: [{ names: ['collector-scale'], type: 'A', port: Number(group!.environment!.COLLECTOR_TELEMETRY_PORT), refresh_interval: '15s' }] },
    ]);
  });
});
