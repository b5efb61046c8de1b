// Mastra's tracing events as its observability bus hands them to an exporter (shapes from
// @mastra/core 1.71 / @mastra/observability 1.17); the real packages run in
// test/integration/zero-code-mastra.test.ts.
import { beforeEach, describe, expect, it } from 'vitest';
import { MastraSpanRecorder, type ExportedSpan } from '../../../../src/instrumentations/mastra/spans';
import { providerName, tokenCounts } from '../../../../src/instrumentations/mastra/attributes';
import { guard } from '../../../../src/store/registry';
import { histogramOf, metric, resetStore } from '../../helpers';

beforeEach(resetStore);

const at = (ms: number) => new Date(1_800_000_000_000 + ms);
const usage = { inputTokens: 100, outputTokens: 20, inputDetails: { cacheRead: 40, cacheWrite: 10, text: 50 }, outputDetails: { reasoning: 5, text: 15 } };

function span(id: string, type: string, parent: string | undefined, fields: Partial<ExportedSpan> = {}): ExportedSpan {
  return { id, type, parentSpanId: parent, entityType: 'agent', entityId: 'trip-planner', entityName: 'Trip Planner', startTime: at(0), attributes: {}, ...fields };
}

/** Starts and ends spans in the order Mastra does, the end events with endTime set. */
function replay(recorder: MastraSpanRecorder, steps: Array<['start' | 'end', ExportedSpan]>): void {
  for (const [what, exported] of steps) recorder.onEvent({ type: what === 'start' ? 'span_started' : 'span_ended', exportedSpan: exported });
}

function agentRun(recorder: MastraSpanRecorder, inference: boolean): void {
  const generation = span('gen', 'model_generation', 'agent', { attributes: { provider: 'openai.chat', model: 'gpt-4o-mini' } });
  const step = span('step', 'model_step', 'gen');
  const infer = span('inf', 'model_inference', 'step', { startTime: at(10), attributes: { provider: 'openai.chat', model: 'gpt-4o-mini', streaming: true } });
  const tool = (id: string, name: string, fields: Partial<ExportedSpan>) => span(id, 'tool_call', 'step', { entityType: 'tool', entityId: name, entityName: name, startTime: at(300), ...fields });
  replay(recorder, [
    ['start', span('agent', 'agent_run', undefined)],
    ['start', generation],
    ['start', step],
    ...(inference
      ? ([
          ['start', infer],
          ['end', { ...infer, endTime: at(260), attributes: { ...infer.attributes as object, usage, completionStartTime: at(60) } }],
        ] as Array<['start' | 'end', ExportedSpan]>)
      : []),
    ['start', tool('t1', 'weather', {})],
    ['start', tool('t2', 'broken', {})],
    ['end', tool('t1', 'weather', { endTime: at(310), attributes: { success: true } })],
    ['end', tool('t2', 'broken', { endTime: at(320), errorInfo: { message: 'boom', name: 'TypeError' }, attributes: { success: false } })],
    ['end', { ...step, endTime: at(400), attributes: { usage } }],
    ['end', { ...generation, endTime: at(410), attributes: { ...generation.attributes as object, usage } }],
    ['end', { ...span('agent', 'agent_run', undefined), endTime: at(500) }],
  ]);
}

