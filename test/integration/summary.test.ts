// The JSON summary endpoint of an app using the public API: exact numbers and percentiles,
// the reference endpoint's shape (every response validated against the shipped schema),
// agreement with the Prometheus endpoint (through a real Prometheus), total_requests under
// register, and HTTP hygiene.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode, type RunningChild } from '../infra/child';
import { freePort } from '../infra/process.mjs';
import { addTarget, query, waitForQuery } from '../infra/prom';
import { assertSummarySchema, differencesFromReference, fetchSummary } from '../infra/summary-contract';
import { startSummaryServer, type SummaryServer } from '../../src/exporters/summary/server';

let app: RunningChild;
let summaryUrl: string;
let removeTarget: () => void;

beforeAll(async () => {
  app = runNode(['test/fixtures/summary-app.cjs']);
  const ready = await app.ready;
  summaryUrl = ready.summary as string;
  removeTarget = addTarget('summary', new URL(ready.prometheus as string).host);
  await waitForQuery('up{test="summary"}', (r) => r.length === 1 && r[0]!.value[1] === '1');
});
afterAll(async () => {
  removeTarget?.();
  await app?.stop();
});

function raw(method: string, path: string, headers: Record<string, string> = {}, base = summaryUrl): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A GET of /metrics.json, validated against metrics-summary.schema.json. */
const summary = async (base = summaryUrl): Promise<Record<string, any>> => (await fetchSummary(base)) as Record<string, any>;

describe('GET /metrics.json', () => {
  it('reports exact counts, rates and nearest-rank percentiles of the window', async () => {
    const before = Date.now() / 1000;
    const s = await summary();
    expect(Object.keys(s)).toEqual(['enabled', 'timestamp', 'tool_metrics', 'cache_metrics', 'system_metrics', 'llm_cost', 'jobs']);
    // The app runs no job (runJob): the section is there, empty.
    expect(s.jobs).toEqual({ finished: 0, max_listed: 20, recent: [] });
    expect(s.enabled).toBe(true);
    expect(s.tool_metrics.search).toEqual({
      tool_name: 'search',
      total_calls: 20,
      successful_calls: 18,
      failed_calls: 2,
      success_rate: 90,
      avg_latency_ms: 10.5,
      p50_latency_ms: 10,
      p95_latency_ms: 19,
      p99_latency_ms: 20,
      min_latency_ms: 1,
      max_latency_ms: 20,
      error_types: { TimeoutError: 2 },
    });
    expect(s.tool_metrics.calc).toMatchObject({ tool_name: 'calc', total_calls: 3, failed_calls: 0, success_rate: 100, p50_latency_ms: 2 });
    expect(s.cache_metrics.embeddings).toEqual({ cache_name: 'embeddings', hits: 7, misses: 3, total_requests: 10, hit_rate: 70, evictions: 2, size_rejections: 1 });
    // instrumentations: [] in this app: trackRequest() alone counts.
    expect(s.system_metrics).toMatchObject({ active_sessions: 1, concurrent_requests: 1, total_requests: 2 });
    // Unix seconds: the app started before this test asked, and the summary was written after.
    expect(s.system_metrics.start_time).toBeLessThan(before);
    expect(s.system_metrics.start_time).toBeGreaterThan(before - 600);
    expect(s.timestamp).toBeGreaterThanOrEqual(Math.floor(before * 1000) / 1000);
    expect(s.timestamp).toBeLessThanOrEqual(Date.now() / 1000);
    expect(s.system_metrics.uptime_seconds).toBeGreaterThan(0);
    expect(s.system_metrics.uptime_hours).toBe(Math.round((s.system_metrics.uptime_seconds / 3600) * 100) / 100);
  });

  it('has the reference endpoint’s field names, JSON types, units and rounding for tools, caches and system', async () => {
    const s = await summary();
    expect(Object.keys(s.tool_metrics)).toEqual(['calc', 'search']);
    expect(Object.keys(s.cache_metrics)).toEqual(['embeddings']);
    expect(differencesFromReference(s)).toEqual([]);
  });

  it('agrees with what Prometheus scraped from the same process', async () => {
    const s = await summary();
    const sel = 'test="summary"';
    const calls = await query(`sum by (gen_ai_tool_name) (gen_ai_execute_tool_duration_seconds_count{${sel}})`);
    for (const sample of calls) expect(s.tool_metrics[sample.metric.gen_ai_tool_name!].total_calls).toBe(Number(sample.value[1]));
    const failed = await query(`sum(gen_ai_execute_tool_duration_seconds_count{${sel},gen_ai_tool_name="search",error_type!=""})`);
    expect(s.tool_metrics.search.failed_calls).toBe(Number(failed[0]!.value[1]));
    const avg = await query(`sum(gen_ai_execute_tool_duration_seconds_sum{${sel},gen_ai_tool_name="search"}) / sum(gen_ai_execute_tool_duration_seconds_count{${sel},gen_ai_tool_name="search"}) * 1000`);
    expect(s.tool_metrics.search.avg_latency_ms).toBeCloseTo(Number(avg[0]!.value[1]), 9);
    const hitRate = await query(`sum(agent_cache_requests_total{${sel},agent_cache_result="hit"}) / sum(agent_cache_requests_total{${sel}})`);
    expect(s.cache_metrics.embeddings.hit_rate).toBe(Math.round(Number(hitRate[0]!.value[1]) * 10000) / 100);
    const sessions = await query(`agent_sessions_active{${sel}}`);
    expect(s.system_metrics.active_sessions).toBe(Number(sessions[0]!.value[1]));
  });
});

