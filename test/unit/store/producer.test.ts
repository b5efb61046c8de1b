import { describe, expect, it } from 'vitest';
import { AggregationTemporality, type DataPoint, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import { createMetricProducer } from '../../../src/store/producer';
import { recordToolCall } from '../../../src/record/tool';
import { recordCacheEviction, recordCacheLookup } from '../../../src/record/cache';
import { recordPublish } from '../../../src/record/publish';
import { guard } from '../../../src/store/registry';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import { trackSession } from '../../../src/record/system';

/** One collection, as name → metric. */
async function collect(producer: ReturnType<typeof createMetricProducer>): Promise<Record<string, MetricData>> {
  const { resourceMetrics } = await producer.collect();
  return Object.fromEntries(resourceMetrics.scopeMetrics[0]!.metrics.map((m) => [m.descriptor.name, m]));
}

describe('delta producer', () => {
  it('reports counters and histograms as changes since its last collection, up-down counters as totals', async () => {
    const delta = createMetricProducer({ temporality: 'delta' });
    const cumulative = createMetricProducer();
    recordCacheLookup({ cache: 'd', hit: true });
    recordCacheLookup({ cache: 'd', hit: true });
    recordToolCall({ tool: 'd', seconds: 0.5 });
    trackSession();
    const first = await collect(delta);
    expect(first['agent.cache.requests']!.aggregationTemporality).toBe(AggregationTemporality.DELTA);
    expect(first['agent.cache.requests']!.dataPoints[0]!.value).toBe(2);

    recordCacheLookup({ cache: 'd', hit: true });
    recordToolCall({ tool: 'd', seconds: 0.25 });
    const second = await collect(delta);
    expect(second['agent.cache.requests']!.dataPoints[0]!.value).toBe(1);
    const h = second['gen_ai.execute_tool.duration']!.dataPoints[0] as DataPoint<Histogram>;
    expect([h.value.count, h.value.sum, h.value.buckets.counts.reduce((a, b) => a + b, 0)]).toEqual([1, 0.25, 1]);
    expect(h.startTime).toEqual(first['gen_ai.execute_tool.duration']!.dataPoints[0]!.endTime);
    const sessions = second['agent.sessions.active']!;
    expect([sessions.aggregationTemporality, sessions.dataPoints[0]!.value]).toEqual([AggregationTemporality.CUMULATIVE, 1]);

    expect((await collect(delta))['agent.cache.requests']!.dataPoints[0]!.value).toBe(0);
    // A cumulative producer is unaffected by the delta one's state.
    expect((await collect(cumulative))['agent.cache.requests']!.dataPoints[0]!.value).toBe(3);
  });
});

describe('computed self counters', () => {
  it("start when the guard began counting, not at the collection that first shows them", async () => {
    const producer = createMetricProducer();
    await new Promise((resolve) => setTimeout(resolve, 20));
    recordToolCall({ tool: 'start-time', seconds: Number.NaN });
    const dropped = (await collect(producer))['agentmeter.dropped']!;
    const point = dropped.dataPoints.find((p) => p.attributes['agentmeter.reason'] === 'not_a_number')!;
    expect(point.startTime).toEqual(guard.since);
    // The collection instant would give a rate of (count / ~0 s) on a backend that uses the interval.
    expect(hrTimeToMilliseconds(point.endTime) - hrTimeToMilliseconds(point.startTime)).toBeGreaterThanOrEqual(20);
  });
});

describe('sums that would overflow', () => {
  it('refuse the sample and count it as sum_overflow, keeping the sum finite', async () => {
    const producer = createMetricProducer();
    const before = guard.dropped.sum_overflow;
    recordToolCall({ tool: 'overflow', seconds: 1e308 });
    recordToolCall({ tool: 'overflow', seconds: 1e308 });
    // Twice 10 messages of 1e307 bytes each: the second batch would take the size histogram's sum past the largest double.
    recordPublish({ topic: 'overflow', seconds: 0.1, messages: 10, bytes: 1e308 });
    recordPublish({ topic: 'overflow', seconds: 0.1, messages: 10, bytes: 1e308 });
    recordCacheEviction({ cache: 'overflow', count: 1e308 });
    recordCacheEviction({ cache: 'overflow', count: 1e308 });
    const metrics = await collect(producer);
    const tool = metrics['gen_ai.execute_tool.duration']!.dataPoints.find((p) => p.attributes['gen_ai.tool.name'] === 'overflow') as DataPoint<Histogram>;
    expect(tool.value.count).toBe(1);
    expect(tool.value.sum).toBe(1e308);
    const evictions = metrics['agent.cache.evictions']!.dataPoints.find((p) => p.attributes['agent.cache.name'] === 'overflow')!;
    expect(evictions.value).toBe(1e308);
    const sizes = metrics['agent.publish.message.size']!.dataPoints.find((p) => p.attributes['messaging.destination.name'] === 'overflow') as DataPoint<Histogram>;
    expect([sizes.value.count, sizes.value.sum]).toEqual([10, 1e308]);
    expect(guard.dropped.sum_overflow - before).toBe(3);
  });
});