describe('Mastra spans as records', () => {
  const llm = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' };

  it('records an agent run, one LLM call per inference span, and each tool with its agent', () => {
    const recorder = new MastraSpanRecorder();
    agentRun(recorder, true);
    expect(histogramOf('gen_ai.client.operation.duration', llm)).toMatchObject({ count: 1, sum: 0.25 });
    expect(histogramOf('gen_ai.client.operation.time_to_first_chunk', llm)).toMatchObject({ count: 1, sum: 0.05 });
    for (const [type, sum] of [['input', 100], ['output', 20], ['cache_read', 40], ['cache_write', 10], ['reasoning', 5]] as const) {
      expect(histogramOf('gen_ai.client.token.usage', { ...llm, 'gen_ai.token.type': type })).toMatchObject({ count: 1, sum });
    }
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': 'weather', 'gen_ai.agent.name': 'Trip Planner' })).toMatchObject({ count: 1, sum: 0.01 });
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': 'broken', 'gen_ai.agent.name': 'Trip Planner', 'error.type': 'TypeError' })!.count).toBe(1);
    expect(histogramOf('gen_ai.invoke_agent.duration', { 'gen_ai.agent.name': 'Trip Planner', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' })).toMatchObject({ count: 1, sum: 0.5 });
    expect(recorder.spans.size).toBe(0);
  });

  it('falls back to the step span when a Mastra has no inference spans, and counts the call once', () => {
    agentRun(new MastraSpanRecorder(), false);
    expect(histogramOf('gen_ai.client.operation.duration', llm)).toMatchObject({ count: 1, sum: 0.4 });
    expect(histogramOf('gen_ai.client.token.usage', { ...llm, 'gen_ai.token.type': 'input' })).toMatchObject({ count: 1, sum: 100 });
  });

  it('records a failed model call, which Mastra ends with finish reason error, with its agent run’s error', () => {
    const recorder = new MastraSpanRecorder();
    const generation = span('gen', 'model_generation', 'agent', { attributes: { provider: 'mock', model: 'm' } });
    const step = span('step', 'model_step', 'gen');
    const infer = span('inf', 'model_inference', 'step', { attributes: { provider: 'mock', model: 'm' } });
    const failed = { endTime: at(30), attributes: { provider: 'mock', model: 'm', usage: {}, finishReason: 'error' } };
    replay(recorder, [
      ['start', span('agent', 'agent_run', undefined)],
      ['start', generation],
      ['start', step],
      ['start', infer],
      ['end', { ...infer, ...failed }],
      ['end', { ...step, ...failed }],
      ['end', { ...generation, ...failed }],
    ]);
    expect(metric('gen_ai.client.operation.duration')).toBeUndefined();
    replay(recorder, [['end', { ...span('agent', 'agent_run', undefined), endTime: at(40), errorInfo: { message: 'overloaded', name: 'ModelOverloadedError' } }]]);
    const labels = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'mock', 'gen_ai.request.model': 'm', 'error.type': 'ModelOverloadedError' };
    expect(histogramOf('gen_ai.client.operation.duration', labels)).toMatchObject({ count: 1, sum: 0.03 });
    expect(metric('gen_ai.client.token.usage')).toBeUndefined();
    expect(histogramOf('gen_ai.invoke_agent.duration', { 'gen_ai.agent.name': 'Trip Planner', 'gen_ai.provider.name': 'mock', 'gen_ai.request.model': 'm', 'error.type': 'ModelOverloadedError' })!.count).toBe(1);
  });

  it('records workflows by name, failed and cancelled ones with their type, and MCP tools', () => {
    const recorder = new MastraSpanRecorder();
    const workflow = (id: string, fields: Partial<ExportedSpan>) => span(id, 'workflow_run', undefined, { entityType: 'workflow_run', entityId: 'doubler', entityName: 'doubler', endTime: at(20), ...fields });
    replay(recorder, [
      ['end', workflow('w1', { attributes: { status: 'success' } })],
      ['end', workflow('w2', { attributes: { status: 'failed' }, errorInfo: { message: 'x', name: 'MastraError' } })],
      ['end', workflow('w3', { attributes: { status: 'canceled' } })],
      ['end', span('m', 'mcp_tool_call', undefined, { entityType: 'tool', entityName: 'fetch', endTime: at(5), attributes: { mcpServer: 'web' } })],
      ['end', span('c', 'client_tool_call', undefined, { entityName: 'ui', endTime: at(5) })],
    ]);
    expect(histogramOf('gen_ai.workflow.duration', { 'gen_ai.workflow.name': 'doubler' })).toMatchObject({ count: 1, sum: 0.02 });
    expect(histogramOf('gen_ai.workflow.duration', { 'gen_ai.workflow.name': 'doubler', 'error.type': 'MastraError' })!.count).toBe(1);
    expect(histogramOf('gen_ai.workflow.duration', { 'gen_ai.workflow.name': 'doubler', 'error.type': 'canceled' })!.count).toBe(1);
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': 'fetch' })!.count).toBe(1);
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': 'ui' })).toBeUndefined();
  });

  it('keeps hostile names as data, bounds open spans, and never throws', () => {
    const recorder = new MastraSpanRecorder(50);
    replay(recorder, [['end', span('x', 'tool_call', undefined, { entityName: '__proto__', endTime: at(1) })]]);
    expect(histogramOf('gen_ai.execute_tool.duration', { 'gen_ai.tool.name': '__proto__' })!.count).toBe(1);
    expect(Object.keys(Object.prototype)).toEqual([]);
    const before = guard.dropped.unfinished_run;
    for (let i = 0; i < 80; i++) recorder.onEvent({ type: 'span_started', exportedSpan: span(`open-${i}`, 'agent_run', undefined) });
    expect(recorder.spans.size).toBe(50);
    expect(guard.dropped.unfinished_run).toBe(before + 30);
    const hostile = new Proxy({}, { get: () => { throw new Error('no'); } });
    for (const event of [undefined, null, {}, { type: 'span_ended' }, { type: 'span_ended', exportedSpan: hostile }, hostile]) {
      expect(() => recorder.onEvent(event as never)).not.toThrow();
    }
    recorder.onEvent({ type: 'span_ended', exportedSpan: span('nodates', 'tool_call', undefined, { entityName: 'undated', startTime: 'yesterday' }) });
    expect(metric('gen_ai.execute_tool.duration')!.dataPoints.some((p) => p.attributes['gen_ai.tool.name'] === 'undated')).toBe(false);
  });
});

describe('Mastra attribute values', () => {
  it.each([
    ['openai.chat', 'openai'],
    ['openai.responses', 'openai'],
    ['anthropic.messages', 'anthropic'],
    ['google.generative-ai', 'gcp.gemini'],
    ['amazon-bedrock', 'aws.bedrock'],
    ['mistral.chat', 'mistral_ai'],
    ['mock-provider', 'mock-provider'],
    ['', '_OTHER'],
    [undefined, '_OTHER'],
  ])('provider %s → %s', (id, name) => {
    expect(providerName(id)).toBe(name);
  });

  it('reads usage: input counts cached tokens; junk gives nothing', () => {
    expect(tokenCounts(usage)).toEqual({ inputTokens: 100, outputTokens: 20, cacheReadTokens: 40, cacheWriteTokens: 10, reasoningTokens: 5 });
    expect(tokenCounts({ inputTokens: 'x', inputDetails: 3 })).toEqual({ inputTokens: undefined, outputTokens: undefined, cacheReadTokens: undefined, cacheWriteTokens: undefined, reasoningTokens: undefined });
    expect(tokenCounts(null)).toEqual({});
  });
});
