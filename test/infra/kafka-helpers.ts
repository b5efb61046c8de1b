// Helpers for tests of the Kafka → Collector → Prometheus path.
import { execFile } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { registerZstdCodec } from '../../src/exporters/kafka/compression';
import { fixKafkaRequestQueue } from '../../src/exporters/kafka/request-queue-fix';
import { startCollector } from './collector.mjs';
import { stopProcess } from './process.mjs';
import { prometheus } from './prom';

// The exporter compresses with zstd by default: this process's kafkajs must read it. Its idle
// connections get agentmeter's request-queue fix (no TimeoutNegativeWarning on stderr).
registerZstdCodec();
fixKafkaRequestQueue();

const execFileAsync = promisify(execFile);

/** The broker's SASL/SCRAM over TLS listener (test/infra/kafka-auth.mjs). */
export interface KafkaAuthService {
  /** host:port of the SASL_SSL listener. */
  brokers: string;
  username: string;
  /** Random per infra start. */
  password: string;
  /** `SCRAM-SHA-512`, `SCRAM-SHA-256`. */
  mechanisms: string[];
  /** PEM of the CA that signed the broker's certificate. */
  caFile: string;
}

export interface KafkaService {
  pid: number;
  brokers: string;
  auth: KafkaAuthService;
  /** The broker's directory (its log segments are under data/) and Kafka's jars. */
  dir: string;
  libs: string;
  logPath: string;
  infraDir: string;
}

export interface CollectorService {
  pid: number;
  prometheusEndpoint: string;
  /** host:port of the Collector's own metrics (COLLECTOR_TELEMETRY_HOST/PORT). */
  telemetryEndpoint: string;
  logPath: string;
  infraDir: string;
}

export function kafkaService(): KafkaService {
  const services = inject('services') as { kafka?: KafkaService };
  if (!services.kafka) throw new Error('Kafka was not started by test/infra/global-setup.mjs');
  return services.kafka;
}

/** `AGENTMETER_KAFKA_*` for the authenticated listener: SASL `mechanism` over TLS trusting the test CA. */
export function authenticatedKafkaEnv(mechanism: 'scram-sha-512' | 'scram-sha-256', password = kafkaService().auth.password): Record<string, string> {
  const { auth } = kafkaService();
  return {
    AGENTMETER_KAFKA_BROKERS: auth.brokers,
    AGENTMETER_KAFKA_SASL_MECHANISM: mechanism,
    AGENTMETER_KAFKA_SASL_USERNAME: auth.username,
    AGENTMETER_KAFKA_SASL_PASSWORD: password,
    AGENTMETER_KAFKA_TLS_CA_FILE: auth.caFile,
  };
}

/**
 * A Collector of this test file's own with collector-config/kafka-sasl-tls-to-prometheus.yaml,
 * reading `topic` from the authenticated listener with SCRAM-SHA-512 over TLS; Prometheus
 * scrapes it with `path="<label>"`. Only the file that needs it pays for its start.
 */
export async function startAuthenticatedCollector(label: string, topic: string): Promise<{ logPath: string; stop: () => Promise<void> }> {
  const { auth, infraDir } = kafkaService();
  const collector = (await startCollector(join(infraDir, label), 'kafka-sasl-tls-to-prometheus.yaml', {
    KAFKA_BROKERS: auth.brokers,
    KAFKA_TOPIC: topic,
    KAFKA_GROUP_ID: `${label}.${topic}`,
    KAFKA_SASL_USERNAME: auth.username,
    KAFKA_SASL_PASSWORD: auth.password,
    KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    KAFKA_TLS_CA_FILE: auth.caFile,
  })) as { pid: number; prometheusEndpoint: string; logPath: string };
  const targets = join(prometheus().collectorTargetsDir, `${label}.json`);
  writeFileSync(targets, JSON.stringify([{ targets: [collector.prometheusEndpoint], labels: { path: label } }]));
  return {
    logPath: collector.logPath,
    stop: async () => {
      rmSync(targets, { force: true });
      await stopProcess(collector.pid);
    },
  };
}

export function collectorService(): CollectorService {
  const services = inject('services') as { collector?: CollectorService };
  if (!services.collector) throw new Error('the Collector was not started by test/infra/global-setup.mjs');
  return services.collector;
}

/** Latest offset (message count) of partition 0 of a topic; 0 when it does not exist yet. */
export async function topicEnd(topic: string): Promise<number> {
  const admin = new Kafka({ brokers: [kafkaService().brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) return 0;
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, o) => n + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Calls `visit` for every message of `topic` (all partitions), read from the beginning by a
 * consumer group of its own; resolves once all the topic held at the start were read (30 s at most).
 */
export async function readTopic(topic: string, visit: (message: KafkaMessage, partition: number) => void): Promise<void> {
  const kafka = new Kafka({ brokers: [kafkaService().brokers], logLevel: logLevel.NOTHING });
  const end = await topicEnd(topic);
  const consumer = kafka.consumer({ groupId: `agentmeter-test-reader-${process.pid}-${Date.now()}` });
  let seen = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${seen} of ${end} messages of ${topic} in 30 s`)), 30000);
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          visit(message, partition);
          if (++seen >= end) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

/** Offset and size of every message of `topic` whose key starts with `keyPrefix` (reads from the beginning). */
export async function messagesOf(topic: string, keyPrefix: string): Promise<Array<{ offset: number; size: number }>> {
  const found: Array<{ offset: number; size: number }> = [];
  await readTopic(topic, (message) => {
    if (message.key?.toString().startsWith(keyPrefix)) found.push({ offset: Number(message.offset), size: message.value?.length ?? 0 });
  });
  return found;
}

/** Sizes of every message on `topic` whose key starts with `keyPrefix`. */
export async function messageSizes(topic: string, keyPrefix: string): Promise<number[]> {
  return (await messagesOf(topic, keyPrefix)).map((m) => m.size);
}

/**
 * The record batches of partition 0 of `topic` as the broker stored them (offset range and
 * compression codec), read from its log segments by Kafka's own DumpLogSegments tool.
 */
export async function storedBatches(topic: string): Promise<Array<{ first: number; last: number; codec: string }>> {
  const { dir, libs } = kafkaService();
  const partition = join(dir, 'data', `${topic}-0`);
  const segments = readdirSync(partition).filter((f) => f.endsWith('.log')).map((f) => join(partition, f));
  const { stdout } = await execFileAsync('java', ['-cp', `${libs}/*`, 'kafka.tools.DumpLogSegments', '--files', segments.join(',')], { maxBuffer: 64 * 1024 * 1024 });
  return [...stdout.matchAll(/^baseOffset: (\d+) lastOffset: (\d+) .* compresscodec: (\w+)/gm)].map((m) => ({ first: Number(m[1]), last: Number(m[2]), codec: m[3]! }));
}
