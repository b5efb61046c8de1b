/**
 * start() / shutdown(): agentmeter's producer on every reader of the chosen exporters, and the
 * official instrumentations unless another OpenTelemetry SDK in the process runs them.
 */
import { diag } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { detectResources, envDetector } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  ConsoleMetricExporter,
  InstrumentType,
  PeriodicExportingMetricReader,
  type IMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { PrometheusEndpoint } from '../exporters/prometheus/exporter';
import { KafkaMetricExporter } from '../exporters/kafka/exporter';
import { startSummaryServer, type SummaryServer } from '../exporters/summary/server';
import { createMetricProducer } from '../store/producer';
import { guard, state } from '../store/registry';
import { setBuildInfo, setHealth } from '../record/system';
import { resolveConfig, type ResolvedConfig, type StartOptions } from './config';
import { webConfigFor } from './endpoint-config';
import { createInstrumentations } from './instrumentations';
import { flushOnExit } from './exit';
import { shutdownRoutingEvents, startRoutingEvents } from '../events/routing-events';
import type { RoutingEventPublisherOptions } from '../events/options';
import { detectOtherSdk, otherSdkNotice } from './coexist';
import { startGlobalSdk, startPrivateProvider } from './provider';
import { buildResource, serviceInstanceId } from './resource';
import { startPrimaryMode, startWorkerMode, type PrimaryMode, type WorkerMode } from './cluster-mode';
import { clusterWorkerId } from '../cluster/protocol';
import { toolWindows } from '../store/windows';
import { setExemplarsWanted } from '../store/exemplars';

/** What `start()` returns. */
export interface AgentmeterHandle {
  /** The configuration in force. */
  readonly config: ResolvedConfig;
  /** This process's `service.instance.id` (undefined when disabled). */
  readonly serviceInstanceId: string | undefined;
  /** The scrape URL when the Prometheus exporter is on (real port once `ready()` resolved). */
  readonly prometheusUrl: string | undefined;
  /** The summary server's base URL when it is on (after `ready()`), e.g. `http://127.0.0.1:9109`. */
  readonly summaryUrl: string | undefined;
  /** Resolves when every endpoint listens; rejects if one cannot (the app keeps running). */
  ready(): Promise<void>;
  /** Pushes pending data now (otlp/console). */
  forceFlush(): Promise<void>;
  /** Final export, then stops exporters and instrumentations. Safe to call twice. */
  shutdown(): Promise<void>;
}

/** Endpoints that cannot listen say so on stderr, whatever the mode: a silent endpoint looks like an app with no metrics. */
const stderrLine = (line: string): void => void process.stderr.write(`${line}\n`);

function cannotListen(what: string, host: string, port: number, variable: string): (err: unknown) => void {
  return (err) =>
    stderrLine(
      `agentmeter: the ${what} cannot listen on ${host.includes(':') ? `[${host}]` : host}:${port} ` +
        `(${err instanceof Error ? err.message : String(err)}); recording goes on, but nothing is served there: set ${variable} to a free port`,
    );
}

/** Longest wait for the final export on shutdown or exit, in milliseconds. */
const SHUTDOWN_TIMEOUT_MILLIS = 5000;

let current: AgentmeterHandle | undefined;

function serviceVersion(): string {
  const value = detectResources({ detectors: [envDetector] }).attributes['service.version'];
  return typeof value === 'string' ? value : 'unknown';
}

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

/**
 * The connection part of the metric exporter's Kafka options, which routing events share; its
 * topic, compression, acks and queue settings are the metrics' own (events have theirs).
 */
function kafkaConnection(kafka: StartOptions['kafka'] = {}): RoutingEventPublisherOptions {
  const { brokers, clientId, saslMechanism, saslUsername, saslPassword, tls, tlsCaFile, requestTimeoutMillis } = kafka;
  return { brokers, clientId, saslMechanism, saslUsername, saslPassword, tls, tlsCaFile, requestTimeoutMillis };
}

/**
 * Starts metrics from options and the environment (options win). Throws ConfigError on a bad
 * value; calling it again returns the running handle. When another OpenTelemetry SDK shares the
 * process, says what agentmeter did about it in one `diag.warn` line.
 */
export function start(options: StartOptions = {}): AgentmeterHandle {
  return startReporting(options, (line) => diag.warn(line));
}

