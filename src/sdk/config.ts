/**
 * Configuration from options and environment variables, validated in one place. Each bad value
 * becomes a ConfigError naming the variable, the value and what is allowed.
 */
import { diag } from '@opentelemetry/api';
import { ConfigError } from '../errors';
import { booleanOption, integerOption } from '../config-values';
import { DEFAULT_ATTRIBUTE_CAP } from '../attributes';
import type { KafkaMetricExporterOptions } from '../exporters/kafka/options';
import type { RoutingEventPublisherOptions } from '../events/options';
import type { LlmPrices } from '../record/llm-prices';
import { resolveEndpointConfig, type EndpointOptions, type ResolvedEndpointConfig } from './endpoint-config';

export const METRICS_EXPORTERS = ['prometheus', 'kafka', 'otlp', 'console', 'none'] as const;
export type MetricsExporterName = (typeof METRICS_EXPORTERS)[number];

/**
 * Official instrumentations (http .. runtime, openai for openai 4 to 6) and agentmeter's own
 * zero-code ones (mcp, openai for openai 7, anthropic, ai-sdk, openai-agents, langchain, mastra,
 * and genai-spans, the bridge from GenAI-convention spans).
 */
export const INSTRUMENTATIONS = ['http', 'undici', 'pg', 'kafkajs', 'runtime', 'mcp', 'openai', 'anthropic', 'ai-sdk', 'openai-agents', 'langchain', 'mastra', 'genai-spans'] as const;
export type InstrumentationName = (typeof INSTRUMENTATIONS)[number];

/** Options of `start()`; each one overrides its environment variable (endpoint options: endpoint-config.ts). */
export interface StartOptions extends EndpointOptions {
  /** Record at all (`AGENTMETER_ENABLED`); default true. `OTEL_SDK_DISABLED=true` also turns it off. */
  enabled?: boolean;
  /** `service.name` (`OTEL_SERVICE_NAME`); default the OTel SDK's (`unknown_service:node`). */
  serviceName?: string;
  /**
   * `service.instance.id`, this process's identity among replicas (else the one in
   * `OTEL_RESOURCE_ATTRIBUTES`, else a random UUID per process); used as given, so make it
   * unique per process. See docs/many-processes.md.
   */
  serviceInstanceId?: string;
  /**
   * In a `node:cluster` worker, serve through the primary's endpoints instead of binding
   * ports of its own (`AGENTMETER_CLUSTER`); default true.
   */
  cluster?: boolean;
  /** How long a cluster primary waits for its workers' series per scrape, ms (`AGENTMETER_CLUSTER_TIMEOUT`); default 1000. */
  clusterTimeoutMillis?: number;
  /** Metric exporters (`OTEL_METRICS_EXPORTER`, comma-separated: prometheus, kafka, otlp, console, none); default `prometheus`. */
  metricsExporters?: MetricsExporterName[];
  /** Prometheus endpoint interface (`OTEL_EXPORTER_PROMETHEUS_HOST`); default `127.0.0.1`. */
  prometheusHost?: string;
  /** Prometheus endpoint port (`OTEL_EXPORTER_PROMETHEUS_PORT`); default 9464; 0 picks a free port. */
  prometheusPort?: number;
  /** Push interval for otlp/console in milliseconds (`OTEL_METRIC_EXPORT_INTERVAL`); default 60000. */
  exportIntervalMillis?: number;
  /** Distinct values kept per bounded-name attribute (`AGENTMETER_ATTRIBUTE_CAP`); default 100. */
  attributeCap?: number;
  /** Instrumentations to enable (`AGENTMETER_INSTRUMENTATIONS`, comma-separated, or `none`); default all. */
  instrumentations?: InstrumentationName[];
  /** Serve the JSON summary and status page (`AGENTMETER_SUMMARY_ENABLED`); default false. */
  summary?: boolean;
  /** Summary server interface (`AGENTMETER_SUMMARY_HOST`); default `127.0.0.1`. */
  summaryHost?: string;
  /** Summary server port (`AGENTMETER_SUMMARY_PORT`); default 9109; 0 picks a free port. */
  summaryPort?: number;
  /** Origins allowed cross-origin reads of the summary (`AGENTMETER_SUMMARY_CORS_ORIGINS`, comma-separated); default none. */
  summaryCorsOrigins?: string[];
  /** Samples per tool for summary percentiles (`AGENTMETER_WINDOW_SIZE`); default 1000. */
  windowSize?: number;
  /** Width of one bucket of the status page's charts, ms (`AGENTMETER_SUMMARY_HISTORY_BUCKET_MILLIS`); default 10000. */
  summaryHistoryBucketMillis?: number;
  /** Grafana URL the status page links to (`AGENTMETER_GRAFANA_URL`); default none. */
  grafanaUrl?: string;
  /** Options of the Kafka exporter when `kafka` is among the exporters (else from `AGENTMETER_KAFKA_*`). */
  kafka?: KafkaMetricExporterOptions;
  /** Flush on SIGTERM, SIGINT and beforeExit; default true for `register`, false for `start()`. */
  flushOnExit?: boolean;
  /**
   * Longest wait for the final flush on `shutdown()` and on exit, ms (`AGENTMETER_SHUTDOWN_TIMEOUT`);
   * default 5000. Closing the connections then takes at most 1 s more. See docs/kafka.md.
   */
  shutdownTimeoutMillis?: number;
  /**
   * Also publish every `recordRouting()` that carries a `query` as a routing event to Kafka
   * (`AGENTMETER_ROUTING_EVENTS`); default false. An object turns them on with its options
   * (topic, queue); the connection comes from `kafka` and `AGENTMETER_KAFKA_*`.
   */
  routingEvents?: boolean | RoutingEventPublisherOptions;
  /**
   * Keep exemplars (trace and span id of a recent measurement per histogram bucket) while a
   * tracer provider is registered (`AGENTMETER_EXEMPLARS`); default true. See docs/exemplars.md.
   */
  exemplars?: boolean;
  /**
   * LLM prices that win over the price table, in USD per million tokens: provider → model →
   * prices (negotiated or self-hosted prices, new models); default none. Else read from the JSON
   * file named by `AGENTMETER_LLM_PRICES_FILE`. See docs/llm-cost.md.
   */
  llmPrices?: LlmPrices;
}

