// `npm run bench:capacity`: what the scale-out pipeline (Kafka → Collector group → remote-write
// store, collector-config/kafka-to-remote-write.yaml) costs, on its own loopback Kafka broker,
// Collector and store Prometheus, each in a temp dir and stopped at the end (docs/capacity.md):
//  1. drain: a topic pre-filled with a known number of exports (20 resources × 2,000 series, by
//     agentmeter's KafkaMetricExporter in this process), then one Collector started on it and
//     timed until it has sent every point: points per Collector CPU second and per wall second,
//     for counters and for histograms;
//  2. bytes on Kafka per series per export, from the broker's log segments (zstd, the default,
//     and uncompressed);
//  3. the producer's export cost: CPU per export of 2,000 series in this process (encode, zstd,
//     send, acks=all), and in real producer processes (exporting every interval against one that
//     never exports);
//  4. a simulation: N producer processes × 2,000 series exporting every interval through the
//     Collector(s) into the store: CPU of each part, store ingest, end-to-end delay, lag.
// CPU comes from /proc/<pid>/stat (utime + stime), so a busy machine slows the run down but
// changes the CPU figures much less than wall-clock ones.
// Options: --producers N (20) --series N (2000) --interval-ms N (1000) --seconds N (60, the
// simulation's measured window) --collectors N,N... (1,2: one simulation each) --partitions N
// (4) --drain-exports N (50 counter exports per resource) --no-drain --no-simulation --json
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resourceFromAttributes } from '@opentelemetry/resources';
import am from 'agentmeter';
import { KafkaMetricExporter } from 'agentmeter/kafka';
import { lazyScopeMetrics, snapshotStore } from '../dist/store/snapshot.js';
import { startKafka } from '../test/infra/kafka.mjs';
import { startCollector } from '../test/infra/collector.mjs';
import { startStorePrometheus } from '../test/infra/prometheus.mjs';
import { stopProcess } from '../test/infra/process.mjs';
import { waitSeconds, cpuSeconds, createTopic, failedPoints, offsets, ownCpuSeconds, query, samplesAppended, scrapeSum, sentPoints, sleep, topicBytes, writeRequests } from './capacity/probes.mjs';
import { markdown } from './capacity/report.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const CONFIG = 'kafka-to-remote-write.yaml';
const NAMES = { counter: 'agent.cache.requests', histogram: 'gen_ai.execute_tool.duration' };

function textOption(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}
const option = (name, fallback) => Number(textOption(name, String(fallback)));

// ---- 1-3: pre-filled topics, drained by one Collector ----

/** n series of each kind with values that differ from series to series (they compress less than all-equal ones). */
function fillStore(n) {
  for (let i = 0; i < n; i++) {
    for (let k = 0; k <= i % 13; k++) am.recordCacheLookup({ cache: `cache_${i}`, hit: true });
    for (let k = 0; k <= i % 5; k++) am.recordToolCall({ tool: `tool_${i}`, seconds: ((i * 7 + k * 13) % 400) / 97 });
  }
}

/** One collection of `n` series of one kind, for `resource`, as a reader hands it to the exporter. */
function collection(kind, n, resource) {
  const snapshot = snapshotStore();
  const instruments = snapshot.instruments.filter((i) => i.definition.name === NAMES[kind]).map((i) => ({ ...i, points: i.points.slice(0, n) }));
  return { resource, scopeMetrics: [lazyScopeMetrics({ ...snapshot, instruments })] };
}

/**
 * `resources` exporters (one per producer, each its own resource and so its own message key)
 * each export `exports` collections of `series` points, one after another, every one
 * acknowledged (acks=all) before the next. Returns this process's CPU seconds per export.
 */
