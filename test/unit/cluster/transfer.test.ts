// ResourceMetrics through JSON and back, as the IPC channel carries them.
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { fromTransferable, isTransferable, toTransferable } from '../../../src/cluster/transfer';
import { PrometheusSerializer } from '../../../src/exporters/prometheus/serializer';

const t: [number, number] = [1700000000, 5];

function sample(): ResourceMetrics {
  return {
    resource: resourceFromAttributes({ 'service.name': 'svc', 'service.instance.id': 'w-1', 'host.id': Promise.resolve('h1') as unknown as string }),
    scopeMetrics: [
      {
        scope: { name: 'agentmeter', version: '1.0.0' },
        metrics: [
          {
            descriptor: { name: 'agent.cache.requests', description: 'd', unit: '{request}', valueType: ValueType.INT },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.SUM,
            isMonotonic: true,
            dataPoints: [{ startTime: t, endTime: t, attributes: { 'agent.cache.name': 'e' }, value: 3 }],
          },
          {
            descriptor: { name: 'g', description: 'd', unit: '1', valueType: ValueType.DOUBLE },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.GAUGE,
            dataPoints: [
              { startTime: t, endTime: t, attributes: { k: 'nan' }, value: Number.NaN },
              { startTime: t, endTime: t, attributes: { k: 'inf' }, value: -Infinity },
            ],
          },
          {
            descriptor: { name: 'h', description: 'd', unit: 's', valueType: ValueType.DOUBLE },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.HISTOGRAM,
            dataPoints: [
              { startTime: t, endTime: t, attributes: {}, value: { buckets: { boundaries: [0.1, 1], counts: [1, 2, 0] }, sum: 1.25, count: 3, min: 0.05, max: 0.9 } },
            ],
          },
        ],
      },
    ],
  };
}

describe('toTransferable / fromTransferable', () => {
  it('survive JSON unchanged, non-finite values and async resource attributes included', async () => {
    const wire = JSON.parse(JSON.stringify(await toTransferable(sample())));
    expect(isTransferable(wire)).toBe(true);
    const back = fromTransferable(wire);
    expect(back.resource.attributes).toEqual({ 'service.name': 'svc', 'service.instance.id': 'w-1', 'host.id': 'h1' });
    const original = sample();
    expect(back.scopeMetrics).toEqual(original.scopeMetrics);
  });

  it('maps the attributes of every data point', async () => {
    const wire = JSON.parse(JSON.stringify(await toTransferable(sample())));
    const back = fromTransferable(wire, (a) => ({ ...a, 'service.instance.id': 'w-1' }));
    const attributes = back.scopeMetrics[0]!.metrics.flatMap((m) => m.dataPoints.map((p) => p.attributes));
    expect(attributes).toEqual([
      { 'agent.cache.name': 'e', 'service.instance.id': 'w-1' },
      { k: 'nan', 'service.instance.id': 'w-1' },
      { k: 'inf', 'service.instance.id': 'w-1' },
      { 'service.instance.id': 'w-1' },
    ]);
  });

  it('keep a histogram point’s exemplars (the store’s extra field), and add none where there were none', async () => {
    const withExemplars = sample();
    const exemplars = [
      { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', value: 0.05, timeMs: 1700000000123.5 },
      { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', value: Infinity, timeMs: 1700000001000 },
    ];
    const histogram = withExemplars.scopeMetrics[0]!.metrics[2]!;
    Object.assign(histogram.dataPoints[0]!, { exemplars });
    const wire = JSON.parse(JSON.stringify(await toTransferable(withExemplars)));
    const back = fromTransferable(wire);
    expect((back.scopeMetrics[0]!.metrics[2]!.dataPoints[0] as { exemplars?: unknown }).exemplars).toEqual(exemplars);
    // ... and reach the primary's OpenMetrics page on the buckets they fall in.
    const page = new PrometheusSerializer({ openMetrics: true, withoutScopeInfo: true }).serialize(back);
    expect(page).toContain(`h_seconds_bucket{le="0.1"} 1 # {trace_id="${exemplars[0]!.traceId}",span_id="${exemplars[0]!.spanId}"} 0.05 1700000000.124\n`);
    expect(page).toContain(`h_seconds_bucket{le="+Inf"} 3 # {trace_id="${exemplars[1]!.traceId}",span_id="${exemplars[1]!.spanId}"} +Inf 1700000001.000\n`);
    const plain = fromTransferable(JSON.parse(JSON.stringify(await toTransferable(sample()))));
    expect('exemplars' in plain.scopeMetrics[0]!.metrics[2]!.dataPoints[0]!).toBe(false);
  });

  it.each([null, 'x', {}, { resource: {} }, { scopeMetrics: [] }])('isTransferable(%j) is false', (value) => {
    expect(isTransferable(value)).toBe(false);
  });
});
