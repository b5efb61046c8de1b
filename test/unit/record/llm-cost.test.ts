import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordLlmCall } from '../../../src/record/llm';
import { parseLlmPrices, setLlmPrices } from '../../../src/record/llm-prices';
import { metric, resetStore, valueOf } from '../helpers';

beforeEach(resetStore);
afterEach(() => setLlmPrices(undefined));

const COST = 'agent.llm.cost';
const UNPRICED = 'agent.llm.unpriced_calls';
const labels = (provider: string, model: string, agent?: string) => ({
  'gen_ai.provider.name': provider,
  'gen_ai.request.model': model,
  ...(agent === undefined ? {} : { 'gen_ai.agent.name': agent }),
});

// Published prices of @pydantic/genai-prices 0.1.8, USD per million tokens. Token counts are
// chosen so each price × tokens / 1e6 is a binary fraction: the sums are exact in any order.
const GPT_4O = { input: 2.5, cacheRead: 1.25, output: 10 };
const OPUS_4_1 = { input: 15, cacheWrite: 18.75, cacheRead: 1.5, output: 75 };

describe('agent.llm.cost from the price table', () => {
  it('prices an OpenAI call: uncached input, cached input at the cache-read price, output (reasoning inside it)', () => {
    // inputTokens counts the cached ones (9375 = 3125 uncached + 6250 cached), outputTokens the reasoning ones.
    recordLlmCall({ provider: 'openai', model: 'gpt-4o', seconds: 1, inputTokens: 9375, cacheReadTokens: 6250, outputTokens: 3125, reasoningTokens: 1000 });
    const expected = (3125 * GPT_4O.input + 6250 * GPT_4O.cacheRead + 3125 * GPT_4O.output) / 1e6;
    expect(expected).toBe(0.046875);
    expect(valueOf(COST, labels('openai', 'gpt-4o'))).toBe(expected);
    expect(metric(UNPRICED)).toBeUndefined();
  });

  it('prices an Anthropic call with cache reads and cache writes at their own prices', () => {
    // Anthropic-style totals as the instrumentation records them: 6250 uncached + 15625 read + 625 written.
    recordLlmCall({ provider: 'anthropic', model: 'claude-opus-4-1-20250805', seconds: 1, inputTokens: 22500, cacheReadTokens: 15625, cacheWriteTokens: 625, outputTokens: 1250 });
    const expected = (6250 * OPUS_4_1.input + 15625 * OPUS_4_1.cacheRead + 625 * OPUS_4_1.cacheWrite + 1250 * OPUS_4_1.output) / 1e6;
    expect(expected).toBe(0.22265625);
    expect(valueOf(COST, labels('anthropic', 'claude-opus-4-1-20250805'))).toBe(expected);
  });

  it('adds calls up per provider, model and agent', () => {
    recordLlmCall({ provider: 'openai', model: 'gpt-4o', agent: 'planner', seconds: 1, inputTokens: 400_000, outputTokens: 100_000 });
    recordLlmCall({ provider: 'openai', model: 'gpt-4o', agent: 'planner', seconds: 1, inputTokens: 400_000, outputTokens: 0 });
    recordLlmCall({ provider: 'openai', model: 'gpt-4o', agent: 'writer', seconds: 1, outputTokens: 50_000 });
    expect(valueOf(COST, labels('openai', 'gpt-4o', 'planner'))).toBe(3);
    expect(valueOf(COST, labels('openai', 'gpt-4o', 'writer'))).toBe(0.5);
    expect(valueOf(COST, labels('openai', 'gpt-4o'))).toBeUndefined();
  });

  it('prices a priced call with zero tokens at exactly 0 (a real series, not an unpriced call)', () => {
    recordLlmCall({ provider: 'openai', model: 'gpt-4o', seconds: 1, inputTokens: 0, outputTokens: 0 });
    expect(valueOf(COST, labels('openai', 'gpt-4o'))).toBe(0);
    expect(metric(UNPRICED)).toBeUndefined();
  });
});

