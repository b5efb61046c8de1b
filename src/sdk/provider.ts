/**
 * The OpenTelemetry set-up behind start(): a NodeSDK that registers the API globals when
 * agentmeter is the first SDK in the process, or a private MeterProvider for agentmeter's own
 * readers when another SDK registered them first (see coexist.ts).
 */
import { logs, metrics, trace } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { Resource } from '@opentelemetry/resources';
import { MeterProvider, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
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

/** What NodeSDK gets when agentmeter is the first SDK. */
export interface GlobalSdkOptions {
  /** From buildResource (resource.ts): detection happens there, not in NodeSDK. */
  resource: Resource;
  readers: IMetricReader[];
  instrumentations: Instrumentation[];
  /** Honour OTEL_TRACES_EXPORTER / OTEL_LOGS_EXPORTER; false when an SDK loading later owns traces and logs. */
  tracesAndLogs: boolean;
}

/** agentmeter is the first SDK: NodeSDK wires resource, context, propagation, instrumentations. */
export function startGlobalSdk({ resource, readers, instrumentations, tracesAndLogs }: GlobalSdkOptions): RunningProvider {
  const traces = tracesAndLogs && Boolean(process.env.OTEL_TRACES_EXPORTER);
  const logRecords = tracesAndLogs && Boolean(process.env.OTEL_LOGS_EXPORTER);
  const before = registeredGlobals();
  // start() as much as register: NodeSDK's own OTEL_LOG_LEVEL logger would write to stdout.
  const sdk = withStderrDiagnostics(() => new NodeSDK({
    resource,
    autoDetectResources: false,
    metricReaders: readers,
    instrumentations,
    // A metrics package should not start exporting traces or logs unless asked to.
    ...(traces ? {} : { spanProcessors: [] }),
    ...(logRecords ? {} : { logRecordProcessors: [] }),
  }));
  sdk.start();
  const taken = [...registeredGlobals()].filter((name) => !before.has(name) && name in RELEASE);
  if (!logRecords && taken.includes('logs')) {
    // NodeSDK registers a LoggerProvider even with no processors; held globally, it would take
    // the place of a later SDK's and drop that SDK's log records.
    logs.disable();
    taken.splice(taken.indexOf('logs'), 1);
  }
  return {
    shutdown: async () => {
      await sdk.shutdown();
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
