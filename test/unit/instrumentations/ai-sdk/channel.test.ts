// The ai-sdk instrumentation against messages published on the `ai:telemetry` tracing channel the
// way ai 7 publishes them (tracePromise per span, `{ type, event }`, results on asyncEnd), and its
// integration called the way the SDK calls global integrations. The real `ai` from npm is
// exercised in test/integration/zero-code-ai-sdk.test.ts.
import { tracingChannel } from 'node:diagnostics_channel';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AiSdkInstrumentation } from '../../../../src/instrumentations/ai-sdk/instrumentation';
import { insideMeasuredOperation, isCoveredScope } from '../../../../src/instrumentations/coverage';
import { markLlmMeasured, newLlmFrame, runInLlmFrame } from '../../../../src/instrumentations/llm-scope';
import { histogramOf, metric, resetStore } from '../../helpers';

const channel = tracingChannel<unknown, object>('ai:telemetry');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One span as the SDK publishes it; `hide` as with recordOutputs: false (the result left out). */
function span<T>(type: string, event: object, execute: () => Promise<T>, hide = false): Promise<T> {
  let value: T;
  return channel.tracePromise(async () => {
    value = await execute();
    return hide ? undefined : value;
  }, { type, event }).then(() => value);
}

interface Integration {
  onLanguageModelCallEnd(event: unknown): void;
  onToolExecutionEnd(event: unknown): void;
}
const integrations = (): unknown[] => ((globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown[] }).AI_SDK_TELEMETRY_INTEGRATIONS ?? []);
const ours = (): Integration => integrations().find((i) => typeof (i as Integration).onToolExecutionEnd === 'function') as Integration;

const PLAIN = { inputTokens: { total: 120, noCache: 80, cacheRead: 30, cacheWrite: 10 }, outputTokens: { total: 40, text: 30, reasoning: 10 } };
const SDK_USAGE = { inputTokens: 60, inputTokenDetails: { noCacheTokens: 40, cacheReadTokens: 20, cacheWriteTokens: 0 }, outputTokens: 25, outputTokenDetails: { textTokens: 25, reasoningTokens: 0 } };
const LLM = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-test' };
const DURATION = 'gen_ai.client.operation.duration';
const TOKENS = 'gen_ai.client.token.usage';
const TOOLS = 'gen_ai.execute_tool.duration';
const AGENT = 'gen_ai.invoke_agent.duration';
const tokens = (type: string, labels: object = LLM) => histogramOf(TOKENS, { ...labels, 'gen_ai.token.type': type })?.sum;

class LookupError extends Error {
  code = 'E_LOOKUP';
}
class APICallError extends Error {
  override name = 'AI_APICallError';
}

let callSeq = 0;
/** A generateText run of one step per tool name (each step: a model call, then that tool). */
async function generateText(tools: Array<{ name: unknown; fail?: unknown }>, extra: object = {}, hide = false): Promise<void> {
  const callId = `call-${++callSeq}`;
  const base = { callId, ...extra };
  await span('generateText', { ...base, operationId: 'ai.generateText', provider: 'openai.chat', modelId: 'gpt-test' }, async () => {
    for (const [stepNumber, tool] of tools.entries()) {
      await span('step', { ...base, stepNumber }, async () => {
        await span('languageModelCall', { ...base, provider: 'openai.chat', modelId: 'gpt-test' }, async () => {
          await sleep(5);
          return { content: [], finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: PLAIN, warnings: [] };
        }, hide);
        if (hide) ours().onLanguageModelCallEnd({ ...base, usage: SDK_USAGE, performance: {} });
        const toolCall = { toolCallId: `${callId}-${stepNumber}`, toolName: tool.name, input: {} };
        await span('executeTool', { ...base, toolCall }, async () => {
          const output = tool.fail === undefined ? { type: 'tool-result', output: 'ok' } : { type: 'tool-error', error: tool.fail };
          if (hide) ours().onToolExecutionEnd({ ...base, toolCall, toolOutput: output });
          return { output, toolExecutionMs: 2 };
        }, hide);
        return {};
      }, hide);
    }
    return { steps: [] };
  }, hide);
}

const instrumentation = new AiSdkInstrumentation();
beforeAll(() => instrumentation.enable());
afterAll(() => instrumentation.disable());
beforeEach(() => resetStore());

