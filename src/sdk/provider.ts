/**
 * The OpenTelemetry set-up behind start(): the API globals when agentmeter is the first SDK in
 * the process, or a private MeterProvider for agentmeter's own readers when another SDK
 * registered them first (see coexist.ts).
 *
 * agentmeter wires the metrics side itself (MeterProvider, context manager, propagator,
 * instrumentations) rather than through NodeSDK: NodeSDK depends on every trace, log and metric
 * exporter OpenTelemetry ships (gRPC, protobufjs, Zipkin, B3 and the rest), about 20 MB that a
 * metrics package would install into every app and never run. Trace and log export, which a
 * user asks for with OTEL_TRACES_EXPORTER / OTEL_LOGS_EXPORTER, are NodeSDK's job: agentmeter
 * loads the app's own `@opentelemetry/sdk-node` for them, and says so when it is not installed.
 */
import { context, logs, metrics, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import type { Resource } from '@opentelemetry/resources';
import { MeterProvider, type IMetricReader } from '@opentelemetry/sdk-metrics';
import type * as SdkNode from '@opentelemetry/sdk-node';
import { registeredGlobals } from './coexist';
import { withStderrDiagnostics } from './stderr-logger';

/** What start() stops on shutdown. */
export interface RunningProvider {
  shutdown(): Promise<void>;
}

/** The providers whose globals agentmeter gives back on shutdown (context and propagation stay: the app's own async code may still use them). */
const RELEASE: Record<string, () => void> = {
  metrics: () => metrics.disable(),
  trace: () => trace.disable(),
  logs: () => logs.disable(),
};

/** What the global set-up gets when agentmeter is the first SDK. */
export interface GlobalSdkOptions {
  /** From buildResource (resource.ts): detection happens there. */
  resource: Resource;
  readers: IMetricReader[];
  instrumentations: Instrumentation[];
  /** Honour OTEL_TRACES_EXPORTER / OTEL_LOGS_EXPORTER; false when an SDK loading later owns traces and logs. */
  tracesAndLogs: boolean;
  /** Where a line for the user goes (stderr): trace or log export asked for without NodeSDK installed. */
  report: (line: string) => void;
}

/** The package that exports traces and logs, and the line it takes to install it. */
const SDK_NODE = '@opentelemetry/sdk-node';

/** NodeSDK from the app's node_modules, or undefined when the app has not installed it. */
function loadNodeSdk(): typeof SdkNode.NodeSDK | undefined {
  try {
    return (require(SDK_NODE) as typeof SdkNode).NodeSDK;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

/**
 * Starts NodeSDK for traces and logs only: no metric readers (agentmeter's MeterProvider has
 * them, so metrics never depend on which NodeSDK release the app installed) and no
 * instrumentations (agentmeter registers those). NodeSDK also sets the context manager and
 * the propagators (OTEL_PROPAGATORS, B3 included).
 */
function startTracesAndLogs(resource: Resource, traces: boolean, logRecords: boolean, report: (line: string) => void): { shutdown(): Promise<void> } | undefined {
  const NodeSDK = loadNodeSdk();
  if (NodeSDK === undefined) {
    const asked = [traces ? 'OTEL_TRACES_EXPORTER' : '', logRecords ? 'OTEL_LOGS_EXPORTER' : ''].filter(Boolean).join(' and ');
    report(`agentmeter: ${asked} is set, but ${SDK_NODE} is not installed, so nothing is exported but metrics: run \`npm install ${SDK_NODE}\` to export traces and logs`);
    return undefined;
  }
  const sdk = new NodeSDK({
    resource,
    autoDetectResources: false,
    metricReaders: [],
    instrumentations: [],
    // A metrics package should not start exporting traces or logs unless asked to.
    ...(traces ? {} : { spanProcessors: [] }),
    ...(logRecords ? {} : { logRecordProcessors: [] }),
  });
  sdk.start();
  return sdk;
}

/** The propagators OTEL_PROPAGATORS names (W3C trace context and baggage by default, as NodeSDK does). */
export function propagatorFromEnv(raw: string | undefined, warn: (line: string) => void): TextMapPropagator | undefined {
  const names = [...new Set((raw ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean))];
  if (names.length === 0) names.push('tracecontext', 'baggage');
  if (names.includes('none')) return undefined;
  const known = new Map<string, () => TextMapPropagator>([
    ['tracecontext', () => new W3CTraceContextPropagator()],
    ['baggage', () => new W3CBaggagePropagator()],
  ]);
  const propagators: TextMapPropagator[] = [];
  for (const name of names) {
    const make = known.get(name);
    if (make) propagators.push(make());
    // Bounded: at most one line per distinct name the operator wrote.
    else warn(`agentmeter: OTEL_PROPAGATORS names "${name.slice(0, 40)}", which agentmeter does not provide without OTEL_TRACES_EXPORTER and ${SDK_NODE}; using the others`);
  }
  return propagators.length === 0 ? undefined : new CompositePropagator({ propagators });
}

/**
 * agentmeter is the first SDK: it registers a MeterProvider for its readers, the context manager
 * and propagators (or NodeSDK does, when traces or logs are exported), and the instrumentations.
 */
export function startGlobalSdk(options: GlobalSdkOptions): RunningProvider {
  // OTEL_LOG_LEVEL goes to stderr, in start() as much as in register: NodeSDK's own logger for
  // it would write to stdout.
  return withStderrDiagnostics(() => startProviders(options));
}

function startProviders({ resource, readers, instrumentations, tracesAndLogs, report }: GlobalSdkOptions): RunningProvider {
  const traces = tracesAndLogs && Boolean(process.env.OTEL_TRACES_EXPORTER);
  const logRecords = tracesAndLogs && Boolean(process.env.OTEL_LOGS_EXPORTER);
  const before = registeredGlobals();
  const tracing = traces || logRecords ? startTracesAndLogs(resource, traces, logRecords, report) : undefined;
  if (tracing === undefined) {
    const manager = new AsyncLocalStorageContextManager();
    manager.enable();
    context.setGlobalContextManager(manager);
    const propagator = propagatorFromEnv(process.env.OTEL_PROPAGATORS, report);
    if (propagator) propagation.setGlobalPropagator(propagator);
  }
  // No readers, no MeterProvider: `metrics` stays free for an SDK that has some.
  const meterProvider = readers.length > 0 ? new MeterProvider({ resource, readers }) : undefined;
  if (meterProvider) metrics.setGlobalMeterProvider(meterProvider);
  // After the providers, so each instrumentation gets the registered meter and tracer providers.
  registerInstrumentations({ instrumentations });
  const taken = [...registeredGlobals()].filter((name) => !before.has(name) && name in RELEASE);
  if (!logRecords && taken.includes('logs')) {
    // NodeSDK registers a LoggerProvider even with no processors; held globally, it would take
    // the place of a later SDK's and drop that SDK's log records.
    logs.disable();
    taken.splice(taken.indexOf('logs'), 1);
  }
  return {
    shutdown: async () => {
      await Promise.all([tracing?.shutdown(), meterProvider?.shutdown()]);
      // A shut-down provider left global would swallow every later meter and tracer.
      for (const name of taken) RELEASE[name]!();
    },
  };
}

/** Another SDK owns the globals: agentmeter's readers get a MeterProvider of their own. */
export function startPrivateProvider(resource: Resource, readers: IMetricReader[]): RunningProvider {
  // The same resource as under NodeSDK, so target_info and the instance id read the same.
  const provider = new MeterProvider({ resource, readers });
  return { shutdown: () => provider.shutdown() };
}
