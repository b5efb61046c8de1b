// Which OpenTelemetry API globals agentmeter's SDK takes, keeps and gives back.
import { context, logs, metrics, propagation, trace } from '@opentelemetry/api';
import { ConsoleMetricExporter, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { registeredGlobals } from '../../../src/sdk/coexist';
import { propagatorFromEnv, startGlobalSdk, type RunningProvider } from '../../../src/sdk/provider';
import { buildResource } from '../../../src/sdk/resource';

const resource = buildResource({ serviceName: 'unit', serviceInstanceId: 'unit-1' });
const noReport = (line: string): never => {
  throw new Error(`unexpected report: ${line}`);
};

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
    running = startGlobalSdk({ resource, readers: [], instrumentations: [], tracesAndLogs, report: noReport });
    // No readers: NodeSDK builds no MeterProvider, so `metrics` stays free.
    expect(registeredGlobals()).toEqual(new Set(expected));
  });

  it('gives back the providers it registered on shutdown, keeping context and propagation', async () => {
    process.env.OTEL_TRACES_EXPORTER = 'console';
    const readers = [new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter(), exportIntervalMillis: 60000 })];
    running = startGlobalSdk({ resource, readers, instrumentations: [], tracesAndLogs: true, report: noReport });
    expect(registeredGlobals()).toEqual(new Set(['context', 'propagation', 'metrics', 'trace']));
    await running.shutdown();
    running = undefined;
    expect(registeredGlobals()).toEqual(new Set(['context', 'propagation']));
  });
});

describe('propagatorFromEnv', () => {
  const fields = (raw: string | undefined, warnings: string[] = []): string[] | undefined =>
    propagatorFromEnv(raw, (line) => warnings.push(line))?.fields();

  it.each<[string | undefined, string[] | undefined]>([
    [undefined, ['traceparent', 'tracestate', 'baggage']],
    ['', ['traceparent', 'tracestate', 'baggage']],
    ['tracecontext', ['traceparent', 'tracestate']],
    [' Baggage , tracecontext,baggage', ['baggage', 'traceparent', 'tracestate']],
    ['tracecontext,none', undefined],
  ])('OTEL_PROPAGATORS=%j propagates %j', (raw, expected) => {
    const warnings: string[] = [];
    expect(fields(raw, warnings)).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  it('names, once each and bounded, the propagators it does not provide, and keeps the others', () => {
    const warnings: string[] = [];
    expect(fields(`b3,tracecontext,b3,${'x'.repeat(100)}`, warnings)).toEqual(['traceparent', 'tracestate']);
    expect(warnings).toEqual([
      'agentmeter: OTEL_PROPAGATORS names "b3", which agentmeter does not provide without OTEL_TRACES_EXPORTER and @opentelemetry/sdk-node; using the others',
      `agentmeter: OTEL_PROPAGATORS names "${'x'.repeat(40)}", which agentmeter does not provide without OTEL_TRACES_EXPORTER and @opentelemetry/sdk-node; using the others`,
    ]);
  });
});
