/**
 * The JSON summary: per-tool calls, success rate, latency (exact percentiles over each tool's
 * sliding window; average, min and max over all calls), per-cache hit rates, service numbers, the last jobs to finish.
 * Counts come from the same series the Prometheus endpoint serves, so the two agree.
 *
 * Its shape is a contract: the reference endpoint's field names, JSON types and units (epoch
 * seconds, percentages with two decimals), written down in metrics-summary.schema.json.
 *
 * Built in two steps so a `node:cluster` primary can show the whole cluster: each process
 * reduces its store to a SummaryPart (plain JSON, sent over IPC by workers), and the parts are
 * merged: counts and sums add up, min and max combine, and percentiles are taken over the
 * union of the processes' windows.
 */
import type { Attributes } from '@opentelemetry/api';
import type { DataPoint, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import { METRICS } from '../../catalog';
import { ATTR_CACHE_NAME, ATTR_CACHE_RESULT, ATTR_ERROR_TYPE, ATTR_TOOL_NAME } from '../../catalog-vocabulary';
import { collectScopeMetrics } from '../../store/producer';
import { percentile, toolWindows } from '../../store/windows';
import { state } from '../../store/registry';
import { llmCostPart, llmCostSummary, type LlmCostPart, type LlmCostSummary } from './llm-cost';
import { jobsPart, jobsSummary, type JobsPart, type JobsSummary } from './jobs-summary';

export interface ToolSummary {
  tool_name: string;
  total_calls: number;
  successful_calls: number;
  failed_calls: number;
  /** 100 × successful / total, a percentage rounded to two decimals; null before the first call. */
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
  cache_name: string;
  hits: number;
  misses: number;
  total_requests: number;
  /** 100 × hits / total, a percentage rounded to two decimals; null before the first lookup. */
  hit_rate: number | null;
  evictions: number;
  size_rejections: number;
}

export interface SystemSummary {
  active_sessions: number;
  concurrent_requests: number;
  /**
   * The app's requests: per process, the larger of `trackRequest()` calls and the HTTP
   * instrumentation's `http.server.request.duration` count (agentmeter's own endpoints excluded).
   */
  total_requests: number;
  /** Unix time the process started, seconds (three decimals). */
  start_time: number;
  /** Seconds since start (three decimals). */
  uptime_seconds: number;
  /** Hours since start (two decimals). */
  uptime_hours: number;
}

/** Present only on a `node:cluster` primary with agentmeter workers. */
export interface ClusterSummary {
  /** Workers asked for their share. */
  workers: number;
  /** Workers whose share is included (the others did not answer in time). */
  workers_answered: number;
}

export interface MetricsSummary {
  enabled: boolean;
  /** Unix time of this summary, seconds (three decimals). */
  timestamp: number;
  tool_metrics: Record<string, ToolSummary>;
  cache_metrics: Record<string, CacheSummary>;
  system_metrics: SystemSummary;
  /** USD spent on LLM calls since start, by provider and model, and the calls that could not be priced. */
  llm_cost: LlmCostSummary;
  jobs: JobsSummary;
  cluster?: ClusterSummary;
}

/** One tool in one process, before merging. */
interface ToolPart {
  total: number;
  failed: number;
  sum: number;
  /** Seconds; null before the first call (JSON has no Infinity). */
  min: number | null;
  max: number | null;
  errors: Record<string, number>;
  /** The process's window of recent durations, seconds. */
  window: number[];
}

interface CachePart {
  hits: number;
  total: number;
  evictions: number;
  sizeRejections: number;
}

/** One process's share of the summary, in plain JSON. */
export interface SummaryPart {
  tools: Record<string, ToolPart>;
  caches: Record<string, CachePart>;
  system: {
    activeSessions: number;
    concurrentRequests: number;
    /** `trackRequest()` calls. */
    totalRequests: number;
    /** The HTTP instrumentation's server requests (absent from a worker of an older agentmeter). */
    httpRequests?: number;
    startSeconds: number;
    uptimeSeconds: number;
  };
  llmCost: LlmCostPart;
  /** Finished jobs and the last ones (absent from a worker of an older agentmeter). */
  jobs?: JobsPart;
}

/**
 * A dictionary keyed by names that come from peers (tool and cache names, error types): no
 * prototype, so `__proto__`, `constructor` or `toString` are ordinary keys and can never reach
 * Object.prototype. JSON.stringify writes such an object like any other.
 */
function dictionary<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

const ms = (seconds: number): number => Math.round(seconds * 1e6) / 1e3;
const round = (value: number, decimals: number): number => Math.round(value * 10 ** decimals) / 10 ** decimals;
/** `part` of `whole` as a percentage with two decimals (`96.67`), as the reference endpoint writes it. */
const percent = (part: number, whole: number): number | null => (whole === 0 ? null : round((100 * part) / whole, 2));

function points(metrics: Map<string, MetricData>, name: string): DataPoint<unknown>[] {
  return (metrics.get(name)?.dataPoints ?? []) as DataPoint<unknown>[];
}

function total(metrics: Map<string, MetricData>, name: string, match: (a: Attributes) => boolean = () => true): number {
  return points(metrics, name).reduce((n, p) => (match(p.attributes) ? n + (p.value as number) : n), 0);
}

const lower = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));
const higher = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

