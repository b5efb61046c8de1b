import { beforeEach, describe, expect, it } from 'vitest';
import { recordLlmCall } from '../../../src/record/llm';
import { LlmStreamTimer } from '../../../src/record/llm-stream';
import { histogramOf, resetStore } from '../helpers';

beforeEach(resetStore);

const base = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-5' };
const tokens = (type: string) => histogramOf('gen_ai.client.token.usage', { ...base, 'gen_ai.token.type': type })?.sum;

describe('recordLlmCall token types', () => {
  it('records input (cache included), output (reasoning included) and their parts as separate types', () => {
    recordLlmCall({ provider: 'openai', model: 'gpt-5', seconds: 1, inputTokens: 1000, outputTokens: 300, cacheReadTokens: 600, cacheWriteTokens: 100, reasoningTokens: 200 });
    expect(['input', 'output', 'cache_read', 'cache_write', 'reasoning'].map(tokens)).toEqual([1000, 300, 600, 100, 200]);
  });

  it('takes the deprecated cacheCreationTokens as cache_write, and cacheWriteTokens over it', () => {
    recordLlmCall({ provider: 'openai', model: 'gpt-5', seconds: 1, cacheCreationTokens: 40 });
    recordLlmCall({ provider: 'openai', model: 'gpt-5', seconds: 1, cacheCreationTokens: 7, cacheWriteTokens: 5 });
    expect(histogramOf('gen_ai.client.token.usage', { ...base, 'gen_ai.token.type': 'cache_write' })).toMatchObject({ count: 2, sum: 45 });
  });

  it('records time to first chunk when given', () => {
    recordLlmCall({ provider: 'openai', model: 'gpt-5', seconds: 2, timeToFirstChunkSeconds: 0.3 });
    recordLlmCall({ provider: 'openai', model: 'gpt-5', seconds: 2 });
    expect(histogramOf('gen_ai.client.operation.time_to_first_chunk', base)).toMatchObject({ count: 1, sum: 0.3 });
  });
});

describe('LlmStreamTimer', () => {
  it('records the first chunk from the request, then each later chunk from the one before', () => {
    const timer = new LlmStreamTimer({ provider: 'openai', model: 'gpt-5' }, 1000);
    expect(timer.firstChunkSeconds).toBeUndefined();
    timer.chunk(1250);
    timer.chunk(1260);
    timer.chunk(1290);
    expect(timer.firstChunkSeconds).toBe(0.25);
    expect(histogramOf('gen_ai.client.operation.time_to_first_chunk', base)).toMatchObject({ count: 1, sum: 0.25 });
    const intervals = histogramOf('gen_ai.client.operation.time_per_output_chunk', base)!;
    expect(intervals.count).toBe(2);
    expect(intervals.sum).toBeCloseTo(0.04, 10);
  });

  it('records nothing for a stream with bad labels, and never throws', () => {
    const timer = new LlmStreamTimer({ provider: '', model: 'gpt-5' }, 0);
    expect(() => {
      timer.chunk(10);
      timer.chunk(20);
    }).not.toThrow();
    expect(histogramOf('gen_ai.client.operation.time_per_output_chunk', { ...base, 'gen_ai.provider.name': '' })).toBeUndefined();
  });
});
