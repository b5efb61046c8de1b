// agentmeter's trace processor fed spans shaped as the Agents SDK makes them (the real SDK runs in
// test/integration/zero-code-openai-agents.test.ts): what each span type records, the agent of
// a tool call, LLM calls only where no provider hook measured them, hostile names, the bound.
import { beforeEach, describe, expect, it } from 'vitest';
import { AgentsMetricsProcessor, MAX_OPEN } from '../../../../src/instrumentations/openai-agents/processor';
import { patchModel } from '../../../../src/instrumentations/openai-agents/models';
import { markLlmMeasured } from '../../../../src/instrumentations/llm-scope';
import type { AgentsSpan } from '../../../../src/instrumentations/openai-agents/sdk-types';
import { histogramOf, metric, resetStore, valueOf } from '../../helpers';

let enabled = true;
let processor: AgentsMetricsProcessor;
beforeEach(() => {
  enabled = true;
  processor = new AgentsMetricsProcessor(() => enabled);
  resetStore();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let ids = 0;
function span(spanData: object, parentId: string | null = null, error: AgentsSpan['error'] = null): AgentsSpan & { spanId: string } {
  return { spanId: `span_${++ids}`, parentId, spanData, error, startedAt: null, endedAt: null };
}

/** Starts `s`, runs `inside`, ends `s`, as the SDK's withXSpan does. */
async function within<T>(s: AgentsSpan, inside: () => Promise<T> | T): Promise<T> {
  await processor.onSpanStart(s);
  try {
    return await inside();
  } finally {
    await processor.onSpanEnd(s);
  }
}

const AGENT = 'gen_ai.invoke_agent.duration';
const TOOL = 'gen_ai.execute_tool.duration';
const HANDOFFS = 'agent.handoffs';
const WORKFLOW = 'gen_ai.workflow.duration';
const LLM = 'gen_ai.client.operation.duration';
const TOKENS = 'gen_ai.client.token.usage';

describe('a run', () => {
  it('records the workflow, each agent, each tool call with its agent, and the handoff', async () => {
    const trace = { traceId: 'trace_1', name: 'Trip planner' };
    await processor.onTraceStart(trace);
    const task = span({ type: 'task', name: 'Trip planner' });
    await within(task, async () => {
      const triage = span({ type: 'agent', name: 'triage' }, task.spanId);
      await within(triage, async () => {
        const turn = span({ type: 'turn', turn: 1, agent_name: 'triage' }, triage.spanId);
        await within(turn, () => within(span({ type: 'handoff', from_agent: 'triage', to_agent: 'weather' }, turn.spanId), () => sleep(1)));
      });
      const weather = span({ type: 'agent', name: 'weather' }, task.spanId);
      await within(weather, async () => {
        const turn = span({ type: 'turn', turn: 2, agent_name: 'weather' }, weather.spanId);
        await within(turn, async () => {
          await within(span({ type: 'function', name: 'get_weather', input: '{}', output: '' }, turn.spanId), () => sleep(30));
          const failed = { message: 'Error running tool (non-fatal)', data: { tool_name: 'lookup', error: 'Tool execution failed. Error details are redacted.' } };
          await within(span({ type: 'function', name: 'lookup', input: '{}', output: '' }, turn.spanId, failed), () => sleep(1));
        });
      });
    });
    await processor.onTraceEnd(trace);

    expect(histogramOf(WORKFLOW, { 'gen_ai.workflow.name': 'Trip planner' })!.count).toBe(1);
    expect(histogramOf(AGENT, { 'gen_ai.agent.name': 'triage' })!.count).toBe(1);
    expect(histogramOf(AGENT, { 'gen_ai.agent.name': 'weather' })!.count).toBe(1);
    expect(valueOf(HANDOFFS, { 'gen_ai.agent.name': 'triage', 'agent.handoff.target': 'weather' })).toBe(1);
    const tool = histogramOf(TOOL, { 'gen_ai.tool.name': 'get_weather', 'gen_ai.agent.name': 'weather' })!;
    expect(tool.count).toBe(1);
    expect(tool.sum).toBeGreaterThanOrEqual(0.025);
    expect(histogramOf(TOOL, { 'gen_ai.tool.name': 'lookup', 'gen_ai.agent.name': 'weather', 'error.type': 'tool_error' })!.count).toBe(1);
    // Task and turn spans are structure, not metrics; nothing stays held once the run is over.
    expect(metric(TOOL)!.dataPoints).toHaveLength(2);
    expect(processor.openCount).toBe(0);
  });

  it('an agent that failed has its error type; a handoff with no target is not counted', async () => {
    await within(span({ type: 'agent', name: 'looper' }, null, { message: 'Max turns exceeded', data: { max_turns: 2 } }), () => undefined);
    await within(span({ type: 'handoff', from_agent: 'looper' }), () => undefined);
    expect(histogramOf(AGENT, { 'gen_ai.agent.name': 'looper', 'error.type': 'max_turns_exceeded' })!.count).toBe(1);
    expect(metric(HANDOFFS)).toBeUndefined();
  });

  it('a tool span with no agent above it has no agent label; one whose start was not seen is timed from its timestamps', async () => {
    await within(span({ type: 'function', name: 'orphan' }, 'span_gone'), () => undefined);
    await processor.onSpanEnd({ ...span({ type: 'function', name: 'replayed' }), startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:00.500Z' });
    expect(histogramOf(TOOL, { 'gen_ai.tool.name': 'orphan' })!.count).toBe(1);
    expect(histogramOf(TOOL, { 'gen_ai.tool.name': 'replayed' })!.sum).toBe(0.5);
  });

  it('records nothing while disabled, and holds nothing', async () => {
    enabled = false;
    await processor.onTraceStart({ traceId: 't', name: 'w' });
    await within(span({ type: 'agent', name: 'a' }), () => within(span({ type: 'function', name: 'f' }), () => undefined));
    await processor.onTraceEnd({ traceId: 't', name: 'w' });
    expect([metric(AGENT), metric(TOOL), metric(WORKFLOW)]).toEqual([undefined, undefined, undefined]);
    expect(processor.openCount).toBe(0);
  });
});

describe('model calls', () => {
  /** A stand-in for agents-openai's Responses model: a response span around the API call. */
  class ResponsesModel {
    _model = 'gpt-agent';
    measuredBelow = true;
    async getResponse(): Promise<string> {
      const s = span({ type: 'response', _response: { model: 'gpt-agent-2026', usage: { input_tokens: 10, output_tokens: 2 } } });
      return within(s, async () => {
        await sleep(5);
        // What the openai hook does when it records the request.
        if (this.measuredBelow) markLlmMeasured();
        return 'ok';
      });
    }
    async *getStreamedResponse(): AsyncGenerator<string> {
      const s = span({ type: 'response' });
      await processor.onSpanStart(s);
      try {
        yield 'a';
        await sleep(5);
        if (this.measuredBelow) markLlmMeasured();
        yield 'b';
      } finally {
        await processor.onSpanEnd(s);
      }
    }
  }
  let patched = false;
  beforeEach(() => {
    if (!patched) patched = patchModel(ResponsesModel.prototype, () => enabled);
  });

  it('a call the openai hook measured is not counted again, streamed or not', async () => {
    const model = new ResponsesModel();
    expect(await model.getResponse()).toBe('ok');
    const seen = [];
    for await (const event of model.getStreamedResponse()) seen.push(event);
    expect(seen).toEqual(['a', 'b']);
    expect(metric(LLM)).toBeUndefined();
  });

  it('a call no hook measured is recorded from its span, with the requested model and the span usage', async () => {
    const model = new ResponsesModel();
    model.measuredBelow = false;
    await model.getResponse();
    for await (const _ of model.getStreamedResponse()) void _;
    const labels = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-agent' };
    expect(histogramOf(LLM, labels)!.count).toBe(2);
    expect(histogramOf(TOKENS, { ...labels, 'gen_ai.token.type': 'input' })!.sum).toBe(10);
    expect(histogramOf(TOKENS, { ...labels, 'gen_ai.token.type': 'input' })!.count).toBe(1);
  });

  it('a generation span of a model not known here is left out; the AI SDK adapter’s is recorded', async () => {
    await within(span({ type: 'generation', model: 'my-model', usage: { input_tokens: 1, output_tokens: 1 } }), () => undefined);
    expect(metric(LLM)).toBeUndefined();
    await within(span({ type: 'generation', model: 'anthropic.messages:claude-x', model_config: { provider: 'anthropic.messages', model_impl: 'ai-sdk' } }, null, { message: 'overloaded' }), () => undefined);
    expect(histogramOf(LLM, { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-x', 'error.type': 'model_error' })!.count).toBe(1);
  });
});

describe('hostile values', () => {
  it.each([['__proto__'], ['constructor'], ['toString'], ['hasOwnProperty']])('%s as span id, agent, tool and workflow name', async (name) => {
    await processor.onTraceStart({ traceId: name, name });
    const agent = { ...span({ type: 'agent', name }), spanId: name };
    await within(agent, () => within(span({ type: 'function', name }, name), () => undefined));
    await within(span({ type: 'handoff', from_agent: name, to_agent: name }), () => undefined);
    await processor.onTraceEnd({ traceId: name, name });
    expect(histogramOf(TOOL, { 'gen_ai.tool.name': name, 'gen_ai.agent.name': name })!.count).toBe(1);
    expect(histogramOf(AGENT, { 'gen_ai.agent.name': name })!.count).toBe(1);
    expect(histogramOf(WORKFLOW, { 'gen_ai.workflow.name': name })!.count).toBe(1);
    expect(valueOf(HANDOFFS, { 'gen_ai.agent.name': name, 'agent.handoff.target': name })).toBe(1);
    expect(({} as Record<string, unknown>).startedAt).toBeUndefined();
  });

  it.each([
    ['a numeric id', { spanId: 7, spanData: { type: 'agent', name: 'a' } }],
    ['an object as tool name', { spanId: 's', spanData: { type: 'function', name: { toString: () => 'x' } } }],
    ['no data', { spanId: 's', spanData: null }],
    ['a throwing getter', { spanId: 's', get spanData(): unknown { throw new Error('getter'); } }],
    ['null', null],
  ])('a span with %s is ignored without throwing', async (_what, bad) => {
    await expect(processor.onSpanStart(bad as AgentsSpan)).resolves.toBeUndefined();
    await expect(processor.onSpanEnd(bad as AgentsSpan)).resolves.toBeUndefined();
    expect([metric(AGENT), metric(TOOL)]).toEqual([undefined, undefined]);
  });

  it(`holds at most ${MAX_OPEN} spans that never end`, async () => {
    for (let i = 0; i < MAX_OPEN + 5; i++) await processor.onSpanStart(span({ type: 'agent', name: 'paused' }));
    expect(processor.openCount).toBe(MAX_OPEN);
  });
});
