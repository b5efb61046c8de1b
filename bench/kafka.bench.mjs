// Kafka exporter against a real broker (started by test/infra), all in one run:
//  1. encoding the store's series: agentmeter's direct OTLP encoder next to otlp-transformer's
//     protobuf serializer (alone, and with the MetricData the producer must build for it);
//  2. export = encode + produce + ack (acks=all) next to raw kafkajs sending the same bytes,
//     interleaved round by round, with the longest event-loop stall of each and how much of it
//     was work on the main thread.
// Standalone: `node bench/kafka.bench.mjs` (after `npx tsc -p tsconfig.build.json`).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import am from 'agentmeter';
import { KafkaMetricExporter, registerZstdCodec } from 'agentmeter/kafka';
import { OtlpMetricsEncoder } from '../dist/exporters/kafka/otlp-encoder.js';
import { lazyScopeMetrics, metricDataOf, snapshotStore } from '../dist/store/snapshot.js';
import { up, down } from '../test/infra/services.mjs';
import { fmt, table } from './harness.mjs';

const resource = resourceFromAttributes({ 'service.name': 'bench', 'service.instance.id': 'bench-1' });
const NAMES = { histogram: 'gen_ai.execute_tool.duration', counter: 'agent.cache.requests' };

/** Grows the store to n series of the kind (names are reused, so any size order works). */
function fillStore(kind, n) {
  for (let i = 0; i < n; i++) {
    if (kind === 'histogram') am.recordToolCall({ tool: `tool_${i}`, seconds: (i % 100) / 50 });
    else am.recordCacheLookup({ cache: `cache_${i}`, hit: i % 3 !== 0 });
  }
}

/** A snapshot of the first n series of that instrument only (other benches may have grown the store). */
function snapshotOnly(kind, n) {
  const snapshot = snapshotStore();
  const instruments = snapshot.instruments.filter((i) => i.definition.name === NAMES[kind]).map((i) => ({ ...i, points: i.points.slice(0, n) }));
  return { ...snapshot, instruments };
}

/** One collection as the exporter receives it from a reader. */
function collection(kind, n) {
  return { resource, scopeMetrics: [lazyScopeMetrics(snapshotOnly(kind, n))] };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

/** Interleaved rounds of each case; median ms per case. */
async function interleaved(cases, rounds = 15, warmup = 3) {
  const samples = cases.map(() => []);
  for (let r = 0; r < warmup + rounds; r++) {
    for (const [i, [, fn]] of cases.entries()) {
      const start = process.hrtime.bigint();
      await fn();
      if (r >= warmup) samples[i].push(ms(start));
    }
  }
  return samples.map(median);
}

/**
 * Each case runs `perBlock` times in a row, cases taking turns block by block; median ms per
 * case over all runs but the first of each block. Within a block a case pays for the garbage it
 * makes itself: run by run, one case's collections (the stock serializer allocates ~50 MB of
 * objects per 10,000 histograms) landed in the next case's timing.
 */
async function blocks(cases, rounds = 8, perBlock = 6) {
  const samples = cases.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, [, fn]] of cases.entries()) {
      for (let k = 0; k < perBlock; k++) {
        const start = process.hrtime.bigint();
        await fn();
        if (k > 0 && r > 0) samples[i].push(ms(start));
      }
    }
  }
  return samples.map(median);
}

async function encodeRow(kind, n) {
  fillStore(kind, n);
  const encoder = new OtlpMetricsEncoder(900000);
  const [ours, oursSync, stock, stockWithBuild] = await blocks([
    // Messages go back to the encoder's pool, as the exporter does once kafkajs has sent them.
    // Wall time of the exporter's way (message by message, the event loop runs in between, and
    // V8's pending GC tasks with it), and the same work in one piece.
    ['agentmeter', async () => (await encoder.encode(collection(kind, n))).messages.forEach((m) => encoder.release(m))],
    ['agentmeter sync', () => encoder.encodeSync(collection(kind, n)).messages.forEach((m) => encoder.release(m))],
    ['otlp-transformer', () => ProtobufMetricsSerializer.serializeRequest(prebuilt)],
    ['build + otlp-transformer', () => ProtobufMetricsSerializer.serializeRequest({ resource, scopeMetrics: [{ scope: { name: 'agentmeter' }, metrics: metricDataOf(snapshotOnly(kind, n)) }] })],
  ]);
  // The longest the event loop waited while encoding (agentmeter yields between slices; the
  // stock serializer runs in one piece), over rounds alone with nothing else to run.
  const stall = async (fn) => {
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    for (let r = 0; r < 10; r++) await fn();
    h.disable();
    return h.max / 1e6;
  };
  const oursStall = await stall(async () => (await encoder.encode(collection(kind, n))).messages.forEach((m) => encoder.release(m)));
  const stockStall = await stall(async () => {
    ProtobufMetricsSerializer.serializeRequest({ resource, scopeMetrics: [{ scope: { name: 'agentmeter' }, metrics: metricDataOf(snapshotOnly(kind, n)) }] });
    await new Promise((resolve) => setImmediate(resolve));
  });
  return { kind, n, ours, oursSync, stock, stockWithBuild, oursStall, stockStall };
}

