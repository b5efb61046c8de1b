// What the overhead drivers share: the timed rounds (run.mjs) and the instruction counts
// (instructions.mjs) start the tool server (server.mjs), load it, and talk to it over IPC.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort } from '../../test/infra/process.mjs';

export const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));
/** The tool call every request sends. */
export const TOOL_BODY = JSON.stringify({ id: 1, query: 'q17', args: { depth: 2, tags: ['a', 'b'] } });

export const LABELS = {
  none: 'no metrics',
  'plain-metrics': 'no metrics library, a plain /metrics server scraped every 1 s',
  'import-only': 'agentmeter imported, start() not called',
  'start-only': 'agentmeter start() only, no helper calls',
  'start-eager': 'the same, with the modules an import loaded before they were made lazy',
  'agentmeter-prom': 'agentmeter, /metrics scraped every 1 s',
  'agentmeter-kafka': 'agentmeter, Kafka export every 1 s',
  otel: 'OTel SDK + PrometheusExporter, scraped every 1 s',
  'prom-client': 'prom-client registry, scraped every 1 s',
};

/** The variants that serve /metrics (the others have no endpoint to scrape). */
export const WITH_ENDPOINT = new Set(['plain-metrics', 'start-only', 'start-eager', 'agentmeter-prom', 'otel', 'prom-client']);

/** The server's environment for `variant` (server.mjs reads these). */
export function serverEnv(variant, profile, metricsPort, brokers = '') {
  return { ...process.env, VARIANT: variant, PROFILE: profile, METRICS_PORT: String(metricsPort), KAFKA_BROKERS: brokers };
}

/** Starts the server of `variant` natively; resolves once it listens. */
export async function startServer(variant, profile, { brokers, cpuProf } = {}) {
  const metricsPort = await freePort();
  const execArgv = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`, `--cpu-prof-name=${profile}-${variant}-${Date.now()}.cpuprofile`] : [];
  const child = fork(SERVER, [], { env: serverEnv(variant, profile, metricsPort, brokers), execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await portOf(child, `${variant} server`);
  return { ask: (message, field) => ask(child, message, field), url: `http://127.0.0.1:${port}`, metricsUrl: WITH_ENDPOINT.has(variant) ? `http://127.0.0.1:${metricsPort}/metrics` : undefined, stop: () => stop(child) };
}

/** autocannon against the server's tool endpoint for `seconds`. */
export function load(url, seconds, connections) {
  return autocannon({ url: `${url}/tool`, method: 'POST', connections, duration: seconds, headers: { 'content-type': 'application/json' }, body: TOOL_BODY });
}

/** The server's port, from its first message; rejects if it exits first. */
export function portOf(child, what) {
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
  });
}

/** Sends `message` and resolves with the first reply that has `field`. */
export function ask(child, message, field) {
  return new Promise((resolve) => {
    const onMessage = (m) => {
      if (m[field] === undefined) return;
      child.off('message', onMessage);
      resolve(m[field]);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

/** Asks the server to stop; resolves once it has exited. */
export function stop(child) {
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.send('stop');
  });
}
