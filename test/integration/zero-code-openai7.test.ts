// `register` alone measures openai 7, which the official @opentelemetry/instrumentation-openai
// (0.22, openai 4.19 to 6) does not patch: agentmeter's instrumentation under the same `openai`
// name, with the real SDK from npm, in its CommonJS and ESM builds, pointed at the canned server.
// Exact counts by bucket, tokens by type (cached and reasoning parts included), chunk timings,
// error classes; the official instrumentation, also enabled, adds no series (each call once).
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CANNED } from '../infra/canned-llm';
import { llmAppSuite } from '../infra/llm-app-suite';
import { ROOT, runNode, type RunningChild } from '../infra/child';
import { installApp, throwawayApp } from '../infra/npm-app';
import { freePort } from '../infra/process.mjs';
import { samples, sum, tally, type Sample, durationsPerBucket } from '../infra/prom-text';

/** openai at its newest major (7), and the API agentmeter's peer range asks for. */
export const OPENAI7_DEPENDENCIES = { '@opentelemetry/api': '1.10.0', openai: '7.59.0' };
const FIXTURES = ['scenario.cjs', 'app.cjs', 'app.mjs'].map((f) => resolve(ROOT, 'test/fixtures/openai7', f));

const suite = llmAppSuite(async () => throwawayApp(await installApp(OPENAI7_DEPENDENCIES), FIXTURES));

let app: RunningChild | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const DURATION = 'gen_ai_client_operation_duration_seconds';
const TOKENS = 'gen_ai_client_token_usage';
const FIRST = 'gen_ai_client_operation_time_to_first_chunk_seconds';
const PER_CHUNK = 'gen_ai_client_operation_time_per_output_chunk_seconds';
const OURS = { otel_scope_name: 'agentmeter', gen_ai_provider_name: 'openai' };

async function scrape(port: number): Promise<{ text: string; list: Sample[] }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return { text, list: samples(text) };
}