// The MetricData otlp-transformer serialises, built once (its cost is in the third column).
let prebuilt;

/** CPU time (ms) a process has used so far, from /proc (Linux; 0 elsewhere). */
function processCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = 100;

/** The main thread's time on a CPU and waiting in the run queue for one (ms, from schedstat; undefined off Linux). */
function mainThreadSched() {
  try {
    const [onCpu, waiting] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ');
    return { onCpu: Number(onCpu) / 1e6, waiting: Number(waiting) / 1e6 };
  } catch {
    return undefined;
  }
}

/**
 * Rounds of `fn` with a 1 ms timer running beside it. The longest gap between its ticks is the
 * longest event-loop stall (wall time); the kernel's run-queue accounting says how much of each
 * gap the main thread was ready to run but waiting for a core (on this 2-core machine the broker,
 * the compression threadpool and V8's GC helpers share them), so the rest of the gap is the time
 * the event loop was held by work of its own (JS, GC pauses). Also the CPU time per round of the
 * main thread, of the process's other threads and of the broker.
 */
function stallWatch(brokerPid) {
  let wall = 0;
  let held = 0;
  let rounds = 0;
  const used = { main: 0, process: 0, broker: 0 };
  const allThreadsMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  return {
    wrap: (fn) => async () => {
      const first = mainThreadSched();
      const start = { main: first?.onCpu ?? 0, process: allThreadsMs(), broker: processCpuMs(brokerPid) };
      let last = performance.now();
      let lastSched = first;
      const gap = () => {
        const now = performance.now();
        const sched = mainThreadSched();
        const waited = sched === undefined || lastSched === undefined ? 0 : sched.waiting - lastSched.waiting;
        wall = Math.max(wall, now - last);
        held = Math.max(held, now - last - waited);
        last = now;
        lastSched = sched;
      };
      const timer = setInterval(gap, 1);
      await fn();
      gap();
      clearInterval(timer);
      used.main += (mainThreadSched()?.onCpu ?? 0) - start.main;
      used.process += allThreadsMs() - start.process;
      used.broker += processCpuMs(brokerPid) - start.broker;
      rounds++;
    },
    summary: () => ({ wall, held, main: used.main / rounds, others: (used.process - used.main) / rounds, broker: used.broker / rounds }),
  };
}

async function exportRows(services, kind, n, compression) {
  fillStore(kind, n);
  const topic = `bench_${kind}_${n}_${compression}`;
  const exporter = new KafkaMetricExporter({ brokers: [services.kafka.brokers], topic, compression, acks: 'all' });
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: [services.kafka.brokers], logLevel: logLevel.NOTHING });
  registerZstdCodec(); // the same node:zlib zstd the exporter uses, for the raw sends
  const raw = kafka.producer({ allowAutoTopicCreation: true });
  await raw.connect();
  const key = 'bench/bench-1';
  const { messages } = await new OtlpMetricsEncoder(900000).encode(collection(kind, n));
  const values = messages.map((m) => Buffer.from(m.buffer, m.byteOffset, m.byteLength));
  const codec = { zstd: CompressionTypes.ZSTD, gzip: CompressionTypes.GZIP, none: CompressionTypes.None }[compression];
  const exportOnce = async () => {
    await new Promise((resolve) => exporter.export(collection(kind, n), resolve));
    await exporter.forceFlush();
  };
  // The same messages, each its own send as the exporter does, all in flight together.
  const rawOnce = () => Promise.all(values.map((value) => raw.send({ topic, acks: -1, compression: codec, messages: [{ key, value }] })));
  for (let i = 0; i < 3; i++) {
    await exportOnce(); // connect, create the topic, warm up
    await rawOnce();
  }
  const watch = { export: stallWatch(services.kafka.pid), raw: stallWatch(services.kafka.pid) };
  // Many short rounds: single sends to a broker on the same 2 cores swing by 2x.
  const [exportMs, rawMs] = await interleaved([
    ['export', watch.export.wrap(exportOnce)],
    ['raw', watch.raw.wrap(rawOnce)],
  ], n >= 10000 ? 40 : 80, 0);
  await exporter.shutdown();
  await raw.disconnect();
  return { kind, n, compression, messages: messages.length, exportMs, rawMs, stall: { export: watch.export.summary(), raw: watch.raw.summary() } };
}

