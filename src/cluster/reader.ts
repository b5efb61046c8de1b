/**
 * A worker's pull reader: collects its MeterProvider (agentmeter's store through the producer,
 * plus the instrumentations' meters) only when the primary asks, exactly as the Prometheus
 * endpoint would for a scrape.
 */
import { MetricReader, type MetricProducer } from '@opentelemetry/sdk-metrics';
import { toTransferable, type TransferableResourceMetrics } from './transfer';

export class OnDemandReader extends MetricReader {
  constructor(metricProducers: MetricProducer[]) {
    super({ metricProducers });
  }

  /** One collection in the plain form the IPC channel carries. */
  async collectTransferable(): Promise<TransferableResourceMetrics> {
    const { resourceMetrics } = await this.collect();
    return toTransferable(resourceMetrics);
  }

  protected override async onForceFlush(): Promise<void> {}

  protected override async onShutdown(): Promise<void> {}
}
