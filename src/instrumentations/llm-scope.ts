/**
 * Innermost wins: one model call, seen by two hooks (a framework's and the provider SDK's under
 * it), is recorded once. A framework hook that can run the call inside an async context (the AI
 * SDK's tracing channel, through `bindStore`) opens a frame; a provider-SDK hook (anthropic,
 * openai) that records the call marks the frame; the framework hook then leaves its own LLM
 * sample out. The provider SDK's record is the better one: it sees the request itself, its
 * error class and every token field the API returned.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { trace } from '@opentelemetry/api';

/** One framework-level model call in progress. */
export interface LlmFrame {
  /** Set once a provider-SDK hook has recorded a call inside this frame. */
  measured: boolean;
}

export const llmScope = new AsyncLocalStorage<LlmFrame>();
/**
 * The frames of model-call spans the GenAI span bridge watches: a framework that runs its model
 * call with its span active (the usual way) gets its span marked as its frame would be.
 */
export const spanLlmFrames = new WeakMap<object, LlmFrame>();

export function newLlmFrame(): LlmFrame {
  return { measured: false };
}

/** Runs `fn` inside `frame`: provider-SDK calls made from it mark the frame. */
export function runInLlmFrame<T>(frame: LlmFrame, fn: () => T): T {
  return llmScope.run(frame, fn);
}

/** A provider-SDK hook has recorded a model call: the framework call around it, if any, must not. */
export function markLlmMeasured(): void {
  const frame = llmScope.getStore();
  if (frame !== undefined) frame.measured = true;
  const span = trace.getActiveSpan();
  const spanFrame = span === undefined ? undefined : spanLlmFrames.get(span);
  if (spanFrame !== undefined) spanFrame.measured = true;
}
