import { describe, expect, it } from 'vitest';
import { modelName, providerName, providerSdkOf, tokenUsage } from '../../../../src/instrumentations/langchain/models';
import { agentName, isAgentRun, isInsideAgent, toolName } from '../../../../src/instrumentations/langchain/agents';

const model = (...id: string[]) => ({ lc: 1, type: 'constructor', id });

describe('the provider SDK a model class calls', () => {
  it.each([
    [['langchain', 'chat_models', 'openai', 'ChatOpenAI'], 'openai'],
    [['langchain', 'chat_models', 'openai', 'MyChatOpenAISubclass'], 'openai'],
    [['langchain', 'chat_models', 'azure_openai', 'AzureChatOpenAI'], 'openai'],
    [['langchain', 'llms', 'openai', 'OpenAI'], 'openai'],
    [['langchain', 'chat_models', 'deepseek', 'ChatDeepSeek'], 'openai'],
    [['langchain', 'chat_models', 'xai', 'ChatXAI'], 'openai'],
    [['langchain', 'chat_models', 'anthropic', 'ChatAnthropic'], '@anthropic-ai/sdk'],
    [['langchain', 'chat_models', 'openrouter', 'ChatOpenRouter'], undefined],
    [['langchain', 'chat_models', 'groq', 'ChatGroq'], undefined],
    [['langchain', 'embeddings', 'openai', 'OpenAIEmbeddings'], undefined],
    [['my_app', 'chat_models', 'openai', 'Fake'], undefined],
    [['langchain', 'chat_models', '__proto__', 'X'], undefined],
  ])('%j → %s', (id, sdk) => {
    expect(providerSdkOf(model(...id))).toBe(sdk);
  });

  it.each([undefined, null, 'ChatOpenAI', { id: 'langchain/chat_models/openai' }, { id: [1, 2, 3, 4] }, { id: ['langchain', 'chat_models', 'openai'] }])('is undefined for %j', (serialized) => {
    expect(providerSdkOf(serialized)).toBeUndefined();
  });
});

describe('provider and model names', () => {
  it.each([
    [{ ls_provider: 'openai' }, model('langchain', 'chat_models', 'openai', 'ChatOpenAI'), 'openai'],
    [{ ls_provider: 'azure' }, model('langchain', 'chat_models', 'azure_openai', 'AzureChatOpenAI'), 'azure.ai.openai'],
    [{ ls_provider: 'google_genai' }, undefined, 'gcp.gemini'],
    [{ ls_provider: 'bedrock' }, undefined, 'aws.bedrock'],
    [{ ls_provider: 'mistral' }, undefined, 'mistral_ai'],
    [{ ls_provider: 'xai' }, undefined, 'x_ai'],
    [{ ls_provider: 'scripted' }, undefined, 'scripted'],
    [{ ls_provider: '__proto__' }, undefined, '__proto__'],
    [{}, model('langchain', 'chat_models', 'ollama', 'ChatOllama'), 'ollama'],
    [{ ls_provider: 42 }, undefined, '_OTHER'],
    [undefined, undefined, '_OTHER'],
  ])('ls_provider %j of %j → %s', (metadata, serialized, name) => {
    expect(providerName(serialized, metadata)).toBe(name);
  });

  it('takes the model from ls_model_name, else the invocation parameters', () => {
    expect(modelName({ ls_model_name: 'gpt-4o' }, { invocation_params: { model: 'other' } })).toBe('gpt-4o');
    expect(modelName({}, { invocation_params: { model: 'gpt-4o-mini' } })).toBe('gpt-4o-mini');
    expect(modelName(undefined, { invocation_params: { model_name: 'text-davinci' } })).toBe('text-davinci');
    expect(modelName(undefined, { invocation_params: { modelName: 'claude' } })).toBe('claude');
    expect(modelName(undefined, undefined)).toBe('');
  });
});

describe('token usage of an LLMResult', () => {
  it('reads usage_metadata: input counts cached tokens, cache and reasoning details are their own types', () => {
    const message = { usage_metadata: { input_tokens: 405, output_tokens: 20, input_token_details: { cache_read: 300, cache_creation: 25 }, output_token_details: { reasoning: 7 } } };
    expect(tokenUsage({ generations: [[{ text: '', message }]], llmOutput: { tokenUsage: { promptTokens: 1, completionTokens: 2 } } })).toEqual({
      inputTokens: 405,
      outputTokens: 20,
      cacheReadTokens: 300,
      cacheWriteTokens: 25,
      reasoningTokens: 7,
    });
  });

  it('falls back to llmOutput.tokenUsage, and reads nothing from junk', () => {
    expect(tokenUsage({ generations: [[{ text: 'x' }]], llmOutput: { tokenUsage: { promptTokens: 120, completionTokens: 30 } } })).toEqual({ inputTokens: 120, outputTokens: 30 });
    expect(tokenUsage({ generations: [[{ message: { usage_metadata: { input_tokens: -1, output_tokens: 'many' } } }]] })).toEqual({
      inputTokens: undefined,
      outputTokens: undefined,
      cacheReadTokens: undefined,
      cacheWriteTokens: undefined,
      reasoningTokens: undefined,
    });
    for (const junk of [undefined, null, 3, 'x', { generations: 'x' }, { generations: [null, [null]] }]) expect(tokenUsage(junk)).toEqual({});
  });
});

describe('agents', () => {
  const graph = model('langgraph', 'pregel', 'CompiledStateGraph');
  const inAgent = { ls_integration: 'langchain_create_agent', lc_agent_name: 'trip_planner' };

  it.each([
    ['a named createAgent graph', graph, inAgent, 'trip_planner', true],
    ['an unnamed createAgent graph', graph, { ls_integration: 'langchain_create_agent' }, 'LangGraph', true],
    ['a node of the agent', model('langchain_core', 'runnables', 'RunnableSequence'), inAgent, 'model_request', false],
    ['a subgraph inside a named agent', graph, inAgent, 'planner_subgraph', false],
    ['a createReactAgent or hand-built graph', graph, { ls_integration: 'langgraph' }, 'LangGraph', false],
    ['a run without metadata', graph, undefined, 'LangGraph', false],
  ])('%s: %s', (_what, chain, metadata, runName, expected) => {
    expect(isAgentRun(chain, metadata, runName)).toBe(expected);
  });

  it('names agents and tools from the run, with fallbacks', () => {
    expect(isInsideAgent({ ls_integration: 'langchain_create_agent' })).toBe(true);
    expect(isInsideAgent({ ls_integration: 'langgraph' })).toBe(false);
    expect([agentName('trip_planner'), agentName(undefined), agentName('')]).toEqual(['trip_planner', 'LangGraph', 'LangGraph']);
    expect(toolName(model('langchain', 'tools', 'DynamicStructuredTool'), 'weather')).toBe('weather');
    expect(toolName({ name: 'search', id: ['langchain', 'tools', 'X'] }, undefined)).toBe('search');
    expect(toolName(model('langchain', 'tools', 'Calculator'), undefined)).toBe('Calculator');
    expect(toolName(undefined, undefined)).toBe('tool');
  });
});
