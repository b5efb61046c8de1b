/**
 * An LLM frame around each call of `@openai/agents-openai`'s models (Responses over HTTP or
 * WebSocket, Chat Completions): the `openai` instrumentation marks it when it measures the
 * request inside, and the trace processor, which receives the call's span while the frame is
 * current, then leaves the span's LLM sample out. A call the `openai` hook did not see (it is
 * off, or the WebSocket transport bypasses `responses.create`) is recorded from its span.
 */
import { llmScope, newLlmFrame, runInLlmFrame, type LlmFrame } from '../llm-scope';
import { wrapMethod, type AnyFunction } from '../wrap';

/** Frames opened here, with the model the agent asked for (when the model object says). */
const modelFrames = new WeakMap<LlmFrame, { model: string | undefined }>();

/** The frame of the model call in progress, if one of these models is being called. */
export function currentModelFrame(): (LlmFrame & { model: string | undefined }) | undefined {
  const frame = llmScope.getStore();
  const info = frame === undefined ? undefined : modelFrames.get(frame);
  return info === undefined || frame === undefined ? undefined : Object.assign({ measured: frame.measured }, info);
}

function openFrame(model: unknown): LlmFrame {
  const frame = newLlmFrame();
  // OpenAIResponsesModel keeps the requested model in `_model`; Chat Completions in a private field.
  const name = typeof model === 'string' && model !== '' ? model : undefined;
  modelFrames.set(frame, { model: name });
  return frame;
}

/**
 * `getStreamedResponse` returns an async generator, whose body runs in the context of each
 * `next()` caller: every step is run inside the call's frame.
 */
function framed(iterator: AsyncIterator<unknown>, frame: LlmFrame): AsyncIterableIterator<unknown> {
  const step = (method: 'next' | 'return' | 'throw', value?: unknown): Promise<IteratorResult<unknown>> => {
    const fn = iterator[method];
    if (typeof fn !== 'function') return Promise.resolve({ done: true, value });
    return runInLlmFrame(frame, () => fn.call(iterator, value));
  };
  return {
    next: (value?: unknown) => step('next', value),
    return: (value?: unknown) => step('return', value),
    throw: (error?: unknown) => step('throw', error),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

function isAsyncIterator(value: unknown): value is AsyncIterator<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncIterator<unknown>).next === 'function';
}

/** Wraps a model class's `getResponse` and `getStreamedResponse`; false when it has neither. */
export function patchModel(prototype: object, enabled: () => boolean): boolean {
  const response = wrapMethod(prototype, 'getResponse', (original) =>
    function getResponse(this: unknown, ...args: unknown[]): unknown {
      if (!enabled()) return original.apply(this, args);
      return runInLlmFrame(openFrame((this as { _model?: unknown } | null)?._model), () => original.apply(this, args));
    } as AnyFunction,
  );
  const streamed = wrapMethod(prototype, 'getStreamedResponse', (original) =>
    function getStreamedResponse(this: unknown, ...args: unknown[]): unknown {
      if (!enabled()) return original.apply(this, args);
      const frame = openFrame((this as { _model?: unknown } | null)?._model);
      const result = runInLlmFrame(frame, () => original.apply(this, args));
      return isAsyncIterator(result) ? framed(result, frame) : result;
    } as AnyFunction,
  );
  return response || streamed;
}