describe('the ai:telemetry channel', () => {
  it('records each model call with its tokens by type, each tool with its failure, and the run', async () => {
    await generateText([{ name: 'weather' }, { name: 'lookup', fail: new LookupError('no') }]);
    expect(histogramOf(DURATION, { ...LLM, 'error.type': '' })).toBeUndefined();
    expect(histogramOf(DURATION, LLM)!.count).toBe(2);
    expect(histogramOf(DURATION, LLM)!.sum).toBeGreaterThanOrEqual(0.008);
    expect(['input', 'output', 'cache_read', 'cache_write', 'reasoning'].map((t) => tokens(t))).toEqual([240, 80, 60, 20, 20]);
    expect(histogramOf(TOOLS, { 'gen_ai.tool.name': 'weather' })!.count).toBe(1);
    // The SDK's own execute time (2 ms), not the span's.
    expect(histogramOf(TOOLS, { 'gen_ai.tool.name': 'weather' })!.sum).toBe(0.002);
    expect(histogramOf(TOOLS, { 'gen_ai.tool.name': 'lookup', 'error.type': 'E_LOOKUP' })!.count).toBe(1);
    expect(histogramOf(AGENT, { 'gen_ai.agent.name': 'generateText', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-test' })!.count).toBe(1);
  });

  it('names the agent of a run and its tools by telemetry.functionId', async () => {
    await generateText([{ name: 'weather' }], { functionId: 'triage' });
    expect(histogramOf(TOOLS, { 'gen_ai.tool.name': 'weather', 'gen_ai.agent.name': 'triage' })!.count).toBe(1);
    expect(histogramOf(AGENT, { 'gen_ai.agent.name': 'triage', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-test' })!.count).toBe(1);
  });

  it('with results hidden (recordOutputs: false) takes usage and tool outcomes from the integration', async () => {
    await generateText([{ name: 'weather' }, { name: 'lookup', fail: new LookupError('no') }], { recordOutputs: false }, true);
    expect(histogramOf(DURATION, LLM)!.count).toBe(2);
    expect(histogramOf(DURATION, LLM)!.sum).toBeGreaterThanOrEqual(0.008);
    expect(['input', 'output', 'cache_read', 'cache_write', 'reasoning'].map((t) => tokens(t))).toEqual([120, 50, 40, 0, 0]);
    expect(histogramOf(TOOLS, { 'gen_ai.tool.name': 'weather' })!.count).toBe(1);
    // The SDK hides the error itself: failed, of an unknown type.
    expect(histogramOf(TOOLS, { 'gen_ai.tool.name': 'lookup', 'error.type': '_OTHER' })!.count).toBe(1);
  });

  it('times a stream to its end and takes its usage and first chunk from the integration', async () => {
    const base = { callId: `call-${++callSeq}` };
    await span('streamText', { ...base, provider: 'anthropic.messages', modelId: 'claude-test' }, async () => {
      await span('step', { ...base, stepNumber: 0 }, async () => {
        // doStream resolves as soon as the stream is open.
        await span('languageModelCall', { ...base, provider: 'anthropic.messages', modelId: 'claude-test' }, async () => ({ stream: {} }));
        await sleep(30);
        ours().onLanguageModelCallEnd({ ...base, usage: SDK_USAGE, performance: { timeToFirstOutputMs: 12 } });
        return undefined;
      });
      return undefined;
    });
    const labels = { ...LLM, 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-test' };
    expect(histogramOf(DURATION, labels)!.count).toBe(1);
    expect(histogramOf(DURATION, labels)!.sum).toBeGreaterThanOrEqual(0.025);
    expect(tokens('input', labels)).toBe(60);
    expect(histogramOf('gen_ai.client.operation.time_to_first_chunk', labels)).toMatchObject({ count: 1, sum: 0.012 });
    expect(histogramOf(AGENT, { 'gen_ai.agent.name': 'streamText', 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-test' })!.count).toBe(1);
  });

  it('records a stream the integration never reports on (per-call integrations) at its step’s end, without tokens', async () => {
    const base = { callId: `call-${++callSeq}` };
    const step = (failure?: Error) => span('step', { ...base, stepNumber: 0 }, async () => {
      await span('languageModelCall', { ...base, provider: 'openai.chat', modelId: 'gpt-test' }, async () => ({ stream: {} }));
      await sleep(20);
      if (failure !== undefined) throw failure;
      return undefined;
    });
    await span('streamText', { ...base, provider: 'openai.chat', modelId: 'gpt-test' }, async () => {
      await step();
      await step(new APICallError('stream broke')).catch(() => undefined);
      return undefined;
    });
    expect(histogramOf(DURATION, LLM)!.count).toBe(1);
    expect(histogramOf(DURATION, LLM)!.sum).toBeGreaterThanOrEqual(0.015);
    expect(histogramOf(DURATION, { ...LLM, 'error.type': 'AI_APICallError' })!.count).toBe(1);
    expect(metric(TOKENS)).toBeUndefined();
  });

  it('records a failed model call and run with the error’s type', async () => {
    const base = { callId: `call-${++callSeq}` };
    const run = span('generateText', { ...base, provider: 'openai.chat', modelId: 'gpt-test' }, () =>
      span('step', { ...base, stepNumber: 0 }, () =>
        span('languageModelCall', { ...base, provider: 'openai.chat', modelId: 'gpt-test' }, async () => {
          throw new APICallError('bad request');
        })));
    await expect(run).rejects.toThrow('bad request');
    expect(histogramOf(DURATION, { ...LLM, 'error.type': 'AI_APICallError' })!.count).toBe(1);
    expect(histogramOf(AGENT, { 'gen_ai.agent.name': 'generateText', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-test', 'error.type': 'AI_APICallError' })!.count).toBe(1);
  });

  it('records embeddings as their own operation', async () => {
    await span('embedMany', { callId: 'e-1', provider: 'openai.embedding', modelId: 'text-embedding-3-small' }, async () => ({ embeddings: [], usage: { tokens: 8 } }));
    const labels = { 'gen_ai.operation.name': 'embeddings', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'text-embedding-3-small' };
    expect(histogramOf(DURATION, labels)!.count).toBe(1);
    expect(tokens('input', labels)).toBe(8);
  });

  it('keeps tool names a model chose as data', async () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    await generateText([{ name: '__proto__' }, { name: 'constructor', fail: 'denied' }, { name: 42 }]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(histogramOf(TOOLS, { 'gen_ai.tool.name': '__proto__' })!.count).toBe(1);
    expect(histogramOf(TOOLS, { 'gen_ai.tool.name': 'constructor', 'error.type': 'denied' })!.count).toBe(1);
    // A name that is not a string is dropped (and counted as such), not recorded.
    expect(metric(TOOLS)!.dataPoints).toHaveLength(2);
  });
});

describe('innermost wins', () => {
  it('leaves a model call out when a provider-SDK hook inside recorded it, and marks the frame around it', async () => {
    const outer = newLlmFrame();
    const base = { callId: `call-${++callSeq}` };
    let measuredInside: boolean | undefined;
    await runInLlmFrame(outer, () => span('generateText', { ...base, provider: 'openai.chat', modelId: 'gpt-test' }, () =>
      span('step', { ...base, stepNumber: 0 }, async () => {
        await span('languageModelCall', { ...base, provider: 'openai.chat', modelId: 'gpt-test' }, async () => {
          await sleep(1);
          measuredInside = insideMeasuredOperation();
          markLlmMeasured(); // the provider SDK's hook recorded this call
          return { usage: PLAIN };
        });
        await span('executeTool', { ...base, toolCall: { toolCallId: 't', toolName: 'weather' } }, async () => {
          // A tool is not a model call: spans inside it are the bridge's to count.
          expect(insideMeasuredOperation()).toBe(false);
          return { output: { type: 'tool-result' } };
        });
        return {};
      })));
    expect(measuredInside).toBe(true);
    expect(metric(DURATION)).toBeUndefined();
    // The run and the tool are still this hook's.
    expect(histogramOf(TOOLS, { 'gen_ai.tool.name': 'weather' })!.count).toBe(1);
    expect(histogramOf(AGENT, { 'gen_ai.agent.name': 'generateText', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-test' })!.count).toBe(1);
    // The outer framework's frame: its call was measured further in (by the provider SDK's hook).
    expect(outer.measured).toBe(true);
  });

  it('marks an outer framework’s frame when it records the call itself', async () => {
    const outer = newLlmFrame();
    await runInLlmFrame(outer, () => generateText([{ name: 'weather' }]));
    expect(outer.measured).toBe(true);
    expect(histogramOf(DURATION, LLM)!.count).toBe(1);
  });
});

describe('enable and disable', () => {
  it('covers the AI SDK’s OTel scopes and sits in the SDK’s global integrations while enabled; disabled, it records nothing', async () => {
    expect([isCoveredScope('gen_ai'), isCoveredScope('ai')]).toEqual([true, true]);
    expect(integrations()).toContain(ours());
    expect(channel.hasSubscribers).toBe(true);
    instrumentation.disable();
    try {
      expect([isCoveredScope('gen_ai'), isCoveredScope('ai')]).toEqual([false, false]);
      expect(integrations().some((i) => typeof (i as Integration).onToolExecutionEnd === 'function')).toBe(false);
      expect(channel.hasSubscribers).toBe(false);
      await generateText([{ name: 'weather' }]);
      expect([metric(DURATION), metric(TOOLS), metric(AGENT)]).toEqual([undefined, undefined, undefined]);
    } finally {
      instrumentation.enable();
    }
    await generateText([{ name: 'weather' }]);
    expect(histogramOf(TOOLS, { 'gen_ai.tool.name': 'weather' })!.count).toBe(1);
  });
});
