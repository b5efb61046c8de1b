/**
 * The service level objectives, as data: what a good event is (the SLI, as PromQL over catalog
 * series), how the events are grouped, and which objective and alert tiers of config.ts apply.
 * The error-ratio recording rules, the burn-rate alerts, their promtool cases, the SLO dashboard
 * and docs/slos.md are all generated from this list (rules/slo-rules.ts, rules/alerts-slo.ts,
 * dashboards/slos.ts, slos-doc.ts).
 */
import { METRICS } from '../../src/catalog';
import { counter, histogram, L } from './promql/names';
import { match, selector } from './promql/expr';
import type { LatencySloObjective, MixinConfig, SloObjective, SloSettings } from './config';
import { bucketLabel } from './rules/recording';
import { counterInput, histogramInput, type SeriesInput } from './rules/promtool-series';
import { JOB } from './rules/alert-spec';

/** The SRE workbook's alerting windows; every SLO records its error ratio over each. */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];

/** Promtool cases aim for this many events a minute, so every error count is a whole number. */
const EVENTS_PER_MINUTE = 1000;

export interface SloSpec {
  /** Key of the SLO in `config.slos`. */
  readonly key: Exclude<keyof SloSettings, 'period'>;
  /** CamelCase part of its alert names (`AgentSlo<name>Page`). */
  readonly name: string;
  /** Snake-case metric part of its recording-rule names. */
  readonly metric: string;
  /** The `level` of its recording-rule names: the labels it is grouped by. */
  readonly level: string;
  readonly title: string;
  /** What a good event is, in words. */
  readonly good: string;
  /** Labels the SLI is grouped by (job first). */
  readonly groupBy: readonly string[];
  /** Who is alerted about, as an annotation template (e.g. "Tool {{ $labels.x }} in {{ $labels.job }}"). */
  readonly subject: string;
  readonly settings: SloObjective;
  /** Where the on-call looks next, for the runbook: the panels that name the cause. */
  readonly diagnose: string;
  /** Why this SLO, this grouping and this default objective (docs/slos.md). */
  readonly why: string;
  /** Per-second rate of bad events over `window`, summed by groupBy; undefined when absent. */
  readonly bad: (window: string) => string;
  /** Per-second rate of all events over `window`, summed by groupBy. */
  readonly total: (window: string) => string;
  /** Whether `bad` may be absent while `total` exists (a counter with no error series yet). */
  readonly badMayBeAbsent: boolean;
  /** Labels of the alert in the promtool cases. */
  readonly testLabels: Readonly<Record<string, string>>;
  /** Promtool input series whose error ratio is `errorRatio` throughout. */
  readonly inputs: (errorRatio: number) => SeriesInput[];
}

/** The error budget: the share of events allowed to be bad (1 - objective), without float dust. */
export function errorBudget(slo: Pick<SloSpec, 'settings'>): number {
  return Number((1 - slo.settings.objective).toPrecision(12));
}

/** Good and bad events a minute for an error ratio, as whole numbers. */
function split(errorRatio: number): { good: number; bad: number } {
  const bad = Number((errorRatio * EVENTS_PER_MINUTE).toPrecision(12));
  if (!Number.isInteger(bad)) throw new Error(`error ratio ${errorRatio} is not a whole number of ${EVENTS_PER_MINUTE} events`);
  return { good: EVENTS_PER_MINUTE - bad, bad };
}

const sumRate = (labels: readonly string[], series: string, window: string): string => `sum by (${labels.join(', ')}) (rate(${series}[${window}]))`;

/** The next bucket boundary above `le` (where promtool cases put the slow events). */
function bucketAbove(le: number, buckets: readonly number[]): number {
  const next = buckets.find((b) => b > le);
  if (next === undefined) throw new Error(`no bucket above ${le}`);
  return next;
}

function latency(objective: LatencySloObjective, buckets: readonly number[]) {
  return { le: bucketLabel(objective.thresholdSeconds, buckets), slowBucket: bucketAbove(objective.thresholdSeconds, buckets) };
}

const secs = (s: number): string => (s < 1 ? `${+(s * 1000).toFixed(3)} ms` : `${s} s`);

