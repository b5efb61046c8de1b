// The openai 7 patch on a stand-in for the SDK's resource `create`, APIPromise and Stream; the
// real SDK against a canned server is exercised in test/integration/zero-code-openai7.test.ts.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { patchCreate } from '../../../../src/instrumentations/openai/create';
import { llmScope, newLlmFrame, runInLlmFrame } from '../../../../src/instrumentations/llm-scope';
import { histogramOf, metric, resetStore } from '../../helpers';

/** What openai 7's APIPromise offers: the request, a lazily parsed result, and _thenUnwrap(data, props). */
class APIPromise<T> implements PromiseLike<T> {
  constructor(readonly responsePromise: Promise<unknown>, private readonly parse: () => Promise<T>) {}
  _thenUnwrap<U>(transform: (data: T, props: { options: object }) => U): APIPromise<U> {
    return new APIPromise(this.responsePromise, async () => transform(await this.parse(), { options: {} }));
  }
  then<A = T, B = never>(onfulfilled?: ((v: T) => A | PromiseLike<A>) | null, onrejected?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.responsePromise.then(() => this.parse()).then(onfulfilled, onrejected);
  }
}

/** As openai 7's Stream: `iterator` is a field, and Symbol.asyncIterator reads through it. */
class Stream {
  constructor(public iterator: () => AsyncIterator<unknown>) {}
  [Symbol.asyncIterator](): AsyncIterator<unknown> {
    return this.iterator();
  }
}

class RateLimitError extends Error {}
class APIConnectionError extends Error {}

let enabled = true;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Resource {
  reply: (params: { model: string; stream?: boolean }) => unknown = () => ({});
  create(params: { model: string; stream?: boolean }): APIPromise<unknown> {
    const response = sleep(20).then(() => this.reply(params));
    return new APIPromise(response, () => response);
  }
}
class Completions extends Resource {}
class Responses extends Resource {}
class Embeddings extends Resource {}

beforeAll(() => {
  patchCreate(Completions.prototype, 'chat', () => enabled);
  patchCreate(Responses.prototype, 'chat', () => enabled);
  patchCreate(Embeddings.prototype, 'embeddings', () => enabled);
});
beforeEach(() => {
  enabled = true;
  resetStore();
});

const DURATION = 'gen_ai.client.operation.duration';
const TOKENS = 'gen_ai.client.token.usage';
const FIRST = 'gen_ai.client.operation.time_to_first_chunk';
const PER_CHUNK = 'gen_ai.client.operation.time_per_output_chunk';
const base = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-test' };
const tokens = (type: string, labels: Record<string, string> = base) => histogramOf(TOKENS, { ...labels, 'gen_ai.token.type': type })?.sum;
const types = () => metric(TOKENS)?.dataPoints.map((p) => p.attributes['gen_ai.token.type']);

async function drain(stream: Stream): Promise<unknown[]> {
  const seen: unknown[] = [];
  for await (const event of stream) seen.push(event);
  return seen;
}

