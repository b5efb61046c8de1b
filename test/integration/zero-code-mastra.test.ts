// `register` alone measures Mastra apps: @mastra/core 1.x with @mastra/observability and
// @mastra/otel-exporter and @mastra/otel-bridge from npm (test/infra/framework-apps.ts), ESM and CommonJS, whether the
// app configured observability or not. An agent on the AI SDK's mock model runs three times
// (generate twice, stream once; per run a model call asking for two tools, one of which throws,
// then the answer), an agent whose model fails, a workflow twice and one whose step throws.
// The counts are the same in every shape, and with Mastra's OtelExporter or OtelBridge on (the
// bridge's spans reach the GenAI span bridge, which leaves them to this hook): each agent
// run, model call, tool call and workflow once. Mastra's model calls do not reach the AI SDK's
// telemetry channel, so no other hook sees them.
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runNode, type RunningChild } from '../infra/child';
import { mastraApp } from '../infra/framework-apps';
import { startOtlpSink } from '../infra/otlp-sink';
import { freePort } from '../infra/process.mjs';
import { samples, sum, tally, type Sample, durationsPerBucket } from '../infra/prom-text';

let appDir: string;
beforeAll(async () => {
  appDir = (await mastraApp()).dir;
}, 900000);
afterAll(() => {
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

let app: RunningChild | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const DURATION = 'gen_ai_client_operation_duration_seconds';
const TOKENS = 'gen_ai_client_token_usage';
const MOCK = { gen_ai_provider_name: 'mock-provider', gen_ai_request_model: 'mock-model-1' };

async function run(args: string[], env: Record<string, string>): Promise<{ ready: Record<string, unknown>; list: Sample[] }> {
  const port = await freePort();
  app = runNode(args, { OTEL_EXPORTER_PROMETHEUS_PORT: String(port), ...env }, 120000, appDir);
  const ready = await app.ready;
  const list = samples(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
  return { ready, list };
}


function expectRuns(ready: Record<string, unknown>, list: Sample[]): void {
  expect(ready).toMatchObject({ ready: true, errors: ['ModelOverloadedError'], statuses: ['success', 'success', 'failed'], aiSdkCalls: 0 });
  expect(tally(list, 'gen_ai_invoke_agent_duration_seconds_count', ['gen_ai_agent_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'error_type'])).toEqual({
    'Trip Planner mock-provider mock-model-1': 3,
    'Failing Agent mock-provider mock-model-1 ModelOverloadedError': 1,
  });
  expect(tally(list, 'gen_ai_execute_tool_duration_seconds_count', ['gen_ai_tool_name', 'gen_ai_agent_name', 'error_type'])).toEqual({
    'weather Trip Planner': 3,
    'broken Trip Planner Error': 3,
  });
  // One call per provider call (inference span), each answered after 170 ms; the failed one at once.
  expect(tally(list, `${DURATION}_count`, ['error_type'], MOCK)).toEqual({ '': 6, ModelOverloadedError: 1 });
  expect(durationsPerBucket(list, { ...MOCK, error_type: '' })).toEqual({ '0.32': 6 });
  // Per call 100 input tokens (40 cache reads, 10 cache writes), 20 output (5 reasoning).
  expect(tally(list, `${TOKENS}_sum`, ['gen_ai_token_type'], MOCK)).toEqual({ input: 600, output: 120, cache_read: 240, cache_write: 60, reasoning: 30 });
  expect(tally(list, `${TOKENS}_count`, ['gen_ai_token_type'], MOCK)).toEqual({ input: 6, output: 6, cache_read: 6, cache_write: 6, reasoning: 6 });
  // Mastra reports the first chunk once per generation (three runs).
  expect(sum(list, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', MOCK)).toBe(3);
  expect(tally(list, 'gen_ai_workflow_duration_seconds_count', ['gen_ai_workflow_name', 'error_type'])).toEqual({ doubler: 2, 'exploder Error': 1 });
}

describe('node --import agentmeter/register with Mastra', () => {
  it('adds agentmeter’s exporter beside the app’s own observability exporter', async () => {
    const { ready, list } = await run(['--import', 'agentmeter/register', 'app.mjs'], { MASTRA_OBSERVABILITY: 'configured' });
    expectRuns(ready, list);
    // The app's exporter still got every span.
    expect(ready.appSpans).toBeGreaterThan(0);
    expect(app!.stderr()).toBe('');
  });

  it('gives a Mastra with no observability configured one that exports to agentmeter only', async () => {
    const { ready, list } = await run(['--import', 'agentmeter/register', 'app.mjs'], { MASTRA_OBSERVABILITY: 'none' });
    expectRuns(ready, list);
    expect(app!.stderr()).toBe('');
  });

  it('measures nothing of Mastra without the mastra instrumentation', async () => {
    const { list } = await run(['--import', 'agentmeter/register', 'app.mjs'], { MASTRA_OBSERVABILITY: 'configured', AGENTMETER_INSTRUMENTATIONS: 'langchain' });
    expect(sum(list, 'gen_ai_invoke_agent_duration_seconds_count') + sum(list, `${DURATION}_count`) + sum(list, 'gen_ai_workflow_duration_seconds_count')).toBe(0);
  });
});

describe('node --require agentmeter/register with a CommonJS Mastra app', () => {
  it('measures the CommonJS build, with no observability configured', async () => {
    const { ready, list } = await run(['--require', 'agentmeter/register', 'app.cjs'], { MASTRA_OBSERVABILITY: 'none' });
    expectRuns(ready, list);
    expect(app!.stderr()).toBe('');
  });
});

describe('Mastra with its own OpenTelemetry exporter or bridge on', () => {
  it('still counts each run, call and workflow once while OtelExporter exports the same spans', async () => {
    const { ready, list } = await run(['--import', 'agentmeter/register', 'app.mjs'], { MASTRA_OBSERVABILITY: 'otel' });
    expectRuns(ready, list);
    expect(ready.otlpRequests).toBeGreaterThanOrEqual(1);
  });

  it('still counts each once with Mastra’s OtelBridge making real spans through the span bridge', async () => {
    const sink = await startOtlpSink();
    try {
      const { ready, list } = await run(['--import', 'agentmeter/register', 'app.mjs'], {
        MASTRA_OBSERVABILITY: 'otel-bridge',
        // Traces on, so the OtelBridge's spans are real spans of agentmeter's provider, which the
        // GenAI span bridge reads: the mastra hook covers their scope.
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${sink.url}/v1/traces`,
        OTEL_BSP_SCHEDULE_DELAY: '200',
      });
      expectRuns(ready, list);
      // The bridge's spans were exported: one invoke_agent span per agent run. Wait for those
      // spans themselves (the bridge's other spans can arrive first in an earlier batch).
      const agentSpans = () => sink.spans().filter((s) => s.scope === '@mastra/otel-bridge' && s.name.startsWith('invoke_agent')).length;
      for (let i = 0; i < 200 && agentSpans() < 4; i++) await new Promise((r) => setTimeout(r, 100));
      expect(agentSpans()).toBe(4);
    } finally {
      await sink.close();
    }
  });
});