export function sloSpecs(config: MixinConfig): SloSpec[] {
  const s = config.slos;
  const tool = histogram('toolDuration');
  const routing = histogram('routingDuration');
  const llm = histogram('llmDuration');
  const cache = counter('cacheRequests');
  const byTool = [L.job, L.tool];
  const byJob = [L.job];
  const toolLabels = { job: JOB, [L.tool]: 'web_search' };
  const toolLatency = latency(s.toolLatency, METRICS.toolDuration.buckets);
  const routingLatency = latency(s.routingLatency, METRICS.routingDuration.buckets);
  const llmLabels = { job: JOB, [L.operation]: 'chat', [L.provider]: 'openai', [L.model]: 'gpt-4o' };
  const routingLabels = { job: JOB, [L.strategy]: 'semantic', [L.outcome]: 'success' };
  return [
    {
      key: 'toolSuccess', name: 'ToolSuccess', metric: 'agentmeter_slo_tool_success', level: 'job_tool', title: 'Tool success',
      good: `a tool call that ends without an error (\`${L.errorType}\` unset)`,
      groupBy: byTool, subject: `Tool {{ $labels.${L.tool} }} in {{ $labels.job }}`, settings: s.toolSuccess,
      diagnose: 'Overview → "Top error types" names the error; Tool detail (the tool of the alert) shows since when and whether every instance fails.',
      why: 'Per tool, not per job: tools fail independently (each wraps its own dependency), and a broken tool called by one request in four hides inside a job-wide ratio. The default 95 % leaves room for what the outside APIs most tools wrap do under load (timeouts, rate limits); the demo\'s healthy tools fail up to 3.3 % of calls by design and stay within it. Tighten it for tools you control end to end.',
      bad: (w) => sumRate(byTool, selector(tool.count, match.ne(L.errorType, '')), w),
      total: (w) => sumRate(byTool, tool.count, w),
      badMayBeAbsent: true,
      testLabels: toolLabels,
      inputs: (r) => {
        const { good, bad } = split(r);
        return [counterInput(tool.count, toolLabels, good), counterInput(tool.count, { ...toolLabels, [L.errorType]: 'TimeoutError' }, bad)];
      },
    },
    {
      key: 'toolLatency', name: 'ToolLatency', metric: 'agentmeter_slo_tool_latency', level: 'job_tool', title: 'Tool latency',
      good: `a tool call that takes at most ${secs(s.toolLatency.thresholdSeconds)} (bucket \`le="${toolLatency.le}"\` of gen_ai.execute_tool.duration)`,
      groupBy: byTool, subject: `Tool {{ $labels.${L.tool} }} in {{ $labels.job }}`, settings: s.toolLatency,
      diagnose: 'Tool detail (the tool of the alert) → "Latency heatmap": a second band is a slow dependency or timeouts; Overview → "Event-loop delay p99" rules out a blocked process.',
      why: `The share of calls under a threshold, read off the histogram's bucket at the threshold (exact, unlike a quantile estimate). ${secs(s.toolLatency.thresholdSeconds)} is the GenAI bucket boundary just above the p95 threshold of AgentToolLatencyHigh (2.5 s): a call slower than that stalls the agent's turn visibly. 99 %: slow calls are rarer than failures, and a timeout shows here before it shows as an error.`,
      bad: (w) => `(${sumRate(byTool, tool.count, w)} - ${sumRate(byTool, selector(tool.bucket, match.eq(L.le, toolLatency.le)), w)})`,
      total: (w) => sumRate(byTool, tool.count, w),
      badMayBeAbsent: false,
      testLabels: toolLabels,
      inputs: (r) => {
        const { good, bad } = split(r);
        return histogramInput(tool, toolLabels, METRICS.toolDuration.buckets, [[s.toolLatency.thresholdSeconds, good], [toolLatency.slowBucket, bad]]);
      },
    },
    {
      key: 'routingLatency', name: 'RoutingLatency', metric: 'agentmeter_slo_routing_latency', level: 'job', title: 'Routing latency',
      good: `a routing decision made within ${secs(s.routingLatency.thresholdSeconds)} (bucket \`le="${routingLatency.le}"\` of agent.routing.duration)`,
      groupBy: byJob, subject: 'Routing in {{ $labels.job }}', settings: s.routingLatency,
      diagnose: 'Overview → "Routing duration" and "Routing cache hit rate (5 min)": one slow strategy or a cold routing cache shows there.',
      why: 'The seed\'s own target: routing under 100 ms for more than 95 % of decisions. Per job: every request is routed once, whatever the strategy, so the user sees the job\'s routing latency.',
      bad: (w) => `(${sumRate(byJob, routing.count, w)} - ${sumRate(byJob, selector(routing.bucket, match.eq(L.le, routingLatency.le)), w)})`,
      total: (w) => sumRate(byJob, routing.count, w),
      badMayBeAbsent: false,
      testLabels: { job: JOB },
      inputs: (r) => {
        const { good, bad } = split(r);
        return histogramInput(routing, routingLabels, METRICS.routingDuration.buckets, [[s.routingLatency.thresholdSeconds, good], [routingLatency.slowBucket, bad]]);
      },
    },
    {
      key: 'cacheHit', name: 'CacheHit', metric: 'agentmeter_slo_cache_hit', level: 'job', title: 'Cache hit ratio',
      good: `a cache lookup that hits (\`${L.cacheResult}="hit"\` of agent.cache.requests)`,
      groupBy: byJob, subject: 'Caches of {{ $labels.job }}', settings: s.cacheHit,
      diagnose: 'Overview → "Cache hit rate per cache (5 min)" and "Evictions and size rejections": a flushed or undersized cache shows there.',
      why: 'The seed\'s own target: a cache hit rate above 60 %. Per job, over all its caches, because what the objective protects is the cost and latency of the work the caches save. With a 40 % budget the burn rate cannot exceed 2.5x (every lookup a miss), so the workbook\'s page tiers (14.4x, 6x) and the 3x ticket could never fire: only the 1x ticket over 3 days and 6 hours remains, and a cold cache does not wake anyone.',
      bad: (w) => sumRate(byJob, selector(cache, match.eq(L.cacheResult, 'miss')), w),
      total: (w) => sumRate(byJob, cache, w),
      badMayBeAbsent: true,
      testLabels: { job: JOB },
      inputs: (r) => {
        const { good, bad } = split(r);
        const labels = { job: JOB, [L.cache]: 'embeddings' };
        return [counterInput(cache, { ...labels, [L.cacheResult]: 'hit' }, good), counterInput(cache, { ...labels, [L.cacheResult]: 'miss' }, bad)];
      },
    },
    {
      key: 'llmSuccess', name: 'LlmSuccess', metric: 'agentmeter_slo_llm_success', level: 'job', title: 'LLM success',
      good: `an LLM call that ends without an error (\`${L.errorType}\` unset on gen_ai.client.operation.duration)`,
      groupBy: byJob, subject: 'LLM calls of {{ $labels.job }}', settings: s.llmSuccess,
      diagnose: 'Overview → "LLM error rate by model (5 min)" and "LLM errors by type": a provider outage, a rate limit or one model\'s errors show there.',
      why: 'Per job, over providers and models: an agent usually falls back between models, and the user sees whether the job\'s model calls work. 98 %: rate-limit and overload errors from providers are routine and mostly absorbed by retries, so a steady 2 % of failed calls means they are not; the demo\'s healthy 1 % stays at half the budget.',
      bad: (w) => sumRate(byJob, selector(llm.count, match.ne(L.errorType, '')), w),
      total: (w) => sumRate(byJob, llm.count, w),
      badMayBeAbsent: true,
      testLabels: { job: JOB },
      inputs: (r) => {
        const { good, bad } = split(r);
        return [counterInput(llm.count, llmLabels, good), counterInput(llm.count, { ...llmLabels, [L.errorType]: 'rate_limit_exceeded' }, bad)];
      },
    },
  ];
}

/** Checks a tier can fire at all and uses recorded windows (the generator fails otherwise). */
export function checkTiers(slo: SloSpec): void {
  const budget = errorBudget(slo);
  for (const tier of [...slo.settings.page, ...slo.settings.ticket]) {
    for (const w of [tier.longWindow, tier.shortWindow]) {
      if (!(SLO_WINDOWS as readonly string[]).includes(w)) throw new Error(`SLO ${slo.key}: window ${w} is not one of ${SLO_WINDOWS.join(', ')}`);
    }
    if (tier.burnRate * budget >= 1) {
      throw new Error(`SLO ${slo.key}: burn rate ${tier.burnRate} can never fire with an error budget of ${budget} (the error ratio would have to exceed 1)`);
    }
  }
}