describe('agent.llm.unpriced_calls', () => {
  it('counts a model the table does not know, and records no cost for it', () => {
    recordLlmCall({ provider: 'openai', model: 'gpt-unknown-7', seconds: 1, inputTokens: 10, outputTokens: 5 });
    recordLlmCall({ provider: 'openai', model: 'gpt-unknown-7', seconds: 1, inputTokens: 10, outputTokens: 5 });
    expect(valueOf(UNPRICED, labels('openai', 'gpt-unknown-7'))).toBe(2);
    expect(metric(COST)).toBeUndefined();
  });

  it('counts a successful call without token counts; a failed one without counts is in neither', () => {
    recordLlmCall({ provider: 'openai', model: 'gpt-4o', seconds: 1 });
    recordLlmCall({ provider: 'openai', model: 'gpt-4o', seconds: 1, error: 'timeout' });
    expect(valueOf(UNPRICED, labels('openai', 'gpt-4o'))).toBe(1);
    expect(metric(COST)).toBeUndefined();
  });

  it('counts counts the table cannot split (cache reads above the input total), without throwing', () => {
    expect(() => recordLlmCall({ provider: 'openai', model: 'gpt-4o', seconds: 1, inputTokens: 10, cacheReadTokens: 100, outputTokens: 1 })).not.toThrow();
    expect(valueOf(UNPRICED, labels('openai', 'gpt-4o'))).toBe(1);
  });

  it.each(['__proto__', 'constructor', 'toString', 'x'.repeat(5000)])('treats the model name %#, hostile or overlong, as data', (model) => {
    recordLlmCall({ provider: 'openai', model, seconds: 1, inputTokens: 10, outputTokens: 5 });
    const points = metric(UNPRICED)!.dataPoints;
    expect(points.map((p) => p.value)).toEqual([1]);
    expect(points[0]!.attributes['gen_ai.request.model']).toBe(model.slice(0, 128));
  });
});

describe('price overrides', () => {
  it('win over the table for their provider and model', () => {
    setLlmPrices(parseLlmPrices({ openai: { 'gpt-4o': { input_mtok: 2, output_mtok: 8 } } }, 'llmPrices'));
    recordLlmCall({ provider: 'openai', model: 'gpt-4o', seconds: 1, inputTokens: 500_000, outputTokens: 125_000 });
    recordLlmCall({ provider: 'openai', model: 'o3', seconds: 1, inputTokens: 500_000, outputTokens: 125_000 });
    expect(valueOf(COST, labels('openai', 'gpt-4o'))).toBe((500_000 * 2 + 125_000 * 8) / 1e6);
    // o3 is not overridden: the table's 2 and 8 USD per million.
    expect(valueOf(COST, labels('openai', 'o3'))).toBe(2);
  });

  it('price a self-hosted model, cache reads and reasoning at their own prices and the rest at input and output', () => {
    setLlmPrices(parseLlmPrices({ 'self-hosted': { 'llama-3-70b': { input_mtok: 0.5, output_mtok: 1, cache_read_mtok: 0.25, output_reasoning_mtok: 2 } } }, 'llmPrices'));
    recordLlmCall({ provider: 'self-hosted', model: 'llama-3-70b', seconds: 1, inputTokens: 1_000_000, cacheReadTokens: 500_000, outputTokens: 250_000, reasoningTokens: 125_000 });
    expect(valueOf(COST, labels('self-hosted', 'llama-3-70b'))).toBe((500_000 * 0.5 + 500_000 * 0.25 + 125_000 * 1 + 125_000 * 2) / 1e6);
    expect(valueOf(COST, labels('self-hosted', 'llama-3-70b'))).toBe(0.75);
  });

  it.each([
    [[], 'llmPrices="(top level)" is not valid; allowed: not an object'],
    [{ openai: 3 }, 'llmPrices="openai" is not valid; allowed: not an object of models'],
    [{ openai: { 'gpt-4o': { input_mtok: 1 } } }, 'llmPrices="openai gpt-4o" is not valid; allowed: has no output_mtok'],
    [{ openai: { 'gpt-4o': { input_mtok: 1, output_mtok: -1 } } }, 'llmPrices="openai gpt-4o output_mtok" is not valid; allowed: not a finite number ≥ 0'],
    [{ openai: { 'gpt-4o': { input_mtok: 1, output_mtok: 2, input_per_token: 3 } } }, 'llmPrices="openai gpt-4o" is not valid; allowed: has a key other than input_mtok, output_mtok, cache_read_mtok, cache_write_mtok, output_reasoning_mtok'],
  ])('reject a bad table %# with a message naming where and the rule', (value, message) => {
    expect(() => parseLlmPrices(value, 'llmPrices')).toThrow(
      `AGM_ERR_CONFIG: ${message}; expected an object of provider → model → { input_mtok, output_mtok, cache_read_mtok?, cache_write_mtok?, output_reasoning_mtok? } in USD per million tokens`,
    );
  });
});
