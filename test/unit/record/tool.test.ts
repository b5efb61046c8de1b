import { beforeEach, describe, expect, it } from 'vitest';
import { recordToolCall, timeToolCall } from '../../../src/record/tool';
import { histogramOf, resetStore } from '../helpers';

const NAME = 'gen_ai.execute_tool.duration';

describe('recordToolCall', () => {
  beforeEach(resetStore);

  it('records successes and failures as separate series with exact counts, sums and buckets', () => {
    recordToolCall({ tool: 'search', seconds: 0.004 });
    recordToolCall({ tool: 'search', seconds: 0.3 });
    recordToolCall({ tool: 'search', seconds: 2, error: new RangeError('boom') });
    const ok = histogramOf(NAME, { 'gen_ai.tool.name': 'search' })!;
    expect(ok.count).toBe(2);
    expect(ok.sum).toBeCloseTo(0.304, 12);
    expect(ok.min).toBe(0.004);
    expect(ok.max).toBe(0.3);
    // Buckets: 0.001 0.0025 0.005 0.01 0.02 0.04 0.08 0.16 0.32 ... → 0.004 in le=0.005, 0.3 in le=0.32.
    expect(ok.buckets.counts).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const failed = histogramOf(NAME, { 'gen_ai.tool.name': 'search', 'error.type': 'RangeError' })!;
    expect(failed.count).toBe(1);
    expect(failed.sum).toBe(2);
  });

  it('puts a value equal to a boundary in that bucket (upper bound inclusive)', () => {
    recordToolCall({ tool: 'edge', seconds: 0.01 });
    expect(histogramOf(NAME, { 'gen_ai.tool.name': 'edge' })!.buckets.counts[3]).toBe(1);
  });

  it.each([
    ['an error code', Object.assign(new Error('reset'), { code: 'ECONNRESET' }), 'ECONNRESET'],
    ['a class name', new TypeError('bad'), 'TypeError'],
    ['a string', 'timeout', 'timeout'],
    ['an object without name', { reason: 1 }, 'Object'],
    ['true', true, '_OTHER'],
  ])('derives error.type from %s', (_label, error, expected) => {
    recordToolCall({ tool: 'typed', seconds: 1, error });
    expect(histogramOf(NAME, { 'gen_ai.tool.name': 'typed', 'error.type': expected })?.count).toBe(1);
  });
});

describe('timeToolCall', () => {
  beforeEach(resetStore);

  it.each([undefined, null, false, 0, ''])('counts a synchronous throw of %o as a failure with error.type _OTHER', (thrown) => {
    expect(() =>
      timeToolCall('throws_nothing', () => {
        throw thrown;
      }),
    ).toThrow();
    expect(histogramOf(NAME, { 'gen_ai.tool.name': 'throws_nothing', 'error.type': '_OTHER' })!.count).toBe(1);
    expect(histogramOf(NAME, { 'gen_ai.tool.name': 'throws_nothing' })).toBeUndefined();
  });

  it('never throws itself for a result whose then getter throws: the value is handed back, a success', () => {
    const hostile = Object.defineProperty({}, 'then', {
      get() {
        throw new Error('getter');
      },
    });
    expect(timeToolCall('hostile_then', () => hostile)).toBe(hostile);
    let calls = 0;
    const flaky = Object.defineProperty({}, 'then', {
      get() {
        if (calls++ > 0) throw new Error('second read');
        return () => undefined;
      },
    });
    expect(timeToolCall('flaky_then', () => flaky)).toBe(flaky);
    expect(histogramOf(NAME, { 'gen_ai.tool.name': 'hostile_then' })!.count).toBe(1);
    expect(histogramOf(NAME, { 'gen_ai.tool.name': 'flaky_then' })!.count).toBe(1);
  });

  it('returns the sync result and records a success', () => {
    expect(timeToolCall('sync_ok', () => 42)).toBe(42);
    expect(histogramOf(NAME, { 'gen_ai.tool.name': 'sync_ok' })!.count).toBe(1);
  });

  it('rethrows the original sync error unchanged and records its type', () => {
    const original = new SyntaxError('nope');
    let caught: unknown;
    try {
      timeToolCall('sync_fail', () => {
        throw original;
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBe(original);
    expect(histogramOf(NAME, { 'gen_ai.tool.name': 'sync_fail', 'error.type': 'SyntaxError' })!.count).toBe(1);
    expect(histogramOf(NAME, { 'gen_ai.tool.name': 'sync_fail' })).toBeUndefined();
  });

  it('awaits async functions, measures their duration and records success', async () => {
    const value = await timeToolCall('async_ok', async () => {
      await new Promise((r) => setTimeout(r, 30));
      return 'done';
    });
    expect(value).toBe('done');
    const h = histogramOf(NAME, { 'gen_ai.tool.name': 'async_ok' })!;
    expect(h.count).toBe(1);
    expect(h.sum).toBeGreaterThanOrEqual(0.025);
  });

  it('rejects with the original error and records its type', async () => {
    const original = Object.assign(new Error('limit'), { code: 'RATE_LIMITED' });
    await expect(timeToolCall('async_fail', () => Promise.reject(original))).rejects.toBe(original);
    expect(histogramOf(NAME, { 'gen_ai.tool.name': 'async_fail', 'error.type': 'RATE_LIMITED' })!.count).toBe(1);
  });

  it('counts a rejection with undefined as a failure', async () => {
    await expect(timeToolCall('async_undefined', () => Promise.reject(undefined))).rejects.toBeUndefined();
    expect(histogramOf(NAME, { 'gen_ai.tool.name': 'async_undefined', 'error.type': '_OTHER' })!.count).toBe(1);
  });
});
