// The OpenTelemetry Collector built with the Collector Builder from collector-config/
// builder-config.yaml (cached by the manifest's hash), run with a config from collector-config/.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from './cache.mjs';
import { freePorts, run, startProcess, stopProcess, waitFor } from './process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const COLLECTOR_CONFIG_DIR = resolve(here, '..', '..', 'collector-config');
const MANIFEST = join(COLLECTOR_CONFIG_DIR, 'builder-config.yaml');

function builderVersion(manifest) {
  const match = /go\.opentelemetry\.io\/collector\/receiver\/otlpreceiver (v[0-9.]+)/.exec(manifest);
  if (!match) throw new Error(`cannot find the pinned version in ${MANIFEST}`);
  return match[1];
}

/** Path of the Collector binary, building it once per manifest content. */
export async function ensureCollector() {
  const manifest = readFileSync(MANIFEST, 'utf8');
  const hash = createHash('sha256').update(manifest).digest('hex').slice(0, 16);
  const root = cacheDir('otelcol', hash);
  const binary = join(root, 'build', 'otelcol-agentmeter');
  if (existsSync(binary)) return binary;
  const version = builderVersion(manifest);
  const gobin = cacheDir('otelcol', 'builder', version);
  const builder = join(gobin, 'builder');
  if (!existsSync(builder)) {
    await run('go', ['install', `go.opentelemetry.io/collector/cmd/builder@${version}`], {
      env: { ...process.env, GOBIN: gobin },
      maxBuffer: 64 * 1024 * 1024,
    });
  }
  const config = join(root, 'builder-config.yaml');
  writeFileSync(config, manifest.replace(/output_path: .*/, `output_path: ${join(root, 'build')}`));
  await run(builder, ['--config', config], { cwd: root, maxBuffer: 64 * 1024 * 1024, timeout: 40 * 60 * 1000 });
  if (!existsSync(binary)) throw new Error(`the Collector Builder did not produce ${binary}`);
  return binary;
}

function metricsPageUp(url) {
  return fetch(url).then((r) => r.ok, () => false);
}

/**
 * Starts a Collector with `collector-config/<configName>`; `env` fills its ${env:...} settings.
 * PROMETHEUS_EXPORTER_ENDPOINT and COLLECTOR_TELEMETRY_HOST/PORT (its own metrics) are chosen
 * here unless given. It is up once the page it serves answers: the Prometheus exporter's, or,
 * for a config without one (remote write), its own telemetry's.
 */
export async function startCollector(dir, configName, env) {
  const binary = await ensureCollector();
  mkdirSync(dir, { recursive: true });
  const config = join(COLLECTOR_CONFIG_DIR, configName);
  const [exporterPort, telemetryPort] = await freePorts(2);
  const service = {
    dir,
    binary,
    config,
    env: {
      PROMETHEUS_EXPORTER_ENDPOINT: `127.0.0.1:${exporterPort}`,
      COLLECTOR_TELEMETRY_HOST: '127.0.0.1',
      COLLECTOR_TELEMETRY_PORT: String(telemetryPort),
      ...env,
    },
    logPath: join(dir, 'collector.log'),
  };
  service.prometheusEndpoint = service.env.PROMETHEUS_EXPORTER_ENDPOINT;
  service.telemetryEndpoint = `${service.env.COLLECTOR_TELEMETRY_HOST}:${service.env.COLLECTOR_TELEMETRY_PORT}`;
  const servesExporter = readFileSync(config, 'utf8').includes('${env:PROMETHEUS_EXPORTER_ENDPOINT}');
  service.readyUrl = `http://${servesExporter ? service.prometheusEndpoint : service.telemetryEndpoint}/metrics`;
  return restartCollector(service);
}

export async function restartCollector(service) {
  const pid = startProcess(service.binary, ['--config', service.config], { logPath: service.logPath, env: service.env });
  await waitFor('Collector', () => metricsPageUp(service.readyUrl ?? `http://${service.prometheusEndpoint}/metrics`), {
    logPath: service.logPath,
    pid,
    timeoutMillis: 30000,
  });
  return { ...service, pid };
}

export async function killCollector(service) {
  await stopProcess(service.pid, 0);
}
