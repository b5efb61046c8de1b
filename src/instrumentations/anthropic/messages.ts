/**
 * The patch on `Messages.prototype.create` of `@anthropic-ai/sdk`, which `messages.stream()` and
 * `messages.parse()` call too. One call is timed from `create()` to the parsed response, or for a
 * streamed one to its last event, retries included; a failed request is recorded with its
 * error's class name (`RateLimitError`), as the official OpenAI instrumentation does. The SDK's
 * own tracing makes the spans; this adds the conventions' metrics.
 */
import { recordLlmCall } from '../../record/llm';
import { LlmStreamTimer } from '../../record/llm-stream';
import { markLlmMeasured } from '../llm-scope';
import { llmErrorType } from '../llm-errors';
import { wrapMethod, type AnyFunction } from '../wrap';
import { isApiPromise, isEventStream, observeStream } from '../api-promise';
import { StreamUsage, tokenCounts, type TokenCounts } from './usage';

export function patchMessages(prototype: object, enabled: () => boolean): boolean {
  return wrapMethod(prototype, 'create', (original) =>
    function create(this: unknown, ...args: unknown[]): unknown {
      if (!enabled()) return original.apply(this, args);
      const startedAt = performance.now();
      const model = (args[0] as { model?: unknown } | undefined)?.model;
      const result = original.apply(this, args);
      if (!isApiPromise(result)) return result;
      // This call will be recorded here: a framework hook around it leaves its own sample out.
      markLlmMeasured();
      const modelName = typeof model === 'string' ? model : '';
      const record = (tokens: TokenCounts, error: unknown): void => {
        recordLlmCall({
          provider: 'anthropic',
          operation: 'chat',
          model: modelName,
          seconds: (performance.now() - startedAt) / 1000,
          ...tokens,
          error: error === undefined ? undefined : llmErrorType(error),
        });
      };
      // A request that fails (after the SDK's retries) never reaches the parse below.
      result.responsePromise.then(undefined, (err: unknown) => record({}, err ?? '_OTHER'));
      // A new APIPromise over the same request: .withResponse() and .asResponse() work as before.
      return result._thenUnwrap((data: unknown) => {
        if (isEventStream(data)) observeStream(data, () => new StreamUsage(), record, new LlmStreamTimer({ provider: 'anthropic', model: modelName }, startedAt));
        else record(tokenCounts((data as { usage?: unknown } | null)?.usage), undefined);
        return data;
      });
    } as AnyFunction,
  );
}

