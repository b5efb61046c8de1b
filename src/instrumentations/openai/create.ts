/**
 * The patch on `create` of openai 7's `Chat.Completions`, `Responses` and `Embeddings`, which
 * the SDK's helpers call too (`chat.completions.stream()`, `.parse()`, `.runTools()`,
 * `responses.stream()`, `.parse()`). One call is timed from `create()` to the parsed response,
 * or for a streamed one to its last event, retries included; a failed request is recorded with
 * its error's class name (`RateLimitError`), as the official instrumentation does for openai 4 to 6.
 */
import { recordLlmCall } from '../../record/llm';
import { LlmStreamTimer } from '../../record/llm-stream';
import { llmErrorType } from '../anthropic/messages';
import { markLlmMeasured } from '../llm-scope';
import { isThenable, wrapMethod, type AnyFunction } from '../wrap';
import { openaiTokenCounts, StreamUsage, type OpenAITokenCounts } from './usage';

/** The operation a resource's `create` performs (`gen_ai.operation.name`). */
export type OpenAIOperation = 'chat' | 'embeddings';

/** The parts of the SDK's `APIPromise` used here: the request, and a parse that maps its result. */
interface ApiPromise {
  responsePromise: PromiseLike<unknown>;
  _thenUnwrap(transform: (data: unknown, props: unknown) => unknown): unknown;
}

/** A streamed response: the SDK's `Stream`, whose every way of reading starts from `iterator()`. */
interface EventStream {
  iterator: (this: EventStream) => AsyncIterator<unknown>;
}

function isApiPromise(value: unknown): value is ApiPromise {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ApiPromise)._thenUnwrap === 'function' &&
    isThenable((value as ApiPromise).responsePromise)
  );
}

function isEventStream(value: unknown): value is EventStream {
  return typeof value === 'object' && value !== null && typeof (value as EventStream).iterator === 'function';
}

type RecordCall = (tokens: OpenAITokenCounts, error: unknown) => void;

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
        // A framework hook around this call (openai-agents, ai-sdk) leaves its own sample out.
        markLlmMeasured();
      };
      // A request that fails (after the SDK's retries) never reaches the parse below.
      result.responsePromise.then(undefined, (err: unknown) => record({}, err ?? '_OTHER'));
      // A new APIPromise over the same request: .withResponse() and .asResponse() work as before.
      return result._thenUnwrap((data: unknown) => {
        if (isEventStream(data)) observeStream(data, record, new LlmStreamTimer({ provider: 'openai', model, operation }, startedAt));
        else record(openaiTokenCounts((data as { usage?: unknown } | null)?.usage), undefined);
        return data;
      });
    } as AnyFunction,
  );
}

/**
 * Records the stream when its last event has been read, it fails, or the reader stops early.
 * `iterator` is what `for await`, `tee()` and `toReadableStream()` all read through (the SDK's
 * chunk normaliser for Chat Completions calls it too), so the stream is observed once whichever
 * the app uses.
 */
function observeStream(stream: EventStream, record: RecordCall, timer: LlmStreamTimer): void {
  const iterate = stream.iterator;
  stream.iterator = function iterator(this: EventStream): AsyncIterator<unknown> {
    return observed(iterate.call(this), record, timer);
  };
}

async function* observed(events: AsyncIterator<unknown>, record: RecordCall, timer: LlmStreamTimer): AsyncGenerator<unknown> {
  const usage = new StreamUsage();
  let failure: { error: unknown } | undefined;
  try {
    for await (const event of { [Symbol.asyncIterator]: () => events }) {
      // Every server-sent event is a chunk of the response, as for Anthropic.
      timer.chunk();
      usage.add(event);
      yield event;
    }
  } catch (err) {
    failure = { error: err ?? '_OTHER' };
    throw err;
  } finally {
    record(usage.counts(), failure?.error);
  }
}
