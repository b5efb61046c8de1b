// How the openai-agents instrumentation joins the SDK's global trace provider (a stand-in with
// the real one's methods): beside the app's processors, first, once, and back after a replace.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OpenAIAgentsInstrumentation } from '../../../../src/instrumentations/openai-agents/instrumentation';
import type { TracingProcessor } from '../../../../src/instrumentations/openai-agents/sdk-types';

/** The SDK's TraceProvider as far as processors go: setProcessors shuts the old ones down. */
class Provider {
  processors: TracingProcessor[] = [];
  disabled = false;
  registerProcessor(p: TracingProcessor): void {
    this.processors.push(p);
  }
  setProcessors(list: TracingProcessor[]): void {
    for (const p of this.processors) void p.shutdown();
    this.processors = list;
  }
  createTrace(): { traceId: string } {
    return { traceId: this.disabled ? 'no-op' : 'trace_1' };
  }
}

const theirs = (): TracingProcessor => ({
  onTraceStart: vi.fn(async () => {}),
  onTraceEnd: vi.fn(async () => {}),
  onSpanStart: vi.fn(async () => {}),
  onSpanEnd: vi.fn(async () => {}),
  shutdown: vi.fn(async () => {}),
  forceFlush: vi.fn(async () => {}),
});

function instrumentation(enabled = false) {
  const instance = new OpenAIAgentsInstrumentation({ enabled: false });
  // As after enable(), without hooking the real module loader.
  (instance as unknown as { _enabled: boolean })._enabled = enabled;
  const [core, models] = instance.getModuleDefinitions();
  return { core: core!, models: models! };
}

afterEach(() => vi.restoreAllMocks());

describe('OpenAIAgentsInstrumentation', () => {
  it('hooks @openai/agents-core and @openai/agents-openai, every version (unsupported ones are named)', () => {
    const { core, models } = instrumentation();
    expect([core.name, core.supportedVersions, models.name, models.supportedVersions]).toEqual(['@openai/agents-core', ['*'], '@openai/agents-openai', ['*']]);
  });

  it('adds its processor beside the app’s, keeps it first when the processors are replaced, and joins once', () => {
    const provider = new Provider();
    const { core } = instrumentation();
    const exports = { getGlobalTraceProvider: () => provider };
    core.patch!(exports, '0.20.0');
    expect(provider.processors).toHaveLength(1);
    const ours = provider.processors[0]!;
    // @openai/agents sets its exporter to OpenAI's backend on import; apps replace or add theirs.
    const exporter = theirs();
    provider.setProcessors([exporter]);
    expect(provider.processors).toEqual([ours, exporter]);
    const app = theirs();
    provider.registerProcessor(app);
    provider.setProcessors([app]);
    expect(provider.processors).toEqual([ours, app]);
    expect(exporter.shutdown).toHaveBeenCalledTimes(1);
    provider.setProcessors([ours]);
    expect(provider.processors).toEqual([ours]);
    // The other build (CommonJS beside ESM) finds the same global provider.
    instrumentation().core.patch!(exports, '0.20.0');
    expect(provider.processors).toEqual([ours]);
    core.unpatch!(exports);
    provider.setProcessors([app]);
    expect(provider.processors).toEqual([app]);
  });

  it('its processor exports nothing: no flush or shutdown of the others, no export loop', async () => {
    const provider = new Provider();
    const exporter = theirs();
    provider.registerProcessor(exporter);
    instrumentation(true).core.patch!({ getGlobalTraceProvider: () => provider }, '0.20.0');
    const ours = provider.processors[1]!;
    await ours.forceFlush();
    await ours.shutdown();
    expect(exporter.forceFlush).not.toHaveBeenCalled();
    expect(exporter.shutdown).not.toHaveBeenCalled();
    expect(Object.keys(ours)).not.toContain('start');
  });

  it('says once on stderr that disabled tracing leaves agents unmeasured', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const provider = new Provider();
    instrumentation(true).core.patch!({ getGlobalTraceProvider: () => provider }, '0.20.0');
    provider.createTrace();
    expect(write).not.toHaveBeenCalled();
    provider.disabled = true;
    expect(provider.createTrace()).toEqual({ traceId: 'no-op' });
    provider.createTrace();
    expect(write.mock.calls).toEqual([
      ['agentmeter: @openai/agents tracing is disabled (OPENAI_AGENTS_DISABLE_TRACING, setTracingDisabled or NODE_ENV=test), so its agents, tool calls and handoffs are not measured; its model calls still are, by the openai instrumentation\n'],
    ]);
  });

  it.each([['0.14.3'], ['1.0.0'], [undefined]])('names @openai/agents-core %s on stderr and joins nothing', (version) => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const provider = new Provider();
    instrumentation().core.patch!({ getGlobalTraceProvider: () => provider }, version);
    expect(provider.processors).toEqual([]);
    expect(write.mock.calls).toEqual([
      [`agentmeter: @openai/agents-core ${version ?? '(unknown version)'} is not supported by the OpenAI Agents instrumentation (supported: >=0.15.0 <1); its agents are not measured\n`],
    ]);
  });

  it.each([
    ['no getGlobalTraceProvider', {}, '0.16.1'],
    ['a provider of another shape', { getGlobalTraceProvider: () => ({ registerProcessor() {} }) }, '0.16.2'],
    ['a throwing getGlobalTraceProvider', { getGlobalTraceProvider: () => { throw new Error('frozen'); } }, '0.16.3'],
  ])('names a core with %s on stderr (once per version)', (_what, exports, version) => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    instrumentation().core.patch!(exports, version);
    expect(write.mock.calls).toEqual([[`agentmeter: @openai/agents-core ${version} has no trace provider of the known shape; its agents are not measured\n`]]);
  });

  it('wraps and unwraps the OpenAI models’ getResponse and getStreamedResponse', () => {
    class OpenAIResponsesModel {
      async getResponse(): Promise<string> {
        return 'r';
      }
      async *getStreamedResponse(): AsyncGenerator<string> {
        yield 's';
      }
    }
    class OpenAIChatCompletionsModel extends OpenAIResponsesModel {}
    const originals = [OpenAIResponsesModel.prototype.getResponse, OpenAIResponsesModel.prototype.getStreamedResponse];
    const { models } = instrumentation();
    const exports = { OpenAIResponsesModel, OpenAIChatCompletionsModel };
    models.patch!(exports, '0.20.0');
    expect(OpenAIResponsesModel.prototype.getResponse).not.toBe(originals[0]);
    expect(OpenAIResponsesModel.prototype.getStreamedResponse).not.toBe(originals[1]);
    models.unpatch!(exports);
    expect([OpenAIResponsesModel.prototype.getResponse, OpenAIResponsesModel.prototype.getStreamedResponse]).toEqual(originals);
  });
});
