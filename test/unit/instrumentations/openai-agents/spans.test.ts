// Reading Agents SDK spans: error types from what the SDK puts on a span, and the model call a
// generation or response span describes.
import { describe, expect, it } from 'vitest';
import { adapterModelCall, agentErrorType, agentOf, isoSeconds, modelErrorType, openaiModelCall, toolErrorType } from '../../../../src/instrumentations/openai-agents/spans';

describe('error types', () => {
  it.each([
    [null, undefined],
    [undefined, undefined],
    [{ message: 'Max turns exceeded', data: { max_turns: 3 } }, 'max_turns_exceeded'],
    [{ message: 'Guardrail tripwire triggered', data: { guardrail: 'no_math' } }, 'guardrail_tripwire_triggered'],
    [{ message: 'Error in agent run', data: { error: 'ModelBehaviorError: bad output' } }, 'ModelBehaviorError'],
    [{ message: 'Error in agent run', data: { error: 'Error' } }, 'agent_error'],
    [{ message: 'Error in agent run', data: { error: 'Error: 429 Rate limit reached' } }, 'agent_error'],
    [{ message: 'something new', data: null }, 'agent_error'],
    [{ message: 42 }, 'agent_error'],
  ])('agent span error %o is %s', (error, type) => {
    expect(agentErrorType(error)).toBe(type);
  });

  it.each([
    [null, undefined],
    [{ message: 'Error running tool (non-fatal)', data: { tool_name: 't', error: 'Tool execution failed. Error details are redacted.' } }, 'tool_error'],
    [{ message: 'Error running tool (non-fatal)', data: { tool_name: 't', error: 'TypeError: boom' } }, 'TypeError'],
    [{ message: 'Error running tool', data: { tool_name: 't', error: 'Error: boom' } }, 'tool_error'],
    [{ message: 'Rejected by the reviewer', data: { tool_name: 't', error: 'Tool execution for call_1 was manually rejected by user.' } }, 'tool_rejected'],
    [{ message: 'Error running tool' }, 'tool_error'],
    // A thrown text that merely looks like a class is bounded by the guard, not trusted further.
    [{ message: 'x', data: { error: `${'A'.repeat(200)}Error: long` } }, 'tool_error'],
  ])('function span error %o is %s', (error, type) => {
    expect(toolErrorType(error)).toBe(type);
  });

  it.each([
    [null, undefined],
    [{ message: '429 Rate limit reached' }, 'model_error'],
    [{ message: 'Error getting response' }, 'model_error'],
    [{ message: 'x', data: { error: 'APIConnectionError: socket hang up' } }, 'APIConnectionError'],
  ])('model span error %o is %s', (error, type) => {
    expect(modelErrorType(error)).toBe(type);
  });
});

describe('agentOf', () => {
  it.each([
    [{ type: 'agent', name: 'triage' }, 'triage'],
    [{ type: 'turn', turn: 2, agent_name: 'weather' }, 'weather'],
    [{ type: 'function', name: 'get_weather' }, undefined],
    [{ type: 'agent', name: '' }, undefined],
    [{ type: 'agent', name: 7 }, undefined],
    [null, undefined],
  ])('%o belongs to %s', (data, agent) => {
    expect(agentOf(data)).toBe(agent);
  });
});

describe('model calls', () => {
  it('a response span: the requested model first, usage from the response when traced', () => {
    const data = {
      type: 'response',
      response_id: 'resp_1',
      _response: { model: 'gpt-4o-2024-08-06', usage: { input_tokens: 100, input_tokens_details: { cached_tokens: 40 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 5 } } },
    };
    expect(openaiModelCall(data, 'gpt-4o')).toEqual({ provider: 'openai', model: 'gpt-4o', tokens: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 40, reasoningTokens: 5, cacheWriteTokens: undefined } });
    expect(openaiModelCall(data, undefined).model).toBe('gpt-4o-2024-08-06');
    // Without sensitive data the SDK keeps the response off the span: a duration without tokens.
    expect(openaiModelCall({ type: 'response' }, 'gpt-4o')).toEqual({ provider: 'openai', model: 'gpt-4o', tokens: { cacheWriteTokens: undefined } });
  });

  it('a generation span of the Chat Completions model: its model, usage when the span has it', () => {
    expect(openaiModelCall({ type: 'generation', model: 'gpt-4.1', model_config: {} }, undefined)).toEqual({ provider: 'openai', model: 'gpt-4.1', tokens: { cacheWriteTokens: undefined } });
    expect(openaiModelCall({ type: 'generation', model: 'gpt-4.1', usage: { input_tokens: 3, output_tokens: 1 } }, undefined).tokens).toMatchObject({ inputTokens: 3, outputTokens: 1 });
  });

  it.each([
    [{ type: 'generation', model: 'openai.responses:gpt-5', model_config: { provider: 'openai.responses', model_impl: 'ai-sdk' }, usage: { input_tokens: 9, output_tokens: 2, input_tokens_details: { cached_tokens: 4, cache_write_tokens: 1 } } }, { provider: 'openai', model: 'gpt-5', tokens: { inputTokens: 9, outputTokens: 2, cacheReadTokens: 4, reasoningTokens: undefined, cacheWriteTokens: 1 } }],
    [{ type: 'generation', model: 'anthropic.messages:claude-x', model_config: { provider: 'anthropic.messages', model_impl: 'ai-sdk' } }, { provider: 'anthropic', model: 'claude-x', tokens: { cacheWriteTokens: undefined } }],
    [{ type: 'generation', model: 'custom', model_config: { provider: 'mine' } }, undefined],
    [{ type: 'response', model_config: { provider: 'openai', model_impl: 'ai-sdk' } }, undefined],
    [{ type: 'generation', model: '', model_config: { provider: 'openai.chat', model_impl: 'ai-sdk' } }, undefined],
  ])('the AI SDK adapter span %o is %o', (data, call) => {
    expect(adapterModelCall(data)).toEqual(call);
  });
});

describe('isoSeconds', () => {
  it.each([
    ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.250Z', 1.25],
    ['2026-01-01T00:00:01.000Z', '2026-01-01T00:00:00.000Z', undefined],
    ['nonsense', '2026-01-01T00:00:00.000Z', undefined],
    [null, '2026-01-01T00:00:00.000Z', undefined],
  ])('%s to %s is %s s', (start, end, seconds) => {
    expect(isoSeconds(start, end)).toBe(seconds);
  });
});
