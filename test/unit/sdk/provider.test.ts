// Which OpenTelemetry API globals agentmeter's SDK takes, keeps and gives back.
import { context, logs, metrics, propagation, trace } from '@opentelemetry/api';
import { ConsoleMetricExporter, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { registeredGlobals } from '../../../src/sdk/coexist';
import { startGlobalSdk, type RunningProvider } from '../../../src/sdk/provider';
import { buildResource } from '../../../src/sdk/resource';

const resource = buildResource({ serviceName: 'unit', serviceInstanceId: 'unit-1' });

let running: RunningProvider | undefined;
const savedEnv = { ...process.env };
afterEach(async () => {
  await running?.shutdown();
  running = undefined;
  process.env = { ...savedEnv };
  for (const api of [metrics, trace, logs, context, propagation]) api.disable();
});

describe('startGlobalSdk', () => {
  it.each<[string, Record<string, string>, boolean, string[]]>([
    ['no trace or log exporter set', {}, true, ['context', 'propagation']],
    ['OTEL_TRACES_EXPORTER and OTEL_LOGS_EXPORTER set', { OTEL_TRACES_EXPORTER: 'console', OTEL_LOGS_EXPORTER: 'console' }, true, ['context', 'propagation', 'trace', 'logs']],
    ['both set, but an SDK loading later owns traces and logs', { OTEL_TRACES_EXPORTER: 'console', OTEL_LOGS_EXPORTER: 'console' }, false, ['context', 'propagation']],
  ])('%s: registers %j besides the MeterProvider', (_case, env, tracesAndLogs, expected) => {
    Object.assign(process.env, env);
    running = startGlobalSdk({ resource, readers: [], instrumentations: [], tracesAndLogs });
    // No readers: NodeSDK builds no MeterProvider, so `metrics` stays free.
    expect(registeredGlobals()).toEqual(new Set(expected));
  });

  it('gives back the providers it registered on shutdown, keeping context and propagation', async () => {
    process.env.OTEL_TRACES_EXPORTER = 'console';
    const readers = [new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter(), exportIntervalMillis: 60000 })];
    running = startGlobalSdk({ resource, readers, instrumentations: [], tracesAndLogs: true });
    expect(registeredGlobals()).toEqual(new Set(['context', 'propagation', 'metrics', 'trace']));
    await running.shutdown();
    running = undefined;
    expect(registeredGlobals()).toEqual(new Set(['context', 'propagation']));
  });
});
