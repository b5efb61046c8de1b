// The send loop both Kafka senders share: it runs while something is pending, connects once,
// backs off between failed attempts with one warning and one recovery line, lets a drain cut a
// retry wait short, and stops for good on stop().
import { afterEach, describe, expect, it, vi } from 'vitest';
import { diag } from '@opentelemetry/api';
import { SendLoop, type AttemptResult, type SendLoopOwner } from '../../../../src/exporters/kafka/send-loop';

/** An owner whose attempts answer from a script, with a count of items queued. */
function owner(script: AttemptResult[], queued: number): SendLoopOwner & { attempts: number; connects: number; queued: number } {
  const o = {
    label: 'test sender',
    attempts: 0,
    connects: 0,
    queued,
    kept: () => `up to ${o.queued} items are kept`,
    pending: () => o.queued > 0,
    connect: async () => {
      o.connects += 1;
    },
    attempt: async (): Promise<AttemptResult> => {
      o.attempts += 1;
      await loop.connect();
      const result = script.shift() ?? 'sent';
      if (result === 'sent' || result === 'dropped') o.queued -= 1;
      return result;
    },
  };
  const loop: SendLoop = new SendLoop(o, { initialRetryDelayMillis: 20, maxRetryDelayMillis: 40, sockets: new Set() });
  loops.push(loop);
  return Object.assign(o, { loop });
}
const loops: SendLoop[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const loop of loops.splice(0)) await loop.stop();
});

describe('SendLoop', () => {
  it('sends everything pending, connecting once', async () => {
    const o = owner([], 3) as ReturnType<typeof owner> & { loop: SendLoop };
    o.loop.start();
    o.loop.start();
    await o.loop.drain();
    expect([o.attempts, o.connects, o.queued]).toEqual([3, 1, 0]);
  });

  it('retries a failed attempt with backoff, warns once while failing and says once when it works again', async () => {
    const warn = vi.spyOn(diag, 'warn').mockImplementation(() => {});
    const info = vi.spyOn(diag, 'info').mockImplementation(() => {});
    const o = owner([{ retry: 'KafkaJSConnectionError' }, { retry: 'KafkaJSConnectionError' }, 'sent'], 1) as ReturnType<typeof owner> & { loop: SendLoop };
    const started = performance.now();
    o.loop.start();
    for (let i = 0; i < 200 && o.queued > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(o.attempts).toBe(3);
    // Two waits: about 20 ms, then about 40 ms (jitter 0.8 to 1.2).
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(warn.mock.calls).toEqual([['agentmeter: test sender cannot publish (KafkaJSConnectionError); retrying with backoff, up to 1 items are kept']]);
    expect(info.mock.calls).toEqual([['agentmeter: test sender is publishing again']]);
  });

  it('moves on after a drop without waiting and without a recovery line', async () => {
    const info = vi.spyOn(diag, 'info').mockImplementation(() => {});
    const o = owner(['dropped', 'sent'], 2) as ReturnType<typeof owner> & { loop: SendLoop };
    o.loop.start();
    await o.loop.drain();
    expect([o.attempts, o.queued]).toEqual([2, 0]);
    expect(info).not.toHaveBeenCalled();
  });

  it('lets drain() cut a retry wait short', async () => {
    vi.spyOn(diag, 'warn').mockImplementation(() => {});
    const o = owner([{ retry: 'E' }, 'sent'], 1) as ReturnType<typeof owner> & { loop: SendLoop };
    (o.loop as unknown as { options: { initialRetryDelayMillis: number } }).options.initialRetryDelayMillis = 60_000;
    o.loop.start();
    await new Promise((r) => setTimeout(r, 20));
    const started = performance.now();
    await o.loop.drain();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(o.queued).toBe(0);
  });

  it('starts no attempt after stop(), even with items pending', async () => {
    vi.spyOn(diag, 'warn').mockImplementation(() => {});
    const o = owner([{ retry: 'E' }], 5) as ReturnType<typeof owner> & { loop: SendLoop };
    o.loop.start();
    await new Promise((r) => setTimeout(r, 5));
    await o.loop.stop();
    const attempts = o.attempts;
    o.loop.start();
    await new Promise((r) => setTimeout(r, 50));
    expect(o.attempts).toBe(attempts);
    expect(o.queued).toBe(5);
  });
});
