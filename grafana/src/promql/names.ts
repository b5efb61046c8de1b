/**
 * Prometheus series and label names, derived from the catalog (src/catalog.ts) and from the
 * official instrumentations through the same naming code the exporters use
 * (src/exporters/prometheus/naming.ts). Nothing here spells a metric name by hand: a renamed
 * instrument changes every query that uses it, and a removed one fails to compile.
 */
import { METRICS, type MetricId, type InstrumentKind } from '../../../src/catalog';
import {
  ATTR_TOOL_NAME, ATTR_ERROR_TYPE, ATTR_AGENT_NAME, ATTR_HANDOFF_TARGET, ATTR_OPERATION_NAME, ATTR_PROVIDER_NAME,
  ATTR_REQUEST_MODEL, ATTR_TOKEN_TYPE, ATTR_CACHE_NAME, ATTR_CACHE_RESULT, ATTR_CACHE_EVICTION_REASON,
  ATTR_ROUTING_STRATEGY, ATTR_ROUTING_CACHE_HIT, ATTR_ROUTING_OUTCOME, ATTR_ACTION_TYPE, ATTR_ACTION_STATUS,
  ATTR_MESSAGING_SYSTEM, ATTR_MESSAGING_DESTINATION, ATTR_MESSAGING_OPERATION, ATTR_DB_SYSTEM,
  ATTR_DB_OPERATION, ATTR_DB_COLLECTION, ATTR_DB_POOL_NAME, ATTR_DB_CONNECTION_STATE, ATTR_HEALTH_STATUS,
  ATTR_DROP_REASON, ATTR_OVERFLOW_KEY, ATTR_OVERFLOW_METRIC, ATTR_KAFKA_DROP_REASON, ATTR_SERVICE_VERSION,
  ATTR_EVENTS_DROP_REASON, ATTR_DEAD_LETTER_REASON, ATTR_DB_WRITER_RESULT,
} from '../../../src/catalog-vocabulary';
import { prometheusLabelName, prometheusMetricName, type PrometheusType } from '../../../src/exporters/prometheus/naming';
import { INSTRUMENTATION_ATTRIBUTES, INSTRUMENTATION_METRICS, type InstrumentationMetricId } from './instrumentations';

/** How an OTel instrument kind is exposed to Prometheus (an up-down counter is a gauge). */
export function prometheusType(kind: InstrumentKind): PrometheusType {
  if (kind === 'histogram') return 'histogram';
  if (kind === 'counter') return 'counter';
  return 'gauge';
}

type Kind<K extends InstrumentKind> = { [Id in MetricId]: (typeof METRICS)[Id]['kind'] extends K ? Id : never }[MetricId];
type InstrumentationKind<K extends InstrumentKind> = {
  [Id in InstrumentationMetricId]: (typeof INSTRUMENTATION_METRICS)[Id]['kind'] extends K ? Id : never;
}[InstrumentationMetricId];

/** The three series of a histogram family. */
export interface HistogramNames {
  readonly bucket: string;
  readonly count: string;
  readonly sum: string;
}

function familyOf(def: { name: string; unit: string; kind: InstrumentKind }): string {
  return prometheusMetricName(def.name, def.unit, prometheusType(def.kind));
}

function histogramNames(family: string): HistogramNames {
  return { bucket: `${family}_bucket`, count: `${family}_count`, sum: `${family}_sum` };
}

/** Series of a catalog histogram, e.g. `histogram('toolDuration').bucket`. */
export function histogram(id: Kind<'histogram'>): HistogramNames {
  return histogramNames(familyOf(METRICS[id]));
}

/** A catalog counter's series name (with `_total`). */
export function counter(id: Kind<'counter'>): string {
  return familyOf(METRICS[id]);
}

/** A catalog gauge's or up-down counter's series name. */
export function gauge(id: Kind<'gauge' | 'updowncounter'>): string {
  return familyOf(METRICS[id]);
}

/** Series of a histogram from an official instrumentation. */
export function instrumentationHistogram(id: InstrumentationKind<'histogram'>): HistogramNames {
  return histogramNames(familyOf(INSTRUMENTATION_METRICS[id]));
}

/** A gauge or up-down counter from an official instrumentation. */
export function instrumentationGauge(id: InstrumentationKind<'gauge' | 'updowncounter'>): string {
  return familyOf(INSTRUMENTATION_METRICS[id]);
}

/**
 * Series Prometheus itself writes for every scrape target (not sent by any app): used for the
 * "is it scraped at all" panels and the stall alert.
 */
export const PROMETHEUS_SERIES = {
  up: 'up',
  scrapeDuration: 'scrape_duration_seconds',
  scrapeSamples: 'scrape_samples_scraped',
} as const;

/**
 * The Collector's own metrics (collector-config/*kafka*.yaml serve them at level detailed and
 * Prometheus scrapes them under the Collector's job), as v0.165 names them: no `_total`.
 */
