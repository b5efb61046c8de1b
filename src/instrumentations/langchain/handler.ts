/**
 * The callback handler agentmeter adds to every LangChain run (see manager.ts for how): a
 * BaseCallbackHandler-compatible object, written without importing @langchain/core so that
 * loading agentmeter loads no LangChain. It maps
 * - tool runs to `recordToolCall` (with the agent they ran for),
 * - chat-model and LLM runs to `recordLlmCall` (tokens, time to first chunk when streamed),
 *   except those of a model whose provider SDK an enabled agentmeter hook measures (that hook
 *   has recorded the call, from inside it),
 * - `createAgent` agents (langchain 1.x) to `recordAgentInvocation`.
 * Arguments are read as LangChain passes them (callbacks/manager.js), which for
 * `handleChainStart` is not the order its type declaration gives.
 */
import { recordAgentInvocation } from '../../record/agent';
import { recordLlmCall } from '../../record/llm';
import { LlmStreamTimer } from '../../record/llm-stream';
import { recordToolCall } from '../../record/tool';
import { recordingFailed } from '../../record/guarded';
import { llmErrorType } from '../llm-errors';
import type { ProviderSdk } from '../provider-sdks';
import { RunMap } from '../run-map';
import { agentName, isAgentRun, isInsideAgent, toolName } from './agents';
import { modelName, providerName, providerSdkOf, tokenUsage } from './models';

/** What the handler asks its instrumentation. */
export interface LangChainHooks {
  enabled(): boolean;
  /** True when an enabled agentmeter hook measures every loaded version of `sdk`. */
  sdkMeasured(sdk: ProviderSdk): boolean;
}

interface LlmRun {
  kind: 'llm';
  parent: string | undefined;
  startedAt: number;
  operation: string;
  provider: string;
  model: string;
  timer: LlmStreamTimer | undefined;
}

interface ToolRun {
  kind: 'tool';
  parent: string | undefined;
  startedAt: number;
  tool: string;
  agent: string | undefined;
}

interface AgentRun {
  kind: 'agent';
  parent: string | undefined;
  startedAt: number;
  name: string;
  /** The provider and model of its model calls while there is one of each ('' once they differ). */
  provider: string | undefined;
  model: string | undefined;
}

/** A chain run inside an agent (a graph node): kept only to find a run's agent. */
interface ChainRun {
  kind: 'chain';
  parent: string | undefined;
}

type Run = LlmRun | ToolRun | AgentRun | ChainRun;

/** Parent runs followed at most to find a run's agent (a node, a tool, a nested agent, ...). */
const MAX_DEPTH = 64;