function toolParts(metrics: Map<string, MetricData>): Record<string, ToolPart> {
  const out = dictionary<ToolPart>();
  for (const p of points(metrics, METRICS.toolDuration.name) as DataPoint<Histogram>[]) {
    const name = String(p.attributes[ATTR_TOOL_NAME]);
    const t = (out[name] ??= { total: 0, failed: 0, sum: 0, min: null, max: null, errors: dictionary(), window: Array.from(toolWindows.get(name)?.sorted() ?? []) });
    t.total += p.value.count;
    t.sum += p.value.sum ?? 0;
    if (p.value.count > 0) {
      t.min = lower(t.min, p.value.min ?? null);
      t.max = higher(t.max, p.value.max ?? null);
    }
    const type = p.attributes[ATTR_ERROR_TYPE];
    if (type !== undefined) {
      t.failed += p.value.count;
      t.errors[String(type)] = (t.errors[String(type)] ?? 0) + p.value.count;
    }
  }
  return out;
}

function cacheParts(metrics: Map<string, MetricData>): Record<string, CachePart> {
  const names = new Set(points(metrics, METRICS.cacheRequests.name).map((p) => String(p.attributes[ATTR_CACHE_NAME])));
  const out = dictionary<CachePart>();
  for (const name of names) {
    const of = (a: Attributes) => a[ATTR_CACHE_NAME] === name;
    out[name] = {
      hits: total(metrics, METRICS.cacheRequests.name, (a) => of(a) && a[ATTR_CACHE_RESULT] === 'hit'),
      total: total(metrics, METRICS.cacheRequests.name, of),
      evictions: total(metrics, METRICS.cacheEvictions.name, of),
      sizeRejections: total(metrics, METRICS.cacheSizeRejections.name, of),
    };
  }
  return out;
}

/**
 * This process's share: its store's series and its tool windows, and `httpRequests`, the HTTP
 * instrumentation's count of the app's server requests (read by the caller: it lives in the
 * SDK's MeterProvider, not in the store; see http-requests.ts).
 */
export function summaryPart(httpRequests = 0): SummaryPart {
  const metrics = new Map(collectScopeMetrics().metrics.map((m) => [m.descriptor.name, m]));
  return {
    tools: toolParts(metrics),
    caches: cacheParts(metrics),
    system: {
      activeSessions: total(metrics, METRICS.activeSessions.name),
      concurrentRequests: total(metrics, METRICS.activeRequests.name),
      totalRequests: total(metrics, METRICS.requests.name),
      httpRequests,
      startSeconds: total(metrics, METRICS.startTime.name),
      uptimeSeconds: total(metrics, METRICS.uptime.name),
    },
    llmCost: llmCostPart(metrics),
    jobs: jobsPart(),
  };
}

function mergeTools(parts: readonly SummaryPart[]): Map<string, ToolPart> {
  const tools = new Map<string, ToolPart>();
  for (const part of parts) {
    for (const [name, t] of Object.entries(part.tools)) {
      const into = tools.get(name);
      if (into === undefined) {
        tools.set(name, { ...t, errors: Object.assign(dictionary<number>(), t.errors), window: [...t.window] });
        continue;
      }
      into.total += t.total;
      into.failed += t.failed;
      into.sum += t.sum;
      into.min = lower(into.min, t.min);
      into.max = higher(into.max, t.max);
      for (const [type, n] of Object.entries(t.errors)) into.errors[type] = (into.errors[type] ?? 0) + n;
      into.window.push(...t.window);
    }
  }
  return tools;
}

