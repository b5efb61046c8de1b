// The AI SDK's event fields in the conventions' terms: provider names, token types, the agent
// label of a run and a tool's failure, including ids and names a model or peer chose.
import { describe, expect, it } from 'vitest';
import { agentLabel, embeddingTokens, providerName, tokenCounts, toolExecutionSeconds, toolFailure, resultsHidden } from '../../../../src/instrumentations/ai-sdk/mapping';

describe('providerName', () => {
  it.each([
    ['openai.chat', 'openai'],
    ['openai.responses', 'openai'],
    ['openai.embedding', 'openai'],
    ['anthropic.messages', 'anthropic'],
    ['google.generative-ai', 'gcp.gemini'],
    ['google.vertex.chat', 'gcp.vertex_ai'],
    ['vertex.anthropic.messages', 'gcp.vertex_ai'],
    ['google-vertex', 'gcp.vertex_ai'],
    ['amazon-bedrock', 'aws.bedrock'],
    ['azure.chat', 'azure.ai.openai'],
    ['azure.responses', 'azure.ai.openai'],
    ['mistral.chat', 'mistral_ai'],
    ['cohere.chat', 'cohere'],
    ['groq.chat', 'groq'],
    ['deepseek.chat', 'deepseek'],
    ['perplexity', 'perplexity'],
    ['xai.chat', 'x_ai'],
    ['OpenAI.Chat', 'openai'],
    // Unknown providers: the first part, the rest being the API flavour; bounded downstream.
    ['togetherai.chat', 'togetherai'],
    ['gateway', 'gateway'],
    ['mock-provider', 'mock-provider'],
    // Hostile ids are data: Object.prototype's names are never looked up on a plain object.
    ['__proto__', '__proto__'],
    ['constructor.chat', 'constructor'],
    ['toString', 'tostring'],
    ['hasOwnProperty.x', 'hasownproperty'],
    ['.chat', '_OTHER'],
    ['', '_OTHER'],
  ])('%j → %j', (id, expected) => {
    expect(providerName(id)).toBe(expected);
  });

  it.each([[undefined], [null], [42], [{ toString: () => 'openai' }]])('not a string (%j) → _OTHER', (id) => {
    expect(providerName(id)).toBe('_OTHER');
  });
});

describe('tokenCounts', () => {
  it('reads the provider shape of a languageModelCall result: totals as given, cache and reasoning on their own', () => {
    const usage = { inputTokens: { total: 120, noCache: 80, cacheRead: 30, cacheWrite: 10 }, outputTokens: { total: 40, text: 30, reasoning: 10 } };
    expect(tokenCounts(usage)).toEqual({ inputTokens: 120, outputTokens: 40, cacheReadTokens: 30, cacheWriteTokens: 10, reasoningTokens: 10 });
  });

  it('adds the parts when a provider leaves a total out', () => {
    const usage = { inputTokens: { noCache: 80, cacheRead: 30 }, outputTokens: { text: 30, reasoning: 10 } };
    expect(tokenCounts(usage)).toEqual({ inputTokens: 110, outputTokens: 40, cacheReadTokens: 30, cacheWriteTokens: undefined, reasoningTokens: 10 });
  });

  it('reads the SDK shape of the integration events', () => {
    const usage = {
      inputTokens: 60,
      inputTokenDetails: { noCacheTokens: 40, cacheReadTokens: 20, cacheWriteTokens: 0 },
      outputTokens: 25,
      outputTokenDetails: { textTokens: 25, reasoningTokens: 0 },
      totalTokens: 85,
    };
    expect(tokenCounts(usage)).toEqual({ inputTokens: 60, outputTokens: 25, cacheReadTokens: 20, cacheWriteTokens: 0, reasoningTokens: 0 });
  });

  it.each([
    [undefined, {}],
    [null, {}],
    ['lots', {}],
    [{}, { inputTokens: undefined, outputTokens: undefined, cacheReadTokens: undefined, cacheWriteTokens: undefined, reasoningTokens: undefined }],
    [{ inputTokens: { total: -1 }, outputTokens: { total: Number.NaN } }, { inputTokens: undefined, outputTokens: undefined, cacheReadTokens: undefined, cacheWriteTokens: undefined, reasoningTokens: undefined }],
    [{ inputTokens: '10', outputTokens: Infinity }, { inputTokens: undefined, outputTokens: undefined, cacheReadTokens: undefined, cacheWriteTokens: undefined, reasoningTokens: undefined }],
  ])('leaves out what is not a count: %j', (usage, expected) => {
    expect(tokenCounts(usage)).toEqual(expected);
  });

  it('embeddings: the input tokens', () => {
    expect([embeddingTokens({ tokens: 8 }), embeddingTokens({}), embeddingTokens(undefined)]).toEqual([{ inputTokens: 8 }, {}, {}]);
  });
});

describe('agentLabel', () => {
  it.each([
    ['generateText', {}, 'generateText'],
    ['streamText', {}, 'streamText'],
    ['generateText', { functionId: 'triage' }, 'triage'],
    ['generateText', { functionId: '' }, 'generateText'],
    ['generateText', { functionId: 7 }, 'generateText'],
    ['generateText', { headers: { 'user-agent': 'ai-sdk-agent/tool-loop ai/7.0.173' } }, 'ToolLoopAgent'],
    ['streamText', { headers: { 'user-agent': 'ai-sdk-agent/tool-loop ai/7.0.173' }, functionId: 'writer' }, 'writer'],
    ['generateText', { headers: { 'user-agent': 'mine ai/7.0.173' } }, 'generateText'],
    ['generateText', { functionId: '__proto__' }, '__proto__'],
  ] as const)('%s %j → %j', (type, event, expected) => {
    expect(agentLabel(type, event)).toBe(expected);
  });
});

describe('tool results', () => {
  class LookupError extends Error {
    code = 'E_LOOKUP';
  }
  const failure = new LookupError('no');

  it.each([
    [{ output: { type: 'tool-result', output: 'sunny' }, toolExecutionMs: 3 }, undefined],
    [{ output: { type: 'tool-error', error: failure }, toolExecutionMs: 3 }, failure],
    [{ output: { type: 'tool-error', error: undefined } }, '_OTHER'],
    [{ output: { type: 'tool-error', error: '' } }, '_OTHER'],
    [{ output: { type: 'tool-error', error: 'quota' } }, 'quota'],
    [undefined, undefined],
    [{}, undefined],
  ])('failure of %j', (result, expected) => {
    expect(toolFailure(result)).toBe(expected);
  });

  it('uses the SDK’s own execute time when it has one', () => {
    expect([toolExecutionSeconds({ toolExecutionMs: 250 }), toolExecutionSeconds({ toolExecutionMs: -1 }), toolExecutionSeconds(undefined)]).toEqual([0.25, undefined, undefined]);
  });

  it('knows when the channel hides results', () => {
    expect([resultsHidden({}), resultsHidden({ recordInputs: false }), resultsHidden({ recordOutputs: false }), resultsHidden({ recordOutputs: true })]).toEqual([false, true, true, false]);
  });
});