async function prefill(kafka, topic, kind, { resources, exports, series, compression }) {
  const exporters = Array.from({ length: resources }, () => new KafkaMetricExporter({ brokers: [kafka.brokers], topic, compression, acks: 'all' }));
  const ids = exporters.map((_, p) => resourceFromAttributes({ 'service.name': `capacity-${kind}`, 'service.instance.id': `capacity-${kind}-${p}` }));
  const exportOnce = async (p) => {
    await new Promise((r) => exporters[p].export(collection(kind, series, ids[p]), r));
    await exporters[p].forceFlush();
  };
  await Promise.all(exporters.map((_, p) => exportOnce(p))); // connect (not measured)
  const cpu = ownCpuSeconds();
  const start = performance.now();
  await Promise.all(exporters.map(async (_, p) => {
    for (let e = 1; e < exports; e++) await exportOnce(p);
  }));
  const measured = resources * (exports - 1);
  const result = { cpuPerExport: (ownCpuSeconds() - cpu) / measured, wallSeconds: (performance.now() - start) / 1000, exports: resources * exports };
  await Promise.all(exporters.map((e) => e.shutdown()));
  return result;
}

/**
 * Starts a store and a Collector on `topic` and times it until it has sent `points`; CPU from
 * its first sent point to the last. Each phase has a store of its own: one that has just taken
 * another phase's samples spends CPU on compacting them.
 */
async function drain(dir, kafka, topic, points) {
  const store = await startStorePrometheus(join(dir, `store-${topic}`));
  const collector = await startCollector(join(dir, `collector-${topic}`), CONFIG, {
    KAFKA_BROKERS: kafka.brokers,
    KAFKA_TOPIC: topic,
    KAFKA_GROUP_ID: `capacity-${topic}`,
    REMOTE_WRITE_URL: store.remoteWriteUrl,
  });
  try {
    let first;
    let sent = 0;
    const deadline = Date.now() + 600000;
    const storeCpu0 = cpuSeconds(store.pid);
    const samples0 = await samplesAppended(store);
    while (sent < points) {
      if (Date.now() > deadline) throw new Error(`the Collector sent ${sent} of ${points} points of ${topic} in 10 minutes; log: ${collector.logPath}`);
      sent = await sentPoints(collector).catch(() => 0);
      if (sent > 0 && first === undefined) first = { sent, cpu: cpuSeconds(collector.pid), at: performance.now() };
      if (sent < points) await sleep(100);
    }
    const end = { sent, cpu: cpuSeconds(collector.pid), at: performance.now() };
    const failed = await failedPoints(collector);
    const moved = end.sent - first.sent;
    return {
      points,
      moved,
      failed,
      cpuSeconds: end.cpu - first.cpu,
      wallSeconds: (end.at - first.at) / 1000,
      storeCpuSeconds: cpuSeconds(store.pid) - storeCpu0,
      samples: (await samplesAppended(store)) - samples0,
    };
  } finally {
    await stopProcess(collector.pid);
    await stopProcess(store.pid);
  }
}

async function runDrain(dir, kafka, { resources, series, partitions, counterExports }) {
  const rows = [];
  const sizes = [];
  // Counters: the bulk of a typical store; histograms: each point is 20 samples in Prometheus.
  for (const [kind, exports] of [['counter', counterExports], ['histogram', Math.max(2, Math.round(counterExports / 12))]]) {
    const topic = `capacity_${kind}`;
    await createTopic(kafka, topic, partitions);
    const produced = await prefill(kafka, topic, kind, { resources, exports, series, compression: 'zstd' });
    const { messages } = await offsets(kafka, topic);
    const points = produced.exports * series;
    if (messages < produced.exports) throw new Error(`${topic} holds ${messages} messages for ${produced.exports} exports`);
    sizes.push({ kind, compression: 'zstd', bytesPerSeries: topicBytes(kafka, topic) / (produced.exports * series), messagesPerExport: messages / produced.exports });
    const drained = await drain(dir, kafka, topic, points);
    rows.push({ kind, resources, series, exports: produced.exports, ...drained, producerCpuPerExport: produced.cpuPerExport, producerWall: produced.wallSeconds });
    // The same exports uncompressed: bytes only, nobody reads them.
    const plain = `capacity_${kind}_none`;
    await createTopic(kafka, plain, partitions);
    const none = await prefill(kafka, plain, kind, { resources, exports: 3, series, compression: 'none' });
    sizes.push({ kind, compression: 'none', bytesPerSeries: topicBytes(kafka, plain) / (none.exports * series), messagesPerExport: (await offsets(kafka, plain)).messages / none.exports, cpuPerExport: none.cpuPerExport });
  }
  return { rows, sizes };
}

