/**
 * The JSON summary: per-tool calls, success rate, latency (exact percentiles over each tool's
 * sliding window; average, min and max over all calls), per-cache hit rates, service numbers.
 * Counts come from the same series the Prometheus endpoint serves, so the two agree.
 */
import type { Attributes } from '@opentelemetry/api';
import type { DataPoint, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import { ATTR_CACHE_NAME, ATTR_CACHE_RESULT, ATTR_ERROR_TYPE, ATTR_TOOL_NAME, METRICS } from '../../catalog';
import { collectScopeMetrics } from '../../store/producer';
import { percentile, toolWindows } from '../../store/windows';
import { state } from '../../store/registry';

export interface ToolSummary {
  total_calls: number;
  successful_calls: number;
  failed_calls: number;
  /** successful / total, 0..1; null before the first call. */
  success_rate: number | null;
  avg_latency_ms: number | null;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  p99_latency_ms: number | null;
  min_latency_ms: number | null;
  max_latency_ms: number | null;
  /** Calls per `error.type`. */
  error_types: Record<string, number>;
}

export interface CacheSummary {
  hits: number;
  misses: number;
  total_requests: number;
  /** hits / total, 0..1; null before the first lookup. */
  hit_rate: number | null;
  evictions: number;
  size_rejections: number;
}

export interface SystemSummary {
  active_sessions: number;
  concurrent_requests: number;
  total_requests: number;
  /** ISO-8601 time the process started. */
  start_time: string;
  uptime_seconds: number;
}

export interface MetricsSummary {
  enabled: boolean;
  timestamp: string;
  tool_metrics: Record<string, ToolSummary>;
  cache_metrics: Record<string, CacheSummary>;
  system_metrics: SystemSummary;
}

const ms = (seconds: number): number => Math.round(seconds * 1e6) / 1e3;
const orNull = (n: number): number | null => (Number.isFinite(n) ? n : null);

function points(metrics: Map<string, MetricData>, name: string): DataPoint<unknown>[] {
  return (metrics.get(name)?.dataPoints ?? []) as DataPoint<unknown>[];
}

function total(metrics: Map<string, MetricData>, name: string, match: (a: Attributes) => boolean = () => true): number {
  return points(metrics, name).reduce((n, p) => (match(p.attributes) ? n + (p.value as number) : n), 0);
}

function tools(metrics: Map<string, MetricData>): Record<string, ToolSummary> {
  const acc = new Map<string, { total: number; failed: number; sum: number; min: number; max: number; errors: Record<string, number> }>();
  for (const p of points(metrics, METRICS.toolDuration.name) as DataPoint<Histogram>[]) {
    const name = String(p.attributes[ATTR_TOOL_NAME]);
    const t = acc.get(name) ?? { total: 0, failed: 0, sum: 0, min: Infinity, max: -Infinity, errors: {} };
    t.total += p.value.count;
    t.sum += p.value.sum ?? 0;
    if (p.value.count > 0) {
      t.min = Math.min(t.min, p.value.min ?? Infinity);
      t.max = Math.max(t.max, p.value.max ?? -Infinity);
    }
    const type = p.attributes[ATTR_ERROR_TYPE];
    if (type !== undefined) {
      t.failed += p.value.count;
      t.errors[String(type)] = (t.errors[String(type)] ?? 0) + p.value.count;
    }
    acc.set(name, t);
  }
  const out: Record<string, ToolSummary> = {};
  for (const [name, t] of [...acc].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = toolWindows.get(name)?.sorted() ?? new Float64Array(0);
    const pct = (p: number) => (sorted.length === 0 ? null : ms(percentile(sorted, p)));
    out[name] = {
      total_calls: t.total,
      successful_calls: t.total - t.failed,
      failed_calls: t.failed,
      success_rate: t.total === 0 ? null : (t.total - t.failed) / t.total,
      avg_latency_ms: t.total === 0 ? null : ms(t.sum / t.total),
      p50_latency_ms: pct(50),
      p95_latency_ms: pct(95),
      p99_latency_ms: pct(99),
      min_latency_ms: orNull(ms(t.min)),
      max_latency_ms: orNull(ms(t.max)),
      error_types: t.errors,
    };
  }
  return out;
}

function caches(metrics: Map<string, MetricData>): Record<string, CacheSummary> {
  const names = new Set(points(metrics, METRICS.cacheRequests.name).map((p) => String(p.attributes[ATTR_CACHE_NAME])));
  const out: Record<string, CacheSummary> = {};
  for (const name of [...names].sort()) {
    const of = (a: Attributes) => a[ATTR_CACHE_NAME] === name;
    const hits = total(metrics, METRICS.cacheRequests.name, (a) => of(a) && a[ATTR_CACHE_RESULT] === 'hit');
    const all = total(metrics, METRICS.cacheRequests.name, of);
    out[name] = {
      hits,
      misses: all - hits,
      total_requests: all,
      hit_rate: all === 0 ? null : hits / all,
      evictions: total(metrics, METRICS.cacheEvictions.name, of),
      size_rejections: total(metrics, METRICS.cacheSizeRejections.name, of),
    };
  }
  return out;
}

/** The summary of everything recorded so far. */
export function buildSummary(): MetricsSummary {
  const metrics = new Map(collectScopeMetrics().metrics.map((m) => [m.descriptor.name, m]));
  const startSeconds = total(metrics, METRICS.startTime.name);
  return {
    enabled: state.enabled,
    timestamp: new Date().toISOString(),
    tool_metrics: tools(metrics),
    cache_metrics: caches(metrics),
    system_metrics: {
      active_sessions: total(metrics, METRICS.activeSessions.name),
      concurrent_requests: total(metrics, METRICS.activeRequests.name),
      total_requests: total(metrics, METRICS.requests.name),
      start_time: new Date(startSeconds * 1000).toISOString(),
      uptime_seconds: Math.round(total(metrics, METRICS.uptime.name) * 1000) / 1000,
    },
  };
}
