import { describe, expect, it } from 'vitest';
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { encodeMetrics, resourceKey, splitResourceMetrics } from '../../../../src/exporters/kafka/encode';

function counters(n: number, metrics = 1): ResourceMetrics {
  return {
    resource: resourceFromAttributes({ 'service.name': 'svc', 'host.name': 'h' }),
    scopeMetrics: [
      {
        scope: { name: 'agentmeter', version: '1' },
        metrics: Array.from({ length: metrics }, (_, m) => ({
          descriptor: { name: `m${m}`, description: 'd', unit: '1', valueType: ValueType.INT },
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.SUM as const,
          isMonotonic: true,
          dataPoints: Array.from({ length: n }, (_, i) => ({ startTime: [1, 0] as [number, number], endTime: [2, 0] as [number, number], attributes: { k: `v${i}` }, value: i })),
        })),
      },
    ],
  };
}

const points = (rm: ResourceMetrics) => rm.scopeMetrics.flatMap((s) => s.metrics).reduce((n, m) => n + m.dataPoints.length, 0);

describe('encodeMetrics', () => {
  it('keeps a small export in one message, byte-identical to the OTLP serializer', () => {
    const rm = counters(10);
    const { messages } = encodeMetrics(rm, 1_000_000);
    expect(messages).toHaveLength(1);
    expect(Buffer.from(messages[0]!)).toEqual(Buffer.from(ProtobufMetricsSerializer.serializeRequest(rm)!));
  });

  it('splits a large export into messages under the limit that together hold every data point', () => {
    const rm = counters(20000, 2);
    const whole = ProtobufMetricsSerializer.serializeRequest(rm)!.length;
    const { messages, oversizedDataPoints } = encodeMetrics(rm, 50_000);
    expect(oversizedDataPoints).toBe(0);
    expect(messages.length).toBeGreaterThanOrEqual(Math.ceil(whole / 50_000));
    for (const m of messages) expect(m.length).toBeLessThanOrEqual(50_000);
    const parts = splitResourceMetrics(rm, messages.length);
    expect(parts.reduce((n, p) => n + points(p), 0)).toBe(40000);
  });

  it('splits evenly, keeping metric framing and order', () => {
    const parts = splitResourceMetrics(counters(5, 2), 3);
    expect(parts.map(points)).toEqual([4, 4, 2]);
    expect(parts[1]!.scopeMetrics[0]!.metrics.map((m) => [m.descriptor.name, m.dataPoints.map((p) => p.attributes.k)])).toEqual([
      ['m0', ['v4']],
      ['m1', ['v0', 'v1', 'v2']],
    ]);
  });

  it('reports a single data point larger than the limit instead of sending it', () => {
    const rm = counters(1);
    rm.scopeMetrics[0]!.metrics[0]!.dataPoints[0]!.attributes.k = 'x'.repeat(5000);
    expect(encodeMetrics(rm, 2000)).toEqual({ messages: [], oversizedDataPoints: 1 });
  });
});

describe('resourceKey', () => {
  it('is stable per resource and starts with the service name', () => {
    expect(resourceKey(counters(1))).toBe(resourceKey(counters(2)));
    expect(resourceKey(counters(1))).toMatch(/^svc\/[0-9a-f]{16}$/);
  });

  it('is <service.name>/<service.instance.id> when the resource has an instance id', () => {
    const replica = (id: string): ResourceMetrics => ({ ...counters(1), resource: resourceFromAttributes({ 'service.name': 'svc', 'service.instance.id': id }) });
    expect(resourceKey(replica('0b5e3c2a-1'))).toBe('svc/0b5e3c2a-1');
    expect(resourceKey(replica('a'))).not.toBe(resourceKey(replica('b')));
  });
});

describe('encodeMetrics with a bytes-per-point hint', () => {
  it('cuts before encoding and still keeps every message under the limit', () => {
    const rm = counters(20000, 2);
    const { messages } = encodeMetrics(rm, 50_000, 5); // a hint far too low: parts are re-split
    for (const m of messages) expect(m.length).toBeLessThanOrEqual(50_000);
    const again = encodeMetrics(rm, 50_000);
    expect(messages.reduce((n, m) => n + m.length, 0)).toBeGreaterThan(0);
    expect(messages.length).toBeGreaterThanOrEqual(again.messages.length);
  });
});
