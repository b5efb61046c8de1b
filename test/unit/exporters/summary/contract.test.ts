// The summary's contract: what buildSummary() writes satisfies the shipped JSON Schema and has
// the reference endpoint's field names, JSON types, units and rounding; the comparison itself
// catches the shape the summary had before (ISO times, 0..1 ratios, no names in the entries).
import { afterEach, describe, expect, it } from 'vitest';
import { buildSummary, summaryOfParts, summaryPart, type SummaryPart } from '../../../../src/exporters/summary/summary';
import { recordToolCall } from '../../../../src/record/tool';
import { recordCacheLookup } from '../../../../src/record/cache';
import { recordLlmCall } from '../../../../src/record/llm';
import { trackRequest, trackSession } from '../../../../src/record/system';
import { toolWindows } from '../../../../src/store/windows';
import { historySnapshot, SummaryHistory } from '../../../../src/exporters/summary/history';
import { recordRouting } from '../../../../src/record/routing';
import { setHealth } from '../../../../src/record/system';
import { assertHistorySchema, assertSummarySchema, decimals, differencesFromReference, referenceDocument, type SummaryJson } from '../../../infra/summary-contract';
import { resetStore } from '../../helpers';

afterEach(resetStore);

/** The summary as a client reads it. */
const json = (): SummaryJson => JSON.parse(JSON.stringify(buildSummary())) as SummaryJson;

function workload(): void {
  toolWindows.enable(1000);
  // 29 of 30 calls succeed: 96.666… % is written 96.67.
  for (let i = 1; i <= 30; i++) recordToolCall({ tool: 'search', seconds: i / 1000, error: i === 30 ? 'TimeoutError' : undefined });
  recordToolCall({ tool: '__proto__', seconds: 0.001 });
  for (let i = 0; i < 3; i++) recordCacheLookup({ cache: 'embeddings', hit: i < 2 });
  recordCacheLookup({ cache: 'constructor', hit: false });
  recordLlmCall({ provider: 'openai', model: 'gpt-4o', seconds: 1, inputTokens: 10, outputTokens: 10 });
  trackSession();
  trackRequest().end();
}

