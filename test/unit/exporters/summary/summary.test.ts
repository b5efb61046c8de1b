// The summary of several processes' parts (a cluster primary and its workers): totals add up,
// min and max combine, percentiles come from the union of the windows.
import { afterEach, describe, expect, it } from 'vitest';
import { buildSummary, summaryOfParts, summaryPart } from '../../../../src/exporters/summary/summary';
import { toolWindows } from '../../../../src/store/windows';
import { recordToolCall } from '../../../../src/record/tool';
import { recordCacheLookup } from '../../../../src/record/cache';
import { trackRequest, trackSession } from '../../../../src/record/system';
import { resetStore } from '../../helpers';

afterEach(() => resetStore());

/** A worker's part, through JSON as the IPC channel carries it. */
function wire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

describe('summaryOfParts', () => {
  it('is buildSummary() for this process alone', () => {
    toolWindows.enable(1000);
    recordToolCall({ tool: 'search', seconds: 0.2 });
    const withoutClock = ({ timestamp: _t, system_metrics: { uptime_seconds: _u, ...system }, ...rest }: ReturnType<typeof buildSummary>) => ({ ...rest, system });
    expect(withoutClock(summaryOfParts([summaryPart()]))).toEqual(withoutClock(buildSummary()));
    expect(Object.keys(buildSummary())).toEqual(['enabled', 'timestamp', 'tool_metrics', 'cache_metrics', 'system_metrics', 'llm_cost', 'jobs']);
  });

  it('adds up counts, combines min and max, and takes percentiles over every window', () => {
    toolWindows.enable(1001); // a size change clears windows earlier tests filled
    for (const s of [0.1, 0.2, 0.3]) recordToolCall({ tool: 'search', seconds: s });
    recordCacheLookup({ cache: 'emb', hit: true });
    trackSession();
    const first = wire(summaryPart());
    resetStore();
    toolWindows.enable(999); // a new size restarts the windows: the "second process"
    for (const s of [0.05, 0.4]) recordToolCall({ tool: 'search', seconds: s, error: 'TimeoutError' });
    recordToolCall({ tool: 'calc', seconds: 0.01 });
    recordCacheLookup({ cache: 'emb', hit: false });
    recordCacheLookup({ cache: 'emb', hit: false });
    const second = wire(summaryPart());
    const summary = summaryOfParts([first, second], { workers: 2, workers_answered: 1 });
    expect(summary.tool_metrics.search).toEqual({
      tool_name: 'search',
      total_calls: 5,
      successful_calls: 3,
      failed_calls: 2,
      success_rate: 60,
      avg_latency_ms: 210,
      p50_latency_ms: 200,
      p95_latency_ms: 400,
      p99_latency_ms: 400,
      min_latency_ms: 50,
      max_latency_ms: 400,
      error_types: { TimeoutError: 2 },
    });
    expect(summary.tool_metrics.calc!.total_calls).toBe(1);
    // 100 × 1 / 3 with two decimals, as the reference endpoint writes a rate.
    expect(summary.cache_metrics.emb).toEqual({ cache_name: 'emb', hits: 1, misses: 2, total_requests: 3, hit_rate: 33.33, evictions: 0, size_rejections: 0 });
    expect(summary.system_metrics.active_sessions).toBe(1);
    expect(summary.system_metrics.start_time).toBe(Math.round(first.system.startSeconds * 1000) / 1000);
    expect(summary.cluster).toEqual({ workers: 2, workers_answered: 1 });
  });

  it('counts each process’s requests once: the larger of trackRequest() and its HTTP server requests, added across processes', () => {
    for (let i = 0; i < 3; i++) trackRequest().end();
    // The primary: 3 tracked, 5 over HTTP (its handler tracks only some of them).
    const primary = wire(summaryPart(5));
    expect(primary.system).toMatchObject({ totalRequests: 3, httpRequests: 5 });
    // A worker that tracks every HTTP request (4) and a worker of an older agentmeter (no httpRequests).
    const tracking = { ...primary, system: { ...primary.system, totalRequests: 4, httpRequests: 4 } };
    const { httpRequests: _h, ...older } = { ...primary.system, totalRequests: 2 };
    const summary = summaryOfParts([primary, tracking, { ...primary, system: older }]);
    expect(summary.system_metrics.total_requests).toBe(5 + 4 + 2);
    expect(summaryOfParts([summaryPart()]).system_metrics.total_requests).toBe(3);
  });

  it('writes times as Unix seconds and uptime in seconds and hours', () => {
    const part = wire(summaryPart());
    const system = { ...part.system, startSeconds: 1764749760.123456, uptimeSeconds: 5399.9996 };
    const before = Date.now() / 1000;
    const summary = summaryOfParts([{ ...part, system }]);
    expect(summary.timestamp).toBeGreaterThanOrEqual(before);
    expect(summary.timestamp).toBeLessThanOrEqual(Date.now() / 1000);
    expect(summary.system_metrics).toMatchObject({ start_time: 1764749760.123, uptime_seconds: 5400, uptime_hours: 1.5 });
  });
});
