import { describe, expect, it } from 'vitest';
import { AggregationTemporality, type DataPoint, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import { createMetricProducer } from '../../../src/store/producer';
import { recordToolCall } from '../../../src/record/tool';
import { recordCacheLookup } from '../../../src/record/cache';
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
