// The GenAI span bridge over the API's no-op provider (traces off) and over a real SDK provider
// (traces on): conventions' spans become the same metrics the direct hooks record; what leaves
// the process (span contexts, exported spans) is what it would be without the bridge.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { context, ROOT_CONTEXT, SpanStatusCode, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { installSpanBridge, uninstallSpanBridge } from '../../../../src/instrumentations/genai-spans/install';
import { coverSpanScope, runMeasured, uncoverSpanScope } from '../../../../src/instrumentations/coverage';
import { markLlmMeasured } from '../../../../src/instrumentations/llm-scope';
import { tracingRegistered } from '../../../../src/trace/registered';
import { histogramOf, resetStore } from '../../helpers';

const manager = new AsyncLocalStorageContextManager();
beforeEach(() => {
  resetStore();
  context.setGlobalContextManager(manager.enable());
});
afterEach(() => {
  uninstallSpanBridge();
  trace.disable();
  context.disable();
});

const tool = { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search', 'gen_ai.agent.name': 'planner' };
const chat = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-5' };
const llm = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-5' };

describe('over the no-op provider (traces off)', () => {
  it('records tool, agent and model spans by their gen_ai.operation.name, set at start or later', () => {
    expect(installSpanBridge()).toBe(true);
    const tracer = trace.getTracer('some-framework');
    tracer.startSpan('execute_tool search', { attributes: tool, startTime: 1_000_000 }).end(1_000_250);
    const agent = tracer.startSpan('invoke_agent');
    agent.setAttributes({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' });
    agent.recordException(new TypeError('bad'));
    agent.setStatus({ code: SpanStatusCode.ERROR });
    agent.end();
    const model = tracer.startSpan('chat gpt-5', { attributes: chat });
    model.setAttribute('gen_ai.usage.input_tokens', 1200);
    model.setAttribute('gen_ai.usage.output_tokens', 80);
    model.setAttribute('gen_ai.usage.cache_read.input_tokens', 1000);
    model.setAttribute('gen_ai.usage.cache_creation.input_tokens', 150);
    model.setAttribute('gen_ai.usage.reasoning.output_tokens', 30);
    model.end();
    tracer.startSpan('ordinary work').end();

    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': 'search', 'gen_ai.agent.name': 'planner' })).toMatchObject({ count: 1, sum: 0.25 });
    expect(histogramOf('gen_ai.invoke_agent.duration', { 'gen_ai.agent.name': 'planner', 'error.type': 'TypeError' })!.count).toBe(1);
    expect(histogramOf('gen_ai.client.operation.duration', llm)!.count).toBe(1);
    const tokens = (type: string) => histogramOf('gen_ai.client.token.usage', { ...llm, 'gen_ai.token.type': type })?.sum;
    expect(['input', 'output', 'cache_read', 'cache_write', 'reasoning'].map(tokens)).toEqual([1200, 80, 1000, 150, 30]);
  });

  it('leaves span contexts as the no-op provider does: a child carries its parent context unchanged', () => {
    installSpanBridge();
    const parent: SpanContext = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED, isRemote: true };
    const span = trace.getTracer('fw').startSpan('execute_tool x', { attributes: tool }, trace.setSpanContext(ROOT_CONTEXT, parent));
    expect(span.spanContext()).toEqual(parent);
    expect(span.isRecording()).toBe(false);
    span.end();
    // The bridge over the no-op provider is still "no tracing" to agentmeter's MCP spans and exemplars.
    expect(tracingRegistered()).toBe(false);
  });

  it('runs startActiveSpan with the span active, and skips model spans whose call a provider-SDK hook measured', () => {
    installSpanBridge();
    const tracer = trace.getTracer('fw');
    const result = tracer.startActiveSpan('chat', { attributes: chat }, (span) => {
      markLlmMeasured(); // what the anthropic / openai hooks do when they record the call
      span.end();
      return 42;
    });
    expect(result).toBe(42);
    expect(histogramOf('gen_ai.client.operation.duration', llm)).toBeUndefined();
    tracer.startActiveSpan('chat', { attributes: chat }, (span) => span.end());
    expect(histogramOf('gen_ai.client.operation.duration', llm)!.count).toBe(1);
  });

  it('skips covered scopes, spans inside a measured operation, and the official instrumentations', () => {
    installSpanBridge();
    coverSpanScope('covered-framework');
    trace.getTracer('covered-framework').startSpan('t', { attributes: tool }).end();
    runMeasured(() => trace.getTracer('fw').startSpan('t', { attributes: tool }).end());
    trace.getTracer('@opentelemetry/instrumentation-openai').startSpan('chat', { attributes: chat }).end();
    trace.getTracer('agentmeter').startSpan('execute_tool search', { attributes: tool }).end();
    uncoverSpanScope('covered-framework');
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': 'search', 'gen_ai.agent.name': 'planner' })).toBeUndefined();
    expect(histogramOf('gen_ai.client.operation.duration', llm)).toBeUndefined();
  });

  it('counts a span named by the conventions whose function threw, though it set no attributes or status (ADK on a failed tool)', async () => {
    installSpanBridge();
    const tracer = trace.getTracer('fw');
    const failing = tracer.startActiveSpan('execute_tool explode', async (span) => {
      try {
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new RangeError('tool failed');
      } finally {
        span.end();
      }
    });
    await expect(failing).rejects.toThrow('tool failed');
    await new Promise((resolve) => setImmediate(resolve));
    expect(tracer.startActiveSpan('execute_tool lookup', (span) => {
      span.end();
      return 'ok';
    })).toBe('ok');
    expect(() => tracer.startActiveSpan('invoke_agent helper', (span) => {
      span.end();
      throw new TypeError('sync');
    })).toThrow('sync');
    tracer.startSpan('execute_tool').end(); // no target: not a tool span
    tracer.startSpan('render page').end();
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': 'explode', 'error.type': 'RangeError' })!.count).toBe(1);
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': 'lookup' })!.count).toBe(1);
    expect(histogramOf('gen_ai.invoke_agent.duration', { 'gen_ai.agent.name': 'helper', 'error.type': 'TypeError' })!.count).toBe(1);
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': '_unknown' })).toBeUndefined();
  });

  it('reads hostile attribute values as data and records a nameless tool as _unknown', () => {
    installSpanBridge();
    const tracer = trace.getTracer('fw');
    tracer.startSpan('x', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': '__proto__', __proto__: 'polluted' } as never }).end();
    tracer.startSpan('x', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 42 } as never }).end();
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': '__proto__' })!.count).toBe(1);
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': '_unknown' })!.count).toBe(1);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});

describe('over an SDK provider (traces on)', () => {
  it('the SDK records and exports every span as before, and the bridge adds the metrics', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    trace.setGlobalTracerProvider(provider);
    installSpanBridge();
    expect(tracingRegistered()).toBe(true);
    const tracer = trace.getTracer('fw');
    tracer.startActiveSpan('invoke_agent planner', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' } }, (agent) => {
      tracer.startSpan('execute_tool search', { attributes: tool }).end();
      agent.end();
    });
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['execute_tool search', 'invoke_agent planner']);
    expect(spans[0]!.parentSpanContext?.spanId).toBe(spans[1]!.spanContext().spanId);
    expect(histogramOf('gen_ai.invoke_agent.duration', { 'gen_ai.agent.name': 'planner' })!.count).toBe(1);
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': 'search', 'gen_ai.agent.name': 'planner' })!.count).toBe(1);
  });

  it('an SDK registered after the bridge gets the spans of tracers handed out before it', async () => {
    installSpanBridge();
    const tracer = trace.getTracer('fw');
    tracer.startSpan('before').end();
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    trace.setGlobalTracerProvider(provider);
    tracer.startSpan('execute_tool search', { attributes: tool }).end();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['execute_tool search']);
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': 'search', 'gen_ai.agent.name': 'planner' })!.count).toBe(1);
  });
});
