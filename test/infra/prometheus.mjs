// Prometheus and promtool from Debian's `prometheus` package, unpacked (never installed as a
// system service) into the cache, then run on a free loopback port with file-based discovery
// so each test can add its own scrape target.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { randomBytes } from 'node:crypto';
import { cacheDir } from './cache.mjs';
import { unpackDebianPackage } from './debian.mjs';
import { freePort, startProcess, waitFor } from './process.mjs';
import { makeTestCertificates } from './tls.mjs';

const PACKAGE = 'prometheus';
const STORE_CONFIG = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'collector-config', 'prometheus-store.yml');

/** Paths of the prometheus and promtool binaries, downloading them once. */
export async function ensurePrometheusBinaries() {
  const root = cacheDir('prometheus');
  const bin = join(root, 'usr', 'bin');
  if (existsSync(join(bin, 'prometheus')) && existsSync(join(bin, 'promtool'))) {
    return { prometheus: join(bin, 'prometheus'), promtool: join(bin, 'promtool') };
  }
  await unpackDebianPackage(PACKAGE, root);
  return { prometheus: join(bin, 'prometheus'), promtool: join(bin, 'promtool') };
}

/**
 * Starts Prometheus scraping every target file in `<dir>/targets` each second, and those in
 * `<dir>/tls-targets` over HTTPS with basic auth (a CA and server certificate made for this run,
 * a random password): the tests' apps serve with the matching web config file.
 */
export async function startPrometheus(dir) {
  const { prometheus, promtool } = await ensurePrometheusBinaries();
  const targets = join(dir, 'targets');
  const tlsTargets = join(dir, 'tls-targets');
  mkdirSync(tlsTargets, { recursive: true });
  const tls = { ...makeTestCertificates(join(dir, 'tls')), username: 'prometheus', password: randomBytes(12).toString('hex'), targetsDir: tlsTargets };
  const passwordFile = join(dir, 'tls', 'password');
  writeFileSync(passwordFile, tls.password);
  const collectorTargets = join(dir, 'collector-targets');
  const data = join(dir, 'data');
  mkdirSync(targets, { recursive: true });
  mkdirSync(collectorTargets, { recursive: true });
  mkdirSync(data, { recursive: true });
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: agentmeter-test',
      '    file_sd_configs:',
      `      - files: ['${targets}/*.json']`,
      '        refresh_interval: 1s',
      // The Collector's series carry job/instance from the resource: keep them (as users should).
      // It holds every test's series for an hour (metric_expiration), tens of thousands after
      // the split test: a 1 s scrape of that times out under load and overlapping scrapes
      // pile up in the Collector (seen at 13 GB), so it gets 3 s to answer.
      '  - job_name: agentmeter-tls',
      '    scheme: https',
      '    tls_config:',
      `      ca_file: ${tls.ca}`,
      '    basic_auth:',
      `      username: ${tls.username}`,
      `      password_file: ${passwordFile}`,
      '    file_sd_configs:',
      `      - files: ['${tlsTargets}/*.json']`,
      '        refresh_interval: 1s',
      '  - job_name: collector',
      '    honor_labels: true',
      '    scrape_interval: 3s',
      '    scrape_timeout: 3s',
      '    file_sd_configs:',
      `      - files: ['${collectorTargets}/*.json']`,
      '        refresh_interval: 1s',
      '',
    ].join('\n'),
  );
  // Exemplar storage keeps the exemplars of OpenMetrics scrapes (/api/v1/query_exemplars), as
  // users must to follow a bucket to its trace.
  const started = await launch('Prometheus', prometheus, dir, config, ['--web.enable-lifecycle', '--enable-feature=exemplar-storage']);
  return { ...started, targetsDir: targets, collectorTargetsDir: collectorTargets, promtool, tls };
}

/** Runs `prometheus` with `config`, its data under `<dir>/data`, on a free loopback port, until ready. */
async function launch(what, prometheus, dir, config, flags) {
  const port = await freePort();
  const logPath = join(dir, 'prometheus.log');
  const args = [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, ...flags, '--log.level=warn'];
  const pid = startProcess(prometheus, args, { logPath });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(what, async () => (await fetch(`${url}/-/ready`)).ok, { logPath, pid });
  return { pid, url, port, logPath };
}

/**
 * Starts a Prometheus that is a remote-write store (collector-config/kafka-to-remote-write.yaml
 * pushes to `<url>/api/v1/write`) with collector-config/prometheus-store.yml as shipped (its
 * out-of-order window, its Collector job), but for what a test must change: a short interval,
 * the Collectors' telemetry found in the target files of `<dir>/collector-targets`, `ruleFiles`
 * at their paths here, and no Alertmanager.
 */
export async function startStorePrometheus(dir, { ruleFiles = [], scrapeInterval = '2s' } = {}) {
  const { prometheus, promtool } = await ensurePrometheusBinaries();
  const collectorTargets = join(dir, 'collector-targets');
  mkdirSync(collectorTargets, { recursive: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  const shipped = parse(readFileSync(STORE_CONFIG, 'utf8'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    stringify({
      global: { scrape_interval: scrapeInterval, evaluation_interval: scrapeInterval },
      storage: shipped.storage,
      rule_files: ruleFiles,
      scrape_configs: shipped.scrape_configs.map(({ job_name }) => ({ job_name, file_sd_configs: [{ files: [`${collectorTargets}/*.json`], refresh_interval: '1s' }] })),
    }),
  );
  const started = await launch('Prometheus (remote-write store)', prometheus, dir, config, ['--web.enable-remote-write-receiver']);
  return { ...started, collectorTargetsDir: collectorTargets, promtool, remoteWriteUrl: `${started.url}/api/v1/write` };
}
