/**
 * start() / shutdown(): agentmeter's producer on every reader of the chosen exporters, and the
 * official instrumentations unless another OpenTelemetry SDK in the process runs them.
 */
import { diag } from '@opentelemetry/api';
import { detectResources, envDetector } from '@opentelemetry/resources';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import { KafkaMetricExporter } from '../exporters/kafka/exporter';
import { CLOSE_GRACE_MILLIS, settlesWithin } from '../exporters/kafka/client';
import { startSummaryServer, type SummaryServer } from '../exporters/summary/server';
import { HttpRequestsReader } from '../exporters/summary/http-requests';
import { guard, state } from '../store/registry';
import { createKnownSeriesAtZero } from '../store/known-series';
import { setBuildInfo, setHealth, setShuttingDown } from '../record/system';
import { resolveConfig, type ResolvedConfig, type StartOptions } from './config';
import { webConfigFor } from './endpoint-config';
import { createInstrumentations } from './instrumentations';
import { installSpanBridge } from '../instrumentations/genai-spans/install';
import { flushOnExit } from './exit';
import { shutdownRoutingEvents, startRoutingEvents } from '../events/routing-events';
import type { RoutingEventPublisherOptions } from '../events/options';
import { detectOtherSdk, otherSdkNotice } from './coexist';
import { startGlobalSdk, startPrivateProvider } from './provider';
import { buildResource, serviceInstanceId } from './resource';
import { clusterRole, type ClusterRole } from './cluster-mode';
import { metricReaders, type EndpointLimits } from './readers';
import { clusterWorkerId } from '../cluster/protocol';
import { setLlmPrices } from '../record/llm-prices';
import { llmPriceOverrides } from './llm-prices-file';
import { setExemplarsWanted } from '../store/exemplars';
import { appCannotListen, hostPort, reportUnflushed, stderrLine, type ListenFailure } from './start-messages';

export type { ListenFailure } from './start-messages';

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
  /**
   * Final export, then stops exporters and instrumentations; settles within
   * `shutdownTimeoutMillis` plus 1 s whatever the broker does. What could not be delivered is
   * counted and named in one stderr line. Safe to call twice.
   */
  shutdown(): Promise<void>;
}

let current: AgentmeterHandle | undefined;

