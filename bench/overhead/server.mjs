// The benchmark tool server: an HTTP JSON tool endpoint (parse, cache lookup, routing decision,
// simulated tool, publish) with one metrics variant, started by bench/overhead/run.mjs.
// Env: VARIANT (none | plain-metrics | import-only | start-only | start-eager | agentmeter-prom | agentmeter-kafka | otel | prom-client),
// PROFILE (minimal | realistic), METRICS_PORT, KAFKA_BROKERS. Reports its port over IPC.
import http from 'node:http';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Session } from 'node:inspector/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { HASHES } from './hashes.mjs';
import { MADE_LAZY } from '../../test/infra/optional-modules.mjs';
import { agentmeterRecorder, otelRecorder, promClientRecorder, requestShape } from './recorders.mjs';

const variant = process.env.VARIANT ?? 'none';
const profile = process.env.PROFILE ?? 'minimal';
const metricsPort = Number(process.env.METRICS_PORT ?? 0);


async function setUp() {
  if (variant === 'none') return { record: undefined, close: async () => {} };
  // plain-metrics: no metrics library, but a second node:http server in the process answering
  // /metrics with a fixed page: what any in-process pull endpoint costs the host, whatever it serves.
  if (variant === 'plain-metrics') {
    const page = '# TYPE up gauge\nup 1\n';
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(page);
    });
    await new Promise((resolve) => server.listen(metricsPort, '127.0.0.1', resolve));
    return { record: undefined, close: () => new Promise((resolve) => server.close(resolve)) };
  }
  // import-only: agentmeter loaded (its modules on the heap), start() never called: whether a
  // cost of start-only comes from loading or from what start() runs.
  if (variant === 'import-only') {
    await import('agentmeter');
    return { record: undefined, close: async () => {} };
  }
  if (variant.startsWith('agentmeter') || variant.startsWith('start-')) {
    // start-eager: what importing agentmeter loaded before it required these on first use
    // (src/optional-modules.ts), for a before/after in one run.
    if (variant === 'start-eager') for (const name of MADE_LAZY) await import(name);
    const am = (await import('agentmeter')).default;
    const kafka = variant === 'agentmeter-kafka';
    const handle = am.start({
      instrumentations: [],
      metricsExporters: kafka ? ['kafka'] : ['prometheus'],
      prometheusPort: metricsPort,
      exportIntervalMillis: 1000,
      ...(kafka ? { kafka: { brokers: [process.env.KAFKA_BROKERS], topic: 'bench_overhead' } } : {}),
    });
    await handle.ready();
    return { record: variant.startsWith('start-') ? undefined : agentmeterRecorder(am), close: () => handle.shutdown() };
  }
  if (variant === 'otel') {
    const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
    const { PrometheusExporter } = await import('@opentelemetry/exporter-prometheus');
    const exporter = new PrometheusExporter({ host: '127.0.0.1', port: metricsPort });
    await exporter.startServer();
    const provider = new MeterProvider({ readers: [exporter] });
    return { record: otelRecorder(provider.getMeter('bench')), close: () => provider.shutdown() };
  }
  if (variant === 'prom-client') {
    const client = (await import('prom-client')).default;
    const register = new client.Registry();
    const record = promClientRecorder(client, register);
    const server = http.createServer(async (req, res) => {
      const body = await register.metrics();
      res.writeHead(200, { 'content-type': register.contentType });
      res.end(body);
    });
    await new Promise((resolve) => server.listen(metricsPort, '127.0.0.1', resolve));
    return { record, close: () => new Promise((resolve) => server.close(resolve)) };
  }
  throw new Error(`unknown VARIANT ${variant}`);
}

const metrics = await setUp();
const record = metrics.record;
const hashes = HASHES[profile];
if (hashes === undefined) throw new Error(`unknown PROFILE ${profile}`);

const cache = new Map();
for (let i = 0; i < 64; i++) cache.set(`q${i}`, { answer: i });
const bus = new EventEmitter();
let published = 0;
bus.on('result', () => published++);
const payload = Buffer.alloc(256, 7);
let requests = 0;

function simulatedTool(query) {
  let digest = '';
  for (let i = 0; i < hashes; i++) digest = createHash('sha256').update(payload).update(query).digest('hex');
  return digest;
}

function handle(body) {
  const request = JSON.parse(body);
  const cached = cache.get(request.query);
  const route = request.query.length % 2 === 0 ? 'web_search' : 'code_exec';
  const result = simulatedTool(request.query);
  bus.emit('result', route);
  return JSON.stringify({ id: request.id, route, cached: cached !== undefined, result: result.slice(0, 16) });
}

/**
 * The kernel's account of this process's CPU, thread by thread (/proc/self/task/<tid>/schedstat:
 * nanoseconds on a CPU), grouped by what the threads are: the main thread, V8's workers
 * (concurrent marking, sweeping, compilation), libuv's pool, the rest. process.cpuUsage() has
 * the same total; this says where it went. Empty off Linux.
 */
function threadCpuMicros() {
  const groups = { main: 0, v8: 0, libuv: 0, other: 0 };
  let tids;
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return groups;
  }
  for (const tid of tids) {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const nanos = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      const group = name === 'node-MainThread' || tid === String(process.pid) ? 'main' : name.startsWith('node-V8Worker') ? 'v8' : name.startsWith('libuv-worker') ? 'libuv' : 'other';
      groups[group] += nanos / 1000;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return groups;
}

/** Garbage collections and their pause time, counted the same way in every variant. */
const gc = { count: 0, millis: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.count++;
    gc.millis += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

const server = http.createServer((req, res) => {
  if (req.url === '/__stats') {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    res.end(JSON.stringify({ requests, cpuMicros: cpu.user + cpu.system, threads: threadCpuMicros(), gcCount: gc.count, gcMillis: gc.millis, heapUsed: memory.heapUsed, published }));
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const start = record === undefined ? 0 : performance.now();
    const out = handle(body);
    if (record !== undefined) record(requestShape(requests), (performance.now() - start) / 1000);
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(out);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
/**
 * Where the CPU time of the measured segment went, from a sampling profile of this process:
 * inside the per-request recordings (recorders.mjs), or in the metrics code outside them
 * (scrapes, collection, export, timers); µs in total, divided by the driver.
 */
const METRICS_CODE = /node_modules\/(@opentelemetry|prom-client|kafkajs|tdigest|bintrees)\/|\/dist\//;
let session;
async function startProfile() {
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
}
async function stopProfile() {
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  let recording = 0;
  let background = 0;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    let inMetrics = false;
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const url = nodes.get(cur).callFrame.url;
      if (url.endsWith('/recorders.mjs')) {
        recording += micros;
        return;
      }
      if (METRICS_CODE.test(url)) inMetrics = true;
    }
    if (inMetrics) background += micros;
  });
  return { recordingMicros: recording, backgroundMicros: background };
}

process.on('message', async (message) => {
  if (message === 'profile-start') {
    await startProfile();
    process.send({ profiling: true });
    return;
  }
  if (message === 'profile-stop') {
    process.send({ profile: await stopProfile() });
    return;
  }
  // A full collection on request (instructions.mjs runs the server with --expose-gc), so a
  // counted window ends with its own garbage freed.
  if (message === 'gc') {
    globalThis.gc?.();
    process.send({ collected: true });
    return;
  }
  if (message !== 'stop') return;
  server.close();
  server.closeAllConnections();
  await metrics.close();
  process.exit(0);
});