describe('HTTP behaviour', () => {
  it('binds to 127.0.0.1 by default', () => {
    expect(new URL(summaryUrl).hostname).toBe('127.0.0.1');
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('refuses %s with 405 and Allow: GET, HEAD', async (method) => {
    const res = await raw(method, '/metrics.json');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.body).toBe('{"error":"method not allowed"}');
  });

  it('reports LLM spend by provider and model and the unpriced calls, as the Prometheus endpoint counts them', async () => {
    const s = await summary();
    // gpt-4o at 2.5 and 10 USD per million input and output tokens (@pydantic/genai-prices 0.1.8).
    expect(s.llm_cost).toEqual({
      total_usd: (400_000 * 2.5 + 100_000 * 10) / 1e6,
      unpriced_calls: 1,
      models: [
        { provider: 'openai', model: 'gpt-4o', usd: 2, unpriced_calls: 0 },
        { provider: 'self-hosted', model: 'llama-3-70b', usd: 0, unpriced_calls: 1 },
      ],
    });
    const cost = await query('agent_llm_cost_total{test="summary"}');
    expect(cost.map((r) => [r.metric.gen_ai_request_model, r.metric.gen_ai_agent_name, Number(r.value[1])])).toEqual([['gpt-4o', 'planner', 2]]);
    const unpriced = await query('agent_llm_unpriced_calls_total{test="summary"}');
    expect(unpriced.map((r) => [r.metric.gen_ai_request_model, Number(r.value[1])])).toEqual([['llama-3-70b', 1]]);
  });

  it.each(['/metrics.json', '/health', '/'])('answers HEAD %s with GET’s status and content type and no body', async (path) => {
    const [head, get] = [await raw('HEAD', path), await raw('GET', path)];
    expect([head.status, head.headers['content-type'], head.body]).toEqual([200, get.headers['content-type'], '']);
    if (path === '/metrics.json') assertSummarySchema(JSON.parse(get.body));
  });

  it('ignores unknown query strings and never echoes request data', async () => {
    const probe = 'zz<script>alert(1)</script>';
    const res = await raw('GET', `/metrics.json?format=${encodeURIComponent(probe)}&x=1`, { 'x-probe': probe });
    expect(res.status).toBe(200);
    const body: unknown = JSON.parse(res.body);
    assertSummarySchema(body);
    expect(Object.keys(body)).toEqual(['enabled', 'timestamp', 'tool_metrics', 'cache_metrics', 'system_metrics', 'llm_cost', 'jobs']);
    expect(res.body).not.toContain('zz');
    const missing = await raw('GET', `/${encodeURIComponent(probe)}?q=${encodeURIComponent(probe)}`);
    expect([missing.status, missing.body]).toEqual([404, '{"error":"not found"}']);
  });

  it('answers /health quickly, and serves the JSON on /metrics too', async () => {
    const t = performance.now();
    const res = await raw('GET', '/health');
    expect(performance.now() - t).toBeLessThan(100);
    expect([res.status, res.body]).toEqual([200, '{"status":"healthy"}']);
    const metrics = await raw('GET', '/metrics');
    expect(metrics.headers['content-type']).toBe('application/json; charset=utf-8');
    assertSummarySchema(JSON.parse(metrics.body));
  });

  it('serves a self-contained status page', async () => {
    const res = await raw('GET', '/');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('sends CORS headers only for configured origins', async () => {
    const denied = await raw('GET', '/metrics.json', { origin: 'https://ops.example.com' });
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
    assertSummarySchema(JSON.parse(denied.body));
    let server: SummaryServer | undefined;
    try {
      server = await startSummaryServer({ port: 0, corsOrigins: ['https://ops.example.com'] });
      const allowed = await raw('GET', '/metrics.json', { origin: 'https://ops.example.com' }, server.url);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://ops.example.com');
      // A summary server of this (test) process, with nothing recorded: still the contract.
      assertSummarySchema(JSON.parse(allowed.body));
      const other = await raw('GET', '/metrics.json', { origin: 'https://evil.example' }, server.url);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      assertSummarySchema(JSON.parse(other.body));
    } finally {
      await server?.close();
    }
  });
});

describe('total_requests of an app under register that serves HTTP', () => {
  /** Sum of one metric's samples on a Prometheus text page. */
  const sampleSum = (page: string, name: string): number =>
    page
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .reduce((n, line) => n + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);

  it.each([
    // 5 HTTP requests, trackRequest() in the handler of 2 of them: the HTTP count, 5.
    ['some', 2, 5],
    // trackRequest() in the handler of all 5: each counted once, 5, not 10.
    ['all', 5, 5],
  ])('counts each request once when the handler tracks %s of them (tracked %i, total %i)', async (track, tracked, total) => {
    const [port, summaryPort] = [await freePort(), await freePort()];
    const app = runNode(['--require', 'agentmeter/register', 'test/fixtures/summary/http-requests-app.cjs'], {
      TRACK: track,
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      AGENTMETER_SUMMARY_ENABLED: 'true',
      AGENTMETER_SUMMARY_PORT: String(summaryPort),
    });
    try {
      await app.ready;
      const base = `http://127.0.0.1:${summaryPort}`;
      // The summary's and the Prometheus endpoint's own requests are not the app's.
      for (let i = 0; i < 3; i++) await summary(base);
      await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const s = await summary(base);
      expect(s.system_metrics.total_requests).toBe(total);
      expect(differencesFromReference(s)).toEqual([]);
      const page = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect([sampleSum(page, 'agent_requests_total'), sampleSum(page, 'http_server_request_duration_seconds_count')]).toEqual([tracked, 5]);
    } finally {
      await app.stop();
    }
  });
});
