// Helpers for tests of the Kafka → Collector → Prometheus path.
import { inject } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';

export interface KafkaService {
  pid: number;
  brokers: string;
  logPath: string;
  infraDir: string;
}

export interface CollectorService {
  pid: number;
  prometheusEndpoint: string;
  logPath: string;
  infraDir: string;
}

export function kafkaService(): KafkaService {
  const services = inject('services') as { kafka?: KafkaService };
  if (!services.kafka) throw new Error('Kafka was not started by test/infra/global-setup.mjs');
  return services.kafka;
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

/** Sizes of every message on `topic` whose key starts with `keyPrefix` (reads from the beginning). */
export async function messageSizes(topic: string, keyPrefix: string): Promise<number[]> {
  const kafka = new Kafka({ brokers: [kafkaService().brokers], logLevel: logLevel.NOTHING });
  const end = await topicEnd(topic);
  const consumer = kafka.consumer({ groupId: `agentmeter-test-reader-${process.pid}-${Date.now()}` });
  const sizes: number[] = [];
  let seen = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${seen} of ${end} messages of ${topic} in 30 s`)), 30000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen++;
          if (message.key?.toString().startsWith(keyPrefix)) sizes.push(message.value?.length ?? 0);
          if (seen >= end) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return sizes;
}
