/**
 * The primary's view of its workers' series: each worker's collection, with its
 * `service.instance.id` added to every data point so the series of different workers (and of a
 * re-forked worker, which has a new id) never merge on the primary's page. Summed across the
 * label they give the cluster's totals.
 */
import type { Attributes } from '@opentelemetry/api';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ClusterPrimary } from './primary';
import { fromTransferable, isTransferable, type TransferableResourceMetrics } from './transfer';

/** The topic workers answer with their whole collection (see OnDemandReader). */
export const METRICS_TOPIC = 'metrics';

/** The semantic-convention attribute that tells processes of one service apart. */
const SERVICE_INSTANCE_ID = 'service.instance.id';

/**
 * Labelled attribute objects per worker instance and series, kept from one scrape to the next:
 * the serializer caches each series' label text by attribute-object identity, and rebuilding it
 * for every worker series on every scrape costs ten times the rest of the page. Instances that
 * did not answer the last scrape are dropped, so the table holds live workers' series only.
 */
export class WorkerSeries {
  private readonly byInstance = new Map<string, Map<string, Attributes>>();

  /** Every answering worker's collection, labelled with its instance id. */
  async collect(primary: ClusterPrimary): Promise<ResourceMetrics[]> {
    const { answers } = await primary.gather(METRICS_TOPIC, isTransferable);
    const seen = new Set<string>();
    const out = answers.map(({ workerId, payload }) => {
      const transferable = payload as TransferableResourceMetrics;
      const id = transferable.resource[SERVICE_INSTANCE_ID];
      const instance = typeof id === 'string' && id !== '' ? id : `worker-${workerId}`;
      seen.add(instance);
      let series = this.byInstance.get(instance);
      if (series === undefined) this.byInstance.set(instance, (series = new Map()));
      const table = series;
      return fromTransferable(transferable, (attributes) => {
        const key = JSON.stringify(attributes);
        let labelled = table.get(key);
        if (labelled === undefined) table.set(key, (labelled = { ...attributes, [SERVICE_INSTANCE_ID]: instance }));
        return labelled;
      });
    });
    // A worker that missed one scrape keeps its table only if it answers again; one that
    // exited never does.
    for (const instance of this.byInstance.keys()) if (!seen.has(instance)) this.byInstance.delete(instance);
    return out;
  }
}
