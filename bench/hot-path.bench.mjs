// Per-call cost of recording: agentmeter helpers vs the raw OTel SDK and prom-client, in one run.
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import client from 'prom-client';
import am from 'agentmeter';
import { fmt, nsPerOpInterleaved, table } from './harness.mjs';

class ManualReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

// Helpers are taken off the module once, as the README's examples do: `am.recordToolCall(...)`
// on every call would also time the getter TypeScript's CommonJS output puts on each re-export
// (about 12 ns here), which says nothing about recording.
const { recordToolCall, recordCacheLookup } = am;

const TOOLS = ['web_search', 'calculator', 'sql_query', 'send_email', 'fetch_url', 'read_file', 'write_file', 'summarize'];
const VALUES = Float64Array.from({ length: 1024 }, () => Math.random() * 2);
const ITERATIONS = 1_000_000;

export function runHotPath() {
  const provider = new MeterProvider({ readers: [new ManualReader()] });
  const meter = provider.getMeter('bench');
  const sdkHistogram = meter.createHistogram('gen_ai.execute_tool.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: am.METRICS.toolDuration.buckets },
  });
  const sdkCounter = meter.createCounter('agent.cache.requests');
  const registry = new client.Registry();
  const promHistogram = new client.Histogram({
    name: 'tool_duration_seconds',
    help: 'h',
    labelNames: ['tool'],
    buckets: [...am.METRICS.toolDuration.buckets],
    registers: [registry],
  });
  const promCounter = new client.Counter({ name: 'cache_requests_total', help: 'c', labelNames: ['cache', 'result'], registers: [registry] });
  const promChildren = TOOLS.map((t) => promHistogram.labels(t));

  const cases = [
    ['agentmeter recordToolCall({tool, seconds})', (n) => {
      for (let i = 0; i < n; i++) recordToolCall({ tool: TOOLS[i & 7], seconds: VALUES[i & 1023] });
    }],
    ['OTel SDK Histogram.record(v, {attrs})', (n) => {
      for (let i = 0; i < n; i++) sdkHistogram.record(VALUES[i & 1023], { 'gen_ai.tool.name': TOOLS[i & 7] });
    }],
    ['prom-client Histogram.observe({labels}, v)', (n) => {
      for (let i = 0; i < n; i++) promHistogram.observe({ tool: TOOLS[i & 7] }, VALUES[i & 1023]);
    }],
    ['prom-client Histogram.labels(..).observe(v) (bound)', (n) => {
      for (let i = 0; i < n; i++) promChildren[i & 7].observe(VALUES[i & 1023]);
    }],
    ['agentmeter recordCacheLookup({cache, hit})', (n) => {
      for (let i = 0; i < n; i++) recordCacheLookup({ cache: TOOLS[i & 7], hit: (i & 1) === 0 });
    }],
    ['OTel SDK Counter.add(1, {attrs})', (n) => {
      for (let i = 0; i < n; i++) sdkCounter.add(1, { 'agent.cache.name': TOOLS[i & 7], 'agent.cache.result': (i & 1) === 0 ? 'hit' : 'miss' });
    }],
    ['prom-client Counter.inc({labels})', (n) => {
      for (let i = 0; i < n; i++) promCounter.inc({ cache: TOOLS[i & 7], result: (i & 1) === 0 ? 'hit' : 'miss' });
    }],
  ];
  const results = nsPerOpInterleaved(cases, { iterations: ITERATIONS });
  const tool = results.get('agentmeter recordToolCall({tool, seconds})');
  const cache = results.get('agentmeter recordCacheLookup({cache, hit})');
  const rows = [...results].map(([name, ns]) => {
    const base = name.includes('Counter') || name.includes('Cache') ? cache : tool;
    return [name, fmt(ns), name.startsWith('agentmeter') ? '1.0x' : `${fmt(ns / base)}x`];
  });
  return {
    markdown: table(['recording call (8 series, warm)', 'ns/op', 'vs agentmeter'], rows),
    ratios: {
      histogramVsSdk: results.get('OTel SDK Histogram.record(v, {attrs})') / tool,
      histogramVsPromClient: results.get('prom-client Histogram.observe({labels}, v)') / tool,
      counterVsSdk: results.get('OTel SDK Counter.add(1, {attrs})') / cache,
      counterVsPromClient: results.get('prom-client Counter.inc({labels})') / cache,
    },
  };
}

/**
 * What exemplars cost a tool call: with no tracer provider (sampling off: one check), with
 * tracing on but no active span (backoff keeps lookups rare), and inside a sampled span (a
 * context lookup every few records per bucket, and a small object per kept exemplar).
 */
export async function runExemplarCost() {
  const { context, trace } = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { TracerProvider } = await import('@opentelemetry/sdk-trace');
  // The same module instance as the one behind `agentmeter` (both resolve to dist/).
  const { setExemplarsWanted, exemplarSampling } = await import('../dist/store/exemplars.js');
  const provider = new TracerProvider();
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracer = trace.getTracer('bench');
  const loop = (n) => {
    for (let i = 0; i < n; i++) recordToolCall({ tool: TOOLS[i & 7], seconds: VALUES[i & 1023] });
  };
  const off = 'recordToolCall, exemplars off (no tracer provider)';
  const noSpan = 'recordToolCall, tracing on, no active span';
  const inSpan = 'recordToolCall inside an active sampled span';
  const cases = [
    [off, (n) => {
      setExemplarsWanted(false);
      loop(n);
    }],
    [noSpan, (n) => {
      setExemplarsWanted(true);
      loop(n);
    }],
    [inSpan, (n) => {
      setExemplarsWanted(true);
      tracer.startActiveSpan('request', (span) => {
        loop(n);
        span.end();
      });
    }],
  ];
  const results = nsPerOpInterleaved(cases, { iterations: ITERATIONS });
  if (!exemplarSampling.on) throw new Error('exemplar sampling did not turn on with a tracer provider registered');
  setExemplarsWanted(false);
  trace.disable();
  context.disable();
  await provider.shutdown();
  const base = results.get(off);
  const rows = [...results].map(([name, ns]) => [name, fmt(ns), `${fmt(ns / base)}x`]);
  return {
    markdown: table(['tool call and exemplars (8 series, warm)', 'ns/op', 'vs exemplars off'], rows),
    ratios: { noSpanVsOff: results.get(noSpan) / base, inSpanVsOff: results.get(inSpan) / base },
  };
}
