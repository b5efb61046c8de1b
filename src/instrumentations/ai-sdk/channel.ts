/**
 * The subscriber of the AI SDK's `ai:telemetry` tracing channel (ai 7). Every copy of `ai` in
 * the process (CommonJS, ESM, bundled) publishes on the one channel of that name, and only while
 * it has subscribers, so subscribing is the whole hook: no module patch, nothing to register.
 * Spans nest `generateText` / `streamText` → `step` → `languageModelCall` + `executeTool`;
 * `embed` and `embedMany` stand alone. Each message object is the same from `start` to
 * `asyncEnd`, so per-span state is kept against it.
 *
 * The SDK publishes through `tracePromise` / `start.runStores`, so `bindStore` runs each model
 * call (`languageModelCall`, `embed`, `embedMany`) in a frame of its own (innermost wins, see
 * llm-scope.ts) and as a measured operation (the span bridge then leaves the spans inside it to
 * this hook).
 */
import { tracingChannel, type TracingChannel } from 'node:diagnostics_channel';
import type { AsyncLocalStorage } from 'node:async_hooks';
import { recordAgentInvocation } from '../../record/agent';
import { recordToolCall } from '../../record/tool';
import { measuredOperations } from '../coverage';
import { llmScope, newLlmFrame, type LlmFrame } from '../llm-scope';
import { createIntegration, registerIntegration, ToolOutcomes, unregisterIntegration, type AiSdkIntegration } from './integration';
import {
  agentLabel, callIdOf, embeddingTokens, field, functionId, isStreamResult, modelName, providerName,
  resultsHidden, tokenCounts, toolCallId, toolExecutionSeconds, toolFailure, toolName, usageOf,
} from './mapping';
import { finishModelCall, newModelCall, PendingCalls, type ModelCall } from './model-calls';

/** The channel's name (`AI_SDK_TELEMETRY_TRACING_CHANNEL` in `ai`). */
export const AI_SDK_CHANNEL = 'ai:telemetry';

/** A channel message: `{ type, event }`, plus `error` and `result` as the span goes on. */
interface Message {
  type?: unknown;
  event?: unknown;
  error?: unknown;
  result?: unknown;
}

/** What one span keeps from its start to its end. */
interface Span {
  startedAt: number;
  /** Set by the `error` event, before `asyncEnd`. */
  failed: boolean;
  error: unknown;
  call: ModelCall | undefined;
}

const MODEL_SPANS = new Set(['languageModelCall', 'embed', 'embedMany']);

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null;
}

/** The channel subscription and its per-span state; `start()` and `stop()` are idempotent. */
export class AiSdkChannel {
  private readonly channel: TracingChannel<unknown, object> = tracingChannel(AI_SDK_CHANNEL);
  private readonly spans = new WeakMap<object, Span>();
  private readonly pending = new PendingCalls();
  private readonly toolOutcomes = new ToolOutcomes();
  private readonly integration: AiSdkIntegration = createIntegration(this.pending, this.toolOutcomes);
  private subscribed = false;

  // Handlers as fields: subscribe and unsubscribe need the same function objects. Only the three
  // sub-channels read here are subscribed, so `end` and `asyncStart` stay free to publish.
  private readonly onStartMessage = (message: unknown): void => this.guard(() => this.onStart(message));
  private readonly onErrorMessage = (message: unknown): void => this.guard(() => this.onError(message));
  private readonly onEndMessage = (message: unknown): void => this.guard(() => this.onEnd(message));
  private readonly frameOf = (message: unknown): LlmFrame | undefined => {
    try {
      return this.modelSpan(message)?.call?.frame ?? llmScope.getStore();
    } catch {
      return llmScope.getStore();
    }
  };
  private readonly measuredOf = (message: unknown): true | undefined => {
    try {
      return this.modelSpan(message) !== undefined ? true : measuredOperations.getStore();
    } catch {
      return measuredOperations.getStore();
    }
  };

  start(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    // Stores first: bindStore's transforms run before the start subscribers, on the same message.
    this.channel.start.bindStore(llmScope as AsyncLocalStorage<unknown>, this.frameOf);
    this.channel.start.bindStore(measuredOperations as AsyncLocalStorage<unknown>, this.measuredOf);
    this.channel.start.subscribe(this.onStartMessage);
    this.channel.error.subscribe(this.onErrorMessage);
    this.channel.asyncEnd.subscribe(this.onEndMessage);
    registerIntegration(this.integration);
  }

  stop(): void {
    if (!this.subscribed) return;
    this.subscribed = false;
    unregisterIntegration(this.integration);
    this.channel.start.unsubscribe(this.onStartMessage);
    this.channel.error.unsubscribe(this.onErrorMessage);
    this.channel.asyncEnd.unsubscribe(this.onEndMessage);
    this.channel.start.unbindStore(measuredOperations as AsyncLocalStorage<unknown>);
    this.channel.start.unbindStore(llmScope as AsyncLocalStorage<unknown>);
    this.pending.clear();
    this.toolOutcomes.clear();
  }

