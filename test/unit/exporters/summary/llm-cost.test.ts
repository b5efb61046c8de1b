import { afterEach, describe, expect, it } from 'vitest';
import { buildSummary, summaryOfParts, summaryPart } from '../../../../src/exporters/summary/summary';
import { recordLlmCall } from '../../../../src/record/llm';
import { resetStore } from '../../helpers';

afterEach(resetStore);

/** A part as a worker sends it: through JSON. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('the summary llm_cost section', () => {
  it('is zero and empty before any LLM call', () => {
    expect(buildSummary().llm_cost).toEqual({ total_usd: 0, unpriced_calls: 0, models: [] });
  });

  it('sums agents into one row per provider and model, the most spent first, with unpriced calls beside', () => {
    // gpt-4o: 2.5 and 10 USD per million input and output tokens (@pydantic/genai-prices 0.1.8).
    recordLlmCall({ provider: 'openai', model: 'gpt-4o', agent: 'planner', seconds: 1, inputTokens: 400_000, outputTokens: 0 });
    recordLlmCall({ provider: 'openai', model: 'gpt-4o', agent: 'writer', seconds: 1, inputTokens: 0, outputTokens: 100_000 });
    // o3: 2 USD per million input tokens.
    recordLlmCall({ provider: 'openai', model: 'o3', seconds: 1, inputTokens: 250_000, outputTokens: 0 });
    recordLlmCall({ provider: 'openai', model: 'o3', seconds: 1 });
    recordLlmCall({ provider: 'acme', model: '__proto__', seconds: 1, inputTokens: 1, outputTokens: 1 });
    expect(buildSummary().llm_cost).toEqual({
      total_usd: 2.5,
      unpriced_calls: 2,
      models: [
        { provider: 'openai', model: 'gpt-4o', usd: 2, unpriced_calls: 0 },
        { provider: 'openai', model: 'o3', usd: 0.5, unpriced_calls: 1 },
        { provider: 'acme', model: '__proto__', usd: 0, unpriced_calls: 1 },
      ],
    });
  });

  it('adds up the parts of several processes', () => {
    recordLlmCall({ provider: 'openai', model: 'gpt-4o', seconds: 1, inputTokens: 400_000, outputTokens: 0 });
    const first = wire(summaryPart());
    resetStore();
    recordLlmCall({ provider: 'openai', model: 'gpt-4o', seconds: 1, inputTokens: 0, outputTokens: 100_000 });
    recordLlmCall({ provider: 'openai', model: 'nope', seconds: 1, inputTokens: 1, outputTokens: 1 });
    const summary = summaryOfParts([first, wire(summaryPart())]);
    expect(summary.llm_cost).toEqual({
      total_usd: 2,
      unpriced_calls: 1,
      models: [
        { provider: 'openai', model: 'gpt-4o', usd: 2, unpriced_calls: 0 },
        { provider: 'openai', model: 'nope', usd: 0, unpriced_calls: 1 },
      ],
    });
  });
});