function id(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function seconds(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}

export class MetricsCallbackHandler {
  // The fields LangChain reads on a handler (BaseCallbackHandler's).
  readonly name = 'agentmeter_metrics';
  /**
   * Called in line, not through LangChain's background queue: its queue runs one callback at a
   * time for every handler, so a start or end would be timed when the queue got to it.
   */
  readonly awaitHandlers = true;
  readonly raiseError = false;
  readonly ignoreLLM = false;
  readonly ignoreChain = false;
  /** LangChain gates tool callbacks on this flag (tools were agent actions once). */
  readonly ignoreAgent = false;
  readonly ignoreRetriever = true;
  readonly ignoreRetry = true;
  readonly ignoreCustomEvent = true;
  readonly lc_serializable = false;

  /** Runs in progress by run id, bounded (a run whose end never comes is evicted and counted). */
  readonly runs: RunMap<Run>;

  constructor(
    private readonly hooks: LangChainHooks,
    capacity?: number,
  ) {
    this.runs = new RunMap<Run>('the LangChain instrumentation', capacity);
  }

  handleChatModelStart(llm: unknown, _messages: unknown, runId: unknown, parentRunId?: unknown, extraParams?: unknown, _tags?: unknown, metadata?: unknown): void {
    this.modelStart('chat', llm, runId, parentRunId, extraParams, metadata);
  }

  handleLLMStart(llm: unknown, _prompts: unknown, runId: unknown, parentRunId?: unknown, extraParams?: unknown, _tags?: unknown, metadata?: unknown): void {
    this.modelStart('text_completion', llm, runId, parentRunId, extraParams, metadata);
  }

  handleLLMNewToken(_token: unknown, _idx: unknown, runId: unknown): void {
    if (!this.hooks.enabled()) return;
    try {
      const run = this.runs.get(id(runId) ?? '');
      if (run?.kind !== 'llm') return;
      // Streamed: the first chunk, then the time between chunks.
      run.timer ??= new LlmStreamTimer({ provider: run.provider, model: run.model, operation: run.operation }, run.startedAt);
      run.timer.chunk();
    } catch (err) {
      recordingFailed('LangChain handleLLMNewToken', err);
    }
  }

  handleLLMEnd(output: unknown, runId: unknown): void {
    this.modelEnd(runId, output, undefined);
  }

  handleLLMError(err: unknown, runId: unknown): void {
    this.modelEnd(runId, undefined, err ?? '_OTHER');
  }

  handleChainStart(chain: unknown, _inputs: unknown, runId: unknown, parentRunId?: unknown, _tags?: unknown, metadata?: unknown, _runType?: unknown, runName?: unknown): void {
    if (!this.hooks.enabled()) return;
    try {
      const key = id(runId);
      if (key === undefined || !isInsideAgent(metadata)) return;
      const parent = id(parentRunId);
      if (isAgentRun(chain, metadata, runName)) {
        this.runs.set(key, { kind: 'agent', parent, startedAt: performance.now(), name: agentName(runName), provider: undefined, model: undefined });
      } else {
        this.runs.set(key, { kind: 'chain', parent });
      }
    } catch (err) {
      recordingFailed('LangChain handleChainStart', err);
    }
  }

  handleChainEnd(_outputs: unknown, runId: unknown): void {
    this.chainEnd(runId, undefined);
  }

  handleChainError(err: unknown, runId: unknown): void {
    this.chainEnd(runId, err ?? '_OTHER');
  }

  handleToolStart(tool: unknown, _input: unknown, runId: unknown, parentRunId?: unknown, _tags?: unknown, metadata?: unknown, runName?: unknown): void {
    if (!this.hooks.enabled()) return;
    try {
      const key = id(runId);
      if (key === undefined) return;
      const parent = id(parentRunId);
      const agent = this.agentOf(parent)?.name ?? agentFromMetadata(metadata);
      this.runs.set(key, { kind: 'tool', parent, startedAt: performance.now(), tool: toolName(tool, runName), agent });
    } catch (err) {
      recordingFailed('LangChain handleToolStart', err);
    }
  }

  handleToolEnd(output: unknown, runId: unknown): void {
    this.toolEnd(runId, output, undefined);
  }

  handleToolError(err: unknown, runId: unknown): void {
    this.toolEnd(runId, undefined, err ?? '_OTHER');
  }

  private modelStart(operation: string, llm: unknown, runId: unknown, parentRunId: unknown, extraParams: unknown, metadata: unknown): void {
    if (!this.hooks.enabled()) return;
    try {
      const key = id(runId);
      if (key === undefined) return;
      const parent = id(parentRunId);
      const provider = providerName(llm, metadata);
      const model = modelName(metadata, extraParams);
      const agent = this.agentOf(parent);
      if (agent !== undefined) {
        agent.provider = agent.provider === undefined || agent.provider === provider ? provider : '';
        agent.model = agent.model === undefined || agent.model === model ? model : '';
      }
      const sdk = providerSdkOf(llm);
      // Innermost wins: the provider SDK's hook records this call from inside it.
      if (sdk !== undefined && this.hooks.sdkMeasured(sdk)) return;
      this.runs.set(key, { kind: 'llm', parent, startedAt: performance.now(), operation, provider, model, timer: undefined });
    } catch (err) {
      recordingFailed('LangChain model start', err);
    }
  }

  private modelEnd(runId: unknown, output: unknown, error: unknown): void {
    if (!this.hooks.enabled()) return;
    try {
      const run = this.runs.take(id(runId) ?? '');
      if (run?.kind !== 'llm') return;
      recordLlmCall({
        provider: run.provider,
        model: run.model,
        operation: run.operation,
        seconds: seconds(run.startedAt),
        ...(error === undefined ? tokenUsage(output) : {}),
        error: error === undefined ? undefined : llmErrorType(error),
      });
    } catch (err) {
      recordingFailed('LangChain model end', err);
    }
  }

  private chainEnd(runId: unknown, error: unknown): void {
    if (!this.hooks.enabled()) return;
    try {
      const run = this.runs.take(id(runId) ?? '');
      if (run?.kind !== 'agent') return;
      recordAgentInvocation({
        agent: run.name,
        seconds: seconds(run.startedAt),
        provider: run.provider === '' ? undefined : run.provider,
        model: run.model === '' ? undefined : run.model,
        error,
      });
    } catch (err) {
      recordingFailed('LangChain chain end', err);
    }
  }

  private toolEnd(runId: unknown, output: unknown, error: unknown): void {
    if (!this.hooks.enabled()) return;
    try {
      const run = this.runs.take(id(runId) ?? '');
      if (run?.kind !== 'tool') return;
      const elapsed = seconds(run.startedAt);
      // A tool may report failure without throwing: a ToolMessage with status "error".
      const reported = typeof output === 'object' && output !== null && (output as { status?: unknown }).status === 'error';
      recordToolCall({ tool: run.tool, seconds: elapsed, error: error ?? (reported ? 'tool_error' : undefined), agent: run.agent });
    } catch (err) {
      recordingFailed('LangChain tool end', err);
    }
  }

  /** The innermost agent run above `runId`, if it is one this handler tracks. */
  private agentOf(runId: string | undefined): AgentRun | undefined {
    let current = runId;
    for (let depth = 0; current !== undefined && depth < MAX_DEPTH; depth++) {
      const run = this.runs.get(current);
      if (run === undefined) return undefined;
      if (run.kind === 'agent') return run;
      current = run.parent;
    }
    return undefined;
  }
}

/** `createAgent` puts a named agent's name in its runs' metadata. */
function agentFromMetadata(metadata: unknown): string | undefined {
  const name = typeof metadata === 'object' && metadata !== null ? (metadata as { lc_agent_name?: unknown }).lc_agent_name : undefined;
  return typeof name === 'string' && name !== '' ? name : undefined;
}