export const COLLECTOR_SERIES = {
  offsetLag: 'otelcol_kafka_receiver_offset_lag',
  recordsDelayBucket: 'otelcol_kafka_receiver_records_delay_bucket',
  acceptedPoints: 'otelcol_receiver_accepted_metric_points',
  refusedPoints: 'otelcol_receiver_refused_metric_points',
  sentPoints: 'otelcol_exporter_sent_metric_points',
  sendFailedPoints: 'otelcol_exporter_send_failed_metric_points',
} as const;

/** Labels of the Collector's Kafka receiver metrics. */
export const COLLECTOR_LABELS = { partition: 'partition', topic: 'topic' } as const;

/** Label names, from the catalog's attribute keys. `job` and `instance` come from Prometheus. */
export const L = {
  job: 'job',
  instance: 'instance',
  le: 'le',
  tool: prometheusLabelName(ATTR_TOOL_NAME),
  errorType: prometheusLabelName(ATTR_ERROR_TYPE),
  agent: prometheusLabelName(ATTR_AGENT_NAME),
  handoffTarget: prometheusLabelName(ATTR_HANDOFF_TARGET),
  operation: prometheusLabelName(ATTR_OPERATION_NAME),
  provider: prometheusLabelName(ATTR_PROVIDER_NAME),
  model: prometheusLabelName(ATTR_REQUEST_MODEL),
  tokenType: prometheusLabelName(ATTR_TOKEN_TYPE),
  cache: prometheusLabelName(ATTR_CACHE_NAME),
  cacheResult: prometheusLabelName(ATTR_CACHE_RESULT),
  evictionReason: prometheusLabelName(ATTR_CACHE_EVICTION_REASON),
  strategy: prometheusLabelName(ATTR_ROUTING_STRATEGY),
  routingCacheHit: prometheusLabelName(ATTR_ROUTING_CACHE_HIT),
  outcome: prometheusLabelName(ATTR_ROUTING_OUTCOME),
  actionType: prometheusLabelName(ATTR_ACTION_TYPE),
  actionStatus: prometheusLabelName(ATTR_ACTION_STATUS),
  messagingSystem: prometheusLabelName(ATTR_MESSAGING_SYSTEM),
  destination: prometheusLabelName(ATTR_MESSAGING_DESTINATION),
  messagingOperation: prometheusLabelName(ATTR_MESSAGING_OPERATION),
  dbSystem: prometheusLabelName(ATTR_DB_SYSTEM),
  dbOperation: prometheusLabelName(ATTR_DB_OPERATION),
  dbCollection: prometheusLabelName(ATTR_DB_COLLECTION),
  pool: prometheusLabelName(ATTR_DB_POOL_NAME),
  connectionState: prometheusLabelName(ATTR_DB_CONNECTION_STATE),
  health: prometheusLabelName(ATTR_HEALTH_STATUS),
  serviceVersion: prometheusLabelName(ATTR_SERVICE_VERSION),
  dropReason: prometheusLabelName(ATTR_DROP_REASON),
  overflowKey: prometheusLabelName(ATTR_OVERFLOW_KEY),
  overflowMetric: prometheusLabelName(ATTR_OVERFLOW_METRIC),
  kafkaDropReason: prometheusLabelName(ATTR_KAFKA_DROP_REASON),
  eventsDropReason: prometheusLabelName(ATTR_EVENTS_DROP_REASON),
  deadLetterReason: prometheusLabelName(ATTR_DEAD_LETTER_REASON),
  dbWriterResult: prometheusLabelName(ATTR_DB_WRITER_RESULT),
  httpStatus: prometheusLabelName(INSTRUMENTATION_ATTRIBUTES.httpStatusCode),
  httpMethod: prometheusLabelName(INSTRUMENTATION_ATTRIBUTES.httpMethod),
  heapSpace: prometheusLabelName(INSTRUMENTATION_ATTRIBUTES.heapSpaceName),
} as const;

/** Every series name a query may use, with where it comes from; the name checks read this. */
export function knownSeries(): Map<string, string> {
  const known = new Map<string, string>();
  const add = (def: { name: string; unit: string; kind: InstrumentKind }, source: string): void => {
    const family = familyOf(def);
    if (def.kind === 'histogram') for (const name of Object.values(histogramNames(family))) known.set(name, source);
    else known.set(family, source);
  };
  for (const def of Object.values(METRICS)) add(def, `catalog: ${def.name}`);
  for (const def of Object.values(INSTRUMENTATION_METRICS)) add(def, `${def.package}: ${def.name}`);
  for (const name of Object.values(PROMETHEUS_SERIES)) known.set(name, 'Prometheus scrape');
  for (const name of Object.values(COLLECTOR_SERIES)) known.set(name, 'the Collector\'s own metrics');
  return known;
}
