/**
 * The status page's last hour: every `bucketMillis` (default 10 s) the store is collected and
 * the change since the previous collection becomes one bucket per series; `buckets` (default
 * 360) are kept, the oldest dropped. Tools and caches are charted up to a cap (the first seen);
 * the rest are counted, not kept. Memory: at most (4 × maxTools + maxCaches + 9) series ×
 * buckets × 8 bytes, about 314 KB with the defaults (docs/summary-and-jobs.md).
 *
 * Runs only inside the summary server: its timer is unref'd and stopped when the server closes.
 */
import type { DataPoint, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import { METRICS } from '../../catalog';
import { ATTR_CACHE_NAME, ATTR_CACHE_RESULT, ATTR_ERROR_TYPE, ATTR_HEALTH_STATUS, ATTR_TOOL_NAME, HEALTH_STATUSES } from '../../catalog-vocabulary';
import { collectScopeMetrics } from '../../store/producer';
import { addHistogram, bucketDelta, countOf, quantileOf, shareAtOrUnder, type BucketCounts } from './history-quantile';

/** Options of the summary history. */
export interface HistoryOptions {
  /** Width of one bucket, milliseconds; default 10000. */
  bucketMillis?: number;
  /** Buckets kept; default 360 (an hour of 10 s buckets). */
  buckets?: number;
  /** Tools charted, the first seen; default 20. */
  maxTools?: number;
  /** Caches charted, the first seen; default 20. */
  maxCaches?: number;
  /** Workers of a `node:cluster` primary, read once a bucket; default none. */
  clusterWorkers?: () => Promise<number | undefined>;
}

/** The routing target the chart shows the share within: 100 ms, as the routing SLO states. */
export const ROUTING_TARGET_SECONDS = 0.1;

type Series = (number | null)[];

/** One tool's charts. */
export interface ToolHistory {
  calls_per_second: Series;
  /** Failed calls as a percentage of the bucket's calls; null for a bucket without calls. */
  error_rate: Series;
  p50_ms: Series;
  p95_ms: Series;
}

/** The JSON served at `/history.json`; every series has one value per timestamp. */
export interface HistoryJson {
  bucket_seconds: number;
  max_buckets: number;
  /** End of each bucket, Unix seconds (three decimals), oldest first. */
  timestamps: number[];
  tools: Record<string, ToolHistory>;
  /** Tools seen beyond `maxTools`, not charted. */
  tools_not_charted: number;
  caches: Record<string, { hit_rate: Series }>;
  caches_not_charted: number;
  routing: { target_seconds: number; within_target_percent: Series; decisions_per_second: Series };
  llm: { calls_per_second: Series; p95_ms: Series; tokens_per_second: Series; cost_usd_per_second: Series };
  /** Index into `health_statuses` of the status set at the bucket's end; null when none is set. */
  health: Series;
  health_statuses: readonly string[];
  /** Workers of a cluster primary; null outside a cluster. */
  cluster_workers: Series;
}

interface Snapshot {
  tools: Map<string, { calls: number; failed: number; buckets: BucketCounts | undefined }>;
  caches: Map<string, { hits: number; total: number }>;
  routing: BucketCounts | undefined;
  llm: BucketCounts | undefined;
  tokens: number;
  costUsd: number;
  health: number | null;
}

function points(metrics: Map<string, MetricData>, name: string): DataPoint<unknown>[] {
  return (metrics.get(name)?.dataPoints ?? []) as DataPoint<unknown>[];
}

function histogramOf(metrics: Map<string, MetricData>, name: string): BucketCounts | undefined {
  let out: BucketCounts | undefined;
  for (const p of points(metrics, name) as DataPoint<Histogram>[]) out = addHistogram(out, p.value);
  return out;
}

function snapshot(): Snapshot {
  const metrics = new Map(collectScopeMetrics().metrics.map((m) => [m.descriptor.name, m]));
  const tools: Snapshot['tools'] = new Map();
  for (const p of points(metrics, METRICS.toolDuration.name) as DataPoint<Histogram>[]) {
    const name = String(p.attributes[ATTR_TOOL_NAME]);
    const t = tools.get(name) ?? { calls: 0, failed: 0, buckets: undefined };
    t.calls += p.value.count;
    if (p.attributes[ATTR_ERROR_TYPE] !== undefined) t.failed += p.value.count;
    t.buckets = addHistogram(t.buckets, p.value);
    tools.set(name, t);
  }
  const caches: Snapshot['caches'] = new Map();
  for (const p of points(metrics, METRICS.cacheRequests.name)) {
    const name = String(p.attributes[ATTR_CACHE_NAME]);
    const c = caches.get(name) ?? { hits: 0, total: 0 };
    c.total += p.value as number;
    if (p.attributes[ATTR_CACHE_RESULT] === 'hit') c.hits += p.value as number;
    caches.set(name, c);
  }
  // Tokens are a histogram (its sum is the tokens), cost a counter.
  const sum = (name: string) => points(metrics, name).reduce((n, p) => n + (typeof p.value === 'number' ? p.value : ((p.value as Histogram).sum ?? 0)), 0);
  const healthPoint = points(metrics, METRICS.health.name).find((p) => p.value === 1);
  const healthIndex = healthPoint === undefined ? -1 : (HEALTH_STATUSES as readonly unknown[]).indexOf(healthPoint.attributes[ATTR_HEALTH_STATUS]);
  return {
    tools,
    caches,
    routing: histogramOf(metrics, METRICS.routingDuration.name),
    llm: histogramOf(metrics, METRICS.llmDuration.name),
    tokens: sum(METRICS.llmTokens.name),
    costUsd: sum(METRICS.llmCost.name),
    health: healthIndex < 0 ? null : healthIndex,
  };
}

const rounded = (v: number | null, decimals = 3): number | null => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** decimals) / 10 ** decimals);

