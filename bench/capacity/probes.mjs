// Reading the services the capacity bench runs: CPU time from /proc, metrics pages, the store's
// query API, the broker's log segments and a consumer group's offsets.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds (user + system) a process has used so far, from /proc; NaN once it is gone. */
export function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/**
 * Seconds the threads of a process have spent ready to run but waiting for a core (the kernel's
 * run-queue accounting, /proc/<pid>/task/<tid>/schedstat): how much CPU it was denied.
 */
export function waitSeconds(pid) {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]);
      } catch {
        // the thread ended between the listing and the read
      }
    }
    return ns / 1e9;
  } catch {
    return NaN;
  }
}

/** This process's CPU seconds, all threads (the zstd threadpool included). */
export function ownCpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** The sum over the label sets of one metric on a Prometheus text page (only those whose labels include `having`). */
export async function scrapeSum(url, name, having = '') {
  const text = await (await fetch(url)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if ((rest[0] !== '{' && rest[0] !== ' ') || !rest.includes(having)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export const sentPoints = (collector) => scrapeSum(`http://${collector.telemetryEndpoint}/metrics`, 'otelcol_exporter_sent_metric_points');
export const failedPoints = (collector) => scrapeSum(`http://${collector.telemetryEndpoint}/metrics`, 'otelcol_exporter_send_failed_metric_points');
export const samplesAppended = (store) => scrapeSum(`${store.url}/metrics`, 'prometheus_tsdb_head_samples_appended_total');
/** Seconds the store spent in remote-write requests so far, and how many it served. */
export const writeRequests = async (store) => ({
  seconds: await scrapeSum(`${store.url}/metrics`, 'prometheus_http_request_duration_seconds_sum', 'handler="/api/v1/write"'),
  count: await scrapeSum(`${store.url}/metrics`, 'prometheus_http_request_duration_seconds_count', 'handler="/api/v1/write"'),
});

export async function query(store, promql) {
  const body = await (await fetch(`${store.url}/api/v1/query?query=${encodeURIComponent(promql)}`)).json();
  return body.data.result;
}

/** Bytes of a topic's log segments on the broker's disk: the records as stored (compressed batches included). */
export function topicBytes(kafka, topic) {
  const data = join(kafka.dir, 'data');
  let bytes = 0;
  for (const dir of readdirSync(data).filter((d) => d.startsWith(`${topic}-`) && /^\d+$/.test(d.slice(topic.length + 1)))) {
    for (const file of readdirSync(join(data, dir)).filter((f) => f.endsWith('.log'))) bytes += statSync(join(data, dir, file)).size;
  }
  return bytes;
}

async function withAdmin(kafka, fn) {
  const admin = new Kafka({ brokers: [kafka.brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

export const createTopic = (kafka, topic, partitions) =>
  withAdmin(kafka, (admin) => admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true }));

/** Messages on the topic and, for a group, how many of them it has not committed yet. */
export async function offsets(kafka, topic, groupId) {
  return withAdmin(kafka, async (admin) => {
    const ends = await admin.fetchTopicOffsets(topic);
    const messages = ends.reduce((n, o) => n + Number(o.high), 0);
    if (groupId === undefined) return { messages, lag: messages };
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const done = new Map(committed.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]));
    return { messages, lag: ends.reduce((n, o) => n + Number(o.high) - (done.get(o.partition) ?? 0), 0) };
  });
}