function toolSummary(name: string, t: ToolPart): ToolSummary {
  const sorted = Float64Array.from(t.window).sort();
  const pct = (p: number) => (sorted.length === 0 ? null : ms(percentile(sorted, p)));
  return {
    tool_name: name,
    total_calls: t.total,
    successful_calls: t.total - t.failed,
    failed_calls: t.failed,
    success_rate: percent(t.total - t.failed, t.total),
    avg_latency_ms: t.total === 0 ? null : ms(t.sum / t.total),
    p50_latency_ms: pct(50),
    p95_latency_ms: pct(95),
    p99_latency_ms: pct(99),
    min_latency_ms: t.min === null ? null : ms(t.min),
    max_latency_ms: t.max === null ? null : ms(t.max),
    error_types: t.errors,
  };
}

function cacheSummaries(parts: readonly SummaryPart[]): Record<string, CacheSummary> {
  const caches = new Map<string, CachePart>();
  for (const part of parts) {
    for (const [name, c] of Object.entries(part.caches)) {
      const into = caches.get(name) ?? { hits: 0, total: 0, evictions: 0, sizeRejections: 0 };
      caches.set(name, { hits: into.hits + c.hits, total: into.total + c.total, evictions: into.evictions + c.evictions, sizeRejections: into.sizeRejections + c.sizeRejections });
    }
  }
  const out = dictionary<CacheSummary>();
  for (const [name, c] of [...caches].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out[name] = {
      cache_name: name,
      hits: c.hits,
      misses: c.total - c.hits,
      total_requests: c.total,
      hit_rate: percent(c.hits, c.total),
      evictions: c.evictions,
      size_rejections: c.sizeRejections,
    };
  }
  return out;
}

/**
 * A process's requests, counted once whichever way they were measured: an app that calls
 * `trackRequest()` in its HTTP handler is seen by both, so the larger count is taken, not the sum.
 */
const requestsOf = (s: SummaryPart['system']): number => Math.max(s.totalRequests, typeof s.httpRequests === 'number' ? s.httpRequests : 0);

/**
 * The summary of several processes' parts (the first is this process's): counts add up; the
 * start time and uptime are the first part's (a cluster's primary, which started first).
 */
export function summaryOfParts(parts: readonly SummaryPart[], cluster?: ClusterSummary): MetricsSummary {
  const tool_metrics = dictionary<ToolSummary>();
  for (const [name, t] of [...mergeTools(parts)].sort(([a], [b]) => a.localeCompare(b))) tool_metrics[name] = toolSummary(name, t);
  const sum = (pick: (s: SummaryPart['system']) => number): number => parts.reduce((n, p) => n + pick(p.system), 0);
  const first = parts[0]?.system;
  // Hours from the seconds as written, so uptime_hours is always uptime_seconds / 3600 rounded.
  const uptimeSeconds = round(first?.uptimeSeconds ?? 0, 3);
  const summary: MetricsSummary = {
    enabled: state.enabled,
    timestamp: Date.now() / 1000,
    tool_metrics,
    cache_metrics: cacheSummaries(parts),
    system_metrics: {
      active_sessions: sum((s) => s.activeSessions),
      concurrent_requests: sum((s) => s.concurrentRequests),
      total_requests: sum(requestsOf),
      start_time: round(first?.startSeconds ?? 0, 3),
      uptime_seconds: uptimeSeconds,
      uptime_hours: round(uptimeSeconds / 3600, 2),
    },
    llm_cost: llmCostSummary(parts.map((p) => p.llmCost)),
    jobs: jobsSummary(parts.map((p) => p.jobs)),
  };
  if (cluster !== undefined) summary.cluster = cluster;
  return summary;
}

/**
 * The summary of everything recorded so far in this process's store. Synchronous, so its
 * `total_requests` counts `trackRequest()` only; the summary server's `/metrics.json` also
 * reads the HTTP instrumentation's count.
 */
export function buildSummary(): MetricsSummary {
  return summaryOfParts([summaryPart()]);
}
