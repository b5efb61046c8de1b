// The official OpenAI instrumentation and agentmeter's LLM instruments share two metric families on
// the Prometheus endpoint (and through the Collector), so they must agree on name, unit,
// description (the Collector keeps one HELP per family) and bucket boundaries.
import { describe, expect, it } from 'vitest';
import { AggregationTemporality, DataPointType, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type Histogram } from '@opentelemetry/sdk-metrics';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { METRICS } from '../../../src/catalog';

describe('@opentelemetry/instrumentation-openai beside the catalog', () => {
  it('declares gen_ai.client.operation.duration and gen_ai.client.token.usage exactly as the catalog does', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 600000 });
    const provider = new MeterProvider({ readers: [reader] });
    const instrumentation = new OpenAIInstrumentation({ enabled: false });
    instrumentation.setMeterProvider(provider);
    const instruments = instrumentation as unknown as Record<'_genaiClientOperationDuration' | '_genaiClientTokenUsage', { record(v: number): void }>;
    instruments._genaiClientOperationDuration.record(1);
    instruments._genaiClientTokenUsage.record(1);
    await reader.forceFlush();
    const metrics = exporter.getMetrics()[0]!.scopeMetrics[0]!.metrics;
    for (const id of ['llmDuration', 'llmTokens'] as const) {
      const ours = METRICS[id];
      const theirs = metrics.find((m) => m.descriptor.name === ours.name)!;
      expect(theirs.dataPointType).toBe(DataPointType.HISTOGRAM);
      expect({ unit: theirs.descriptor.unit, description: theirs.descriptor.description }).toEqual({ unit: ours.unit, description: ours.description });
      expect((theirs.dataPoints[0]!.value as Histogram).buckets.boundaries).toEqual(ours.buckets);
    }
    await provider.shutdown();
  });
});
