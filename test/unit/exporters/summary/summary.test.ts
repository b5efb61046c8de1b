// The summary of several processes' parts (a cluster primary and its workers): totals add up,
// min and max combine, percentiles come from the union of the windows.
import { afterEach, describe, expect, it } from 'vitest';
import { buildSummary, summaryOfParts, summaryPart } from '../../../../src/exporters/summary/summary';
import { toolWindows } from '../../../../src/store/windows';
import { recordToolCall } from '../../../../src/record/tool';
import { recordCacheLookup } from '../../../../src/record/cache';
import { trackSession } from '../../../../src/record/system';
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
    expect(Object.keys(buildSummary())).toEqual(['enabled', 'timestamp', 'tool_metrics', 'cache_metrics', 'system_metrics', 'llm_cost']);
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
      total_calls: 5,
      successful_calls: 3,
      failed_calls: 2,
      success_rate: 0.6,
      avg_latency_ms: 210,
      p50_latency_ms: 200,
      p95_latency_ms: 400,
      p99_latency_ms: 400,
      min_latency_ms: 50,
      max_latency_ms: 400,
      error_types: { TimeoutError: 2 },
    });
    expect(summary.tool_metrics.calc!.total_calls).toBe(1);
    expect(summary.cache_metrics.emb).toEqual({ hits: 1, misses: 2, total_requests: 3, hit_rate: 1 / 3, evictions: 0, size_rejections: 0 });
    expect(summary.system_metrics.active_sessions).toBe(1);
    expect(summary.system_metrics.start_time).toBe(new Date(first.system.startSeconds * 1000).toISOString());
    expect(summary.cluster).toEqual({ workers: 2, workers_answered: 1 });
  });
});