// ---- 4: the simulation ----

function startProducer(env) {
  const child = spawn(process.execPath, ['--require', 'agentmeter/register', 'test/fixtures/kafka-app.cjs'], {
    cwd: ROOT,
    env: { ...process.env, OTEL_SERVICE_NAME: 'capacity-sim', APP_CALLS: '100', AGENTMETER_ATTRIBUTE_CAP: '10000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const ready = new Promise((resolveReady, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('"ready":true')) resolveReady();
    });
    child.on('exit', (code) => reject(new Error(`a producer exited (${code}) before it was ready: ${err}`)));
  });
  ready.catch(() => {});
  return { child, ready, stderr: () => err };
}

async function runSimulation(dir, kafka, { producers, series, intervalMillis, seconds, collectors: collectorCount, partitions }) {
  const topic = `otlp_metrics_${collectorCount}c`;
  const group = `capacity-otelcol-${collectorCount}c`;
  await createTopic(kafka, topic, partitions);
  const store = await startStorePrometheus(join(dir, `store-${topic}`));
  const collectors = [];
  const apps = [];
  let idle;
  try {
    for (let c = 0; c < collectorCount; c++) {
      collectors.push(await startCollector(join(dir, `collector-sim-${c}`), CONFIG, { KAFKA_BROKERS: kafka.brokers, KAFKA_TOPIC: topic, KAFKA_GROUP_ID: group, REMOTE_WRITE_URL: store.remoteWriteUrl }));
    }
    const kafkaEnv = { OTEL_METRICS_EXPORTER: 'kafka', OTEL_METRIC_EXPORT_INTERVAL: String(intervalMillis), AGENTMETER_KAFKA_BROKERS: kafka.brokers, AGENTMETER_KAFKA_TOPIC: topic, APP_CACHE_SERIES: String(series) };
    for (let p = 0; p < producers; p++) apps.push(startProducer({ ...kafkaEnv, OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=capacity-sim-${p}` }));
    // The same app and series, never exporting: what a producer costs without the export.
    idle = startProducer({ OTEL_METRICS_EXPORTER: 'none', APP_CACHE_SERIES: String(series) });
    await Promise.all([...apps, idle].map((a) => a.ready));
    await sleep(Math.max(10000, 3 * intervalMillis)); // every producer connected, every partition assigned

    const cpuOf = () => ({
      collectors: collectors.reduce((s, c) => s + cpuSeconds(c.pid), 0),
      store: cpuSeconds(store.pid),
      broker: cpuSeconds(kafka.pid),
      producers: apps.reduce((s, a) => s + cpuSeconds(a.child.pid), 0),
      idle: cpuSeconds(idle.child.pid),
      collectorsWaiting: collectors.reduce((s, c) => s + waitSeconds(c.pid), 0),
      storeWaiting: waitSeconds(store.pid),
    });
    const sent = async () => (await Promise.all(collectors.map(sentPoints))).reduce((a, b) => a + b, 0);
    const start = { cpu: cpuOf(), sent: await sent(), samples: await samplesAppended(store), writes: await writeRequests(store), messages: (await offsets(kafka, topic)).messages, bytes: topicBytes(kafka, topic), at: performance.now() };
    // The age of the newest stored point of the stalest producer, sampled through the window.
    const delays = [];
    const lags = [];
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      const [age] = await query(store, `max(time() - timestamp(agent_cache_requests_total{job="capacity-sim",agent_cache_name="cache_0"}))`);
      if (age) delays.push(Number(age.value[1]));
      lags.push((await offsets(kafka, topic, group)).lag);
      await sleep(2000);
    }
    const end = { cpu: cpuOf(), sent: await sent(), samples: await samplesAppended(store), writes: await writeRequests(store), messages: (await offsets(kafka, topic)).messages, bytes: topicBytes(kafka, topic), at: performance.now() };
    const wall = (end.at - start.at) / 1000;
    const used = Object.fromEntries(Object.keys(start.cpu).map((k) => [k, (end.cpu[k] - start.cpu[k]) / wall]));
    const exportsMade = end.messages - start.messages;
    const pointsSent = end.sent - start.sent;
    const producedSeries = (await query(store, 'count(agent_cache_requests_total{job="capacity-sim"})'))[0];
    const failed = (await Promise.all(collectors.map(failedPoints))).reduce((a, b) => a + b, 0);
    const headSeries = await scrapeSum(`${store.url}/metrics`, 'prometheus_tsdb_head_series');
    const storeRss = await scrapeSum(`${store.url}/metrics`, 'process_resident_memory_bytes');
    const collectorRss = (await Promise.all(collectors.map((c) => scrapeSum(`http://${c.telemetryEndpoint}/metrics`, 'otelcol_process_memory_rss')))).reduce((a, b) => a + b, 0);
    const sorted = [...delays].sort((a, b) => a - b);
    return {
      producers,
      series,
      intervalMillis,
      collectors: collectorCount,
      partitions,
      wall,
      cores: used,
      pointsPerSecond: pointsSent / wall,
      pointsPerCollectorCpuSecond: pointsSent / (used.collectors * wall),
      samplesPerSecond: (end.samples - start.samples) / wall,
      storeCpuPerMillionSamples: (used.store * wall) / ((end.samples - start.samples) / 1e6),
      messagesPerSecond: exportsMade / wall,
      writesPerSecond: (end.writes.count - start.writes.count) / wall,
      writeMillis: (1000 * (end.writes.seconds - start.writes.seconds)) / (end.writes.count - start.writes.count),
      bytesPerSecond: (end.bytes - start.bytes) / wall,
      bytesPerMessage: (end.bytes - start.bytes) / exportsMade,
      pointsPerMessage: pointsSent / exportsMade,
      producerCpuPerExport: ((used.producers / producers - used.idle) * intervalMillis) / 1000,
      producerCoresEach: used.producers / producers,
      idleCores: used.idle,
      delayMedian: sorted[Math.floor(sorted.length / 2)],
      delayMax: sorted.at(-1),
      lagMax: Math.max(...lags),
      lagEnd: lags.at(-1),
      storedSeries: producedSeries ? Number(producedSeries.value[1]) : 0,
      headSeries,
      storeRss,
      collectorRss,
      failed,
      stderr: [...apps, idle].map((a) => a.stderr()).filter((e) => e !== '').slice(0, 1),
    };
  } finally {
    // Every producer, the idle one too: they would outlive this process.
    const children = idle === undefined ? apps : [...apps, idle];
    await Promise.all(children.map((a) => (a.child.exitCode === null ? new Promise((r) => a.child.once('exit', r).kill('SIGKILL')) : undefined)));
    await Promise.all(collectors.map((c) => stopProcess(c.pid)));
    await stopProcess(store.pid);
  }
}

export async function runCapacity(opts) {
  am.start({ metricsExporters: [], instrumentations: [], attributeCap: 20000 });
  fillStore(opts.series);
  const dir = mkdtempSync(join(tmpdir(), 'agentmeter-capacity-'));
  let kafka;
  try {
    kafka = await startKafka(join(dir, 'kafka'));
    const drainResult = opts.drain ? await runDrain(dir, kafka, { resources: 20, series: opts.series, partitions: opts.partitions, counterExports: opts.drainExports }) : undefined;
    const sims = [];
    if (opts.simulation) for (const collectors of opts.collectors) sims.push(await runSimulation(dir, kafka, { ...opts, collectors }));
    return { drainResult, sims, markdown: markdown({ drainResult, sims }) };
  } finally {
    if (kafka) await stopProcess(kafka.pid);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runCapacity({
    producers: option('producers', 20),
    series: option('series', 2000),
    intervalMillis: option('interval-ms', 1000),
    seconds: option('seconds', 60),
    collectors: textOption('collectors', '1,2').split(',').map(Number),
    partitions: option('partitions', 4),
    drainExports: option('drain-exports', 50),
    drain: !process.argv.includes('--no-drain'),
    simulation: !process.argv.includes('--no-simulation'),
  });
  console.log(result.markdown);
  if (process.argv.includes('--json')) console.log(JSON.stringify({ drain: result.drainResult, simulations: result.sims }));
  process.exit(0);
}
