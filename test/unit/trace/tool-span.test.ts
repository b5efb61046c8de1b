import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { withToolSpan } from '../../../src/trace/tool-span';
import { histogramOf, metric, resetStore } from '../helpers';

const exporter = new InMemorySpanExporter();
/** Spans ended so far; SDK 3.x hands a span to the exporter asynchronously. */
async function finishedSpans() {
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});
beforeEach(() => {
  exporter.reset();
  resetStore();
});

describe('withToolSpan', () => {
  it('creates an execute_tool span with the correlation id and query on the span only', async () => {
    const result = await withToolSpan('web_search', async () => 'ok', { correlationId: 'req-123', query: 'weather in Oslo', callId: 'call_1' });
    expect(result).toBe('ok');
    const [span] = await finishedSpans();
    expect(span!.name).toBe('execute_tool web_search');
    expect(span!.attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'web_search',
      'agent.correlation_id': 'req-123',
      'agent.query.text': 'weather in Oslo',
      'gen_ai.tool.call.id': 'call_1',
    });
    const data = metric('gen_ai.execute_tool.duration')!;
    expect(data.dataPoints.map((p) => p.attributes)).toEqual([{ 'gen_ai.tool.name': 'web_search' }]);
  });

  it('marks the span as failed, records error.type on both, and rethrows the original error', async () => {
    const original = new RangeError('bad range');
    expect(() =>
      withToolSpan('calc', () => {
        throw original;
      }),
    ).toThrow(original);
    const [span] = await finishedSpans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad range' });
    expect(span!.attributes['error.type']).toBe('RangeError');
    expect(span!.events.map((e) => e.name)).toEqual(['exception']);
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': 'calc', 'error.type': 'RangeError' })!.count).toBe(1);
  });

  it('makes the tool span the active parent of spans inside it', async () => {
    withToolSpan('outer', () => trace.getTracer('t').startSpan('inner').end());
    const spans = await finishedSpans();
    const inner = spans.find((s) => s.name === 'inner')!;
    const outer = spans.find((s) => s.name === 'execute_tool outer')!;
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
  });
});