/** start() with the line about another SDK sent to `report` (the register hook prints it). */
export function startReporting(options: StartOptions, report: (line: string) => void): AgentmeterHandle {
  if (current !== undefined) {
    diag.warn('agentmeter: start() called again; returning the running instance');
    return current;
  }
  const config = resolveConfig(options);
  state.enabled = config.enabled;
  guard.cap = config.attributeCap;
  if (!config.enabled) {
    current = disabledHandle(config);
    return current;
  }

  let prometheus: PrometheusEndpoint | undefined;
  const readers: IMetricReader[] = [];
  const workerId = clusterWorkerId();
  const instance = serviceInstanceId(config.serviceInstanceId, workerId);
  // Read first, like the Kafka settings below: a bad web config file throws before anything listens.
  const webConfig = webConfigFor(config.endpoints, options);
  const endpointLimits = { webConfig, maxInFlight: config.endpoints.maxInFlight, writeTimeoutMillis: config.endpoints.writeTimeoutMillis };
  // Built first: a bad Kafka setting throws before anything starts listening.
  const kafka = config.metricsExporters.includes('kafka') ? new KafkaMetricExporter(options.kafka) : undefined;
  // Also before anything listens or joins the cluster: a bad events setting throws here.
  if (config.routingEvents) {
    const own = typeof options.routingEvents === 'object' ? options.routingEvents : {};
    startRoutingEvents({ ...kafkaConnection(options.kafka), ...own }, config.serviceName);
  }
  // Under node:cluster, workers serve through the primary (cluster-mode.ts).
  const inWorker = config.cluster && workerId !== undefined;
  const serving = { prometheus: config.metricsExporters.includes('prometheus'), summary: config.summary };
  let worker: WorkerMode | undefined;
  let primary: PrimaryMode | undefined;
  if (inWorker) {
    worker = startWorkerMode(serving, workerId, stderrLine);
    if (config.summary) toolWindows.enable(config.windowSize);
  } else if (config.cluster && (serving.prometheus || serving.summary)) {
    primary = startPrimaryMode(config.clusterTimeoutMillis);
  }
  for (const name of config.metricsExporters) {
    if (name === 'prometheus' && worker?.reader) {
      readers.push(worker.reader);
    } else if (name === 'prometheus') {
      prometheus = new PrometheusEndpoint({
        host: config.prometheusHost,
        port: config.prometheusPort,
        metricProducers: [createMetricProducer()],
        otherResources: primary?.otherResources,
        ...endpointLimits,
      });
      prometheus.ready().catch(cannotListen('Prometheus endpoint', config.prometheusHost, config.prometheusPort, 'OTEL_EXPORTER_PROMETHEUS_PORT'));
      readers.push(prometheus);
    } else if (name === 'kafka') {
      readers.push(pushReader(kafka!, config));
    } else if (name === 'otlp') {
      readers.push(pushReader(new OTLPMetricExporter(), config));
    } else {
      readers.push(pushReader(new ConsoleMetricExporter(), config));
    }
  }

  // The first SDK in the process owns the API globals, and two copies of one instrumentation
  // displace or double each other (coexist.ts): with another SDK, agentmeter runs none.
  const other = detectOtherSdk();
  const resource = buildResource({ serviceName: config.serviceName, serviceInstanceId: instance.id });
  const sdk =
    other?.kind === 'registered'
      ? startPrivateProvider(resource, readers)
      : startGlobalSdk({
          resource,
          readers,
          instrumentations: other ? [] : createInstrumentations(config.instrumentations),
          tracesAndLogs: other === undefined,
        });
  if (other) report(otherSdkNotice(other));
  // After the SDK: a tracer provider it registered (OTEL_TRACES_EXPORTER) turns sampling on now.
  setExemplarsWanted(config.exemplars);
  setBuildInfo(serviceVersion());
  setHealth('healthy');
  let summary: SummaryServer | undefined;
  const summaryReady =
    config.summary && !inWorker
      ? startSummaryServer({
          host: config.summaryHost,
          port: config.summaryPort,
          corsOrigins: config.summaryCorsOrigins,
          windowSize: config.windowSize,
          otherParts: primary?.otherParts,
          allowedHosts: config.endpoints.summaryAllowedHosts,
          ...endpointLimits,
        }).then((server) => {
          summary = server;
        })
      : Promise.resolve();
  // Reported through ready() and on stderr; never an unhandled rejection in the host.
  summaryReady.catch(cannotListen('summary server', config.summaryHost, config.summaryPort, 'AGENTMETER_SUMMARY_PORT'));

  let stopped: Promise<void> | undefined;
  const uninstall = config.flushOnExit ? flushOnExit(() => handle.shutdown(), SHUTDOWN_TIMEOUT_MILLIS) : () => {};
  const handle: AgentmeterHandle = {
    config,
    serviceInstanceId: instance.id,
    get prometheusUrl() {
      return prometheus?.url;
    },
    get summaryUrl() {
      return summary?.url;
    },
    ready: async () => {
      await Promise.all([prometheus?.ready(), summaryReady]);
    },
    forceFlush: async () => {
      await Promise.all(readers.map((r) => r.forceFlush()));
    },
    shutdown: () => {
      stopped ??= (async () => {
        uninstall();
        worker?.stop();
        primary?.stop();
        await summaryReady.catch(() => undefined);
        await shutdownRoutingEvents(SHUTDOWN_TIMEOUT_MILLIS);
        await Promise.all([sdk.shutdown(), summary?.close()]);
        if (current === handle) current = undefined;
      })();
      return stopped;
    },
  };
  current = handle;
  return handle;
}

function disabledHandle(config: ResolvedConfig): AgentmeterHandle {
  return {
    config,
    serviceInstanceId: undefined,
    prometheusUrl: undefined,
    summaryUrl: undefined,
    ready: () => Promise.resolve(),
    forceFlush: () => Promise.resolve(),
    shutdown: async () => {
      if (current?.config === config) current = undefined;
    },
  };
}

/** Shuts down what `start()` started; does nothing when nothing runs. */
export function shutdown(): Promise<void> {
  return current?.shutdown() ?? Promise.resolve();
}
