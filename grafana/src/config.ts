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
  /** Messages the DB writer may trail its topic by before it counts as lagging; messages. */
  dbWriterLagMessages: number;
  /** Age of a job's freshest data before the pipeline counts as stalled; seconds. */
  dataAgeSeconds: number;
  /** Fewest events per second before a ratio alert may fire (ignores a handful of calls). */
  minEventsPerSecond: number;
  /** LLM spend of one job over the last 24 hours above which the budget alert fires; USD. Set it to your budget. */
  llmDailyBudgetUsd: number;
}

/**
 * One tier of a multi-window, multi-burn-rate alert: it fires when the error ratio over both
 * windows exceeds `burnRate` times the error budget (1 - objective). The short window makes the
 * alert stop soon after the burn stops.
 */
export interface BurnRateTier {
  /** Long window, a Prometheus duration; one of SLO_WINDOWS in grafana/src/slos.ts. */
  longWindow: string;
  /** Short window, a Prometheus duration; one of SLO_WINDOWS. */
  shortWindow: string;
  /** Multiple of the error budget per unit of time; 1 spends the budget exactly over the period. */
  burnRate: number;
}

/** The objective of one SLO and the alerts on its error budget. */
export interface SloObjective {
  /** Share of events that must be good over the period; ratio, e.g. 0.99. */
  objective: number;
  /** Tiers of the page alert (severity critical); empty: no page alert. */
  page: readonly BurnRateTier[];
  /** Tiers of the ticket alert (severity warning); empty: no ticket alert. */
  ticket: readonly BurnRateTier[];
}

/** An SLO on a latency histogram: the share of events at or under `thresholdSeconds`. */
export interface LatencySloObjective extends SloObjective {
  /** Latency threshold; seconds; must be a bucket boundary of the histogram. */
  thresholdSeconds: number;
}

export interface SloSettings {
  /** Period over which the error budget is counted (the budget-remaining panels); Prometheus duration. */
  period: string;
  /** Share of a tool's calls without error (per job and tool). */
  toolSuccess: SloObjective;
  /** Share of a tool's calls within thresholdSeconds (per job and tool). */
  toolLatency: LatencySloObjective;
  /** Share of routing decisions within thresholdSeconds (per job). */
  routingLatency: LatencySloObjective;
  /** Share of cache lookups that hit (per job). */
  cacheHit: SloObjective;
  /** Share of LLM calls without error (per job). */
  llmSuccess: SloObjective;
}

/** The SRE workbook's page tiers: 2 % of a 30-day budget in 1 hour, 5 % in 6 hours. */
export const PAGE_TIERS: readonly BurnRateTier[] = [
  { longWindow: '1h', shortWindow: '5m', burnRate: 14.4 },
  { longWindow: '6h', shortWindow: '30m', burnRate: 6 },
];
/** Ticket tiers: 10 % of a 30-day budget in a day, and the whole budget at its own pace over 3 days. */
export const TICKET_TIERS: readonly BurnRateTier[] = [
  { longWindow: '1d', shortWindow: '2h', burnRate: 3 },
  { longWindow: '3d', shortWindow: '6h', burnRate: 1 },
];

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
   * Absolute URL under which the repository's files are browsable; each alert's `runbook_url` is
   * `<docsBaseUrl>/docs/runbooks.md#<alert name in lower case>`. Notifications (Alertmanager,
   * Grafana) cannot open a relative path. Default: this repository's docs on GitHub; set your
   * fork's or your published copy's URL here.
   */
  docsBaseUrl: string;
  /**
   * Where notifications go: the webhook of Grafana's provisioned contact point. The default is a
   * placeholder on a `.invalid` host (never resolves), the same one collector-config/alertmanager.yml
   * ships; set your receiver's URL.
   */
  notificationWebhookUrl: string;
  /**
   * Emit the alerts as Grafana-managed rules too (grafana/provisioning/alerting/agentmeter.yml).
   * Default false: Prometheus evaluates the rule file and Alertmanager notifies (docs/alerts.md);
   * both at once would notify every alert twice.
   */
  grafanaManagedAlerts: boolean;
  /** Grafana folder of the dashboards and Grafana-managed rules. */
  folder: string;
  /** Evaluation interval of the Prometheus rule groups; undefined keeps the server's global one. */
  prometheusGroupInterval: string | undefined;
  /** Evaluation interval of the Grafana-managed rule group. */
  grafanaGroupInterval: string;
  /** Replaces every alert's `for:` (tests only); undefined keeps each alert's own. */
  forOverride: string | undefined;
  thresholds: Thresholds;
  /** Service level objectives: objectives, thresholds and burn-rate alert tiers (docs/slos.md). */
  slos: SloSettings;
}

export const DEFAULT_CONFIG: MixinConfig = {
  datasourceUid: 'agentmeter-prometheus',
  traceDatasourceUid: 'traces',
  collectorJob: 'otel-collector',
  docsBaseUrl: 'https://github.com/agentmeter/agentmeter/blob/main',
  notificationWebhookUrl: 'http://alert-receiver.example.invalid/agentmeter',
  grafanaManagedAlerts: false,
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
    dbWriterLagMessages: 10000,
    dataAgeSeconds: 300,
    minEventsPerSecond: 0.05,
    llmDailyBudgetUsd: 100,
  },
  slos: {
    period: '30d',
    toolSuccess: { objective: 0.95, page: PAGE_TIERS, ticket: TICKET_TIERS },
    toolLatency: { objective: 0.99, thresholdSeconds: 2.56, page: PAGE_TIERS, ticket: TICKET_TIERS },
    routingLatency: { objective: 0.95, thresholdSeconds: 0.1, page: PAGE_TIERS, ticket: TICKET_TIERS },
    // A 40 % budget burns at most 2.5x (every lookup a miss): the page tiers and the 3x ticket
    // tier could never fire, and a cold cache costs money and latency, not availability.
    cacheHit: { objective: 0.6, page: [], ticket: [{ longWindow: '3d', shortWindow: '6h', burnRate: 1 }] },
    llmSuccess: { objective: 0.98, page: PAGE_TIERS, ticket: TICKET_TIERS },
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