export interface ResolvedConfig {
  enabled: boolean;
  serviceName: string | undefined;
  serviceInstanceId: string | undefined;
  cluster: boolean;
  clusterTimeoutMillis: number;
  metricsExporters: MetricsExporterName[];
  prometheusHost: string;
  prometheusPort: number;
  exportIntervalMillis: number;
  attributeCap: number;
  instrumentations: InstrumentationName[];
  flushOnExit: boolean;
  shutdownTimeoutMillis: number;
  summary: boolean;
  summaryHost: string;
  summaryPort: number;
  summaryCorsOrigins: string[];
  windowSize: number;
  summaryHistoryBucketMillis: number;
  grafanaUrl: string | undefined;
  routingEvents: boolean;
  exemplars: boolean;
  /** Web config file, bounds under load, allowed Host names of both endpoints. */
  endpoints: ResolvedEndpointConfig;
}

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** An agentmeter boolean variable (config-values.ts: invalid is the default with one warning). */
function envBoolean(env: Env, name: string, fallback: boolean): boolean {
  return booleanOption(name, env[name], fallback);
}

/**
 * An OTel boolean variable (OTEL_SDK_DISABLED): `true` in any case is true, `false` or empty is
 * false, anything else is false with one warning, as the OTel configuration spec says.
 */
function otelBoolean(name: string, raw: string | undefined): boolean {
  if (raw === undefined) return false;
  const value = raw.toLowerCase();
  if (value === 'true') return true;
  // The variable and the rule, not the value.
  if (value !== 'false') diag.warn(`agentmeter: ${name} is not true or false; read as false (OpenTelemetry boolean)`);
  return false;
}

function parseList<T extends string>(name: string, raw: string | readonly string[], allowed: readonly T[]): T[] {
  // Enum values are case-insensitive and trimmed (OTel configuration spec).
  const items = (typeof raw === 'string' ? raw.split(',') : [...raw]).map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  // An option array may be empty on purpose; a variable that trims to nothing is a mistake.
  if (items.length === 0 && typeof raw === 'string') throw new ConfigError(name, raw, `a comma-separated list of ${allowed.join(', ')} (none is given)`);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new ConfigError(name, typeof raw === 'string' ? raw : raw.join(','), `a comma-separated list of ${allowed.join(', ')}`);
    }
  }
  return [...new Set(items)] as T[];
}

function instanceIdOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 255) {
    throw new ConfigError('serviceInstanceId', value, 'a non-empty string of at most 255 characters');
  }
  return value;
}

