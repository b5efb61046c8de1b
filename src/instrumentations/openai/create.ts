/**
 * The patch on `create` of openai 7's `Chat.Completions`, `Responses` and `Embeddings`, which
 * the SDK's helpers call too (`chat.completions.stream()`, `.parse()`, `.runTools()`,
 * `responses.stream()`, `.parse()`). One call is timed from `create()` to the parsed response,
 * or for a streamed one to its last event, retries included; a failed request is recorded with
 * its error's class name (`RateLimitError`), as the official instrumentation does for openai 4 to 6.
 */
import { recordLlmCall } from '../../record/llm';
import { LlmStreamTimer } from '../../record/llm-stream';
import { llmErrorType } from '../llm-errors';
import { markLlmMeasured } from '../llm-scope';
import { wrapMethod, type AnyFunction } from '../wrap';
import { isApiPromise, isEventStream, observeStream } from '../api-promise';
import { openaiTokenCounts, StreamUsage, type OpenAITokenCounts } from './usage';

/** The operation a resource's `create` performs (`gen_ai.operation.name`). */
export type OpenAIOperation = 'chat' | 'embeddings';

type RecordCall = (tokens: OpenAITokenCounts, error: unknown) => void;

/**
 * openai 4.19 to 6, which the official instrumentation records: `create` only marks the LLM
 * frame or GenAI span it is called in, so a framework hook around it (ai-sdk, openai-agents,
 * genai-spans) does not record the same call a second time.
 */
export function patchMarkOnly(prototype: object, enabled: () => boolean): boolean {
  return wrapMethod(prototype, 'create', (original) =>
    function create(this: unknown, ...args: unknown[]): unknown {
      if (enabled()) markLlmMeasured();
      return original.apply(this, args);
    } as AnyFunction,
  );
}

export function patchCreate(prototype: object, operation: OpenAIOperation, enabled: () => boolean): boolean {
  return wrapMethod(prototype, 'create', (original) =>
    function create(this: unknown, ...args: unknown[]): unknown {
      if (!enabled()) return original.apply(this, args);
      const startedAt = performance.now();
      const result = original.apply(this, args);
      if (!isApiPromise(result)) return result;
      const requested = (args[0] as { model?: unknown } | undefined)?.model;
      const model = typeof requested === 'string' ? requested : '';
      const record: RecordCall = (tokens, error) => {
        recordLlmCall({
          provider: 'openai',
          operation,
          model,
          seconds: (performance.now() - startedAt) / 1000,
          ...tokens,
          error: error === undefined ? undefined : llmErrorType(error),
        });
      };
      // This call will be recorded here: a framework hook around it (openai-agents, ai-sdk, a
      // GenAI span) leaves its own sample out.
      markLlmMeasured();
      // A request that fails (after the SDK's retries) never reaches the parse below.
      result.responsePromise.then(undefined, (err: unknown) => record({}, err ?? '_OTHER'));
      // A new APIPromise over the same request: .withResponse() and .asResponse() work as before.
      return result._thenUnwrap((data: unknown) => {
        if (isEventStream(data)) observeStream(data, () => new StreamUsage(), record, new LlmStreamTimer({ provider: 'openai', model, operation }, startedAt));
        else record(openaiTokenCounts((data as { usage?: unknown } | null)?.usage), undefined);
        return data;
      });
    } as AnyFunction,
  );
}

