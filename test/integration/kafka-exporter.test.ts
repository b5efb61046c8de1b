// KafkaMetricExporter under trouble, against a real closed port (nothing listening) and a bad
// configuration given to the register entry point.
import { describe, expect, it } from 'vitest';
import { ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { KafkaMetricExporter } from '../../src/exporters/kafka/exporter';
import { collectScopeMetrics } from '../../src/store/producer';
import { recordToolCall } from '../../src/record/tool';
import { freePort } from '../infra/process.mjs';
import { runNode } from '../infra/child';
import { valueOf } from '../unit/helpers';

function collection(): ResourceMetrics {
  recordToolCall({ tool: 'probe', seconds: 0.1 });
  return { resource: resourceFromAttributes({ 'service.name': 'trouble' }), scopeMetrics: [collectScopeMetrics()] };
}

describe('KafkaMetricExporter with no broker', () => {
  it('never blocks export, keeps a bounded backlog, counts drops, and shuts down within its bound', async () => {
    const port = await freePort();
    const exporter = new KafkaMetricExporter({ brokers: [`127.0.0.1:${port}`], maxQueuedExports: 2, requestTimeoutMillis: 500 });
    const results: number[] = [];
    const started = performance.now();
    for (let i = 0; i < 5; i++) exporter.export(collection(), (r) => results.push(r.code));
    expect(performance.now() - started).toBeLessThan(200);
    expect(results).toEqual(Array(5).fill(ExportResultCode.SUCCESS));
    // One in flight plus two waiting; the two oldest waiting exports were dropped.
    expect(exporter.queuedMessages).toBe(3);
    expect(valueOf('agentmeter.exporter.kafka.dropped', { 'agentmeter.kafka.drop_reason': 'queue_full' })).toBe(2);
    await new Promise((r) => setTimeout(r, 1500));
    const failures = collectScopeMetrics().metrics.find((m) => m.descriptor.name === 'agentmeter.exporter.kafka.failures');
    expect(failures!.dataPoints.reduce((n, p) => n + (p.value as number), 0)).toBeGreaterThan(0);
    const t = performance.now();
    await exporter.shutdown(300);
    expect(performance.now() - t).toBeLessThan(3000);
    expect(valueOf('agentmeter.exporter.kafka.dropped', { 'agentmeter.kafka.drop_reason': 'shutdown' })).toBe(3);
    let after: number | undefined;
    exporter.export(collection(), (r) => (after = r.code));
    expect(after).toBe(ExportResultCode.FAILED);
  });
});

describe('register with a bad Kafka configuration', () => {
  it.each([
    [{ AGENTMETER_KAFKA_BROKERS: 'kafka-1;kafka-2' }, 'AGENTMETER_KAFKA_BROKERS="kafka-1;kafka-2" is not valid; allowed: comma-separated host:port pairs, e.g. localhost:9092,kafka-2:9092'],
    [{ AGENTMETER_KAFKA_SASL_MECHANISM: 'oauthbearer' }, 'AGENTMETER_KAFKA_SASL_MECHANISM="oauthbearer" is not valid; allowed: one of plain, scram-sha-256, scram-sha-512'],
    [{ AGENTMETER_KAFKA_TOPIC: 'otlp metrics!' }, 'AGENTMETER_KAFKA_TOPIC="otlp metrics!" is not valid; allowed: a Kafka topic name: 1 to 249 of a-z A-Z 0-9 . _ -, not "." or ".."'],
  ])('%j: one line naming the option, and the app keeps running', async (env, message) => {
    const app = runNode(['--require', 'agentmeter/register', 'test/fixtures/http-app.cjs'], { OTEL_METRICS_EXPORTER: 'prometheus,kafka', ...env });
    try {
      expect(await app.ready).toMatchObject({ ready: true });
      expect(app.stderr()).toBe(`agentmeter: metrics disabled: AGM_ERR_CONFIG: ${message}\n`);
    } finally {
      await app.stop();
    }
  });
});