/** Merges options over the environment and validates both; throws ConfigError on the first bad value. */
export function resolveConfig(options: StartOptions = {}, env: Env = process.env): ResolvedConfig {
  const sdkDisabled = nonEmpty(env, 'OTEL_SDK_DISABLED');
  const enabled = options.enabled ?? (!otelBoolean('OTEL_SDK_DISABLED', sdkDisabled) && envBoolean(env, 'AGENTMETER_ENABLED', true));

  const exportersRaw = options.metricsExporters ?? nonEmpty(env, 'OTEL_METRICS_EXPORTER') ?? 'prometheus';
  let metricsExporters = parseList('OTEL_METRICS_EXPORTER', exportersRaw, METRICS_EXPORTERS);
  if (metricsExporters.includes('none')) metricsExporters = [];

  const portRaw = options.prometheusPort ?? nonEmpty(env, 'OTEL_EXPORTER_PROMETHEUS_PORT') ?? 9464;
  const intervalRaw = options.exportIntervalMillis ?? nonEmpty(env, 'OTEL_METRIC_EXPORT_INTERVAL') ?? 60000;
  const capRaw = options.attributeCap ?? nonEmpty(env, 'AGENTMETER_ATTRIBUTE_CAP') ?? DEFAULT_ATTRIBUTE_CAP;
  const instrumentationsRaw = options.instrumentations ?? nonEmpty(env, 'AGENTMETER_INSTRUMENTATIONS') ?? [...INSTRUMENTATIONS];
  const instrumentations =
    typeof instrumentationsRaw === 'string' && instrumentationsRaw.toLowerCase() === 'none' ? [] : parseList('AGENTMETER_INSTRUMENTATIONS', instrumentationsRaw, INSTRUMENTATIONS);

  const corsRaw = nonEmpty(env, 'AGENTMETER_SUMMARY_CORS_ORIGINS');
  const summaryCorsOrigins = options.summaryCorsOrigins ?? (corsRaw === undefined ? [] : corsRaw.split(',').map((o) => o.trim()).filter((o) => o !== ''));
  for (const origin of summaryCorsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError('AGENTMETER_SUMMARY_CORS_ORIGINS', summaryCorsOrigins.join(','), 'comma-separated origins like https://ops.example.com (scheme and host, no path)');
    }
  }
  return {
    summary: options.summary ?? envBoolean(env, 'AGENTMETER_SUMMARY_ENABLED', false),
    summaryHost: options.summaryHost ?? nonEmpty(env, 'AGENTMETER_SUMMARY_HOST') ?? '127.0.0.1',
    summaryPort: integerOption('AGENTMETER_SUMMARY_PORT', options.summaryPort ?? nonEmpty(env, 'AGENTMETER_SUMMARY_PORT') ?? 9109, 0, 65535),
    summaryCorsOrigins,
    windowSize: integerOption('AGENTMETER_WINDOW_SIZE', options.windowSize ?? nonEmpty(env, 'AGENTMETER_WINDOW_SIZE') ?? 1000, 1, 1_000_000),
    summaryHistoryBucketMillis: integerOption(
      'AGENTMETER_SUMMARY_HISTORY_BUCKET_MILLIS',
      options.summaryHistoryBucketMillis ?? nonEmpty(env, 'AGENTMETER_SUMMARY_HISTORY_BUCKET_MILLIS') ?? 10_000,
      100,
      3_600_000,
    ),
    grafanaUrl: options.grafanaUrl ?? nonEmpty(env, 'AGENTMETER_GRAFANA_URL'),
    enabled,
    serviceName: options.serviceName ?? nonEmpty(env, 'OTEL_SERVICE_NAME'),
    serviceInstanceId: instanceIdOption(options.serviceInstanceId),
    cluster: options.cluster ?? envBoolean(env, 'AGENTMETER_CLUSTER', true),
    clusterTimeoutMillis: integerOption('AGENTMETER_CLUSTER_TIMEOUT', options.clusterTimeoutMillis ?? nonEmpty(env, 'AGENTMETER_CLUSTER_TIMEOUT') ?? 1000, 1, 60_000),
    metricsExporters,
    prometheusHost: options.prometheusHost ?? nonEmpty(env, 'OTEL_EXPORTER_PROMETHEUS_HOST') ?? '127.0.0.1',
    prometheusPort: integerOption('OTEL_EXPORTER_PROMETHEUS_PORT', portRaw, 0, 65535),
    exportIntervalMillis: integerOption('OTEL_METRIC_EXPORT_INTERVAL', intervalRaw, 1, 2_147_483_647),
    attributeCap: integerOption('AGENTMETER_ATTRIBUTE_CAP', capRaw, 1, 100_000),
    instrumentations,
    flushOnExit: options.flushOnExit ?? false,
    shutdownTimeoutMillis: integerOption('AGENTMETER_SHUTDOWN_TIMEOUT', options.shutdownTimeoutMillis ?? nonEmpty(env, 'AGENTMETER_SHUTDOWN_TIMEOUT') ?? 5000, 0, 600_000),
    routingEvents: options.routingEvents === undefined ? envBoolean(env, 'AGENTMETER_ROUTING_EVENTS', false) : options.routingEvents !== false,
    exemplars: options.exemplars ?? envBoolean(env, 'AGENTMETER_EXEMPLARS', true),
    endpoints: resolveEndpointConfig(options, env),
  };
}
