/**
 * What start() does differently under `node:cluster`: a worker binds no port and answers the
 * primary instead (its whole collection for the Prometheus page, its summary share for the
 * JSON summary); the primary's endpoints ask every worker at request time. Push exporters
 * (Kafka, OTLP, console) are unaffected: every process exports on its own, under its own
 * `service.instance.id`.
 */
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { METRICS_TOPIC, WorkerSeries } from '../cluster/metrics';
import { ClusterPrimary } from '../cluster/primary';
import { OnDemandReader } from '../cluster/reader';
import { startClusterWorker, type Answerers } from '../cluster/worker';
import { summaryPart, type ClusterSummary, type SummaryPart } from '../exporters/summary/summary';
import { recordClusterCollection } from '../record/exporter';
import { createMetricProducer } from '../store/producer';
import { toolWindows } from '../store/windows';
import type { HttpRequestsReader } from '../exporters/summary/http-requests';
import type { ResolvedConfig } from './config';
import { stderrLine } from './start-messages';

const SUMMARY_TOPIC = 'summary';
/** How long a worker waits for an agentmeter primary before saying that nobody serves it. */
const HELLO_TIMEOUT_MILLIS = 5000;

/** A worker's side of cluster mode. */
export interface WorkerMode {
  /** The reader the primary's scrapes collect, when the Prometheus exporter is on. */
  reader: OnDemandReader | undefined;
  stop(): void;
}

/**
 * Starts answering the primary; `say` gets the one line printed when no primary answers;
 * `httpRequests` reads this worker's HTTP server requests for its summary share.
 */
export function startWorkerMode(
  serve: { prometheus: boolean; summary: boolean },
  workerId: number,
  say: (line: string) => void,
  httpRequests: () => Promise<number> = () => Promise.resolve(0),
): WorkerMode {
  const reader = serve.prometheus ? new OnDemandReader([createMetricProducer()]) : undefined;
  const answerers: Answerers = {};
  if (reader !== undefined) answerers[METRICS_TOPIC] = () => reader.collectTransferable();
  if (serve.summary) answerers[SUMMARY_TOPIC] = async () => summaryPart(await httpRequests());
  if (Object.keys(answerers).length === 0) return { reader, stop: () => {} };
  const served = [serve.prometheus ? 'Prometheus series' : '', serve.summary ? 'summary' : ''].filter((s) => s !== '').join(' and ');
  const worker = startClusterWorker({
    answerers,
    helloTimeoutMillis: HELLO_TIMEOUT_MILLIS,
    onNoPrimary: () =>
      say(
        `agentmeter: cluster worker ${workerId} (pid ${process.pid}): the cluster primary does not run agentmeter, so this worker's ` +
          `${served} are served nowhere; start the primary with --require agentmeter/register or start(), ` +
          'or set AGENTMETER_CLUSTER=false and give each worker its own OTEL_EXPORTER_PROMETHEUS_PORT (docs/many-processes.md)',
      ),
  });
  return { reader, stop: () => worker.stop() };
}

function isSummaryPart(value: unknown): value is SummaryPart {
  if (typeof value !== 'object' || value === null) return false;
  const part = value as Partial<SummaryPart>;
  return typeof part.tools === 'object' && typeof part.caches === 'object' && typeof part.system === 'object';
}

/** A primary's side of cluster mode. */
export interface PrimaryMode {
  /** The workers' collections, for the Prometheus endpoint. */
  otherResources: () => Promise<ResourceMetrics[]>;
  /** The workers' summary shares, for the summary server. */
  otherParts: () => Promise<{ parts: SummaryPart[]; cluster?: ClusterSummary }>;
  stop(): void;
}

export function startPrimaryMode(timeoutMillis: number): PrimaryMode {
  const primary = new ClusterPrimary({ timeoutMillis, onGathered: recordClusterCollection });
  const series = new WorkerSeries();
  return {
    otherResources: () => series.collect(primary),
    otherParts: async () => {
      const { answers, asked } = await primary.gather(SUMMARY_TOPIC, isSummaryPart);
      const parts = answers.map((a) => a.payload as SummaryPart);
      return asked === 0 ? { parts } : { parts, cluster: { workers: asked, workers_answered: parts.length } };
    },
    stop: () => primary.stop(),
  };
}

/** This process's part under node:cluster: a worker serves through the primary. */
export interface ClusterRole {
  worker: WorkerMode | undefined;
  primary: PrimaryMode | undefined;
  inWorker: boolean;
}

export function clusterRole(config: ResolvedConfig, workerId: number | undefined, httpRequests: HttpRequestsReader | undefined): ClusterRole {
  const inWorker = config.cluster && workerId !== undefined;
  const serving = { prometheus: config.metricsExporters.includes('prometheus'), summary: config.summary };
  if (inWorker) {
    const worker = startWorkerMode(serving, workerId, stderrLine, () => httpRequests?.serverRequests() ?? Promise.resolve(0));
    if (config.summary) toolWindows.enable(config.windowSize);
    return { worker, primary: undefined, inWorker };
  }
  const primary = config.cluster && (serving.prometheus || serving.summary) ? startPrimaryMode(config.clusterTimeoutMillis) : undefined;
  return { worker: undefined, primary, inWorker };
}