describe.each([
  ['CommonJS, --require', ['--require', 'agentmeter/register', 'app.cjs']],
  ['ESM, --import', ['--import', 'agentmeter/register', 'app.mjs']],
])('openai 7 with %s', (_build, args) => {
  it('counts every call once, with durations by bucket, tokens by type, chunk timings and error classes', async () => {
    const port = await freePort();
    app = runNode(args, { LLM_URL: suite.llm.url, OTEL_EXPORTER_PROMETHEUS_PORT: String(port) }, 60000, suite.dir);
    expect(await app.ready).toEqual({ ready: true, texts: Array(8).fill('Hello'), errors: ['RateLimitError', 'RateLimitError'], dimensions: 2 });
    const { list } = await scrape(port);

    // Every series is agentmeter's: the official instrumentation, enabled too, leaves openai 7 alone.
    const calls = tally(list, `${DURATION}_count`, ['otel_scope_name', 'gen_ai_operation_name', 'gen_ai_request_model', 'error_type'], { gen_ai_provider_name: 'openai' });
    expect(calls).toEqual({
      'agentmeter chat gpt-warm-up': 1,
      'agentmeter chat gpt-4o-mini': 3,
      'agentmeter chat gpt-4o-detailed': 2,
      'agentmeter chat gpt-5-mini': 3,
      'agentmeter chat gpt-rate-limited RateLimitError': 2,
      'agentmeter embeddings text-embedding-3-small': 1,
    });
    expect(sum(list, `${DURATION}_count`, { otel_scope_name: '@opentelemetry/instrumentation-openai' })).toBe(0);

    // Plain answers in (0.16, 0.32], streams timed to their last event in (0.64, 1.28], 429s in (0.32, 0.64].
    expect(durationsPerBucket(list, { ...OURS, gen_ai_request_model: 'gpt-4o-mini' })).toEqual({ '0.32': 2, '1.28': 1 });
    expect(durationsPerBucket(list, { ...OURS, gen_ai_request_model: 'gpt-4o-detailed' })).toEqual({ '0.32': 1, '1.28': 1 });
    expect(durationsPerBucket(list, { ...OURS, gen_ai_request_model: 'gpt-5-mini' })).toEqual({ '0.32': 1, '1.28': 2 });
    expect(durationsPerBucket(list, { ...OURS, gen_ai_request_model: 'gpt-rate-limited', error_type: 'RateLimitError' })).toEqual({ '0.64': 2 });

    // Tokens: input counts the cached part, output the reasoning part; each part as its own type.
    const { usage, streamUsage, details, responses } = CANNED.openai;
    const byType = (model: string) => tally(list, `${TOKENS}_sum`, ['gen_ai_token_type'], { ...OURS, gen_ai_request_model: model });
    expect(byType('gpt-4o-mini')).toEqual({ input: 2 * usage.prompt_tokens + streamUsage.prompt_tokens, output: 2 * usage.completion_tokens + streamUsage.completion_tokens });
    expect(byType('gpt-4o-detailed')).toEqual({
      input: usage.prompt_tokens + streamUsage.prompt_tokens,
      output: usage.completion_tokens + streamUsage.completion_tokens,
      cache_read: 2 * details.prompt_tokens_details.cached_tokens,
      reasoning: 2 * details.completion_tokens_details.reasoning_tokens,
    });
    expect(byType('gpt-5-mini')).toEqual({
      input: responses.usage.input_tokens + 2 * responses.streamUsage.input_tokens,
      output: responses.usage.output_tokens + 2 * responses.streamUsage.output_tokens,
      cache_read: responses.usage.input_tokens_details.cached_tokens + 2 * responses.streamUsage.input_tokens_details.cached_tokens,
      reasoning: responses.usage.output_tokens_details.reasoning_tokens + 2 * responses.streamUsage.output_tokens_details.reasoning_tokens,
    });
    expect(tally(list, `${TOKENS}_count`, ['gen_ai_token_type'], { ...OURS, gen_ai_request_model: 'gpt-5-mini' })).toEqual({ input: 3, output: 3, cache_read: 3, reasoning: 3 });
    expect(byType('text-embedding-3-small')).toEqual({ input: CANNED.openai.embeddingsUsage.prompt_tokens });
    expect(sum(list, `${TOKENS}_count`, { gen_ai_request_model: 'gpt-rate-limited' })).toBe(0);

    // Streams: one first-chunk time each; a chat stream has 4 chunks, a Responses stream 6 events.
    expect(tally(list, `${FIRST}_count`, ['gen_ai_request_model'], OURS)).toEqual({ 'gpt-4o-mini': 1, 'gpt-4o-detailed': 1, 'gpt-5-mini': 2 });
    expect(tally(list, `${PER_CHUNK}_count`, ['gen_ai_request_model'], OURS)).toEqual({ 'gpt-4o-mini': 3, 'gpt-4o-detailed': 3, 'gpt-5-mini': 10 });
    // The canned server sends the first chunk with the headers, then one every streamSeconds / 4
    // (its fifth event is [DONE], which the SDK does not hand out): the first chunk comes before a
    // quarter has passed, the fourth no sooner than three quarters after the request.
    const first = sum(list, `${FIRST}_sum`, { ...OURS, gen_ai_request_model: 'gpt-4o-mini' });
    const intervals = sum(list, `${PER_CHUNK}_sum`, { ...OURS, gen_ai_request_model: 'gpt-4o-mini' });
    expect(first).toBeLessThan(CANNED.streamSeconds / 4);
    expect(first + intervals).toBeGreaterThanOrEqual((3 / 4) * CANNED.streamSeconds);
    expect(intervals).toBeLessThan((3 / 4) * CANNED.streamSeconds + 0.5);
    expect(app.stderr()).toBe('');
  });
});

describe('turning it off', () => {
  it('AGENTMETER_INSTRUMENTATIONS without openai: no LLM series, and the calls work as before', async () => {
    const port = await freePort();
    app = runNode(['--import', 'agentmeter/register', 'app.mjs'], { LLM_URL: suite.llm.url, OTEL_EXPORTER_PROMETHEUS_PORT: String(port), AGENTMETER_INSTRUMENTATIONS: 'http,anthropic' }, 60000, suite.dir);
    expect((await app.ready).errors).toEqual(['RateLimitError', 'RateLimitError']);
    const { list } = await scrape(port);
    expect(sum(list, `${DURATION}_count`)).toBe(0);
    expect(app.stderr()).toBe('');
  });
});