function serviceVersion(): string {
  const value = detectResources({ detectors: [envDetector] }).attributes['service.version'];
  return typeof value === 'string' ? value : 'unknown';
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

/**
 * The SDK that runs the readers. The first SDK in the process owns the API globals, and two
 * copies of one instrumentation displace or double each other (coexist.ts): with another SDK,
 * agentmeter runs none, and `report` is told what it did.
 */
function startSdk(config: ResolvedConfig, instanceId: string, readers: IMetricReader[], report: (line: string) => void): { shutdown(): Promise<void> } {
  const other = detectOtherSdk();
  const resource = buildResource({ serviceName: config.serviceName, serviceInstanceId: instanceId });
  const sdk =
    other?.kind === 'registered'
      ? startPrivateProvider(resource, readers)
      : startGlobalSdk({
          resource,
          readers,
          instrumentations: other ? [] : createInstrumentations(config.instrumentations),
          tracesAndLogs: other === undefined,
          // Traces asked for but not exported is a silent failure: said on stderr in both modes.
          report: stderrLine,
        });
  if (other) report(otherSdkNotice(other));
  // The SDK registers its tracer provider after enabling the instrumentations: the span bridge
  // goes in front of it now, before the app makes a span.
  else if (config.instrumentations.includes('genai-spans')) installSpanBridge();
  return sdk;
}

/** The summary server when asked for (not in a cluster worker); its failure to listen is reported, never thrown. */
function summaryServer(
  config: ResolvedConfig,
  role: ClusterRole,
  limits: EndpointLimits,
  httpRequests: HttpRequestsReader | undefined,
  cannotListen: (failure: ListenFailure) => void,
): { ready: Promise<void>; server(): SummaryServer | undefined } {
  let server: SummaryServer | undefined;
  const ready =
    config.summary && !role.inWorker
      ? startSummaryServer({
          host: config.summaryHost,
          port: config.summaryPort,
          corsOrigins: config.summaryCorsOrigins,
          windowSize: config.windowSize,
          historyBucketMillis: config.summaryHistoryBucketMillis,
          grafanaUrl: config.grafanaUrl,
          otherParts: role.primary?.otherParts,
          httpRequests: httpRequests && (() => httpRequests.serverRequests()),
          allowedHosts: config.endpoints.summaryAllowedHosts,
          ...limits,
        }).then((started) => {
          server = started;
        })
      : Promise.resolve();
  // Reported through ready() and on stderr; never an unhandled rejection in the host.
  ready.catch((err: unknown) => cannotListen({ endpoint: 'summary', address: hostPort(config.summaryHost, config.summaryPort), err }));
  return { ready, server: () => server };
}

/**
 * start() with the line about another SDK sent to `report` (the register hook prints it), and an
 * endpoint that cannot listen told to `cannotListen` (default: one stderr line for an app).
 */
export function startReporting(options: StartOptions, report: (line: string) => void, cannotListen: (failure: ListenFailure) => void = appCannotListen): AgentmeterHandle {
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

  // Before anything listens: a bad llmPrices option throws here; a bad file is one stderr line.
  setLlmPrices(llmPriceOverrides(options.llmPrices, process.env, stderrLine));
  const workerId = clusterWorkerId();
  const instance = serviceInstanceId(config.serviceInstanceId, workerId);
  // Everything that can throw a ConfigError comes before anything listens or joins the cluster:
  // the web config file, the Kafka settings, the routing-event settings.
  // The web config file only matters where this process listens (not a cluster worker, not push-only).
  const listens = !(config.cluster && workerId !== undefined) && (config.summary || config.metricsExporters.includes('prometheus'));
  const limits: EndpointLimits = {
    webConfig: listens ? webConfigFor(config.endpoints, options) : undefined,
    maxInFlight: config.endpoints.maxInFlight,
    writeTimeoutMillis: config.endpoints.writeTimeoutMillis,
  };
  const kafka = config.metricsExporters.includes('kafka') ? new KafkaMetricExporter(options.kafka) : undefined;
  if (config.routingEvents) {
    const own = typeof options.routingEvents === 'object' ? options.routingEvents : {};
    startRoutingEvents({ ...kafkaConnection(options.kafka), ...own }, config.serviceName);
  }
  // The summary's total_requests also counts the app's HTTP server requests, which the http
  // instrumentation records into the MeterProvider: a reader of the summary's own reads them.
  // Only beside an exporter's reader: with none, no MeterProvider is registered (provider.ts).
  const httpRequests = config.summary && config.metricsExporters.length > 0 ? new HttpRequestsReader() : undefined;
  const role = clusterRole(config, workerId, httpRequests);
  const { readers, prometheus } = metricReaders(config, role, limits, kafka, cannotListen);
  const sdk = startSdk(config, instance.id, httpRequests ? [...readers, httpRequests] : readers, report);
  // After the SDK: a tracer provider it registered (OTEL_TRACES_EXPORTER) turns sampling on now.
  setExemplarsWanted(config.exemplars);
  setBuildInfo(serviceVersion());
  setHealth('healthy');
  // Before the first collection, so rate() and the alerts see the first increment of each.
  createKnownSeriesAtZero();
  setShuttingDown(false);
  const summary = summaryServer(config, role, limits, httpRequests, cannotListen);

  let stopped: Promise<void> | undefined;
  const bound = config.shutdownTimeoutMillis;
  // handle.shutdown() bounds itself; this is the signal handler's backstop.
  const uninstall = config.flushOnExit ? flushOnExit(() => handle.shutdown(), bound + 2 * CLOSE_GRACE_MILLIS) : () => {};
  const handle: AgentmeterHandle = {
    config,
    serviceInstanceId: instance.id,
    get prometheusUrl() {
      return prometheus?.url;
    },
    get summaryUrl() {
      return summary.server()?.url;
    },
    ready: async () => {
      await Promise.all([prometheus?.ready(), summary.ready]);
    },
    forceFlush: async () => {
      await Promise.all(readers.map((r) => r.forceFlush()));
    },
    shutdown: () => {
      stopped ??= (async () => {
        // Before the final collection: the stall alert tells a deliberate stop from a stalled path by it.
        setShuttingDown(true);
        uninstall();
        role.worker?.stop();
        role.primary?.stop();
        await summary.ready.catch(() => undefined);
        // One deadline for every final flush: the SDK's last collection calls the exporter's
        // forceFlush, which would otherwise wait for as long as the broker is away.
        kafka?.limitFlushesTo(Date.now() + bound);
        // Side by side, each within the bound (one after the other would take twice as long).
        const [events, sdkDone] = await Promise.all([
          shutdownRoutingEvents(bound),
          // The Kafka exporter is closed by then on its own; this catches the others (otlp, console).
          settlesWithin(sdk.shutdown(), bound + CLOSE_GRACE_MILLIS + 250),
          settlesWithin(summary.server()?.close() ?? Promise.resolve(), bound),
        ]);
        reportUnflushed(bound, kafka?.unflushedAtShutdown, events, sdkDone);
        setLlmPrices(undefined);
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
