// Scale-out (docs/scaling.md): two Collectors in one consumer group read a 4-partition topic
// and push to a remote-write store (collector-config/kafka-to-remote-write.yaml, unchanged).
// Six producers (2 services × 3 replicas) record known totals while a Collector joins (a
// rebalance), one is SIGKILLed and restarted, and the broker restarts. At the end the store
// holds the exact totals, no counter ever reset, every producer's series exist once (the very
// series, names and labels the single-Collector pull path serves), and the late arrival of a
// dead Collector's partitions is bounded by the session timeout.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { ROOT, runNode, type RunningChild } from '../infra/child';
import { kafkaService, readTopic } from '../infra/kafka-helpers';
import { queryAt, type Sample } from '../infra/prom';
import { samples } from '../infra/prom-text';
import { PATHS } from '../../grafana/src/paths';
import { startCollector, restartCollector, killCollector } from '../infra/collector.mjs';
import { startStorePrometheus } from '../infra/prometheus.mjs';
import { killService, restartService } from '../infra/services.mjs';
import { stopProcess } from '../infra/process.mjs';

const TOPIC = `otlp_metrics_group_${process.pid}`;
const GROUP = `otelcol-group-${process.pid}`;
const PARTITIONS = 4;
const SERVICES = ['group-billing', 'group-search'];
const REPLICAS = 3;
const EXPORT_INTERVAL_MILLIS = 1000;
const CONFIG = 'kafka-to-remote-write.yaml';
/** The shipped config's session timeout: how long a dead Collector holds its partitions. */
const SESSION_TIMEOUT_SECONDS = Number(/(\d+)s/.exec((parse(readFileSync(join(ROOT, 'collector-config', CONFIG), 'utf8')) as { receivers: { kafka: { session_timeout: string } } }).receivers.kafka.session_timeout)![1]);

interface Store { pid: number; url: string; logPath: string; collectorTargetsDir: string; remoteWriteUrl: string }
interface Collector { pid: number; logPath: string; telemetryEndpoint: string }

