// `register` alone measures apps built on the OpenAI Agents SDK (@openai/agents from npm, its
// CommonJS and ESM builds): a trace processor beside the app's own turns agents, tool calls and
// handoffs into metrics, and each model call is counted once, by the openai 7 hook under the
// agents' default model, or from its span when that hook is off. The model is the canned
// server, scripted per agent (canned-agents.ts): exact counts and token sums on the endpoint.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CANNED, startCannedLlm } from '../infra/canned-llm';
import { ROOT, runNode, type RunningChild } from '../infra/child';
import { installApp, throwawayApp } from '../infra/npm-app';
import { freePort } from '../infra/process.mjs';
import { samples, sum, tally, type Sample } from '../infra/prom-text';

/** The Agents SDK at its newest, the openai 7 it needs, zod 4 for tool parameters. */
export const OPENAI_AGENTS_DEPENDENCIES = { '@opentelemetry/api': '1.10.0', '@openai/agents': '0.20.0', openai: '7.59.0', zod: '4.6.7' };
const FIXTURES = ['scenario.cjs', 'app.cjs', 'app.mjs'].map((f) => resolve(ROOT, 'test/fixtures/openai-agents', f));

let appDir: string;
let llm: Awaited<ReturnType<typeof startCannedLlm>>;
beforeAll(async () => {
  appDir = throwawayApp(await installApp(OPENAI_AGENTS_DEPENDENCIES), FIXTURES);
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

const DURATION = 'gen_ai_client_operation_duration_seconds';
const TOKENS = 'gen_ai_client_token_usage';
const AGENT = 'gen_ai_invoke_agent_duration_seconds';
const TOOL = 'gen_ai_execute_tool_duration_seconds';
const WORKFLOW = 'gen_ai_workflow_duration_seconds';
const HANDOFFS = 'agent_handoffs_total';
const OUTPUTS = ['done', 'done', 'done', 'done'];
/** What the SDK itself prints when its default exporter to OpenAI's backend has no API key (the test sets none). */
const SDK_NO_KEY = 'No API key provided for OpenAI tracing exporter. Exports will be skipped';

async function runApp(args: string[], env: Record<string, string> = {}): Promise<{ ready: Record<string, unknown>; list: Sample[]; requests: number }> {
  const before = llm.requests.get('/v1/responses') ?? 0;
  const port = await freePort();
  // vitest sets NODE_ENV=test, under which the SDK turns its tracing off: the app runs as in production.
  app = runNode(args, { LLM_URL: llm.url, OTEL_EXPORTER_PROMETHEUS_PORT: String(port), NODE_ENV: 'production', ...env }, 60000, appDir);
  const ready = await app.ready;
  const list = samples(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
  return { ready, list, requests: (llm.requests.get('/v1/responses') ?? 0) - before };
}

/** Model calls per series (model, error type), and tokens per model and type. */
function modelCalls(list: Sample[]) {
  // The app's warm-up call (the openai client on its own) is not an agent's.
  const agents = list.filter((s) => s.labels.gen_ai_request_model !== 'gpt-warm-up');
  return {
    calls: tally(agents, `${DURATION}_count`, ['otel_scope_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'error_type']),
    tokens: tally(agents, `${TOKENS}_sum`, ['gen_ai_request_model', 'gen_ai_token_type']),
  };
}

const w = CANNED.agents['agent-weather'];
const t = CANNED.agents['agent-triage'];
/** Four runs: 2 + 2 + 2 (after the handoff) + 2 (streamed) weather turns, 1 triage turn. */
const EXPECTED_MODEL_CALLS = {
  calls: { 'agentmeter openai agent-weather': 8, 'agentmeter openai agent-triage': 1 },
  tokens: {
    'agent-weather input': 8 * w.input_tokens,
    'agent-weather output': 8 * w.output_tokens,
    'agent-weather cache_read': 8 * w.input_tokens_details.cached_tokens,
    'agent-weather reasoning': 8 * w.output_tokens_details.reasoning_tokens,
    'agent-triage input': t.input_tokens,
    'agent-triage output': t.output_tokens,
    'agent-triage cache_read': 0,
    'agent-triage reasoning': 0,
  },
};

function expectAgentSeries(list: Sample[]): void {
  expect(tally(list, `${AGENT}_count`, ['gen_ai_agent_name', 'error_type'])).toEqual({ weather: 4, triage: 1 });
  expect(tally(list, `${TOOL}_count`, ['gen_ai_tool_name', 'gen_ai_agent_name', 'error_type'])).toEqual({ 'get_weather weather': 3, 'lookup_failing weather tool_error': 1 });
  // Each get_weather sleeps 45 ms.
  expect(sum(list, `${TOOL}_sum`, { gen_ai_tool_name: 'get_weather' })).toBeGreaterThanOrEqual(3 * 0.045);
  expect(tally(list, HANDOFFS, ['gen_ai_agent_name', 'agent_handoff_target'])).toEqual({ 'triage weather': 1 });
  expect(tally(list, `${WORKFLOW}_count`, ['gen_ai_workflow_name'])).toEqual({ 'Agent workflow': 4 });
  // A run lasts at least its model calls: 2 plain turns of the weather agent are 2 × 0.17 s.
  expect(sum(list, `${AGENT}_sum`, { gen_ai_agent_name: 'weather' })).toBeGreaterThanOrEqual(3 * 2 * CANNED.replySeconds + 2 * CANNED.streamSeconds);
}

/** Stderr lines other than the SDK's own about its exporter's missing key. */
const ownLines = (stderr: string) => stderr.split('\n').filter((l) => l !== '' && l !== SDK_NO_KEY);

describe.each([
  ['CommonJS, --require', ['--require', 'agentmeter/register', 'app.cjs']],
  ['ESM, --import', ['--import', 'agentmeter/register', 'app.mjs']],
])('@openai/agents with %s', (_build, args) => {
  it('agents, tool calls (one failing), the handoff, workflows; each model call once, by the openai hook', async () => {
    const { ready, list, requests } = await runApp(args);
    expect(ready).toEqual({ ready: true, outputs: OUTPUTS, received: null });
    // The warm-up and the agents' nine turns; nothing else (the SDK's exporter goes to OpenAI's backend, never here).
    expect(requests).toBe(10);
    expectAgentSeries(list);
    expect(modelCalls(list)).toEqual(EXPECTED_MODEL_CALLS);
    // Non-streamed turns take 0.17 s (above 0.16, within 0.64 even on a loaded machine), the two
    // streamed ones 0.65 s to their last event (in (0.64, 1.28]).
    const buckets = tally(list, `${DURATION}_bucket`, ['le'], { gen_ai_request_model: 'agent-weather' });
    expect([buckets['0.16'], buckets['0.64'], buckets['1.28']]).toEqual([0, 6, 8]);
    expect(sum(list, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', { gen_ai_request_model: 'agent-weather' })).toBe(2);
    expect(ownLines(app!.stderr())).toEqual([]);
  });
});

describe('beside the app’s own trace processor', () => {
  // task 4, agent 5 (triage and weather in the third run), turn 9, response 9 (one per model
  // call), function 4, handoff 1; and 4 traces.
  const SPANS = { trace: 4, task: 4, agent: 5, turn: 9, response: 9, function: 4, handoff: 1 };

  it('added with addTraceProcessor: it receives every span, and the counts are the same', async () => {
    const { ready, list } = await runApp(['--import', 'agentmeter/register', 'app.mjs'], { USER_PROCESSOR: 'add' });
    expect(ready).toEqual({ ready: true, outputs: OUTPUTS, received: SPANS });
    expectAgentSeries(list);
    expect(modelCalls(list)).toEqual(EXPECTED_MODEL_CALLS);
  });

  it('set with setTraceProcessors (the SDK’s exporter dropped): ours stays, the app’s gets every span', async () => {
    const { ready, list } = await runApp(['--require', 'agentmeter/register', 'app.cjs'], { USER_PROCESSOR: 'set' });
    expect(ready).toEqual({ ready: true, outputs: OUTPUTS, received: SPANS });
    expectAgentSeries(list);
    expect(modelCalls(list)).toEqual(EXPECTED_MODEL_CALLS);
    expect(app!.stderr()).toBe('');
  });

  it('the same spans reach the app’s processor without agentmeter', async () => {
    const { ready, list } = await runApp(['--import', 'agentmeter/register', 'app.mjs'], { USER_PROCESSOR: 'add', AGENTMETER_INSTRUMENTATIONS: 'none' });
    expect(ready).toEqual({ ready: true, outputs: OUTPUTS, received: SPANS });
    expect(sum(list, `${AGENT}_count`) + sum(list, `${DURATION}_count`)).toBe(0);
  });
});

describe('which hook counts a model call', () => {
  it('with the openai hook off, each model call is counted from its span: the same counts and tokens', async () => {
    const { list } = await runApp(['--import', 'agentmeter/register', 'app.mjs'], { AGENTMETER_INSTRUMENTATIONS: 'openai-agents' });
    expectAgentSeries(list);
    expect(modelCalls(list)).toEqual(EXPECTED_MODEL_CALLS);
    // Spans have no chunk timings.
    expect(sum(list, 'gen_ai_client_operation_time_to_first_chunk_seconds_count')).toBe(0);
  });

  it('with openai-agents off, the model calls are still counted once, and no agent series appear', async () => {
    const { list } = await runApp(['--require', 'agentmeter/register', 'app.cjs'], { AGENTMETER_INSTRUMENTATIONS: 'openai' });
    expect(modelCalls(list)).toEqual(EXPECTED_MODEL_CALLS);
    expect(sum(list, `${AGENT}_count`) + sum(list, `${TOOL}_count`) + sum(list, HANDOFFS) + sum(list, `${WORKFLOW}_count`)).toBe(0);
  });
});

describe('tracing disabled by the app', () => {
  it('OPENAI_AGENTS_DISABLE_TRACING: no spans, so no agent series and one stderr line; model calls still counted', async () => {
    const { ready, list } = await runApp(['--import', 'agentmeter/register', 'app.mjs'], { OPENAI_AGENTS_DISABLE_TRACING: '1', USER_PROCESSOR: 'add' });
    expect(ready).toEqual({ ready: true, outputs: OUTPUTS, received: {} });
    expect(sum(list, `${AGENT}_count`) + sum(list, `${TOOL}_count`) + sum(list, HANDOFFS) + sum(list, `${WORKFLOW}_count`)).toBe(0);
    expect(modelCalls(list)).toEqual(EXPECTED_MODEL_CALLS);
    expect(ownLines(app!.stderr())).toEqual([
      'agentmeter: @openai/agents tracing is disabled (OPENAI_AGENTS_DISABLE_TRACING, setTracingDisabled or NODE_ENV=test), so its agents, tool calls and handoffs are not measured; its model calls still are, by the openai instrumentation',
    ]);
  });
});
