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

/**
 * The least any implementation of a tool-duration histogram must do per call: find the series
 * (one Map.get), find the bucket (a binary search over the boundaries), add to typed arrays
 * (bucket count, sum). No attribute checks, no enabled flag, no exemplars: the physical floor
 * recordToolCall is measured against.
 */
function floorHistogram(boundaries) {
  const series = new Map(TOOLS.map((tool) => [tool, new Float64Array(boundaries.length + 2)]));
  const sumAt = boundaries.length + 1;
  return (tool, value) => {
    const counts = series.get(tool);
    let lo = 0;
    let hi = boundaries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (value <= boundaries[mid]) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]++;
    counts[sumAt] += value;
  };
}

/**
 * Stands in for the request's own work before its recordings: reads one byte of every cache
 * line of a buffer larger than L1 and L2 (the ~58 µs tool of the overhead bench touches far
 * more), so the next recording finds its series, boundaries and code's data out of cache.
 */
const EVICT_BYTES = 4 * 1024 * 1024;
const evictBuffer = new Uint8Array(EVICT_BYTES).fill(1);
let evictSink = 0;
function evictCaches() {
  let sum = 0;
  for (let i = 0; i < EVICT_BYTES; i += 64) sum += evictBuffer[i];
  evictSink += sum;
}

const COLD_SAMPLES = 3000;
const CALLS_PER_SAMPLE = 10;

/**
 * Median ns per call of `calls` run CALLS_PER_SAMPLE times right after the caches were evicted,
 * as the ten recordings of one request run after its own work: each sample times the burst with
 * hrtime, less the median of an empty burst (the timer's own cost). The variants take turns
 * within each iteration, so load on the machine hits them alike.
 */
function coldNsPerCall(variants) {
  const samples = new Map(variants.map(([name]) => [name, []]));
  const timeBurst = (calls, offset) => {
    evictCaches();
    const start = process.hrtime.bigint();
    calls(offset);
    return Number(process.hrtime.bigint() - start);
  };
  const empty = [];
  for (let i = 0; i < COLD_SAMPLES; i++) {
    empty.push(timeBurst(() => {}, i));
    for (const [name, calls] of variants) samples.get(name).push(timeBurst(calls, i));
  }
  const timer = medianOf(empty);
  return new Map([...samples].map(([name, s]) => [name, Math.max(0, medianOf(s) - timer) / CALLS_PER_SAMPLE]));
}

function medianOf(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/**
 * Warm (a tight loop: everything in L1) and cold (the caches evicted before each burst of ten
 * calls, as a request sees them) cost of recordToolCall beside the floor.
 */
function runFloor(boundaries) {
  const floor = floorHistogram(boundaries);
  const warm = nsPerOpInterleaved(
    [
      ['floor', (n) => {
        for (let i = 0; i < n; i++) floor(TOOLS[i & 7], VALUES[i & 1023]);
      }],
      ['recordToolCall', (n) => {
        for (let i = 0; i < n; i++) recordToolCall({ tool: TOOLS[i & 7], seconds: VALUES[i & 1023] });
      }],
    ],
    { iterations: ITERATIONS },
  );
  const cold = coldNsPerCall([
    ['floor', (offset) => {
      for (let i = offset; i < offset + CALLS_PER_SAMPLE; i++) floor(TOOLS[i & 7], VALUES[i & 1023]);
    }],
    ['recordToolCall', (offset) => {
      for (let i = offset; i < offset + CALLS_PER_SAMPLE; i++) recordToolCall({ tool: TOOLS[i & 7], seconds: VALUES[i & 1023] });
    }],
  ]);
  if (evictSink === 0) throw new Error('the eviction loop was optimised away');
  const rows = [
    ['floor: Map.get + binary search + typed-array add', fmt(warm.get('floor')), fmt(cold.get('floor')), '1.0x', '1.0x'],
    ['agentmeter recordToolCall({tool, seconds})', fmt(warm.get('recordToolCall')), fmt(cold.get('recordToolCall')), `${fmt(warm.get('recordToolCall') / warm.get('floor'))}x`, `${fmt(cold.get('recordToolCall') / cold.get('floor'))}x`],
  ];
  return {
    markdown: table(['against the floor (8 series)', 'warm ns/op', `cold ns/op (${CALLS_PER_SAMPLE} calls after each eviction)`, 'warm vs floor', 'cold vs floor'], rows),
    ratios: { warmVsFloor: warm.get('recordToolCall') / warm.get('floor'), coldVsFloor: cold.get('recordToolCall') / cold.get('floor') },
  };
}

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
  const floor = runFloor(am.METRICS.toolDuration.buckets);
  return {
    markdown:
      `${table(['recording call (8 series, warm)', 'ns/op', 'vs agentmeter'], rows)}\n\n` +
      `The same call against the least any histogram must do, warm (a tight loop) and with the CPU caches evicted before each burst of ${CALLS_PER_SAMPLE} calls (a ${EVICT_BYTES / 1024 / 1024} MB buffer read line by line, as a request's own work leaves them; median of ${COLD_SAMPLES.toLocaleString('en-US')} bursts timed with hrtime, less the timer's own cost):\n\n${floor.markdown}`,
    ratios: {
      toolVsFloorWarm: floor.ratios.warmVsFloor,
      toolVsFloorCold: floor.ratios.coldVsFloor,
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