const apps: RunningChild[] = [];
const collectors: Collector[] = [];
let store: Store | undefined;
let stopSampler = async (): Promise<void> => {};
afterAll(async () => {
  await stopSampler().catch(() => {});
  const admin = new Kafka({ brokers: [kafkaService().brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect().then(() => admin.deleteTopics({ topics: [TOPIC] })).catch(() => {});
  await admin.disconnect();
  await Promise.all(apps.map((a) => a.stop()));
  await Promise.all(collectors.map((c) => stopProcess(c.pid)));
  if (store) await stopProcess(store.pid);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const q = (promql: string) => queryAt(store!, promql);
const value = (s: Sample) => Number(s.value[1]);

async function createTopic(): Promise<void> {
  const admin = new Kafka({ brokers: [kafkaService().brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Partitions each message key (one producer's resource) was written to, read from the topic itself. */
async function partitionsByKey(): Promise<Map<string, Set<number>>> {
  const byKey = new Map<string, Set<number>>();
  await readTopic(TOPIC, (message, partition) => {
    const key = message.key?.toString() ?? '';
    if (!byKey.has(key)) byKey.set(key, new Set());
    byKey.get(key)!.add(partition);
  });
  return byKey;
}

async function startGroupCollector(name: string): Promise<Collector> {
  const { brokers, infraDir } = kafkaService();
  const collector = (await startCollector(join(infraDir, 'collector-group', name), CONFIG, {
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC: TOPIC,
    KAFKA_GROUP_ID: GROUP,
    REMOTE_WRITE_URL: store!.remoteWriteUrl,
  })) as Collector;
  // Written then renamed: Prometheus's file discovery never reads half a file.
  const targets = join(store!.collectorTargetsDir, `${name}.json`);
  writeFileSync(`${targets}.tmp`, JSON.stringify([{ targets: [collector.telemetryEndpoint], labels: { collector: name } }]));
  renameSync(`${targets}.tmp`, targets);
  collectors.push(collector);
  return collector;
}

/**
 * A service.instance.id for each producer such that its messages (key `<service>/<id>`, hashed
 * by kafkajs's default partitioner as the exporter's producer does) go to partition
 * `index % PARTITIONS`: every partition holds data, so every Collector owns some.
 */
function instanceIds(): string[][] {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, leader: 0 }));
  let index = 0;
  return SERVICES.map((service) => Array.from({ length: REPLICAS }, () => {
    const want = index++ % PARTITIONS;
    for (let n = 0; ; n++) {
      const id = `${service}-${want}-${n}`;
      if (partitioner({ topic: TOPIC, partitionMetadata, message: { key: `${service}/${id}`, value: null } }) === want) return id;
    }
  }));
}

function producer(service: string, instanceId: string, calls: number): RunningChild {
  const app = runNode(['--require', 'agentmeter/register', 'test/fixtures/kafka-app.cjs'], {
    OTEL_SERVICE_NAME: service,
    OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${instanceId}`,
    OTEL_METRICS_EXPORTER: 'kafka',
    OTEL_METRIC_EXPORT_INTERVAL: String(EXPORT_INTERVAL_MILLIS),
    AGENTMETER_KAFKA_BROKERS: kafkaService().brokers,
    AGENTMETER_KAFKA_TOPIC: TOPIC,
    APP_CALLS: String(calls),
    APP_BATCH: '10',
    APP_EVERY_MS: '100',
  });
  apps.push(app);
  return app;
}

const COUNT = (selector = '') => `gen_ai_execute_tool_duration_seconds_count{job=~"group-.*"${selector}}`;

describe('a Collector group pushing to a remote-write store', () => {
  it('keeps exact totals through a rebalance, a Collector crash and a broker restart', async () => {
    const { infraDir } = kafkaService();
    const storeDir = join(infraDir, 'collector-group', 'store');
    rmSync(storeDir, { recursive: true, force: true });
    // With the shipped recording and alert rules, as collector-config/prometheus-store.yml loads them.
    store = (await startStorePrometheus(storeDir, { ruleFiles: [join(ROOT, PATHS.prometheusRules)] })) as Store;
    await createTopic();
    const first = await startGroupCollector('a');
    // The single-Collector pull path on the same topic (its own group), to compare series with.
    const pull = (await startCollector(join(kafkaService().infraDir, 'collector-group', 'pull'), 'kafka-to-prometheus.yaml', {
      KAFKA_BROKERS: kafkaService().brokers,
      KAFKA_TOPIC: TOPIC,
      KAFKA_GROUP_ID: `${GROUP}-pull`,
    })) as Collector & { prometheusEndpoint: string };
    collectors.push(pull);

    // ~40 s of recording each (100 calls/s), all totals distinct.
    const expected = new Map<string, number>();
    const ids = instanceIds();
    SERVICES.forEach((service, s) => {
      for (let r = 0; r < REPLICAS; r++) {
        const calls = 4000 + 10 * (s * REPLICAS + r);
        expected.set(service, (expected.get(service) ?? 0) + calls);
        producer(service, ids[s]![r]!, calls);
      }
    });
    await Promise.all(apps.map((a) => a.ready));

    // How late the newest point of each series is, sampled through the run; and never more
    // than the producers recorded (a frozen or doubled copy would overshoot).
    const delays: Array<{ at: number; seconds: number }> = [];
    const overshoots: string[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const at = Date.now();
        const delay = await q(`max(time() - timestamp(${COUNT()}))`);
        if (delay.length > 0) delays.push({ at, seconds: value(delay[0]!) });
        for (const s of await q(`sum by (job) (${COUNT()})`)) if (value(s) > expected.get(s.metric.job!)!) overshoots.push(`${s.metric.job} ${value(s)}`);
        await sleep(500);
      }
    })();
    stopSampler = async () => {
      sampling = false;
      await sampler;
    };

    await sleep(4000);
    await startGroupCollector('b'); // a rebalance: b takes partitions from a
    // Both own data partitions before one is killed (each partition has data: instanceIds()).
    const owned = async () => Object.fromEntries((await q(`count by (collector) (otelcol_kafka_receiver_offset_lag{topic="${TOPIC}"})`)).map((x) => [x.metric.collector!, value(x)]));
    const rebalanceDeadline = Date.now() + 30000;
    // (b reports a partition's lag once it has read from it: wait for both of its partitions.)
    const split = (o: Record<string, number>) => Object.keys(o).length === 2 && o.a === 2 && o.b === 2;
    while (Date.now() < rebalanceDeadline && !split(await owned())) await sleep(500);
    expect(await owned()).toEqual({ a: 2, b: 2 });
    await sleep(2000);
    await killCollector(first); // a crash: its partitions wait for the session timeout
    const killedAt = Date.now();
    await sleep(12000);
    Object.assign(first, await restartCollector(first)); // another rebalance
    await sleep(5000);
    const brokerKilledAt = Date.now();
    await killService(infraDir, 'kafka'); // the broker restarts: producers and Collectors wait
    await sleep(3000);
    await restartService(infraDir, 'kafka');
    const brokerBackAt = Date.now();

    await Promise.all(apps.map(async (a) => {
      while (!a.stdout().includes('"done":true')) {
        if (a.child.exitCode !== null) throw new Error(`a producer exited early; stderr: ${a.stderr()}`);
        await sleep(100);
      }
    }));
    const deadline = Date.now() + 60000;
    let sums: Record<string, number> = {};
    while (Date.now() < deadline) {
      sums = Object.fromEntries((await q(`sum by (job) (${COUNT()})`)).map((s) => [s.metric.job!, value(s)]));
      if (SERVICES.every((s) => sums[s] === expected.get(s))) break;
      await sleep(500);
    }
    await stopSampler();
    expect(overshoots).toEqual([]);
    expect(sums).toEqual(Object.fromEntries(expected));

    // No counter reset anywhere (a second writer of a series would make it go back and forth).
    const window = `${Math.ceil((Date.now() - killedAt) / 1000) + 60}s`;
    const counters = (await q('count by (__name__) ({job=~"group-.*",__name__=~".+_(total|count|sum|bucket)"})')).map((s) => s.metric.__name__!);
    expect(counters).toContain('gen_ai_execute_tool_duration_seconds_bucket');
    for (const name of counters) expect(await q(`resets(${name}{job=~"group-.*"}[${window}]) > 0`), name).toEqual([]);
    // Every producer exactly once: one target_info per instance, three instances per service,
    // two tool-call series (ok, TimeoutError) per instance, with the same label names.
    const info = await q(`count by (job, instance) (target_info{job=~"group-.*"})`);
    expect(info.map(value)).toEqual(Array(SERVICES.length * REPLICAS).fill(1));
    expect(Object.fromEntries((await q(`count by (job) (count by (job, instance) (${COUNT()}))`)).map((s) => [s.metric.job!, value(s)]))).toEqual(
      Object.fromEntries(SERVICES.map((s) => [s, REPLICAS])),
    );
    const series = await q(COUNT());
    expect(series.length).toBe(SERVICES.length * REPLICAS * 2);
    // The same label names on every series (error_type only where there was one): no Collector added its own.
    expect(new Set(series.map((s) => Object.keys(s.metric).filter((k) => k !== 'error_type').sort().join(',')))).toEqual(new Set([series[0] && Object.keys(series[0].metric).filter((k) => k !== 'error_type').sort().join(',')]));

    // The same series, names and labels as the pull path's Collector serves: dashboards and rules apply unchanged.
    // (An empty label is no label in Prometheus: the page's otel_scope_schema_url="" is not stored.)
    const identity = (name: string, labels: Record<string, string>) => `${name}{${Object.keys(labels).filter((k) => k !== '__name__' && labels[k] !== '').sort().map((k) => `${k}=${labels[k]}`).join(',')}}`;
    const page = samples(await (await fetch(`http://${pull.prometheusEndpoint}/metrics`)).text()).filter((x) => x.labels.job?.startsWith('group-'));
    // (What the producers sent: not the store's own recording-rule and ALERTS series.)
    const stored = (await q('{job=~"group-.*"}')).filter((x) => !x.metric.__name__!.includes(':') && !x.metric.__name__!.startsWith('ALERTS'));
    expect(page.length).toBeGreaterThan(0);
    const unescape = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))]));
    expect(new Set(stored.map((x) => identity(x.metric.__name__!, x.metric)))).toEqual(new Set(page.map((x) => identity(x.name, unescape(x.labels)))));

    // The longest gap between two stored points of any series. Through the rebalances and the
    // crash, points reach the store late (a dead Collector's partitions wait for the session
    // timeout) but with their own timestamps, so none is missing. Through the broker restart the
    // producers' exports wait (10 queued, the oldest dropped after that): the gap is the outage.
    const raw = await q<{ metric: Record<string, string>; values: Array<[number, string]> }>(`${COUNT()}[${window}]`);
    const gaps = { collectors: 0, broker: 0 };
    for (const s of raw) for (let i = 1; i < s.values.length; i++) {
      const gap = s.values[i]![0] - s.values[i - 1]![0];
      const phase = s.values[i]![0] * 1000 < brokerKilledAt ? 'collectors' : 'broker';
      gaps[phase] = Math.max(gaps[phase], gap);
    }
    const worstDelay = (from: number, to: number) => Math.max(...delays.filter((d) => d.at >= from && d.at < to).map((d) => d.seconds));
    const delay = { collectors: worstDelay(0, brokerKilledAt), broker: worstDelay(brokerKilledAt, Infinity) };
    const brokerDownSeconds = (brokerBackAt - brokerKilledAt) / 1000;
    console.log(
      `collector group: longest gap between stored points ${gaps.collectors.toFixed(1)} s through the rebalances and the crash, ` +
        `${gaps.broker.toFixed(1)} s through the broker restart (down ${brokerDownSeconds.toFixed(1)} s); newest point at most ` +
        `${delay.collectors.toFixed(1)} s / ${delay.broker.toFixed(1)} s old (session timeout ${SESSION_TIMEOUT_SECONDS} s)`,
    );
    // One point skipped would be a gap of two export intervals.
    expect(gaps.collectors).toBeLessThan((2.5 * EXPORT_INTERVAL_MILLIS) / 1000);
    expect(delay.collectors).toBeLessThan(SESSION_TIMEOUT_SECONDS + 10);
    // The exporter's request timeout (10 s) can hold the first export after the outage.
    expect(gaps.broker).toBeLessThan(brokerDownSeconds + 10 + 3);

    // Each producer's messages stayed on one partition (the key is its resource), and the
    // producers spread over more than one partition.
    const byKey = await partitionsByKey();
    expect(byKey.size).toBe(SERVICES.length * REPLICAS);
    for (const [key, partitions] of byKey) expect([...partitions].length, key).toBe(1);

    // The store refused nothing (re-delivered and out-of-order points were accepted), and each
    // partition that holds data has one owner, whose consumer lag the pipeline dashboard shows.
    expect(value((await q('sum(otelcol_exporter_sent_metric_points)'))[0]!)).toBeGreaterThan(0);
    // Over the whole run, also before Collector a's restart reset its counters.
    expect(await q(`max_over_time(otelcol_exporter_send_failed_metric_points[${window}]) > 0`)).toEqual([]);
    expect((await q(`max(max_over_time(otelcol_receiver_refused_metric_points[${window}]))`)).map(value)).toEqual([0]);
    // The recording rules work on the store as on the pull path: per-service tool-call rates.
    expect(Object.keys(Object.fromEntries((await q('job_tool:agentmeter_tool_calls:rate5m{job=~"group-.*"} > 0')).map((x) => [x.metric.job!, 1]))).sort()).toEqual(SERVICES);
    // The pipeline dashboard's Collector panels read these under the Collector job.
    expect((await q('count(otelcol_kafka_receiver_records_delay_bucket{job="otel-collector"})')).map(value)[0]).toBeGreaterThan(0);
    const used = [...new Set([...byKey.values()].flatMap((p) => [...p]))].sort();
    expect(used).toEqual([...Array(PARTITIONS).keys()]);
    const owners = async () => Object.fromEntries((await q(`count by (partition) (otelcol_kafka_receiver_offset_lag{topic="${TOPIC}"})`)).map((s) => [s.metric.partition!, value(s)]));
    const lagDeadline = Date.now() + 20000;
    while (Date.now() < lagDeadline && Object.keys(await owners()).length < used.length) await sleep(500);
    expect(await owners()).toEqual(Object.fromEntries(used.map((p) => [String(p), 1])));
  }, 240000);
});