describe('chat.completions.create', () => {
  it('records duration and tokens: input includes the cached tokens, output the reasoning tokens', async () => {
    const completions = new Completions();
    const completion = {
      id: 'chatcmpl-1',
      usage: { prompt_tokens: 120, completion_tokens: 30, prompt_tokens_details: { cached_tokens: 100 }, completion_tokens_details: { reasoning_tokens: 12 } },
    };
    completions.reply = () => completion;
    expect(await completions.create({ model: 'gpt-test' })).toBe(completion);
    expect(histogramOf(DURATION, base)!.count).toBe(1);
    expect(histogramOf(DURATION, base)!.sum).toBeGreaterThanOrEqual(0.015);
    expect([tokens('input'), tokens('output'), tokens('cache_read'), tokens('reasoning')]).toEqual([120, 30, 100, 12]);
    expect(metric(FIRST)).toBeUndefined();
  });

  it('leaves out the parts a response does not report', async () => {
    const completions = new Completions();
    completions.reply = () => ({ usage: { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: null } });
    await completions.create({ model: 'gpt-test' });
    expect(types()).toEqual(['input', 'output']);
  });

  it('a failed request records its error class, no tokens, and the caller gets the same error', async () => {
    const completions = new Completions();
    const error = new RateLimitError('429');
    completions.reply = () => Promise.reject(error);
    await expect(completions.create({ model: 'gpt-test' })).rejects.toBe(error);
    expect(histogramOf(DURATION, { ...base, 'error.type': 'RateLimitError' })!.count).toBe(1);
    expect(metric(TOKENS)).toBeUndefined();
  });

  it('times a stream to its last chunk, each chunk timed, usage from the final chunk', async () => {
    const completions = new Completions();
    const chunks = [
      { choices: [{ delta: { role: 'assistant', content: 'Hel' } }] },
      { choices: [{ delta: { content: 'lo' } }] },
      { choices: [{ delta: {}, finish_reason: 'stop' }] },
      { choices: [], usage: { prompt_tokens: 70, completion_tokens: 45, prompt_tokens_details: { cached_tokens: 0 } } },
    ];
    completions.reply = () =>
      new Stream(async function* () {
        for (const chunk of chunks) {
          await sleep(40);
          yield chunk;
        }
      });
    const stream = (await completions.create({ model: 'gpt-test', stream: true })) as Stream;
    expect(metric(DURATION)).toBeUndefined();
    expect(await drain(stream)).toEqual(chunks);
    const duration = histogramOf(DURATION, base)!;
    expect(duration.count).toBe(1);
    expect(duration.sum).toBeGreaterThanOrEqual(0.17);
    expect([tokens('input'), tokens('output'), tokens('cache_read')]).toEqual([70, 45, 0]);
    expect(histogramOf(FIRST, base)!.count).toBe(1);
    expect(histogramOf(FIRST, base)!.sum).toBeGreaterThanOrEqual(0.055);
    expect(histogramOf(PER_CHUNK, base)!.count).toBe(3);
    expect(histogramOf(PER_CHUNK, base)!.sum).toBeGreaterThanOrEqual(0.115);
  });

  it('a stream that fails midway records the error and the chunks seen', async () => {
    const completions = new Completions();
    const dropped = new APIConnectionError('socket hang up');
    completions.reply = () =>
      new Stream(async function* () {
        yield { choices: [{ delta: { content: 'x' } }] };
        throw dropped;
      });
    await expect(drain((await completions.create({ model: 'gpt-test', stream: true })) as Stream)).rejects.toBe(dropped);
    expect(histogramOf(DURATION, { ...base, 'error.type': 'APIConnectionError' })!.count).toBe(1);
    expect(histogramOf(FIRST, base)!.count).toBe(1);
    expect(metric(TOKENS)).toBeUndefined();
  });

  it('a reader that stops early still records the call once', async () => {
    const completions = new Completions();
    completions.reply = () =>
      new Stream(async function* () {
        yield { choices: [{ delta: { content: 'a' } }] };
        yield { choices: [{ delta: { content: 'b' } }] };
      });
    for await (const _ of (await completions.create({ model: 'gpt-test', stream: true })) as Stream) break;
    expect(histogramOf(DURATION, base)!.count).toBe(1);
  });

  it('marks the LLM frame it records in, so a framework hook around it leaves its sample out', async () => {
    const completions = new Completions();
    completions.reply = () => ({ usage: { prompt_tokens: 1, completion_tokens: 1 } });
    // The framework awaits the call inside its frame, as the agents SDK's models do.
    const ok = newLlmFrame();
    await runInLlmFrame(ok, async () => await completions.create({ model: 'gpt-test' }));
    expect(ok.measured).toBe(true);
    const failed = newLlmFrame();
    completions.reply = () => Promise.reject(new RateLimitError('429'));
    await runInLlmFrame(failed, async () => await completions.create({ model: 'gpt-test' })).then(undefined, () => undefined);
    expect(failed.measured).toBe(true);
    expect(llmScope.getStore()).toBeUndefined();
  });

  it('records nothing when disabled, and returns what the SDK returned', async () => {
    enabled = false;
    const completions = new Completions();
    completions.reply = () => ({ usage: { prompt_tokens: 1, completion_tokens: 1 } });
    const frame = newLlmFrame();
    const promise = runInLlmFrame(frame, () => completions.create({ model: 'gpt-test' }));
    expect(promise).toBeInstanceOf(APIPromise);
    await promise;
    expect(metric(DURATION)).toBeUndefined();
    expect(frame.measured).toBe(false);
  });
});