/** A dictionary keyed by peers' names: no prototype, so `__proto__` is an ordinary key. */
function dictionary<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** The bounded history; `start()` begins recording, `stop()` ends it. */
export class SummaryHistory {
  readonly bucketMillis: number;
  readonly maxBuckets: number;
  private readonly maxTools: number;
  private readonly maxCaches: number;
  private readonly clusterWorkers: HistoryOptions['clusterWorkers'];
  private timer: NodeJS.Timeout | undefined;
  private last: Snapshot | undefined;
  private lastMillis = 0;
  private readonly timestamps: number[] = [];
  private readonly tools = new Map<string, ToolHistory>();
  private readonly toolsSeen = new Set<string>();
  private readonly caches = new Map<string, Series>();
  private readonly cachesSeen = new Set<string>();
  private readonly series: Record<'routingShare' | 'routingRate' | 'llmRate' | 'llmP95' | 'tokens' | 'cost' | 'health' | 'workers', Series> = {
    routingShare: [], routingRate: [], llmRate: [], llmP95: [], tokens: [], cost: [], health: [], workers: [],
  };

  constructor(options: HistoryOptions = {}) {
    this.bucketMillis = options.bucketMillis ?? 10_000;
    this.maxBuckets = options.buckets ?? 360;
    this.maxTools = options.maxTools ?? 20;
    this.maxCaches = options.maxCaches ?? 20;
    this.clusterWorkers = options.clusterWorkers;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.last = snapshot();
    this.lastMillis = Date.now();
    this.timer = setInterval(() => void this.tick(), this.bucketMillis);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Closes the current bucket; errors are swallowed so a failed collection only leaves a gap. */
  async tick(): Promise<void> {
    try {
      const workers = this.clusterWorkers === undefined ? undefined : await this.clusterWorkers().catch(() => undefined);
      this.record(snapshot(), Date.now(), workers);
    } catch {
      // A bucket is skipped; the next one covers the longer interval.
    }
  }

  private push(series: Series, value: number | null): void {
    series.push(value);
    if (series.length > this.maxBuckets) series.shift();
  }

  /** Adds the bucket from `this.last` to `now`; exported through tick() and for tests. */
  record(now: Snapshot, nowMillis: number, workers: number | undefined): void {
    const before = this.last ?? now;
    const seconds = Math.max((nowMillis - this.lastMillis) / 1000, 1e-3);
    const filled = this.timestamps.length;
    const rate = (n: number) => rounded(n / seconds);
    for (const name of now.tools.keys()) {
      if (!this.toolsSeen.has(name)) {
        this.toolsSeen.add(name);
        if (this.tools.size < this.maxTools) {
          const empty = () => new Array<number | null>(filled).fill(null);
          this.tools.set(name, { calls_per_second: empty(), error_rate: empty(), p50_ms: empty(), p95_ms: empty() });
        }
      }
    }
    for (const [name, h] of this.tools) {
      const t = now.tools.get(name);
      const b = before.tools.get(name);
      const calls = (t?.calls ?? 0) - (b?.calls ?? 0);
      const failed = (t?.failed ?? 0) - (b?.failed ?? 0);
      const delta = bucketDelta(t?.buckets, b?.buckets);
      this.push(h.calls_per_second, rate(calls));
      this.push(h.error_rate, calls === 0 ? null : rounded((100 * failed) / calls, 2));
      this.push(h.p50_ms, rounded((quantileOf(delta, 0.5) ?? NaN) * 1000));
      this.push(h.p95_ms, rounded((quantileOf(delta, 0.95) ?? NaN) * 1000));
    }
    for (const name of now.caches.keys()) {
      if (!this.cachesSeen.has(name)) {
        this.cachesSeen.add(name);
        if (this.caches.size < this.maxCaches) this.caches.set(name, new Array<number | null>(filled).fill(null));
      }
    }
    for (const [name, s] of this.caches) {
      const c = now.caches.get(name);
      const b = before.caches.get(name);
      const total = (c?.total ?? 0) - (b?.total ?? 0);
      this.push(s, total === 0 ? null : rounded((100 * ((c?.hits ?? 0) - (b?.hits ?? 0))) / total, 2));
    }
    const routing = bucketDelta(now.routing, before.routing);
    const llm = bucketDelta(now.llm, before.llm);
    const share = shareAtOrUnder(routing, ROUTING_TARGET_SECONDS);
    this.push(this.series.routingShare, share === null ? null : rounded(100 * share, 2));
    this.push(this.series.routingRate, rate(countOf(routing)));
    this.push(this.series.llmRate, rate(countOf(llm)));
    this.push(this.series.llmP95, rounded((quantileOf(llm, 0.95) ?? NaN) * 1000));
    this.push(this.series.tokens, rate(now.tokens - before.tokens));
    this.push(this.series.cost, rounded((now.costUsd - before.costUsd) / seconds, 9));
    this.push(this.series.health, now.health);
    this.push(this.series.workers, workers ?? null);
    this.push(this.timestamps, Math.round(nowMillis) / 1000);
    this.last = now;
    this.lastMillis = nowMillis;
  }

  /** The history as `/history.json` serves it. */
  toJSON(): HistoryJson {
    const tools = dictionary<ToolHistory>();
    for (const [name, h] of this.tools) tools[name] = h;
    const caches = dictionary<{ hit_rate: Series }>();
    for (const [name, s] of this.caches) caches[name] = { hit_rate: s };
    const s = this.series;
    return {
      bucket_seconds: this.bucketMillis / 1000,
      max_buckets: this.maxBuckets,
      timestamps: this.timestamps,
      tools,
      tools_not_charted: this.toolsSeen.size - this.tools.size,
      caches,
      caches_not_charted: this.cachesSeen.size - this.caches.size,
      routing: { target_seconds: ROUTING_TARGET_SECONDS, within_target_percent: s.routingShare, decisions_per_second: s.routingRate },
      llm: { calls_per_second: s.llmRate, p95_ms: s.llmP95, tokens_per_second: s.tokens, cost_usd_per_second: s.cost },
      health: s.health,
      health_statuses: HEALTH_STATUSES,
      cluster_workers: s.workers,
    };
  }
}

export { snapshot as historySnapshot };