export async function runKafka(sizes = [1000, 10000], { broker = true } = {}) {
  const encodeRows = [];
  for (const n of sizes) {
    for (const kind of ['histogram', 'counter']) {
      fillStore(kind, n);
      prebuilt = { resource, scopeMetrics: [{ scope: { name: 'agentmeter' }, metrics: metricDataOf(snapshotOnly(kind, n)) }] };
      encodeRows.push(await encodeRow(kind, n));
    }
  }
  const produceRows = [];
  if (broker) {
    const dir = mkdtempSync(join(tmpdir(), 'agentmeter-bench-'));
    const { services } = await up(dir, ['kafka']);
    try {
      for (const n of sizes) for (const compression of ['zstd', 'gzip', 'none']) produceRows.push(await exportRows(services, 'histogram', n, compression));
    } finally {
      await down(dir);
    }
  }
  const label = (r) => `${r.n.toLocaleString('en-US')} ${r.kind}`;
  const mps = (n, t) => fmt(n / t / 1000, 2);
  const cpuSplit = (s) => `${fmt(s.main, 1)} / ${fmt(s.others, 1)} / ${fmt(s.broker, 1)}`;
  return {
    markdown:
      'Encoding one collection of the store (ms, median of rounds; each case runs six times in a row, cases taking turns, so each pays for its own garbage collection). The exporter encodes a collection of more than 2,048 points message by message, letting the event loop (and V8\'s pending GC tasks) run in between: its wall time is the sliced column; the one-piece column is the same encoder without the pauses:\n\n' +
      table(
        ['series', 'agentmeter encoder, in one piece', 'M points/s', 'agentmeter encoder, sliced (wall)', 'M points/s', 'otlp-transformer serializer (MetricData built)', 'vs agentmeter (one piece / sliced)', 'producer MetricData + otlp-transformer (before)', 'vs agentmeter (one piece / sliced)', 'max stall agentmeter ms', 'max stall before ms'],
        encodeRows.map((r) => [
          label(r),
          fmt(r.oursSync, 2),
          mps(r.n, r.oursSync),
          fmt(r.ours, 2),
          mps(r.n, r.ours),
          fmt(r.stock, 2),
          `${fmt(r.stock / r.oursSync)}x / ${fmt(r.stock / r.ours)}x`,
          fmt(r.stockWithBuild, 2),
          `${fmt(r.stockWithBuild / r.oursSync)}x / ${fmt(r.stockWithBuild / r.ours)}x`,
          fmt(r.oursStall, 1),
          fmt(r.stockStall, 1),
        ]),
      ) +
      '\n\nExport to a loopback Kafka 3.9.1 broker, acks=all: collection → encoded → every message acknowledged, next to raw kafkajs `producer.send` of the same messages (one send per message, all in flight), interleaved round by round (median); zstd is the exporter\'s default. Longest event-loop stall seen during either (wall time between the ticks of a 1 ms timer), and the longest time the event loop was held by work of its own: a stall less the time the kernel\'s run-queue accounting (`/proc/self/task/<pid>/schedstat`) shows the main thread ready but waiting for a core, which on this 2-core machine the broker, the compression threadpool and V8\'s GC helpers share (their CPU time per round in the last columns):\n\n' +
      table(
        ['series', 'compression', 'messages', 'export ms', 'M points/s', 'raw kafkajs ms', 'export / raw', 'max stall export / raw ms', 'longest held by own work, export / raw ms', 'CPU ms per export: main thread / other threads / broker', 'same per raw send'],
        produceRows.map((r) => [
          label(r),
          r.compression,
          String(r.messages),
          fmt(r.exportMs, 2),
          mps(r.n, r.exportMs),
          fmt(r.rawMs, 2),
          `${fmt(r.exportMs / r.rawMs, 2)}x`,
          `${fmt(r.stall.export.wall, 1)} / ${fmt(r.stall.raw.wall, 1)}`,
          `${fmt(r.stall.export.held, 1)} / ${fmt(r.stall.raw.held, 1)}`,
          cpuSplit(r.stall.export),
          cpuSplit(r.stall.raw),
        ]),
      ),
    encodeRows,
    produceRows,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  am.start({ metricsExporters: [], instrumentations: [], attributeCap: 20000 });
  // --encode-only: the encoding table alone, without starting a broker.
  console.log((await runKafka(undefined, { broker: !process.argv.includes('--encode-only') })).markdown);
  await am.shutdown?.();
  process.exit(0);
}
