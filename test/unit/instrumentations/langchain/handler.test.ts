// The handler driven as LangChain's CallbackManager drives it (callbacks/manager.js argument
// order); the real packages run in test/integration/zero-code-langchain.test.ts.
import { beforeEach, describe, expect, it } from 'vitest';
import { MetricsCallbackHandler } from '../../../../src/instrumentations/langchain/handler';
import type { ProviderSdk } from '../../../../src/instrumentations/provider-sdks';
import { guard } from '../../../../src/store/registry';
import { histogramOf, metric, resetStore } from '../../helpers';

beforeEach(resetStore);

const GRAPH = { lc: 1, type: 'not_implemented', id: ['langgraph', 'pregel', 'CompiledStateGraph'] };
const NODE = { lc: 1, type: 'not_implemented', id: ['langchain_core', 'runnables', 'RunnableSequence'] };
const TOOL = { lc: 1, type: 'not_implemented', id: ['langchain', 'tools', 'DynamicStructuredTool'] };
const SCRIPTED = { lc: 1, type: 'not_implemented', id: ['langchain', 'chat_models', 'scripted', 'ScriptedChat'] };
const CHAT_OPENAI = { lc: 1, type: 'constructor', id: ['langchain', 'chat_models', 'openai', 'ChatOpenAI'] };
const AGENT_METADATA = { ls_integration: 'langchain_create_agent', lc_agent_name: 'trip_planner' };
const usage = { input_tokens: 100, output_tokens: 20, input_token_details: { cache_read: 40 }, output_token_details: { reasoning: 5 } };
const result = { generations: [[{ text: '', message: { usage_metadata: usage } }]], llmOutput: {} };

function handler(measured: ProviderSdk[] = [], enabled = () => true, capacity?: number): MetricsCallbackHandler {
  return new MetricsCallbackHandler({ enabled, sdkMeasured: (sdk) => measured.includes(sdk) }, capacity);
}

/** An agent run as createAgent's graph makes it: graph → node → model / tools. */
function agentRun(h: MetricsCallbackHandler, model: object, modelMetadata: object): void {
  h.handleChainStart(GRAPH, {}, 'agent', undefined, [], AGENT_METADATA, undefined, 'trip_planner');
  h.handleChainStart(NODE, {}, 'node-1', 'agent', [], { ...AGENT_METADATA, langgraph_node: 'model_request' }, undefined, 'model_request');
  h.handleChatModelStart(model, [[]], 'llm-1', 'node-1', { invocation_params: {} }, [], { ...AGENT_METADATA, ...modelMetadata });
  h.handleLLMEnd(result, 'llm-1');
  h.handleChainEnd({}, 'node-1');
  h.handleChainStart(NODE, {}, 'node-2', 'agent', [], { ...AGENT_METADATA, langgraph_node: 'tools' }, undefined, 'tools');
  h.handleToolStart(TOOL, '{"city":"Paris"}', 'tool-1', 'node-2', [], AGENT_METADATA, 'weather', 'call-1');
  h.handleToolStart(TOOL, '{}', 'tool-2', 'node-2', [], AGENT_METADATA, 'broken', 'call-2');
  h.handleToolStart(TOOL, '{}', 'tool-3', 'node-2', [], AGENT_METADATA, 'refuses', 'call-3');
  h.handleToolEnd({ content: 'sunny' }, 'tool-1');
  h.handleToolError(new TypeError('boom'), 'tool-2');
  h.handleToolEnd({ content: 'no', status: 'error' }, 'tool-3');
  h.handleChainEnd({}, 'node-2');
  h.handleChainEnd({}, 'agent');
}

