// The worker's side of cluster mode with a stand-in IPC channel: hello, answers by topic, and
// the one call when no agentmeter primary answers.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterMessage } from '../../../src/cluster/protocol';
import { startClusterWorker, type Channel, type ClusterWorker } from '../../../src/cluster/worker';

class FakeChannel extends EventEmitter {
  sent: ClusterMessage[] = [];
  send(message: ClusterMessage): boolean {
    this.sent.push(message);
    return true;
  }
}

let worker: ClusterWorker | undefined;
afterEach(() => worker?.stop());

const settle = () => new Promise((r) => setTimeout(r, 5));

function start(channel: FakeChannel, helloTimeoutMillis = 10_000, noPrimary: string[] = []): ClusterWorker {
  worker = startClusterWorker({
    channel: channel as unknown as Channel,
    helloTimeoutMillis,
    onNoPrimary: () => noPrimary.push('no primary'),
    answerers: { metrics: () => ({ series: 3 }), summary: async () => ({ tools: {} }), broken: () => { throw new Error('boom'); } },
  });
  return worker;
}

describe('startClusterWorker', () => {
  it('says hello, then answers each request with its id, by topic', async () => {
    const channel = new FakeChannel();
    start(channel);
    expect(channel.sent).toEqual([{ type: 'agentmeter:hello' }]);
    channel.emit('message', { type: 'agentmeter:collect', id: 7, topic: 'metrics' });
    channel.emit('message', { type: 'agentmeter:collect', id: 8, topic: 'summary' });
    channel.emit('message', { type: 'agentmeter:collect', id: 9, topic: 'broken' });
    channel.emit('message', { type: 'agentmeter:collect', id: 10, topic: 'unknown' });
    await settle();
    const answers = channel.sent.slice(1) as Array<{ id: number }>;
    expect(answers.sort((a, b) => a.id - b.id)).toEqual([
      { type: 'agentmeter:collected', id: 7, payload: { series: 3 } },
      { type: 'agentmeter:collected', id: 8, payload: { tools: {} } },
      { type: 'agentmeter:collected', id: 9, error: 'boom' },
      { type: 'agentmeter:collected', id: 10, error: 'no answerer for unknown' },
    ]);
  });

  it("ignores the app's own messages", async () => {
    const channel = new FakeChannel();
    start(channel);
    for (const m of ['text', null, 42, { type: 'app:job' }, { cmd: 'x' }]) channel.emit('message', m);
    await settle();
    expect(channel.sent).toEqual([{ type: 'agentmeter:hello' }]);
  });

  it('calls onNoPrimary once when no welcome arrives in time, and not at all once welcomed', async () => {
    const alone = new FakeChannel();
    const said: string[] = [];
    start(alone, 20, said);
    await new Promise((r) => setTimeout(r, 60));
    expect(said).toEqual(['no primary']);
    worker!.stop();

    const served = new FakeChannel();
    const quiet: string[] = [];
    start(served, 20, quiet);
    served.emit('message', { type: 'agentmeter:welcome', known: true });
    await new Promise((r) => setTimeout(r, 60));
    expect(quiet).toEqual([]);
    expect(worker!.welcomed).toBe(true);
    expect(served.sent).toEqual([{ type: 'agentmeter:hello' }]);
  });

  it('says hello again to a primary that started after it (welcome with known: false)', () => {
    const channel = new FakeChannel();
    start(channel);
    channel.emit('message', { type: 'agentmeter:welcome', known: false });
    expect(channel.sent).toEqual([{ type: 'agentmeter:hello' }, { type: 'agentmeter:hello' }]);
  });

  it('never throws when the channel is closed', () => {
    const channel = new FakeChannel();
    channel.send = () => {
      throw Object.assign(new Error('Channel closed'), { code: 'ERR_IPC_CHANNEL_CLOSED' });
    };
    expect(() => start(channel)).not.toThrow();
  });

  it('removes its listener on stop()', () => {
    const channel = new FakeChannel();
    start(channel).stop();
    worker = undefined;
    expect(channel.listenerCount('message')).toBe(0);
  });
});
