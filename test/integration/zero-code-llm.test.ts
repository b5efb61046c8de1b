// `register` alone gives LLM metrics: the official @opentelemetry/instrumentation-openai for the
// openai SDK and agentmeter's instrumentation for @anthropic-ai/sdk, both SDKs installed from npm
// and pointed at a canned local server. One Prometheus family per name holds both (one # TYPE,
// promtool clean, MCP series beside them), with exact durations (by bucket), token counts and
// error types; and the same data arrives through Kafka and the Collector, which serves one
// description per family.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CANNED } from '../infra/canned-llm';
import { llmAppSuite } from '../infra/llm-app-suite';
import { runNode, type RunningChild } from '../infra/child';
import { collectorService, kafkaService } from '../infra/kafka-helpers';
import { freePort } from '../infra/process.mjs';
import { prometheus, query, waitForQuery, type Sample as PromSample } from '../infra/prom';
import { durationsPerBucket, samples, sum, tally, typeLines } from '../infra/prom-text';
import { zeroCodeApp } from '../infra/zero-code-app';

const suite = llmAppSuite(async () => (await zeroCodeApp()).dir);

let app: RunningChild | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const OPENAI = { otel_scope_name: '@opentelemetry/instrumentation-openai', gen_ai_system: 'openai' };
const ANTHROPIC = { otel_scope_name: 'agentmeter', gen_ai_provider_name: 'anthropic' };
const DURATION = 'gen_ai_client_operation_duration_seconds';
const TOKENS = 'gen_ai_client_token_usage';


describe('node --require agentmeter/register with the OpenAI and Anthropic SDKs', () => {
  it('durations by bucket, tokens by type and error types match the canned answers, in one family per name', async () => {
    const port = await freePort();
    app = runNode(['--require', 'agentmeter/register', 'llm-app.cjs'], { LLM_URL: suite.llm.url, OTEL_EXPORTER_PROMETHEUS_PORT: String(port) }, 60000, suite.dir);
    expect(await app.ready).toEqual({ ready: true, openaiText: 'Hello', anthropicText: 'Hello', errors: ['RateLimitError', 'RateLimitError'] });
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const list = samples(text);

    // One # TYPE per family although two scopes feed each, and promtool finds nothing wrong with
    // a page that also has the MCP series (the app calls a tool of an in-process MCP server).
    expect(typeLines(text)[DURATION]).toBe(1);
    expect(typeLines(text)[TOKENS]).toBe(1);
    const toolCall = { mcp_method_name: 'tools/call', gen_ai_tool_name: 'weather' };
    expect(sum(list, 'mcp_server_operation_duration_seconds_count', toolCall)).toBe(1);
    // The app's client calls the tool without listing the server's tools first: to the client the
    // name is the caller's own, so it is `_unknown` there (docs/zero-code.md, names come from the server).
    expect(sum(list, 'mcp_client_operation_duration_seconds_count', { ...toolCall, gen_ai_tool_name: '_unknown' })).toBe(1);
    expect(sum(list, 'gen_ai_execute_tool_duration_seconds_count', { gen_ai_tool_name: 'weather' })).toBe(1);
    const check = spawnSync(prometheus().promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);

    // Two plain answers in (0.16, 0.32], the stream timed to its last event in (0.64, 1.28], the
    // 429 in (0.32, 0.64]: the same for both SDKs.
    const expected = { '0.32': 2, '1.28': 1 };
    expect(durationsPerBucket(list, { ...OPENAI, gen_ai_request_model: 'gpt-4o-mini', error_type: '' })).toEqual(expected);
    expect(durationsPerBucket(list, { ...ANTHROPIC, gen_ai_request_model: 'claude-test-1', error_type: '' })).toEqual(expected);
    expect(durationsPerBucket(list, { ...OPENAI, gen_ai_request_model: 'gpt-rate-limited', error_type: 'RateLimitError' })).toEqual({ '0.64': 1 });
    expect(durationsPerBucket(list, { ...ANTHROPIC, gen_ai_request_model: 'claude-rate-limited', error_type: 'RateLimitError' })).toEqual({ '0.64': 1 });
    const least = 2 * CANNED.replySeconds + CANNED.streamSeconds;
    for (const labels of [{ ...OPENAI, gen_ai_request_model: 'gpt-4o-mini' }, { ...ANTHROPIC, gen_ai_request_model: 'claude-test-1' }]) {
      expect(sum(list, `${DURATION}_sum`, labels)).toBeGreaterThanOrEqual(least);
      expect(sum(list, `${DURATION}_sum`, labels)).toBeLessThan(least + 1.5);
    }

    // Tokens: OpenAI's prompt and completion; Anthropic's input counting its cache tokens, and
    // the cache reads and writes on their own.
    const { usage, streamUsage } = CANNED.openai;
    expect(tally(list, `${TOKENS}_sum`, ['gen_ai_token_type'], { ...OPENAI, gen_ai_request_model: 'gpt-4o-mini' })).toEqual({
      input: 2 * usage.prompt_tokens + streamUsage.prompt_tokens,
      output: 2 * usage.completion_tokens + streamUsage.completion_tokens,
    });
    const a = CANNED.anthropic;
    expect(tally(list, `${TOKENS}_sum`, ['gen_ai_token_type'], { ...ANTHROPIC, gen_ai_request_model: 'claude-test-1' })).toEqual({
      input: 2 * (a.usage.input_tokens + a.usage.cache_read_input_tokens + a.usage.cache_creation_input_tokens) + a.streamStart.input_tokens + a.streamStart.cache_read_input_tokens + a.streamStart.cache_creation_input_tokens,
      output: 2 * a.usage.output_tokens + a.streamOutputTokens,
      cache_read: 2 * a.usage.cache_read_input_tokens + a.streamStart.cache_read_input_tokens,
      cache_write: 2 * a.usage.cache_creation_input_tokens + a.streamStart.cache_creation_input_tokens,
    });
    expect(tally(list, `${TOKENS}_count`, ['gen_ai_token_type'], { ...ANTHROPIC, gen_ai_request_model: 'claude-test-1' })).toEqual({ input: 3, output: 3, cache_read: 3, cache_write: 3 });
    expect(sum(list, `${DURATION}_count`, { gen_ai_request_model: 'gpt-warm-up' }) + sum(list, `${DURATION}_count`, { gen_ai_request_model: 'claude-warm-up' })).toBe(2);
    // No token series for the calls that failed.
    expect(sum(list, `${TOKENS}_count`, { gen_ai_request_model: 'gpt-rate-limited' }) + sum(list, `${TOKENS}_count`, { gen_ai_request_model: 'claude-rate-limited' })).toBe(0);
    expect(app.stderr()).toBe('');
  });
});

