// The exporter's send loop against a stand-in kafkajs producer (the real broker runs in the
// integration tests): which messages are retried, what is counted, and that a send failing while
// later ones are still being started never becomes an unhandled rejection.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { CompressionTypes } from 'kafkajs';
import { KafkaMetricExporter } from '../../../../src/exporters/kafka/exporter';
import type { KafkaMetricExporterOptions } from '../../../../src/exporters/kafka/options';
import { createMetricProducer } from '../../../../src/store/producer';
import { recordToolCall } from '../../../../src/record/tool';
import { guard } from '../../../../src/store/registry';
import { resetStore, valueOf } from '../../helpers';

interface Send {
  key: string;
  bytes: number;
  compression: CompressionTypes | undefined;
}

/** A producer whose n-th send (from 0) fails as `failures[n]` says; records every send. */
function standIn(failures: Record<number, Error>) {
  const sends: Send[] = [];
  let n = 0;
  return {
    sends,
    producer: {
      connect: async () => undefined,
      disconnect: async () => undefined,
      on: () => undefined,
      send: async ({ messages, compression }: { messages: Array<{ key: string; value: Buffer }>; compression?: CompressionTypes }) => {
        const failure = failures[n++];
        if (failure !== undefined) throw failure;
        for (const m of messages) sends.push({ key: m.key, bytes: m.value.length, compression });
      },
    },
  };
}

async function collection(): Promise<ResourceMetrics> {
  const { resourceMetrics } = await createMetricProducer().collect();
  return { ...resourceMetrics, resource: resourceFromAttributes({ 'service.name': 'svc', 'service.instance.id': 'i-1' }) };
}

function exporterWith(producer: unknown, options: KafkaMetricExporterOptions = {}): KafkaMetricExporter {
  const exporter = new KafkaMetricExporter({ brokers: ['127.0.0.1:1'], maxMessageBytes: 4096, initialRetryDelayMillis: 1, maxRetryDelayMillis: 2, ...options });
  // The stand-in replaces the kafkajs producer the constructor made (it never connected).
  (exporter as unknown as { producer: unknown }).producer = producer;
  return exporter;
}

/** One export through a stand-in producer, flushed: what it sent, and the exporter to shut down. */
async function exportOnce(failures: Record<number, Error>, options: KafkaMetricExporterOptions = {}) {
  const { sends, producer } = standIn(failures);
  const exporter = exporterWith(producer, options);
  const metrics = await collection();
  await new Promise((resolve) => exporter.export(metrics, resolve));
  await exporter.forceFlush();
  return { sends, exporter };
}

const retriable = () => Object.assign(new Error('leader not available'), { name: 'KafkaJSProtocolError', type: 'LEADER_NOT_AVAILABLE', retriable: true });
const tooLarge = () => Object.assign(new Error('too large'), { name: 'KafkaJSProtocolError', type: 'MESSAGE_TOO_LARGE', retriable: false });

describe('KafkaMetricExporter sends', () => {
  let cap: number;
  beforeEach(() => {
    resetStore();
    cap = guard.cap;
    guard.cap = 1000;
    // 40 tool series: several 4 kB messages in one export.
    for (let i = 0; i < 40; i++) recordToolCall({ tool: `tool_${i}`, seconds: 0.1 });
  });
  afterEach(() => {
    guard.cap = cap;
  });

  it('retries only the message that failed, once per failure, while the others are acknowledged once', async () => {
    const { sends, exporter } = await exportOnce({ 0: retriable() });
    const messages = sends.length;
    expect(messages).toBeGreaterThanOrEqual(3);
    // Every message once: the failed first one arrives last, after its retry.
    expect(new Set(sends.map((s) => s.key))).toEqual(new Set(['svc/i-1']));
    expect(valueOf('agentmeter.exporter.kafka.failures', { 'error.type': 'LEADER_NOT_AVAILABLE' })).toBe(1);
    expect(valueOf('agentmeter.exporter.kafka.sent.messages')).toBe(messages);
    expect(exporter.queuedMessages).toBe(0);
    await exporter.shutdown(100);
  });

  it('drops a message the broker rejects for good, counts it, and sends the rest', async () => {
    const { sends, exporter } = await exportOnce({ 1: tooLarge() });
    expect(sends.length).toBeGreaterThanOrEqual(2);
    expect(valueOf('agentmeter.exporter.kafka.dropped', { 'agentmeter.kafka.drop_reason': 'rejected' })).toBe(1);
    expect(valueOf('agentmeter.exporter.kafka.sent.messages')).toBe(sends.length);
    await exporter.shutdown(100);
  });

  it.each([
    [{}, CompressionTypes.ZSTD],
    [{ compression: 'gzip' }, CompressionTypes.GZIP],
    [{ compression: 'none' }, CompressionTypes.None],
  ] as const)('sends record batches compressed as configured (%j)', async (options, expected) => {
    const { sends, exporter } = await exportOnce({}, options);
    expect(sends.length).toBeGreaterThanOrEqual(3);
    expect(new Set(sends.map((s) => s.compression))).toEqual(new Set([expected]));
    await exporter.shutdown(100);
  });
});
