// Kafka exporter against a real broker (started by test/infra): encode cost next to the stock
// OTLP exporters' serialisers, encode + produce throughput, and publish latency per export.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { KafkaMetricExporter, encodeMetrics } from 'agentmeter/kafka';
import { bytesPerPoint } from '../dist/exporters/kafka/encode.js';
import { up, down } from '../test/infra/services.mjs';
import { fmt, msPerRun, table } from './harness.mjs';

class ManualReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

async function collection(n, kind) {
  const reader = new ManualReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench' }),
    readers: [reader],
    views: [{ instrumentName: '*', aggregationCardinalityLimit: n + 10 }],
  });
  const meter = provider.getMeter('bench');
  if (kind === 'histogram') {
    const h = meter.createHistogram('gen_ai.execute_tool.duration', { unit: 's' });
    for (let i = 0; i < n; i++) h.record((i % 100) / 50, { 'gen_ai.tool.name': `tool_${i}` });
  } else {
    const c = meter.createCounter('agent.cache.requests');
    for (let i = 0; i < n; i++) c.add(1 + (i % 7), { 'agent.cache.name': `cache_${i}`, 'agent.cache.result': 'hit' });
  }
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return resourceMetrics;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export async function runKafka(sizes = [1000, 10000]) {
  const dir = mkdtempSync(join(tmpdir(), 'agentmeter-bench-'));
  const { services } = await up(dir, ['kafka']);
  const encodeRows = [];
  const produceRows = [];
  const ratios = {};
  try {
    for (const [kind, n] of sizes.flatMap((size) => [['histogram', size], ['counter', size]])) {
      const rm = await collection(n, kind);
      // The exporter passes the previous export's bytes per point: measure that steady state.
      const hint = bytesPerPoint(rm, encodeMetrics(rm, 900000));
      const ours = await msPerRun(async () => encodeMetrics(rm, 900000, hint));
      const proto = await msPerRun(async () => ProtobufMetricsSerializer.serializeRequest(rm));
      const json = await msPerRun(async () => JsonMetricsSerializer.serializeRequest(rm));
      encodeRows.push([`${n.toLocaleString('en-US')} ${kind}`, fmt(ours, 2), fmt(proto, 2), fmt(json, 2), `${fmt(json / ours)}x`]);

      for (const compression of ['none', 'gzip']) {
        const exporter = new KafkaMetricExporter({ brokers: [services.kafka.brokers], topic: `bench_${kind}_${n}_${compression}`, compression });
        const latencies = [];
        const exportOnce = async () => {
          const t = performance.now();
          await new Promise((resolve) => exporter.export(rm, resolve));
          await exporter.forceFlush();
          return performance.now() - t;
        };
        for (let i = 0; i < 3; i++) await exportOnce(); // connect, create topic, warm up
        const rounds = n >= 10000 ? 20 : 50;
        for (let i = 0; i < rounds; i++) latencies.push(await exportOnce());
        await exporter.shutdown();
        latencies.sort((a, b) => a - b);
        const messages = encodeMetrics(rm, 900000, hint).messages.length;
        const p50 = percentile(latencies, 0.5);
        const p99 = percentile(latencies, 0.99);
        const perSecond = n / (p50 / 1000);
        produceRows.push([`${n.toLocaleString('en-US')} ${kind}`, compression, String(messages), fmt(perSecond / 1e6, 2), fmt(p50, 2), fmt(p99, 2)]);
        ratios[`${kind}/${n}/${compression}`] = { pointsPerSecond: perSecond, p50, p99 };
      }
    }
  } finally {
    await down(dir);
  }
  return {
    markdown:
      'Encoding one collection of N histogram data points (ms, median):\n\n' +
      table(['data points', 'agentmeter encodeMetrics (protobuf, split-checked)', 'OTLP protobuf serializer', 'OTLP/HTTP JSON serializer (stock otlp-http exporter)', 'JSON vs agentmeter'], encodeRows) +
      '\n\nEncode + produce to a loopback Kafka 3.9.1 broker (acks=all), one export = collection → all messages acknowledged:\n\n' +
      table(['data points', 'compression', 'messages', 'M data points/s (at p50)', 'export p50 ms', 'export p99 ms'], produceRows),
    ratios,
  };
}