describe('the JSON summary contract', () => {
  it('the reference document satisfies the schema and agrees with itself', () => {
    const reference = referenceDocument();
    // The reference has no agentmeter sections; the schema requires llm_cost and jobs.
    assertSummarySchema({ ...reference, llm_cost: { total_usd: 0, unpriced_calls: 0, models: [] }, jobs: { finished: 0, max_listed: 20, recent: [] } });
    expect(differencesFromReference(reference)).toEqual([]);
  });

  it('matches the schema and the reference field by field, hostile names included', () => {
    workload();
    const s = json();
    assertSummarySchema(s);
    expect(differencesFromReference(s)).toEqual([]);
    const search = s.tool_metrics as Record<string, Record<string, unknown>>;
    expect(search.search).toMatchObject({ tool_name: 'search', total_calls: 30, successful_calls: 29, success_rate: 96.67 });
    expect(search.__proto__).toMatchObject({ tool_name: '__proto__', success_rate: 100 });
    const caches = s.cache_metrics as Record<string, Record<string, unknown>>;
    expect(caches.embeddings).toMatchObject({ cache_name: 'embeddings', hit_rate: 66.67 });
    expect(caches.constructor).toMatchObject({ cache_name: 'constructor', hit_rate: 0 });
    expect(Object.keys(s.system_metrics as object)).toEqual(['active_sessions', 'concurrent_requests', 'total_requests', 'start_time', 'uptime_seconds', 'uptime_hours']);
    expect(Object.keys(s)).toEqual(['enabled', 'timestamp', 'tool_metrics', 'cache_metrics', 'system_metrics', 'llm_cost', 'jobs']);
  });

  it('reports every way the former shape differs from the reference', () => {
    workload();
    const s = json();
    const tools = s.tool_metrics as Record<string, Record<string, unknown>>;
    const { tool_name: _t, ...search } = tools.search!;
    const former = {
      ...s,
      timestamp: new Date().toISOString(),
      tool_metrics: { search: { ...search, success_rate: 29 / 30 } },
      cache_metrics: {},
      system_metrics: { ...(s.system_metrics as object), start_time: new Date(0).toISOString(), uptime_hours: 7 },
    } as SummaryJson;
    const uptime = (s.system_metrics as { uptime_seconds: number }).uptime_seconds;
    expect(differencesFromReference(former)).toEqual([
      'timestamp is string, the reference number',
      `timestamp is ${JSON.stringify(former.timestamp)}, not epoch-seconds`,
      'tool_metrics.search has fields total_calls,successful_calls,failed_calls,success_rate,avg_latency_ms,p50_latency_ms,p95_latency_ms,p99_latency_ms,min_latency_ms,max_latency_ms,error_types, the reference tool_name,total_calls,successful_calls,failed_calls,success_rate,avg_latency_ms,p50_latency_ms,p95_latency_ms,p99_latency_ms,min_latency_ms,max_latency_ms,error_types',
      'tool_metrics.search.tool_name is missing',
      `tool_metrics.search.success_rate is ${29 / 30}, not percent`,
      'tool_metrics.search.tool_name is undefined',
      `tool_metrics.search.success_rate is ${29 / 30}, 100 × 29 / 30 rounded is 96.67`,
      'system_metrics.start_time is string, the reference number',
      'system_metrics.start_time is "1970-01-01T00:00:00.000Z", not epoch-seconds',
      `system_metrics.uptime_hours is 7, uptime_seconds / 3600 rounded is ${Math.round((uptime / 3600) * 100) / 100}`,
    ]);
    expect(() => assertSummarySchema(former)).toThrow(
      "/metrics.json does not match metrics-summary.schema.json: /timestamp must be number; /tool_metrics/search must have required property 'tool_name'; /system_metrics/start_time must be number",
    );
  });

  it('writes every rate of up to 120 calls or lookups with at most two decimals, as 100 × part / whole rounded', () => {
    const base = JSON.parse(JSON.stringify(summaryPart())) as SummaryPart;
    let checked = 0;
    for (let whole = 1; whole <= 120; whole++) {
      const tools: SummaryPart['tools'] = {};
      const caches: SummaryPart['caches'] = {};
      for (let part = 0; part <= whole; part++) {
        tools[`t${part}`] = { total: whole, failed: whole - part, sum: whole, min: 1, max: 1, errors: whole === part ? {} : { E: whole - part }, window: [1] };
        caches[`c${part}`] = { hits: part, total: whole, evictions: 0, sizeRejections: 0 };
      }
      const s = JSON.parse(JSON.stringify(summaryOfParts([{ ...base, tools, caches }]))) as SummaryJson;
      expect(differencesFromReference(s)).toEqual([]);
      checked += Object.keys(s.tool_metrics as object).length + Object.keys(s.cache_metrics as object).length;
    }
    expect(checked).toBe(2 * ((120 * 121) / 2 + 120));
  });

  it.each([
    [96.67, 2],
    [100, 0],
    [1764756960.123, 3],
    [0.1 + 0.2, 17],
  ])('counts the decimals of %s as %i', (value, places) => {
    expect(decimals(value)).toBe(places);
  });
});

describe('the history contract', () => {
  it('/history.json as the history writes it satisfies history.schema.json, every section filled', () => {
    const h = new SummaryHistory({ bucketMillis: 1000, buckets: 3 });
    h.record(historySnapshot(), 1_000, undefined);
    workload();
    recordRouting({ strategy: 'semantic', agent: 'support', seconds: 0.05, candidates: 3, confidence: 0.9 });
    setHealth('degraded');
    h.record(historySnapshot(), 2_000, 2);
    const body = JSON.parse(JSON.stringify(h)) as SummaryJson;
    assertHistorySchema(body);
    expect(Object.keys(body.tools as object)).toEqual(['search', '__proto__']);
    expect(body.health).toEqual([null, 1]);
    expect(body.cluster_workers).toEqual([null, 2]);
    expect((body.routing as { within_target_percent: unknown }).within_target_percent).toEqual([null, 100]);
  });

  it('names every way a body breaks it', () => {
    const h = new SummaryHistory({ bucketMillis: 1000 });
    h.record(historySnapshot(), 1_000, undefined);
    const body = JSON.parse(JSON.stringify(h)) as Record<string, unknown>;
    const broken = { ...body, timestamps: ['2026-12-03T13:00:00Z'], tools: { search: { calls_per_second: [1] } }, health: [-1], extra: 1 };
    expect(() => assertHistorySchema(broken)).toThrow(
      "/history.json does not match history.schema.json: / must NOT have additional properties; /timestamps/0 must be number; /tools/search must have required property 'error_rate'; /tools/search must have required property 'p50_ms'; /tools/search must have required property 'p95_ms'; /health/0 must be >= 0",
    );
  });
});