describe('responses.create', () => {
  it('takes input_tokens, output_tokens and their details', async () => {
    const responses = new Responses();
    responses.reply = () => ({
      id: 'resp_1',
      object: 'response',
      usage: { input_tokens: 200, input_tokens_details: { cached_tokens: 150 }, output_tokens: 40, output_tokens_details: { reasoning_tokens: 25 }, total_tokens: 240 },
    });
    await responses.create({ model: 'gpt-test' });
    expect(histogramOf(DURATION, base)!.count).toBe(1);
    expect([tokens('input'), tokens('output'), tokens('cache_read'), tokens('reasoning')]).toEqual([200, 40, 150, 25]);
  });

  it('a stream takes its usage from response.completed; every event is a chunk', async () => {
    const responses = new Responses();
    const usage = { input_tokens: 90, input_tokens_details: { cached_tokens: 10 }, output_tokens: 8, output_tokens_details: { reasoning_tokens: 0 } };
    const events = [
      { type: 'response.created', response: { usage: null } },
      { type: 'response.output_text.delta', delta: 'Hi' },
      { type: 'response.completed', response: { usage } },
    ];
    responses.reply = () =>
      new Stream(async function* () {
        for (const event of events) {
          await sleep(10);
          yield event;
        }
      });
    expect(await drain((await responses.create({ model: 'gpt-test', stream: true })) as Stream)).toEqual(events);
    expect([tokens('input'), tokens('output'), tokens('cache_read'), tokens('reasoning')]).toEqual([90, 8, 10, 0]);
    expect(histogramOf(PER_CHUNK, base)!.count).toBe(2);
  });
});

describe('embeddings.create', () => {
  it('is an embeddings operation with input tokens only', async () => {
    const embeddings = new Embeddings();
    embeddings.reply = () => ({ data: [], usage: { prompt_tokens: 8, total_tokens: 8 } });
    await embeddings.create({ model: 'text-embedding-3-small' });
    const labels = { ...base, 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-embedding-3-small' };
    expect(histogramOf(DURATION, labels)!.count).toBe(1);
    expect(types()).toEqual(['input']);
    expect(tokens('input', labels)).toBe(8);
  });
});

describe('hostile values from the request and the response', () => {
  it.each([['__proto__'], ['constructor'], ['toString'], ['x'.repeat(5000)]])('model %s is a label value, never a key', async (model) => {
    const completions = new Completions();
    completions.reply = () => ({ usage: { prompt_tokens: 1, completion_tokens: 1, __proto__: { prompt_tokens: 99 } } });
    await completions.create({ model });
    expect(metric(DURATION)!.dataPoints).toHaveLength(1);
    expect(({} as Record<string, unknown>).prompt_tokens).toBeUndefined();
  });

  it.each([
    [{ prompt_tokens: -1, completion_tokens: Number.NaN }, []],
    [{ prompt_tokens: '12', completion_tokens: Infinity }, []],
    [{ input_tokens: 3, output_tokens: 'x', output_tokens_details: 'nope' }, ['input']],
    ['usage', []],
  ])('usage %o gives token types %o', async (usage, expected) => {
    const responses = new Responses();
    responses.reply = () => ({ usage });
    await responses.create({ model: 'gpt-test' });
    expect(histogramOf(DURATION, base)!.count).toBe(1);
    expect(types() ?? []).toEqual(expected);
  });
});
