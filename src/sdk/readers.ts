/**
 * The metric readers start() wires: one per configured exporter, in the order given; push
 * exporters on a periodic reader with agentmeter's producer, Prometheus on the pull endpoint
 * (or, in a cluster worker, on the reader the primary collects through).
 */
import {
  AggregationTemporality,
  ConsoleMetricExporter,
  InstrumentType,
  PeriodicExportingMetricReader,
  type IMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { PrometheusEndpoint, type PrometheusEndpointOptions } from '../exporters/prometheus/exporter';
import type { KafkaMetricExporter } from '../exporters/kafka/exporter';
import { createMetricProducer } from '../store/producer';
import { otlpHttpExporter } from '../optional-modules';
import type { ClusterRole } from './cluster-mode';
import type { ResolvedConfig } from './config';
import { hostPort, type ListenFailure } from './start-messages';

/**
 * What the exporter asks of counters: agentmeter's series follow it as the SDK's own do (the OTLP
 * exporter reads OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE; `delta` and `lowmemory` both
 * make counters and histograms deltas and keep up-down counters cumulative, as the producer does).
 */
function temporalityOf(exporter: PushMetricExporter): 'cumulative' | 'delta' {
  return exporter.selectAggregationTemporality?.(InstrumentType.COUNTER) === AggregationTemporality.DELTA ? 'delta' : 'cumulative';
}

function pushReader(exporter: PushMetricExporter, config: ResolvedConfig): IMetricReader {
  return new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: config.exportIntervalMillis,
    exportTimeoutMillis: Math.min(30000, config.exportIntervalMillis),
    metricProducers: [createMetricProducer({ temporality: temporalityOf(exporter) })],
  });
}

/** The endpoints' shared settings: TLS and basic auth from the web config file, and their bounds. */
export type EndpointLimits = Pick<PrometheusEndpointOptions, 'webConfig' | 'maxInFlight' | 'writeTimeoutMillis'>;

/** The pull endpoint, or in a cluster worker the reader the primary collects through. */
function prometheusReader(config: ResolvedConfig, role: ClusterRole, limits: EndpointLimits, cannotListen: (failure: ListenFailure) => void): { reader: IMetricReader; endpoint?: PrometheusEndpoint } {
  if (role.worker?.reader) return { reader: role.worker.reader };
  const endpoint = new PrometheusEndpoint({
    host: config.prometheusHost,
    port: config.prometheusPort,
    metricProducers: [createMetricProducer()],
    otherResources: role.primary?.otherResources,
    ...limits,
  });
  endpoint.ready().catch((err: unknown) => cannotListen({ endpoint: 'prometheus', address: hostPort(config.prometheusHost, config.prometheusPort), err }));
  return { reader: endpoint, endpoint };
}

/** One reader per configured exporter, in the order given. */
export function metricReaders(
  config: ResolvedConfig,
  role: ClusterRole,
  limits: EndpointLimits,
  kafka: KafkaMetricExporter | undefined,
  cannotListen: (failure: ListenFailure) => void,
): { readers: IMetricReader[]; prometheus?: PrometheusEndpoint } {
  const readers: IMetricReader[] = [];
  let prometheus: PrometheusEndpoint | undefined;
  for (const name of config.metricsExporters) {
    if (name === 'prometheus') {
      const { reader, endpoint } = prometheusReader(config, role, limits, cannotListen);
      readers.push(reader);
      prometheus = endpoint;
    } else if (name === 'kafka') readers.push(pushReader(kafka!, config));
    else if (name === 'otlp') readers.push(pushReader(new (otlpHttpExporter().OTLPMetricExporter)(), config));
    else readers.push(pushReader(new ConsoleMetricExporter(), config));
  }
  return { readers, prometheus };
}