  private guard(handle: () => void): void {
    try {
      handle();
    } catch {
      // A subscriber that throws would surface in the app (diagnostics_channel rethrows on the
      // next tick); recording never does.
    }
  }

  /** The span of a model-call message, made on first sight (in bindStore's transform). */
  private modelSpan(message: unknown): Span | undefined {
    if (!isMessage(message) || typeof message.type !== 'string' || !MODEL_SPANS.has(message.type)) return undefined;
    let span = this.spans.get(message);
    if (span === undefined) {
      span = this.newSpan(newModelCall(newLlmFrame(), llmScope.getStore()));
      this.spans.set(message, span);
    }
    return span;
  }

  private newSpan(call?: ModelCall): Span {
    return { startedAt: performance.now(), failed: false, error: undefined, call };
  }

  private onStart(message: unknown): void {
    if (!isMessage(message)) return;
    const { type, event } = message;
    if (type === 'generateText' || type === 'streamText') {
      const callId = callIdOf(event);
      if (callId !== undefined) this.pending.open(callId, type === 'streamText');
      this.spans.set(message, this.newSpan());
    } else if (type === 'executeTool') {
      this.spans.set(message, this.newSpan());
    } else if (type === 'step') {
      // Nothing to keep: its end settles its run's calls, which the callId names.
    } else {
      const call = this.modelSpan(message)?.call;
      if (call === undefined) return;
      call.provider = providerName(field(event, 'provider'));
      call.model = modelName(field(event, 'modelId'));
      if (type === 'languageModelCall') {
        const callId = callIdOf(event);
        call.stream = (callId !== undefined && this.pending.streaming(callId)) === true;
        if (callId !== undefined) this.pending.hold(callId, call);
      } else {
        call.operation = 'embeddings';
      }
    }
  }

  private onError(message: unknown): void {
    if (!isMessage(message)) return;
    const span = this.spans.get(message);
    if (span === undefined) {
      // A step keeps no span; its failure reaches its run's open calls at its end.
      return;
    }
    span.failed = true;
    // Hidden results: the SDK hands out a generic "AI SDK operation failed", whose class says nothing.
    span.error = resultsHidden(message.event) || message.error === undefined || message.error === null ? '_OTHER' : message.error;
  }

  private onEnd(message: unknown): void {
    if (!isMessage(message)) return;
    const { type, event, result } = message;
    if (type === 'step') {
      const callId = callIdOf(event);
      if (callId !== undefined) this.pending.settle(callId, message.error === undefined ? undefined : this.failure(message));
      return;
    }
    const span = this.spans.get(message);
    if (span === undefined) return;
    this.spans.delete(message);
    const error = span.failed ? span.error : undefined;
    if (type === 'generateText' || type === 'streamText') {
      const callId = callIdOf(event);
      if (callId !== undefined) this.pending.close(callId, error);
      recordAgentInvocation({
        agent: agentLabel(type, event),
        seconds: (performance.now() - span.startedAt) / 1000,
        provider: providerName(field(event, 'provider')),
        model: modelName(field(event, 'modelId')),
        error,
      });
    } else if (type === 'executeTool') {
      const seconds = toolExecutionSeconds(result) ?? (performance.now() - span.startedAt) / 1000;
      const tool = toolName(event);
      // A name that is not a string is dropped (and counted) by the guard, as "".
      recordToolCall({ tool: typeof tool === 'string' ? tool : '', seconds, error: error ?? this.toolError(event, result), agent: functionId(event) });
    } else if (span.call !== undefined) {
      this.endModelCall(span.call, event, result, error, span.failed);
    }
  }

  private endModelCall(call: ModelCall, event: unknown, result: unknown, error: unknown, failed: boolean): void {
    if (failed) return finishModelCall(call, { error });
    if (call.operation === 'embeddings') return finishModelCall(call, { tokens: embeddingTokens(usageOf(result)) });
    const usage = usageOf(result);
    if (usage !== undefined) return finishModelCall(call, { tokens: tokenCounts(usage) });
    if (isStreamResult(result)) call.stream = true;
    if (!call.stream) call.endedAt = performance.now();
    // A stream, or a result the channel leaves out: the integration's event, or the step's end, completes it.
    const callId = callIdOf(event);
    if (callId === undefined || this.pending.oldest(callId) === undefined) finishModelCall(call, {});
  }

  /** A tool's failure from its result, or, where the channel hides it, from the integration. */
  private toolError(event: unknown, result: unknown): unknown {
    if (result !== undefined) return toolFailure(result);
    return this.toolOutcomes.take(toolCallId(event)) === true ? '_OTHER' : undefined;
  }

  private failure(message: Message): unknown {
    return resultsHidden(message.event) || message.error === null ? '_OTHER' : message.error;
  }
}
