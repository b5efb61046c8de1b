// The GenAI span bridge on a framework agentmeter has no hook for: Google's ADK (@google/adk from
// npm), whose spans follow the GenAI conventions and go through its own pinned copy of
// @opentelemetry/api. Under `register` alone (traces off) its agent runs, tool calls and model
// calls become agentmeter's metrics with exact counts; with traces exported, the same counts and
// every span still reaches the app's OTLP endpoint; without `genai-spans`, nothing.
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runNode, type RunningChild } from '../infra/child';
import { installApp, throwawayApp } from '../infra/npm-app';
import { startOtlpSink, type OtlpSink } from '../infra/otlp-sink';
import { freePort, waitFor } from '../infra/process.mjs';
import { samples, sum, type Sample } from '../infra/prom-text';
import { resolve } from 'node:path';

// sdk-node for OTEL_TRACES_EXPORTER: agentmeter exports traces through the app's own NodeSDK.
const DEPENDENCIES = { '@opentelemetry/api': '1.10.0', '@google/adk': '2.0.0', zod: '4.6.7', '@opentelemetry/sdk-node': '0.300.0' };

let appDir: string;
let sink: OtlpSink;
beforeAll(async () => {
  appDir = throwawayApp(await installApp(DEPENDENCIES), [resolve(ROOT, 'test/fixtures/genai-spans/adk-app.mjs')]);
  sink = await startOtlpSink();
}, 600000);
afterAll(async () => {
  await sink?.close();
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

let app: RunningChild | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function run(flag: '--import' | '--require', env: Record<string, string> = {}): Promise<Sample[]> {
  const port = await freePort();
  app = runNode([flag, 'agentmeter/register', 'adk-app.mjs'], { OTEL_EXPORTER_PROMETHEUS_PORT: String(port), ...env }, 60000, appDir);
  expect(await app.ready).toEqual({ ready: true, texts: ['done', 'done', 'done'] });
  // The app says it is done once its agent ran; register's endpoint listens on its own schedule
  // (seen refusing the first connection under CI load), so the page is read once it answers.
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      return samples(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const MODEL = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'gcp.vertex.agent', gen_ai_request_model: 'scripted-1' };

function expectAdkCounts(list: Sample[]): void {
  expect(sum(list, 'gen_ai_invoke_agent_duration_seconds_count', { gen_ai_agent_name: 'helper', error_type: '' })).toBe(3);
  expect(sum(list, 'gen_ai_invoke_agent_duration_seconds_count', {})).toBe(3);
  expect(sum(list, 'gen_ai_execute_tool_duration_seconds_count', { gen_ai_tool_name: 'lookup', error_type: '' })).toBe(2);
  // ADK sets no attribute or status on a failed tool's span; its function's rejection says it failed.
  expect(sum(list, 'gen_ai_execute_tool_duration_seconds_count', { gen_ai_tool_name: 'explode', error_type: 'Error' })).toBe(1);
  expect(sum(list, 'gen_ai_execute_tool_duration_seconds_count', {})).toBe(3);
  expect(sum(list, 'gen_ai_client_operation_duration_seconds_count', MODEL)).toBe(6);
  expect(sum(list, 'gen_ai_client_token_usage_sum', { ...MODEL, gen_ai_token_type: 'input' })).toBe(600);
  expect(sum(list, 'gen_ai_client_token_usage_sum', { ...MODEL, gen_ai_token_type: 'output' })).toBe(60);
  expect(sum(list, 'gen_ai_client_token_usage_count', {})).toBe(12);
}

describe('GenAI spans of Google ADK become metrics', () => {
  it.each(['--import', '--require'] as const)('%s agentmeter/register, traces off: agent runs, tool calls and model calls, exactly', async (flag) => {
    expectAdkCounts(await run(flag));
  });

  it('with traces exported: the same counts once each, and every ADK span still reaches the OTLP endpoint', async () => {
    const list = await run('--import', {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${sink.url}/v1/traces`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    expectAdkCounts(list);
    const adkSpans = () => sink.spans().filter((s) => s.scope === 'gcp.vertex.agent').map((s) => s.name);
    await waitFor('ADK spans at the OTLP sink', () => adkSpans().length >= 12, { timeoutMillis: 15000 });
    const names = adkSpans();
    expect(names.filter((n) => n === 'invoke_agent helper')).toHaveLength(3);
    expect(names.filter((n) => n === 'execute_tool lookup')).toHaveLength(2);
    expect(names.filter((n) => n === 'execute_tool explode')).toHaveLength(1);
    expect(names.filter((n) => n === 'call_llm')).toHaveLength(6);
  });

  it('with genai-spans left out of AGENTMETER_INSTRUMENTATIONS: no agent, tool or model series from ADK', async () => {
    const list = await run('--import', { AGENTMETER_INSTRUMENTATIONS: 'http,undici,mcp' });
    expect(list.filter((s) => /^gen_ai_(invoke_agent|execute_tool|client)_/.test(s.name))).toEqual([]);
  });
});
