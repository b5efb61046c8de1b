/**
 * The settings of the generated dashboards and rules, in one place (the `_config` of a
 * monitoring mixin). `npm run grafana` renders with DEFAULT_CONFIG; the integration test renders
 * the same definitions with TEST_OVERRIDES so alerts fire within seconds instead of minutes.
 */

/** Thresholds of the alerts (and the threshold lines of the panels that show them). */
export interface Thresholds {
  /** Share of a tool's calls that fail; ratio. */
  toolErrorRatio: number;
  /** p95 of a tool's call duration; seconds. */
  toolP95Seconds: number;
  /** p95 of logged agent actions; seconds. */
  actionLogP95Seconds: number;
  /** Lowest acceptable hit ratio of a cache. */
  cacheHitRatio: number;
  /** Routing latency target; seconds; must be a bucket boundary of agent.routing.duration. */
  routingTargetSeconds: number;
  /** Share of routings that must finish within the target. */
  routingWithinTargetRatio: number;
  /** Share of published messages that fail. */
  publishFailureRatio: number;
  /** Used / max connections of a pool. */
  dbPoolUsageRatio: number;
  /** Share of HTTP server responses with a 5xx status. */
  http5xxRatio: number;
  /** Share of LLM calls that fail. */
  llmErrorRatio: number;
  /** Age of a job's freshest data before the pipeline counts as stalled; seconds. */
  dataAgeSeconds: number;
  /** Fewest events per second before a ratio alert may fire (ignores a handful of calls). */
  minEventsPerSecond: number;
  /** LLM spend of one job over the last 24 hours above which the budget alert fires; USD. Set it to your budget. */
  llmDailyBudgetUsd: number;
}

export interface MixinConfig {
  /** uid of the Prometheus data source that provisioning creates and Grafana-managed rules query. */
  datasourceUid: string;
  /**
   * uid of the tracing data source (Tempo, Jaeger, ...) an exemplar's `trace_id` opens in; the
   * Prometheus data source links exemplars there. Set it to your own data source's uid.
   */
  traceDatasourceUid: string;
  /** Prometheus scrape job of the OpenTelemetry Collector's own endpoint (pipeline dashboard). */
  collectorJob: string;
  /**
   * Where the runbooks live; each alert links `<runbookUrl>#<alert name in lower case>`. The
   * default is the path in this repository; set your published URL of it here.
   */
  runbookUrl: string;
  /** Grafana folder of the dashboards and Grafana-managed rules. */
  folder: string;
  /** Evaluation interval of the Prometheus rule groups; undefined keeps the server's global one. */
  prometheusGroupInterval: string | undefined;
  /** Evaluation interval of the Grafana-managed rule group. */
  grafanaGroupInterval: string;
  /** Replaces every alert's `for:` (tests only); undefined keeps each alert's own. */
  forOverride: string | undefined;
  thresholds: Thresholds;
}

export const DEFAULT_CONFIG: MixinConfig = {
  datasourceUid: 'agentmeter-prometheus',
  traceDatasourceUid: 'traces',
  collectorJob: 'otel-collector',
  runbookUrl: 'docs/runbooks.md',
  folder: 'agentmeter',
  prometheusGroupInterval: undefined,
  grafanaGroupInterval: '1m',
  forOverride: undefined,
  thresholds: {
    toolErrorRatio: 0.1,
    toolP95Seconds: 2.5,
    actionLogP95Seconds: 1,
    cacheHitRatio: 0.6,
    routingTargetSeconds: 0.1,
    routingWithinTargetRatio: 0.95,
    publishFailureRatio: 0.05,
    dbPoolUsageRatio: 0.9,
    http5xxRatio: 0.05,
    llmErrorRatio: 0.1,
    dataAgeSeconds: 300,
    minEventsPerSecond: 0.05,
    llmDailyBudgetUsd: 100,
  },
};

/**
 * What the integration test changes, and only this: rule groups evaluated every second, every
 * `for:` shortened to 5 s, and a stall declared after 15 s without fresh data instead of 5 min.
 * Every other threshold and every range window is the production one.
 */
export const TEST_OVERRIDES = {
  prometheusGroupInterval: '1s',
  forOverride: '5s',
  dataAgeSeconds: 15,
} as const;

export function testConfig(base: MixinConfig = DEFAULT_CONFIG): MixinConfig {
  return {
    ...base,
    prometheusGroupInterval: TEST_OVERRIDES.prometheusGroupInterval,
    forOverride: TEST_OVERRIDES.forOverride,
    thresholds: { ...base.thresholds, dataAgeSeconds: TEST_OVERRIDES.dataAgeSeconds },
  };
}
