import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { context, trace, TraceFlags, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import {
  exemplarSampling,
  MAX_SKIP_AFTER_MISS,
  refreshExemplarSampling,
  setExemplarsWanted,
  SKIP_AFTER_HIT,
  type HistogramDataPointWithExemplars,
} from '../../../src/store/exemplars';
import { recordToolCall, timeToolCall } from '../../../src/record/tool';
import { withToolSpan } from '../../../src/trace/tool-span';
import { instruments } from '../../../src/store/registry';
import { metric, resetStore } from '../helpers';

const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() })] });
let tracer: Tracer;

/** The tool-duration data point of `tool`, with the exemplars the producer attached. */
function toolPoint(tool: string): HistogramDataPointWithExemplars {
  const data = metric('gen_ai.execute_tool.duration')!;
  return data.dataPoints.find((p) => p.attributes['gen_ai.tool.name'] === tool) as HistogramDataPointWithExemplars;
}

function storePoint(tool: string) {
  return instruments.toolDuration.points.find((p) => p.attributes['gen_ai.tool.name'] === tool)!;
}

/** Records one call of `seconds` inside a new sampled span; returns that span's ids. */
function inSpan(tool: string, seconds: number): { traceId: string; spanId: string } {
  return tracer.startActiveSpan('call', (span) => {
    recordToolCall({ tool, seconds });
    span.end();
    return { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
  });
}

function bucketOf(seconds: number): number {
  const bounds = instruments.toolDuration.definition.buckets!;
  const i = bounds.findIndex((b) => seconds <= b);
  return i === -1 ? bounds.length : i;
}

describe('exemplars', () => {
  beforeEach(() => {
    resetStore();
    setExemplarsWanted(true);
  });
  afterEach(() => {
    trace.disable();
    context.disable();
    refreshExemplarSampling();
  });
  afterAll(() => provider.shutdown());

  function enableTracing(): void {
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    tracer = trace.getTracer('test');
    refreshExemplarSampling();
  }

  it('stays off, one check per record, while no tracer provider is registered', () => {
    refreshExemplarSampling();
    expect(exemplarSampling.on).toBe(false);
    recordToolCall({ tool: 'search', seconds: 0.3 });
    expect(storePoint('search').exemplarSkip).toBeUndefined();
    expect(storePoint('search').exemplarMissSkip).toBe(0);
    expect(toolPoint('search').exemplars).toBeUndefined();
  });

  it('turns on at the next collection after a provider is registered, and off when it goes', () => {
    trace.setGlobalTracerProvider(provider);
    expect(exemplarSampling.on).toBe(false);
    metric('gen_ai.execute_tool.duration');
    expect(exemplarSampling.on).toBe(true);
    trace.disable();
    metric('gen_ai.execute_tool.duration');
    expect(exemplarSampling.on).toBe(false);
  });

  it('keeps the trace id, span id, value and time of a call recorded inside a sampled span, in its bucket', () => {
    enableTracing();
    const before = Date.now();
    const ids = inSpan('search', 0.3);
    const [exemplar] = toolPoint('search').exemplars!;
    expect(exemplar).toEqual({ traceId: ids.traceId, spanId: ids.spanId, value: 0.3, timeMs: exemplar!.timeMs });
    expect(exemplar!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(exemplar!.timeMs).toBeGreaterThanOrEqual(before - 1);
    expect(exemplar!.timeMs).toBeLessThanOrEqual(Date.now() + 1);
    const slots = storePoint('search').exemplars!;
    expect(slots.findIndex((e) => e !== undefined)).toBe(bucketOf(0.3));
  });

  it('keeps one exemplar per bucket, listed in bucket order', () => {
    enableTracing();
    const slow = inSpan('search', 7);
    const fast = inSpan('search', 0.002);
    expect(toolPoint('search').exemplars!.map((e) => [e.spanId, e.value])).toEqual([
      [fast.spanId, 0.002],
      [slow.spanId, 7],
    ]);
  });

  it(`skips the bucket's next ${SKIP_AFTER_HIT} records after a hit, then takes the next one`, () => {
    enableTracing();
    const first = inSpan('search', 0.3);
    for (let i = 0; i < SKIP_AFTER_HIT; i++) inSpan('search', 0.31);
    expect(toolPoint('search').exemplars!.map((e) => e.spanId)).toEqual([first.spanId]);
    const next = inSpan('search', 0.32);
    expect(toolPoint('search').exemplars!.map((e) => [e.spanId, e.value])).toEqual([[next.spanId, 0.32]]);
  });

  it('backs off after records outside any span (1, 3, 7, ... records of the series skipped) up to a bound', () => {
    enableTracing();
    const skip = () => storePoint('search').exemplarMissSkip;
    recordToolCall({ tool: 'search', seconds: 0.3 });
    expect(skip()).toBe(1);
    recordToolCall({ tool: 'search', seconds: 0.3 }); // skipped
    recordToolCall({ tool: 'search', seconds: 0.3 }); // looked up, missed again
    expect(skip()).toBe(3);
    for (let i = 0; i < 1000; i++) recordToolCall({ tool: 'search', seconds: 0.3 });
    expect(storePoint('search').exemplarMissBackoff).toBe(MAX_SKIP_AFTER_MISS);
    expect(toolPoint('search').exemplars).toBeUndefined();
  });

  it('takes nothing from a span whose trace is not sampled', () => {
    enableTracing();
    const unsampled = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.NONE });
    context.with(trace.setSpan(context.active(), unsampled), () => recordToolCall({ tool: 'search', seconds: 0.3 }));
    expect(toolPoint('search').exemplars).toBeUndefined();
    const sampled = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED });
    // The miss above made the series skip one record.
    context.with(trace.setSpan(context.active(), sampled), () => recordToolCall({ tool: 'search', seconds: 0.3 }));
    context.with(trace.setSpan(context.active(), sampled), () => recordToolCall({ tool: 'search', seconds: 0.3 }));
    expect(toolPoint('search').exemplars).toEqual([{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', value: 0.3, timeMs: expect.any(Number) }]);
  });

  it('takes nothing when exemplars are turned off, even with tracing', () => {
    enableTracing();
    setExemplarsWanted(false);
    expect(exemplarSampling.on).toBe(false);
    inSpan('search', 0.3);
    expect(toolPoint('search').exemplars).toBeUndefined();
  });

  it('links timeToolCall (settled promise) and withToolSpan measurements to their spans', async () => {
    enableTracing();
    const outer = await tracer.startActiveSpan('request', async (span) => {
      await timeToolCall('fetch', async () => new Promise((r) => setTimeout(r, 2)));
      span.end();
      return span.spanContext();
    });
    expect(toolPoint('fetch').exemplars!.map((e) => [e.traceId, e.spanId])).toEqual([[outer.traceId, outer.spanId]]);
    let toolSpan: { traceId: string; spanId: string } | undefined;
    await withToolSpan('lookup', async (span) => {
      toolSpan = span.spanContext();
    });
    expect(toolPoint('lookup').exemplars!.map((e) => [e.traceId, e.spanId])).toEqual([[toolSpan!.traceId, toolSpan!.spanId]]);
  });
});