describe('the same app through Kafka and the Collector', () => {
  const byKey = (r: PromSample[], keys: string[]) => Object.fromEntries(r.map((s) => [keys.map((k) => s.metric[k] ?? '').join(' '), Number(s.value[1])]));

  it('delivers both scopes’ series under one name, with the values the direct endpoint serves', async () => {
    const service = `zero-code-llm-${process.pid}`;
    const port = await freePort();
    app = runNode(['--require', 'agentmeter/register', 'llm-app.cjs'], {
      LLM_URL: suite.llm.url,
      OTEL_SERVICE_NAME: service,
      OTEL_METRICS_EXPORTER: 'prometheus,kafka',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_METRIC_EXPORT_INTERVAL: '500',
      AGENTMETER_KAFKA_BROKERS: kafkaService().brokers,
    }, 60000, suite.dir);
    await app.ready;
    const direct = samples(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    const via = `path="collector",job="${service}"`;
    const tokens = `sum by (otel_scope_name, gen_ai_token_type) (${TOKENS}_sum{${via}})`;
    const expected: Record<string, number> = {};
    for (const scope of [OPENAI.otel_scope_name, ANTHROPIC.otel_scope_name]) {
      for (const [type, value] of Object.entries(tally(direct, `${TOKENS}_sum`, ['gen_ai_token_type'], { otel_scope_name: scope }))) expected[`${scope} ${type}`] = value;
    }
    // Exports arrive every 500 ms: wait for the last one, then compare exactly.
    const sorted = (o: Record<string, number>): string => JSON.stringify(Object.entries(o).sort());
    const result = await waitForQuery(tokens, (r) => sorted(byKey(r, ['otel_scope_name', 'gen_ai_token_type'])) === sorted(expected), 45000);
    expect(byKey(result, ['otel_scope_name', 'gen_ai_token_type'])).toEqual(expected);
    // The token series can all be there before the last call (a 429, no tokens) reaches the
    // Collector: wait for the four call series too.
    const calls = await waitForQuery(`sum by (otel_scope_name, error_type) (${DURATION}_count{${via}})`, (r) => r.length === 4, 45000);
    // Per SDK: the warm-up, two plain and one streamed call, and the 429.
    expect(byKey(calls, ['otel_scope_name', 'error_type'])).toEqual({
      [`${OPENAI.otel_scope_name} `]: 4,
      [`${OPENAI.otel_scope_name} RateLimitError`]: 1,
      [`${ANTHROPIC.otel_scope_name} `]: 4,
      [`${ANTHROPIC.otel_scope_name} RateLimitError`]: 1,
    });
    // The Collector's own page: one HELP and TYPE for the family, whoever's series came first.
    const page = await (await fetch(`http://${collectorService().prometheusEndpoint}/metrics`)).text();
    expect(page.split('\n').filter((l) => l.startsWith(`# HELP ${DURATION} `) || l.startsWith(`# TYPE ${DURATION} `))).toEqual([
      `# HELP ${DURATION} GenAI operation duration`,
      `# TYPE ${DURATION} histogram`,
    ]);
  });

  it('keeps every series, under one of the two descriptions, when two scopes word a family differently', async () => {
    const service = `zero-code-help-${process.pid}`;
    app = runNode(['--require', 'agentmeter/register', 'help-conflict.cjs'], {
      OTEL_SERVICE_NAME: service,
      OTEL_METRICS_EXPORTER: 'kafka',
      OTEL_METRIC_EXPORT_INTERVAL: '500',
      AGENTMETER_KAFKA_BROKERS: kafkaService().brokers,
    }, 60000, suite.dir);
    await app.ready;
    const series = await waitForQuery(`zero_code_conflict_seconds_sum{path="collector",job="${service}"}`, (r) => r.length === 2, 45000);
    expect(byKey(series, ['otel_scope_name'])).toEqual({ 'zero-code-a': 1, 'zero-code-b': 2 });
    // Which wording the Collector serves is not fixed (it has served either in these tests): the
    // reason agentmeter words shared instruments exactly as the official instrumentation does.
    for (let i = 0; i < 3; i++) {
      const page = await (await fetch(`http://${collectorService().prometheusEndpoint}/metrics`)).text();
      const help = page.split('\n').filter((l) => l.startsWith('# HELP zero_code_conflict_seconds '));
      expect(help).toHaveLength(1);
      expect(['# HELP zero_code_conflict_seconds First wording', '# HELP zero_code_conflict_seconds Second wording']).toContain(help[0]);
    }
  });
});
