// The primary's side of cluster mode with a stand-in cluster: who is asked, what is gathered,
// and how a slow, dead or unreachable worker is counted instead of holding the scrape.
import { EventEmitter } from 'node:events';
import type { Cluster, Worker } from 'node:cluster';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterPrimary } from '../../../src/cluster/primary';
import type { ClusterMessage } from '../../../src/cluster/protocol';

interface FakeWorker {
  id: number;
  connected: boolean;
  sent: ClusterMessage[];
  failSend: boolean;
  isConnected(): boolean;
  send(message: ClusterMessage, handle: undefined, callback: (err: Error | null) => void): boolean;
}

function fakeWorker(id: number): FakeWorker {
  return {
    id,
    connected: true,
    sent: [],
    failSend: false,
    isConnected() {
      return this.connected;
    },
    send(message, _handle, callback) {
      this.sent.push(message);
      setImmediate(() => callback(this.failSend ? new Error('channel closed') : null));
      return true;
    },
  };
}

class FakeCluster extends EventEmitter {
  workers: Record<number, FakeWorker> = {};
  add(worker: FakeWorker, hello = true): FakeWorker {
    this.workers[worker.id] = worker;
    if (hello) this.emit('message', worker, { type: 'agentmeter:hello' });
    return worker;
  }
}

/** Answers every collection request the worker got with `payload(id)`. */
function answer(cluster: FakeCluster, worker: FakeWorker, payload: (workerId: number) => unknown): void {
  for (const m of worker.sent.splice(0)) {
    if (m.type === 'agentmeter:collect') cluster.emit('message', worker, { type: 'agentmeter:collected', id: m.id, payload: payload(worker.id) });
  }
}

let primary: ClusterPrimary | undefined;
afterEach(() => primary?.stop());

function start(cluster: FakeCluster, timeoutMillis = 200, gathered: Array<[number, number]> = []): ClusterPrimary {
  primary = new ClusterPrimary({ timeoutMillis, cluster: cluster as unknown as Cluster, onGathered: (a, m) => gathered.push([a, m]) });
  return primary;
}

describe('ClusterPrimary', () => {
  it('welcomes workers forked before it started, and answers a hello with a welcome', () => {
    const cluster = new FakeCluster();
    const early = cluster.add(fakeWorker(1), false);
    start(cluster);
    expect(early.sent).toEqual([{ type: 'agentmeter:welcome', known: false }]);
    const late = cluster.add(fakeWorker(2));
    expect(late.sent).toEqual([{ type: 'agentmeter:welcome', known: true }]);
    expect(primary!.workerCount).toBe(1);
  });

  it('asks only workers that said hello, and gathers their answers in worker-id order', async () => {
    const cluster = new FakeCluster();
    const gathered: Array<[number, number]> = [];
    start(cluster, 200, gathered);
    const w3 = cluster.add(fakeWorker(3));
    const w2 = cluster.add(fakeWorker(2));
    const silent = cluster.add(fakeWorker(4), false);
    for (const w of [w2, w3]) w.sent.length = 0;
    const pending = primary!.gather('metrics');
    answer(cluster, w3, (id) => ({ from: id }));
    answer(cluster, w2, (id) => ({ from: id }));
    expect(await pending).toEqual({ answers: [{ workerId: 2, payload: { from: 2 } }, { workerId: 3, payload: { from: 3 } }], asked: 2, missing: 0 });
    expect(silent.sent).toEqual([]);
    expect(gathered).toEqual([[2, 0]]);
  });

  it('counts a worker that does not answer within the timeout as missing and does not wait longer', async () => {
    const cluster = new FakeCluster();
    const gathered: Array<[number, number]> = [];
    start(cluster, 150, gathered);
    const fast = cluster.add(fakeWorker(1));
    cluster.add(fakeWorker(2));
    const started = performance.now();
    const pending = primary!.gather('metrics');
    answer(cluster, fast, () => 'ok');
    const result = await pending;
    const waited = performance.now() - started;
    expect(result).toEqual({ answers: [{ workerId: 1, payload: 'ok' }], asked: 2, missing: 1 });
    expect(waited).toBeGreaterThanOrEqual(140);
    expect(waited).toBeLessThan(1000);
    expect(gathered).toEqual([[2, 1]]);
  });

  it('ignores an answer that arrives after the timeout', async () => {
    const cluster = new FakeCluster();
    start(cluster, 50);
    const slow = cluster.add(fakeWorker(1));
    slow.sent.length = 0;
    expect((await primary!.gather('metrics')).missing).toBe(1);
    const next = primary!.gather('metrics');
    // Answers the stale request (ignored) and the current one, in that order.
    let n = 0;
    answer(cluster, slow, () => `answer ${++n}`);
    expect(await next).toEqual({ answers: [{ workerId: 1, payload: 'answer 2' }], asked: 1, missing: 0 });
  });

  it('settles at once for a worker that exits, cannot be sent to, or answers with an error', async () => {
    const cluster = new FakeCluster();
    start(cluster, 10_000);
    const exits = cluster.add(fakeWorker(1));
    const closed = cluster.add(fakeWorker(2));
    const broken = cluster.add(fakeWorker(3));
    closed.failSend = true;
    for (const w of [exits, closed, broken]) w.sent.length = 0;
    const started = performance.now();
    const pending = primary!.gather('metrics');
    cluster.emit('exit', exits);
    const request = broken.sent.find((m) => m.type === 'agentmeter:collect')!;
    cluster.emit('message', broken, { type: 'agentmeter:collected', id: (request as { id: number }).id, error: 'boom' });
    expect(await pending).toEqual({ answers: [], asked: 3, missing: 3 });
    expect(performance.now() - started).toBeLessThan(1000);
    // The exited worker is forgotten; a disconnected one is not asked.
    closed.connected = false;
    expect(primary!.workerCount).toBe(2);
    const next = primary!.gather('metrics');
    answer(cluster, broken, () => 1);
    expect(await next).toEqual({ answers: [{ workerId: 3, payload: 1 }], asked: 1, missing: 0 });
  });

  it('counts an answer the caller refuses as missing', async () => {
    const cluster = new FakeCluster();
    start(cluster);
    const w = cluster.add(fakeWorker(1));
    w.sent.length = 0;
    const pending = primary!.gather('metrics', (p) => typeof p === 'number');
    answer(cluster, w, () => 'not a number');
    expect(await pending).toEqual({ answers: [], asked: 1, missing: 1 });
  });

  it('resolves at once with nothing when no worker runs agentmeter, and reports nothing until one did', async () => {
    const cluster = new FakeCluster();
    const gathered: Array<[number, number]> = [];
    start(cluster, 200, gathered);
    expect(await primary!.gather('metrics')).toEqual({ answers: [], asked: 0, missing: 0 });
    expect(gathered).toEqual([]);
    const w = cluster.add(fakeWorker(1));
    cluster.emit('exit', w);
    await primary!.gather('metrics');
    expect(gathered).toEqual([[0, 0]]);
  });

  it('stops listening on stop()', () => {
    const cluster = new FakeCluster();
    start(cluster).stop();
    primary = undefined;
    expect(cluster.listenerCount('message') + cluster.listenerCount('exit') + cluster.listenerCount('disconnect')).toBe(0);
  });
});
