// The Anthropic patch on a stand-in for the SDK's Messages.create, APIPromise and Stream; the real
// SDK against a canned server is exercised in test/integration/zero-code.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { patchMessages } from '../../../../src/instrumentations/anthropic/messages';
import { llmErrorType } from '../../../../src/instrumentations/llm-errors';
import { histogramOf, metric, resetStore } from '../../helpers';

/** What the SDK's APIPromise offers: the request, a lazily parsed result, and _thenUnwrap. */
class APIPromise<T> implements PromiseLike<T> {
  constructor(readonly responsePromise: Promise<unknown>, private readonly parse: () => Promise<T>) {}
  _thenUnwrap<U>(transform: (data: T) => U): APIPromise<U> {
    return new APIPromise(this.responsePromise, async () => transform(await this.parse()));
  }
  then<A = T, B = never>(onfulfilled?: ((v: T) => A | PromiseLike<A>) | null, onrejected?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.responsePromise.then(() => this.parse()).then(onfulfilled, onrejected);
  }
}

class Stream {
  constructor(readonly iterator: () => AsyncIterator<unknown>) {}
  [Symbol.asyncIterator](): AsyncIterator<unknown> {
    return this.iterator();
  }
}

/** As in SDKs before 1.0: the class says what failed, `name` stays "Error". */
class RateLimitError extends Error {}
class OverloadedError extends Error {}

let enabled = true;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** create() answers with what `reply` gives for the params, after `delay` ms. */
class Messages {
  reply: (params: { model: string; stream?: boolean }) => unknown = () => ({});
  create(params: { model: string; stream?: boolean }): APIPromise<unknown> {
    const response = sleep(20).then(() => this.reply(params));
    return new APIPromise(response, () => response);
  }
}

beforeAll(() => patchMessages(Messages.prototype, () => enabled));
beforeEach(() => {
  enabled = true;
  resetStore();
});

const DURATION = 'gen_ai.client.operation.duration';
const TOKENS = 'gen_ai.client.token.usage';
const base = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-test' };
const tokens = (type: string) => histogramOf(TOKENS, { ...base, 'gen_ai.token.type': type });

describe('Messages.create', () => {
  it('records duration and tokens; input counts the cache tokens too, as the conventions say', async () => {
    const messages = new Messages();
    const message = { id: 'msg_1', usage: { input_tokens: 80, output_tokens: 20, cache_read_input_tokens: 300, cache_creation_input_tokens: 25 } };
    messages.reply = () => message;
    expect(await messages.create({ model: 'claude-test' })).toBe(message);
    expect(histogramOf(DURATION, base)!.count).toBe(1);
    expect(histogramOf(DURATION, base)!.sum).toBeGreaterThanOrEqual(0.015);
    expect([tokens('input')!.sum, tokens('output')!.sum, tokens('cache_read')!.sum, tokens('cache_write')!.sum]).toEqual([405, 20, 300, 25]);
  });

  it('leaves out cache types the response does not report (null or absent)', async () => {
    const messages = new Messages();
    messages.reply = () => ({ usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: null } });
    await messages.create({ model: 'claude-test' });
    expect(metric(TOKENS)!.dataPoints.map((p) => p.attributes['gen_ai.token.type'])).toEqual(['input', 'output']);
    expect(tokens('input')!.sum).toBe(10);
  });

  it('a failed request records its error class as error.type, and the caller gets the same error', async () => {
    const messages = new Messages();
    const error = new RateLimitError('429');
    messages.reply = () => Promise.reject(error);
    await expect(messages.create({ model: 'claude-test' })).rejects.toBe(error);
    expect(histogramOf(DURATION, { ...base, 'error.type': 'RateLimitError' })!.count).toBe(1);
    expect(metric(TOKENS)).toBeUndefined();
  });

  it('times a stream to its last event and takes usage from message_start and message_delta', async () => {
    const messages = new Messages();
    const events = [
      { type: 'message_start', message: { usage: { input_tokens: 50, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 600 } } },
      { type: 'content_block_delta', delta: { text: 'Hi' } },
      { type: 'message_delta', usage: { output_tokens: 40 } },
      { type: 'message_stop' },
    ];
    messages.reply = () =>
      new Stream(async function* () {
        for (const event of events) {
          await sleep(40);
          yield event;
        }
      });
    const stream = (await messages.create({ model: 'claude-test', stream: true })) as Stream;
    expect(metric(DURATION)).toBeUndefined();
    const seen = [];
    for await (const event of stream) seen.push(event);
    expect(seen).toEqual(events);
    const duration = histogramOf(DURATION, base)!;
    expect(duration.count).toBe(1);
    expect(duration.sum).toBeGreaterThanOrEqual(0.17);
    expect([tokens('input')!.sum, tokens('output')!.sum, tokens('cache_read')!.sum, tokens('cache_write')!.sum]).toEqual([650, 40, 0, 600]);
  });

  it('a stream that fails midway records the error and the usage seen so far', async () => {
    const messages = new Messages();
    const overloaded = new OverloadedError('overloaded');
    messages.reply = () =>
      new Stream(async function* () {
        yield { type: 'message_start', message: { usage: { input_tokens: 7, output_tokens: 1 } } };
        throw overloaded;
      });
    const stream = (await messages.create({ model: 'claude-test', stream: true })) as Stream;
    await expect((async () => {
      for await (const _ of stream) void _;
    })()).rejects.toBe(overloaded);
    expect(histogramOf(DURATION, { ...base, 'error.type': 'OverloadedError' })!.count).toBe(1);
    expect(tokens('input')!.sum).toBe(7);
  });

  it('a reader that stops early still records the call once', async () => {
    const messages = new Messages();
    messages.reply = () =>
      new Stream(async function* () {
        yield { type: 'message_start', message: { usage: { input_tokens: 3, output_tokens: 1 } } };
        yield { type: 'message_stop' };
      });
    for await (const _ of (await messages.create({ model: 'claude-test', stream: true })) as Stream) break;
    expect(histogramOf(DURATION, base)!.count).toBe(1);
  });

  it.each([
    [new RateLimitError('429'), 'RateLimitError'],
    [Object.assign(new Error('x'), { name: 'OverloadedError' }), 'Error'],
    [{ message: 'plain object' }, 'Object'],
    ['a string', 'a string'],
  ])('error.type of %o is %s', (error, type) => {
    expect(llmErrorType(error)).toBe(type);
  });

  it('records nothing when disabled, and returns what the SDK returned', async () => {
    enabled = false;
    const messages = new Messages();
    messages.reply = () => ({ usage: { input_tokens: 1, output_tokens: 1 } });
    const promise = messages.create({ model: 'claude-test' });
    expect(promise).toBeInstanceOf(APIPromise);
    await promise;
    expect(metric(DURATION)).toBeUndefined();
  });
});
