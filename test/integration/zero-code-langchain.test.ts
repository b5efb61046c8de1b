// `register` alone measures LangChain.js apps: langchain 1.x, @langchain/core 1.x, the OpenAI
// and Anthropic integrations installed from npm (test/infra/framework-apps.ts), ESM and
// CommonJS. A createAgent agent on a scripted chat model runs twice (two model calls and two
// tools, one of which throws, per run), an agent whose model fails once, and ChatOpenAI and
// ChatAnthropic call the canned server. Each model call is counted once, by the hook inside it:
// ChatOpenAI's by the openai instrumentation (openai 7), ChatAnthropic's by the anthropic one (the
// SDK's own counts), both by the callbacks when those are off. The same numbers come out with
// LangSmith's tracing on in its OpenTelemetry mode.
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CANNED, startCannedLlm } from '../infra/canned-llm';
import { runNode, type RunningChild } from '../infra/child';
import { langchainApp } from '../infra/framework-apps';
import { freePort } from '../infra/process.mjs';
import { samples, sum, tally, type Sample, durationsPerBucket } from '../infra/prom-text';

let appDir: string;
let llm: Awaited<ReturnType<typeof startCannedLlm>>;
beforeAll(async () => {
  appDir = (await langchainApp()).dir;
  llm = await startCannedLlm();
}, 900000);
afterAll(async () => {
  await llm?.close();
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

let app: RunningChild | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const DURATION = 'gen_ai_client_operation_duration_seconds';
const TOKENS = 'gen_ai_client_token_usage';
const TOOLS = 'gen_ai_execute_tool_duration_seconds';
const AGENTS = 'gen_ai_invoke_agent_duration_seconds';
const SCRIPTED = { gen_ai_provider_name: 'scripted', gen_ai_request_model: 'scripted-1' };

/** Starts the app as users do and reads the endpoint once it has done its work. */
async function run(args: string[], env: Record<string, string> = {}): Promise<{ ready: Record<string, unknown>; list: Sample[] }> {
  const port = await freePort();
  app = runNode(args, { OTEL_EXPORTER_PROMETHEUS_PORT: String(port), ...env }, 120000, appDir);
  const ready = await app.ready;
  const list = samples(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
  return { ready, list };
}


/** The agents, their tools and the scripted model's calls: the same in every app. */
function expectAgents(list: Sample[]): void {
  expect(tally(list, `${AGENTS}_count`, ['gen_ai_agent_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'error_type'])).toEqual({
    'trip_planner scripted scripted-1': 2,
    'failing_agent scripted scripted-1 ModelOverloadedError': 1,
  });
  expect(tally(list, `${TOOLS}_count`, ['gen_ai_tool_name', 'gen_ai_agent_name', 'error_type'])).toEqual({
    'weather trip_planner': 2,
    'broken trip_planner Error': 2,
  });
  expect(tally(list, `${DURATION}_count`, ['error_type'], SCRIPTED)).toEqual({ '': 4, ModelOverloadedError: 1 });
  // Per call 100 input (40 of them cache reads), 20 output (5 of them reasoning); none for the failure.
  expect(tally(list, `${TOKENS}_sum`, ['gen_ai_token_type'], SCRIPTED)).toEqual({ input: 400, output: 80, cache_read: 160, reasoning: 20 });
  expect(tally(list, `${TOKENS}_count`, ['gen_ai_token_type'], SCRIPTED)).toEqual({ input: 4, output: 4, cache_read: 4, reasoning: 4 });
}

/** ChatOpenAI and ChatAnthropic against the canned server, each call counted once. */
function expectProviderCalls(list: Sample[], anthropicOutput: number): void {
  const openai = { gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini' };
  const anthropic = { gen_ai_provider_name: 'anthropic', gen_ai_request_model: 'claude-test-1' };
  // Two plain answers in (0.16, 0.32], the stream to its last chunk in (0.64, 1.28], the 429 in (0.32, 0.64].
  expect(durationsPerBucket(list, { ...openai, error_type: '' })).toEqual({ '0.32': 2, '1.28': 1 });
  expect(durationsPerBucket(list, { ...anthropic, error_type: '' })).toEqual({ '0.32': 2, '1.28': 1 });
  expect(durationsPerBucket(list, { gen_ai_request_model: 'gpt-rate-limited', error_type: 'RateLimitError' })).toEqual({ '0.64': 1 });
  expect(durationsPerBucket(list, { gen_ai_request_model: 'claude-rate-limited', error_type: 'RateLimitError' })).toEqual({ '0.64': 1 });
  expect(sum(list, `${DURATION}_count`, { gen_ai_request_model: 'gpt-warm-up' }) + sum(list, `${DURATION}_count`, { gen_ai_request_model: 'claude-warm-up' })).toBe(2);
  const { usage, streamUsage } = CANNED.openai;
  expect(tally(list, `${TOKENS}_sum`, ['gen_ai_token_type'], openai)).toEqual({
    input: 2 * usage.prompt_tokens + streamUsage.prompt_tokens,
    output: 2 * usage.completion_tokens + streamUsage.completion_tokens,
  });
  const a = CANNED.anthropic;
  expect(tally(list, `${TOKENS}_sum`, ['gen_ai_token_type'], anthropic)).toEqual({
    input: 2 * (a.usage.input_tokens + a.usage.cache_read_input_tokens + a.usage.cache_creation_input_tokens) + a.streamStart.input_tokens + a.streamStart.cache_read_input_tokens + a.streamStart.cache_creation_input_tokens,
    output: anthropicOutput,
    cache_read: 2 * a.usage.cache_read_input_tokens + a.streamStart.cache_read_input_tokens,
    cache_write: 2 * a.usage.cache_creation_input_tokens + a.streamStart.cache_creation_input_tokens,
  });
  expect(tally(list, `${TOKENS}_count`, ['gen_ai_token_type'], anthropic)).toEqual({ input: 3, output: 3, cache_read: 3, cache_write: 3 });
  // The streams' first chunks, once each.
  expect(sum(list, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', openai)).toBe(1);
  expect(sum(list, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', anthropic)).toBe(1);
  expect(sum(list, `${TOKENS}_count`, { gen_ai_request_model: 'gpt-rate-limited' }) + sum(list, `${TOKENS}_count`, { gen_ai_request_model: 'claude-rate-limited' })).toBe(0);
}

/** The SDK's own output tokens: two plain answers and the stream's final count. */
const SDK_OUTPUT = 2 * CANNED.anthropic.usage.output_tokens + CANNED.anthropic.streamOutputTokens;

describe('node --import agentmeter/register with LangChain.js', () => {
  it('records agents, tools and each model call once, ChatAnthropic’s through the anthropic instrumentation', async () => {
    const { ready, list } = await run(['--import', 'agentmeter/register', 'app.mjs'], { LLM_URL: llm.url });
    expect(ready).toMatchObject({ ready: true, errors: ['ModelOverloadedError', 'RateLimitError', 'RateLimitError'] });
    expectAgents(list);
    expectProviderCalls(list, SDK_OUTPUT);
    expect(app!.stderr()).toBe('');
  });

  it('records the provider models’ calls from the callbacks when the SDKs’ instrumentations are off', async () => {
    const { list } = await run(['--import', 'agentmeter/register', 'app.mjs'], { LLM_URL: llm.url, AGENTMETER_INSTRUMENTATIONS: 'langchain' });
    expectAgents(list);
    // LangChain adds the stream's message_start output token to its final count: one more than the SDK's.
    expectProviderCalls(list, SDK_OUTPUT + CANNED.anthropic.streamStart.output_tokens);
  });

  it('measures nothing of LangChain without the langchain instrumentation (the Anthropic SDK still)', async () => {
    const { list } = await run(['--import', 'agentmeter/register', 'app.mjs'], { LLM_URL: llm.url, AGENTMETER_INSTRUMENTATIONS: 'anthropic' });
    expect(sum(list, `${AGENTS}_count`) + sum(list, `${TOOLS}_count`)).toBe(0);
    expect(tally(list, `${DURATION}_count`, ['gen_ai_provider_name'])).toEqual({ anthropic: 5 });
  });
});

describe('node --require agentmeter/register with a CommonJS LangChain.js app', () => {
  it('records the same agents, tools and model calls from the CommonJS build', async () => {
    const { ready, list } = await run(['--require', 'agentmeter/register', 'app.cjs']);
    expect(ready).toMatchObject({ ready: true, errors: ['ModelOverloadedError'] });
    expectAgents(list);
    expect(app!.stderr()).toBe('');
  });
});

describe('LangChain.js with LangSmith tracing in its OpenTelemetry mode', () => {
  it('still counts each agent, tool and model call once while LangSmith exports its spans', async () => {
    const { ready, list } = await run(['--import', 'agentmeter/register', 'app.mjs'], {
      LLM_URL: llm.url,
      LANGSMITH_OTEL_APP: '1',
      LANGSMITH_TRACING: 'true',
      LANGSMITH_TRACING_MODE: 'otel',
      LANGSMITH_API_KEY: 'test-key',
    });
    // The in-process receiver got LangSmith's OTLP export.
    expect(ready.otlpRequests).toBeGreaterThanOrEqual(1);
    expectAgents(list);
    expectProviderCalls(list, SDK_OUTPUT);
    expect(app!.stderr().split('\n').filter((line) => line.startsWith('agentmeter'))).toEqual([]);
  });
});