describe('the LangChain callback handler', () => {
  it('records an agent run, its model call with tokens and its tools with their agent and errors', () => {
    const h = handler();
    agentRun(h, SCRIPTED, { ls_provider: 'scripted', ls_model_name: 'scripted-1' });
    const llm = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'scripted', 'gen_ai.request.model': 'scripted-1' };
    expect(histogramOf('gen_ai.client.operation.duration', llm)!.count).toBe(1);
    for (const [type, sum] of [['input', 100], ['output', 20], ['cache_read', 40], ['reasoning', 5]] as const) {
      expect(histogramOf('gen_ai.client.token.usage', { ...llm, 'gen_ai.token.type': type })).toMatchObject({ count: 1, sum });
    }
    expect(histogramOf('gen_ai.client.token.usage', { ...llm, 'gen_ai.token.type': 'cache_write' })).toBeUndefined();
    const tool = (name: string, error?: string) => ({ 'gen_ai.tool.name': name, 'gen_ai.agent.name': 'trip_planner', ...(error ? { 'error.type': error } : {}) });
    expect(histogramOf('gen_ai.execute_tool.duration', tool('weather'))!.count).toBe(1);
    expect(histogramOf('gen_ai.execute_tool.duration', tool('broken', 'TypeError'))!.count).toBe(1);
    expect(histogramOf('gen_ai.execute_tool.duration', tool('refuses', 'tool_error'))!.count).toBe(1);
    expect(histogramOf('gen_ai.invoke_agent.duration', { 'gen_ai.agent.name': 'trip_planner', 'gen_ai.provider.name': 'scripted', 'gen_ai.request.model': 'scripted-1' })!.count).toBe(1);
    expect(h.runs.size).toBe(0);
  });

  it('leaves a model call to the provider-SDK hook that measures it, and still names the agent’s provider and model', () => {
    const h = handler(['openai']);
    agentRun(h, CHAT_OPENAI, { ls_provider: 'openai', ls_model_name: 'gpt-4o-mini' });
    expect(metric('gen_ai.client.operation.duration')).toBeUndefined();
    expect(histogramOf('gen_ai.invoke_agent.duration', { 'gen_ai.agent.name': 'trip_planner', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' })!.count).toBe(1);
    // No hook measures openai: the callbacks record the call.
    resetStore();
    agentRun(handler(['@anthropic-ai/sdk']), CHAT_OPENAI, { ls_provider: 'openai', ls_model_name: 'gpt-4o-mini' });
    expect(histogramOf('gen_ai.client.operation.duration', { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' })!.count).toBe(1);
  });

  it('leaves the agent’s provider and model out when its calls used more than one', () => {
    const h = handler();
    h.handleChainStart(GRAPH, {}, 'agent', undefined, [], { ls_integration: 'langchain_create_agent' }, undefined, 'LangGraph');
    h.handleChatModelStart(SCRIPTED, [[]], 'a', 'agent', {}, [], { ls_provider: 'p', ls_model_name: 'one' });
    h.handleChatModelStart(SCRIPTED, [[]], 'b', 'agent', {}, [], { ls_provider: 'p', ls_model_name: 'two' });
    h.handleLLMEnd({}, 'a');
    h.handleLLMEnd({}, 'b');
    h.handleChainError(new RangeError('stop'), 'agent');
    expect(histogramOf('gen_ai.invoke_agent.duration', { 'gen_ai.agent.name': 'LangGraph', 'gen_ai.provider.name': 'p', 'error.type': 'RangeError' })!.count).toBe(1);
  });

  it('times a streamed call’s first chunk, and names a failed call’s error by its class', () => {
    class RateLimitError extends Error {
      override name = 'RateLimitCapacityError';
    }
    const h = handler();
    h.handleChatModelStart(SCRIPTED, [[]], 's', undefined, {}, [], { ls_provider: 'p', ls_model_name: 'm' });
    h.handleLLMNewToken('', {}, 's');
    h.handleLLMNewToken('Hel', {}, 's');
    h.handleLLMNewToken('lo', {}, 's');
    h.handleLLMEnd({ generations: [[{ text: 'Hello' }]], llmOutput: { tokenUsage: { promptTokens: 7, completionTokens: 3 } } }, 's');
    h.handleLLMStart({ id: ['langchain', 'llms', 'fake', 'FakeLLM'] }, ['x'], 'e', undefined, { invocation_params: { model: 'm' } }, [], { ls_provider: 'p' });
    h.handleLLMError(new RateLimitError('slow down'), 'e');
    const labels = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'p', 'gen_ai.request.model': 'm' };
    expect(histogramOf('gen_ai.client.operation.time_to_first_chunk', labels)!.count).toBe(1);
    expect(histogramOf('gen_ai.client.operation.time_per_output_chunk', labels)!.count).toBe(2);
    expect(histogramOf('gen_ai.client.token.usage', { ...labels, 'gen_ai.token.type': 'output' })!.sum).toBe(3);
    expect(histogramOf('gen_ai.client.operation.duration', { ...labels, 'gen_ai.operation.name': 'text_completion', 'error.type': 'RateLimitError' })!.count).toBe(1);
  });

  it('keeps hostile names as data', () => {
    const h = handler();
    h.handleChainStart(GRAPH, {}, '__proto__', undefined, [], { ls_integration: 'langchain_create_agent', lc_agent_name: 'constructor' }, undefined, 'constructor');
    h.handleToolStart(TOOL, '', 'toString', '__proto__', [], {}, '__proto__');
    h.handleToolEnd('', 'toString');
    h.handleChainEnd({}, '__proto__');
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': '__proto__', 'gen_ai.agent.name': 'constructor' })!.count).toBe(1);
    expect(histogramOf('gen_ai.invoke_agent.duration', { 'gen_ai.agent.name': 'constructor' })!.count).toBe(1);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('bounds the runs in progress: runs that never end are evicted and counted, not kept', () => {
    const h = handler([], () => true, 100);
    const before = guard.dropped.unfinished_run;
    for (let i = 0; i < 250; i++) h.handleToolStart(TOOL, '', `lost-${i}`, undefined, [], {}, 'hangs');
    expect(h.runs.size).toBe(100);
    expect(guard.dropped.unfinished_run).toBe(before + 150);
    h.handleToolEnd('', 'lost-0'); // evicted: nothing to record
    h.handleToolEnd('', 'lost-249');
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': 'hangs' })!.count).toBe(1);
  });

  it('records nothing while disabled, and never throws on arguments of another shape', () => {
    let on = false;
    const h = handler([], () => on);
    agentRun(h, SCRIPTED, {});
    expect(metric('gen_ai.execute_tool.duration')).toBeUndefined();
    on = true;
    const hostile = new Proxy({}, { get: () => { throw new Error('no'); } });
    expect(() => {
      h.handleChainStart(hostile, hostile, 'x', hostile, hostile, hostile, hostile, hostile);
      h.handleChatModelStart(hostile, hostile, 'y', undefined, hostile, hostile, hostile);
      h.handleLLMEnd(hostile, 'y');
      h.handleToolStart(hostile, hostile, 42, hostile, hostile, hostile, hostile);
      h.handleToolEnd(hostile, 42);
      h.handleToolStart(TOOL, '', 'stored', undefined, [], {}, 'readable');
      h.handleToolEnd(hostile, 'stored');
      h.handleLLMNewToken(hostile, hostile, hostile);
      h.handleChainEnd(undefined, undefined);
      h.handleLLMError(undefined, undefined);
    }).not.toThrow();
  });
});
