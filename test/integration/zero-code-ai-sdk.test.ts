// `register` alone measures an app on the Vercel AI SDK 7 (`ai` from npm), as ESM under
// `--import` and as CommonJS under `--require`: every tool execution, model call (tokens by type,
// streams' first chunk) and run, exactly once; and exactly the same with the AI SDK's own
// OpenTelemetry integration (`@ai-sdk/otel`) registered as well and its spans exported, which
// agentmeter's GenAI span bridge would otherwise turn into the same metrics a second time. A model
// served through the Anthropic SDK is counted once, by that SDK's hook (innermost wins).
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aiSdkApp } from '../infra/ai-sdk-app';
import { CANNED, startCannedLlm } from '../infra/canned-llm';
import { runNode, type RunningChild } from '../infra/child';
import { startOtlpSink } from '../infra/otlp-sink';
import { freePort } from '../infra/process.mjs';
import { samples, sum, tally, type Sample } from '../infra/prom-text';

let appDir: string;
let llm: Awaited<ReturnType<typeof startCannedLlm>>;
beforeAll(async () => {
  appDir = (await aiSdkApp()).dir;
  llm = await startCannedLlm();
}, 600000);
afterAll(async () => {
  await llm?.close();
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

let app: RunningChild | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const TOOLS = 'gen_ai_execute_tool_duration_seconds_count';
const CALLS = 'gen_ai_client_operation_duration_seconds_count';
const TOKENS = 'gen_ai_client_token_usage';
const RUNS = 'gen_ai_invoke_agent_duration_seconds_count';
const FIRST_CHUNK = 'gen_ai_client_operation_time_to_first_chunk_seconds';
const OURS = { otel_scope_name: 'agentmeter' };
const GPT = { ...OURS, gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini' };

// The fixture's usage (test/fixtures/ai-sdk/workload.cjs): 10 plain calls (3 runs and the agent's
// and the hidden run's two steps each) of USAGE, one stream of STREAM_USAGE.
const USAGE = { input: 120, output: 40, cache_read: 30, cache_write: 10, reasoning: 10 };
const STREAM_USAGE = { input: 60, output: 25, cache_read: 20, cache_write: 0, reasoning: 0 };
const PLAIN_CALLS = 10;

async function runApp(flag: '--import' | '--require', file: string, env: Record<string, string> = {}): Promise<Sample[]> {
  const port = await freePort();
  app = runNode([flag, 'agentmeter/register', file], { LLM_URL: llm.url, OTEL_EXPORTER_PROMETHEUS_PORT: String(port), ...env }, 60000, appDir);
  expect(await app.ready).toEqual({ ready: true, texts: ['Done', 'Done', 'Done', 'Hello world', 'Done', 'Done', 'Hello'], errors: ['AI_APICallError'] });
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  // register writes nothing to stdout: the app's one line is all there is.
  expect(app.stdout().trim().split('\n')).toHaveLength(1);
  expect(app.stderr()).toBe('');
  return samples(text);
}

/** The numbers every variant must show, exactly. */
function expectWorkload(list: Sample[]): void {
  // Tools: per name, agent and error type. The hidden run's failure has no class to show: _OTHER.
  expect(tally(list, TOOLS, ['gen_ai_tool_name', 'gen_ai_agent_name', 'error_type'], OURS)).toEqual({
    weather: 2,
    'lookup  E_LOOKUP': 1,
    'weather triage': 1,
    'lookup  _OTHER': 1,
  });
  // Model calls: the plain ones and the stream; the 400; the embedding; the Anthropic SDK's one
  // call, recorded by its hook alone (its own usage, not the AI SDK model's 1 + 1 tokens).
  expect(tally(list, CALLS, ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'error_type'], OURS)).toEqual({
    'chat openai gpt-4o-mini': PLAIN_CALLS + 1,
    'chat openai gpt-broken AI_APICallError': 1,
    'embeddings openai text-embedding-3-small': 1,
    'chat anthropic claude-test-1': 1,
  });
  const expected: Record<string, number> = {};
  for (const type of Object.keys(USAGE) as Array<keyof typeof USAGE>) expected[type] = PLAIN_CALLS * USAGE[type] + STREAM_USAGE[type];
  expect(tally(list, `${TOKENS}_sum`, ['gen_ai_token_type'], GPT)).toEqual(expected);
  expect(tally(list, `${TOKENS}_count`, ['gen_ai_token_type'], GPT)).toEqual({ input: 11, output: 11, cache_read: 11, cache_write: 11, reasoning: 11 });
  const a = CANNED.anthropic.usage;
  expect(tally(list, `${TOKENS}_sum`, ['gen_ai_token_type'], { ...OURS, gen_ai_request_model: 'claude-test-1' })).toEqual({
    input: a.input_tokens + a.cache_read_input_tokens + a.cache_creation_input_tokens,
    output: a.output_tokens,
    cache_read: a.cache_read_input_tokens,
    cache_write: a.cache_creation_input_tokens,
  });
  expect(tally(list, `${TOKENS}_sum`, ['gen_ai_token_type'], { ...OURS, gen_ai_operation_name: 'embeddings' })).toEqual({ input: 8 });
  expect(sum(list, `${TOKENS}_count`, { gen_ai_request_model: 'gpt-broken' })).toBe(0);
  // The stream's first chunk: one sample, after the mock's 50 ms initial delay.
  expect(sum(list, `${FIRST_CHUNK}_count`, GPT)).toBe(1);
  expect(sum(list, `${FIRST_CHUNK}_sum`, GPT)).toBeGreaterThanOrEqual(0.05);
  expect(sum(list, `${FIRST_CHUNK}_count`)).toBe(1);
  // Runs: labelled by functionId, else by the function.
  expect(tally(list, RUNS, ['gen_ai_agent_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'error_type'], OURS)).toEqual({
    'generateText openai gpt-4o-mini': 4,
    'streamText openai gpt-4o-mini': 1,
    'triage openai gpt-4o-mini': 1,
    'generateText openai gpt-broken AI_APICallError': 1,
    'generateText anthropic claude-test-1': 1,
  });
}

describe('node --import agentmeter/register with the AI SDK 7', () => {
  it('counts every tool, model call (tokens by type, first chunk) and run exactly once', async () => {
    expectWorkload(await runApp('--import', 'app.mjs'));
  });

  it('counts the same with the AI SDK’s own OpenTelemetry integration registered and its spans exported', async () => {
    const sink = await startOtlpSink();
    try {
      const list = await runApp('--import', 'app.mjs', {
        AI_SDK_OTEL: '1',
        // Traces exported, as a user of the integration would have them: its spans are then real
        // spans of the SDK's provider, through the span bridge (on @ai-sdk/otel's own API 1.9.1).
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${sink.url}/v1/traces`,
        OTEL_BSP_SCHEDULE_DELAY: '200',
      });
      expectWorkload(list);
      // The integration was on: it records a histogram of its own through the global
      // MeterProvider, under another name than agentmeter's (one sample per model call it saw).
      expect(tally(list, 'gen_ai_client_inference_duration_seconds_count', ['gen_ai_request_model', 'error_type'], { otel_scope_name: 'gen_ai' })).toEqual({
        'gpt-4o-mini': PLAIN_CALLS + 1,
        'gpt-broken AI_APICallError': 1,
        'claude-test-1': 1,
      });
      // And its spans were real and exported: per run, step, model call, tool and embedding.
      const spans = sink.spans;
      const operations = (): string => {
        const gen = spans().filter((span) => span.scope === 'gen_ai').map((span) => ({ name: 'span', labels: { operation: span.name.split(' ')[0]! }, value: 1 }));
        const counts = tally(gen, 'span', ['operation']);
        return JSON.stringify(Object.fromEntries(Object.entries(counts).sort()));
      };
      const expected = { chat: PLAIN_CALLS + 3, embeddings: 2, execute_tool: 5, invoke_agent: 8, step: 13 };
      for (let i = 0; i < 100 && operations() !== JSON.stringify(expected); i++) await new Promise((r) => setTimeout(r, 100));
      expect(JSON.parse(operations())).toEqual(expected);
    } finally {
      await sink.close();
    }
  });
});

describe('AGENTMETER_INSTRUMENTATIONS without ai-sdk', () => {
  it('leaves the AI SDK unmeasured; the Anthropic SDK’s hook still counts its call', async () => {
    const list = await runApp('--import', 'app.mjs', { AGENTMETER_INSTRUMENTATIONS: 'anthropic' });
    expect([sum(list, TOOLS), sum(list, RUNS), sum(list, `${FIRST_CHUNK}_count`)]).toEqual([0, 0, 0]);
    expect(tally(list, CALLS, ['gen_ai_provider_name', 'gen_ai_request_model'], OURS)).toEqual({ 'anthropic claude-test-1': 1 });
  });
});

describe('node --require agentmeter/register with the AI SDK 7', () => {
  it('counts the same for a CommonJS app', async () => {
    expectWorkload(await runApp('--require', 'app.cjs'));
  });
});
