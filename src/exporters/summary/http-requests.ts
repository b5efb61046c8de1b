/**
 * The app's HTTP server requests as the official http instrumentation counts them, for the
 * summary's `total_requests`. The instrumentation records `http.server.request.duration` into
 * the SDK's MeterProvider, not into agentmeter's store, so the summary reads it through a
 * reader of its own on that provider: a pull reader with no producers, which collects only the
 * SDK's instruments (cumulative, the SDK default) and only when a summary is asked for.
 * agentmeter's own endpoints are already left out by the instrumentation (own-servers.ts).
 */
import { diag } from '@opentelemetry/api';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';
import { MetricReader } from '@opentelemetry/sdk-metrics';

/** The stable HTTP semantic conventions' server duration histogram (instrumentation-http 0.300). */
export const HTTP_SERVER_REQUEST_DURATION = 'http.server.request.duration';

export class HttpRequestsReader extends MetricReader {
  /**
   * Server requests since start (every route, method and status); 0 before the reader is on a
   * MeterProvider or when the collection fails: the summary must answer whatever happens here.
   */
  async serverRequests(): Promise<number> {
    try {
      const { resourceMetrics } = await this.collect();
      let count = 0;
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          if (metric.descriptor.name !== HTTP_SERVER_REQUEST_DURATION) continue;
          for (const point of metric.dataPoints as DataPoint<Histogram>[]) count += point.value.count;
        }
      }
      return count;
    } catch (err) {
      diag.debug('agentmeter: the summary could not read the HTTP server requests', err);
      return 0;
    }
  }

  protected override async onForceFlush(): Promise<void> {}

  protected override async onShutdown(): Promise<void> {}
}
