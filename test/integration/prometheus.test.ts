// A real Prometheus scrapes an app that uses the public API; PromQL returns exactly what the
// app recorded, and promtool finds nothing wrong with the exposition.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTarget, prometheus, query, waitForQuery, type Sample } from '../infra/prom';
import { runNode, type RunningChild } from '../infra/child';
import { DROP_REASONS } from '../../src/catalog-vocabulary';

const T = 'test="prometheus"';
let app: RunningChild;
let url: string;
let removeTarget: () => void;

function values(result: Sample[], label?: string): Record<string, number> {
  return Object.fromEntries(result.map((s) => [label ? s.metric[label] : '', Number(s.value[1])]));
}

beforeAll(async () => {
  app = runNode(['test/fixtures/known-workload.cjs']);
  url = (await app.ready).url as string;
  removeTarget = addTarget('prometheus', new URL(url).host);
  await waitForQuery(`up{${T}}`, (r) => r.length === 1 && r[0]!.value[1] === '1');
});

afterAll(async () => {
  removeTarget?.();
  await app?.stop();
});

describe('direct scrape through a real Prometheus', () => {
  it('returns exact tool-call counts per tool', async () => {
    const r = await query(`sum by (gen_ai_tool_name) (gen_ai_execute_tool_duration_seconds_count{${T}})`);
    expect(values(r, 'gen_ai_tool_name')).toEqual({ search: 12, calc: 5 });
  });

  it('returns exact sums and bucket counts for successful calls', async () => {
    const sel = `${T},gen_ai_tool_name="search",error_type=""`;
    expect(values(await query(`gen_ai_execute_tool_duration_seconds_sum{${sel}}`))['']).toBeCloseTo(4.17, 10);
    const buckets = await query(`gen_ai_execute_tool_duration_seconds_bucket{${sel}}`);
    const byLe = values(buckets, 'le');
    expect(byLe).toMatchObject({ '0.001': 0, '0.005': 4, '0.08': 7, '0.64': 9, '2.56': 9, '5.12': 10, '+Inf': 10 });
    expect(Object.keys(byLe)).toHaveLength(18);
  });

  it('separates failures by error type', async () => {
    const r = await query(`sum by (error_type) (gen_ai_execute_tool_duration_seconds_count{${T},error_type!=""})`);
    expect(values(r, 'error_type')).toEqual({ TimeoutError: 2 });
  });

  it('gives the cache hit rate from one counter', async () => {
    const r = await query(`sum(agent_cache_requests_total{${T},agent_cache_result="hit"}) / sum(agent_cache_requests_total{${T}})`);
    expect(Number(r[0]!.value[1])).toBe(0.7);
  });

  it('counts routing decisions by outcome and token usage by type', async () => {
    const decisions = await query(`sum by (agent_routing_outcome) (agent_routing_decisions_total{${T}})`);
    expect(values(decisions, 'agent_routing_outcome')).toEqual({ success: 4, fallback: 1 });
    const tokens = await query(`sum by (gen_ai_token_type) (gen_ai_client_token_usage_sum{${T}})`);
    expect(values(tokens, 'gen_ai_token_type')).toEqual({ input: 1000, output: 250 });
  });

  it('counts the dropped sample by reason', async () => {
    const r = await query(`agentmeter_dropped_total{${T}}`);
    // Every reason is served from start(), at 0 until its first drop.
    expect(values(r, 'agentmeter_reason')).toEqual({ ...Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])), not_a_number: 1 });
  });

  it('passes promtool check metrics with no findings', async () => {
    const text = await (await fetch(url)).text();
    const result = spawnSync(prometheus().promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
