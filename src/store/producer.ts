/**
 * Hands the store to OTel readers as ordinary metric data, through the SDK's MetricProducer
 * hook (`metricProducers` on any reader), so every OTel exporter sees it unchanged.
 */
import { emptyResource } from '@opentelemetry/resources';
import type { CollectionResult, MetricProducer, ScopeMetrics } from '@opentelemetry/sdk-metrics';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version';
import { DeltaState } from './delta';
import { lazyScopeMetrics, metricDataOf, snapshotStore } from './snapshot';

/**
 * The store's current state as one OTel scope; instruments without series are left out.
 * With a DeltaState, counters and histograms carry the change since that state's last call.
 */
export function collectScopeMetrics(delta?: DeltaState): ScopeMetrics {
  return { scope: { name: PACKAGE_NAME, version: PACKAGE_VERSION }, metrics: metricDataOf(snapshotStore(delta)) };
}

/** Options of `createMetricProducer`. */
export interface MetricProducerOptions {
  /** `cumulative` (default) or `delta`; match the reader's exporter. */
  temporality?: 'cumulative' | 'delta';
}

/**
 * A MetricProducer for readers you build yourself, e.g.
 * `new PeriodicExportingMetricReader({ exporter, metricProducers: [createMetricProducer()] })`.
 * `start()` attaches one to every reader it creates.
 */
export function createMetricProducer(options: MetricProducerOptions = {}): MetricProducer {
  // Each delta producer keeps its own "last exported" state: give each reader its own producer.
  const delta = options.temporality === 'delta' ? new DeltaState() : undefined;
  return {
    async collect(): Promise<CollectionResult> {
      // The reader replaces this resource with its MeterProvider's.
      return { resourceMetrics: { resource: emptyResource(), scopeMetrics: [lazyScopeMetrics(snapshotStore(delta))] }, errors: [] };
    },
  };
}
