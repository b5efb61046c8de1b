// Names chosen by a peer (an MCP client's tool name, a cache or error name) are data: recorded
// through the helpers and read back through the summary (JSON and HTTP) and the Prometheus page,
// they never touch Object.prototype and come out as ordinary keys and label values.
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { PrometheusEndpoint } from '../../src/exporters/prometheus/exporter';
import { unitWords } from '../../src/exporters/prometheus/naming';
import { labelsOf } from '../../src/exporters/prometheus/serializer';
import { startSummaryServer } from '../../src/exporters/summary/server';
import { buildSummary, summaryOfParts, summaryPart } from '../../src/exporters/summary/summary';
import { recordCacheLookup } from '../../src/record/cache';
import { recordToolCall } from '../../src/record/tool';
import { createMetricProducer } from '../../src/store/producer';
import { resetStore } from './helpers';

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Object.prototype's own keys and a fresh object's view of them, to compare before and after. */
function prototypeState(): { keys: string[]; total: unknown; sum: unknown; hits: unknown } {
  const probe = {} as Record<string, unknown>;
  return { keys: Object.getOwnPropertyNames(Object.prototype).sort(), total: probe.total, sum: probe.sum, hits: probe.hits };
}

let provider: MeterProvider | undefined;
afterEach(async () => {
  await provider?.shutdown();
  provider = undefined;
  resetStore();
});

function recordHostile(): void {
  for (const name of PROTOTYPE_NAMES) {
    recordToolCall({ tool: name, seconds: 0.5 });
    recordToolCall({ tool: name, seconds: 0.25, error: name });
    recordCacheLookup({ cache: name, hit: true });
    recordCacheLookup({ cache: name, hit: false });
  }
}

describe('prototype names from peers', () => {
  it('leave Object.prototype untouched and are ordinary keys of the summary', () => {
    const before = prototypeState();
    recordHostile();
    const summary = buildSummary();
    expect(prototypeState()).toEqual(before);
    expect(Object.keys(summary.tool_metrics).sort()).toEqual([...PROTOTYPE_NAMES].sort());
    for (const name of PROTOTYPE_NAMES) {
      expect(Object.hasOwn(summary.tool_metrics, name)).toBe(true);
      expect(summary.tool_metrics[name]!.total_calls).toBe(2);
      expect(summary.tool_metrics[name]!.failed_calls).toBe(1);
      expect(Object.entries(summary.tool_metrics[name]!.error_types)).toEqual([[name, 1]]);
      expect(summary.cache_metrics[name]!.total_requests).toBe(2);
      expect(summary.cache_metrics[name]!.hits).toBe(1);
    }
    const json = JSON.parse(JSON.stringify(summary)) as { tool_metrics: Record<string, { total_calls: number }> };
    expect(Object.hasOwn(json.tool_metrics, '__proto__')).toBe(true);
    expect(json.tool_metrics['__proto__' as string]).toMatchObject({ total_calls: 2 });
  });

  it('merge across processes (parts through JSON, as IPC carries them) without touching Object.prototype', () => {
    const before = prototypeState();
    recordHostile();
    const part = JSON.parse(JSON.stringify(summaryPart())) as ReturnType<typeof summaryPart>;
    const merged = summaryOfParts([part, part]);
    expect(prototypeState()).toEqual(before);
    expect(merged.tool_metrics['__proto__' as string]!.total_calls).toBe(4);
    expect(merged.tool_metrics['__proto__' as string]!.error_types['__proto__' as string]).toBe(2);
    expect(merged.cache_metrics.constructor).toMatchObject({ hits: 2, total_requests: 4 });
  });

  it('are served by the summary server (200, exact counts) and the Prometheus page (label values only)', async () => {
    recordHostile();
    const server = await startSummaryServer({ port: 0 });
    try {
      const res = await fetch(`${server.url}/metrics.json`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { tool_metrics: Record<string, { total_calls: number }> };
      expect(Object.keys(body.tool_metrics).sort()).toEqual([...PROTOTYPE_NAMES].sort());
      expect(body.tool_metrics['__proto__' as string]!.total_calls).toBe(2);
    } finally {
      await server.close();
    }
    const endpoint = new PrometheusEndpoint({ port: 0, metricProducers: [createMetricProducer()] });
    provider = new MeterProvider({ readers: [endpoint] });
    await endpoint.ready();
    const page = await (await fetch(endpoint.url)).text();
    expect(page).toContain('gen_ai_execute_tool_duration_seconds_count{gen_ai_tool_name="__proto__",otel_scope_name="agentmeter"');
    expect(page).toContain('gen_ai_execute_tool_duration_seconds_count{gen_ai_tool_name="__proto__",error_type="__proto__",otel_scope_name="agentmeter"');
    expect(page).not.toMatch(/\b(total|sum|min|max|failed)="/);
  });
});

describe('labelsOf', () => {
  it('writes own attributes only, even when Object.prototype carries enumerable properties', () => {
    const attributes = Object.freeze({ 'gen_ai.tool.name': 'search' });
    Object.defineProperty(Object.prototype, 'polluted', { value: 'yes', enumerable: true, configurable: true, writable: true });
    try {
      expect(labelsOf(attributes)).toBe('gen_ai_tool_name="search"');
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
  });
});

describe('unitWords', () => {
  it.each(PROTOTYPE_NAMES.filter((n) => n !== '__proto__'))('reads its unit tables by own key: unit %s is its own word', (unit) => {
    expect(unitWords(unit, 'gauge')).toEqual([unit]);
    expect(unitWords(`By/${unit}`, 'gauge')).toEqual(['bytes', 'per', unit]);
  });
});
