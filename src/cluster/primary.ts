/**
 * The primary's side: knows which workers run agentmeter (they said hello) and, at scrape
 * time, asks each of them for a collection over IPC. Bounded: a worker that has not answered
 * within the timeout, or whose channel is closed, or that exits meanwhile, is reported as
 * missing and left out of that collection; the scrape never waits longer than the timeout.
 */
import type { Cluster, Worker } from 'node:cluster';
import { COLLECT, COLLECTED, HELLO, isClusterMessage, nodeCluster, WELCOME, type ClusterMessage } from './protocol';

/** One worker's answer. */
export interface WorkerAnswer {
  /** The cluster worker id. */
  workerId: number;
  payload: unknown;
}

/** What a gathering returned. */
export interface Gathered {
  answers: WorkerAnswer[];
  /** Workers asked (those that said hello and are connected). */
  asked: number;
  /** Workers asked that did not answer in time, could not be asked, exited, or answered with an error. */
  missing: number;
}

/** Options of `ClusterPrimary`. */
export interface ClusterPrimaryOptions {
  /** Longest wait for the workers' answers, ms. */
  timeoutMillis: number;
  /** Called after every gathering once any worker said hello: workers asked, and how many of them are missing. */
  onGathered?: (asked: number, missing: number) => void;
  /** The cluster module; tests pass a stand-in. Default `node:cluster`. */
  cluster?: Cluster;
}

interface Pending {
  worker: Worker;
  settle: (payload: unknown, ok: boolean) => void;
}

function sendTo(worker: Worker, message: ClusterMessage, onError: () => void = () => {}): void {
  try {
    // With a callback, a closed channel is reported there instead of as an 'error' event.
    worker.send(message, undefined, (err: Error | null) => {
      if (err) onError();
    });
  } catch {
    onError();
  }
}

export class ClusterPrimary {
  private readonly workers = new Set<Worker>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private hadWorkers = false;
  private readonly onMessage = (worker: Worker, message: unknown): void => this.receive(worker, message);
  private readonly onGone = (worker: Worker): void => this.forget(worker);

  private readonly cluster: Cluster;

  constructor(private readonly options: ClusterPrimaryOptions) {
    const cluster = (this.cluster = options.cluster ?? nodeCluster());
    cluster.on('message', this.onMessage);
    cluster.on('exit', this.onGone);
    cluster.on('disconnect', this.onGone);
    // Workers forked before agentmeter started in the primary said hello to nobody.
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker?.isConnected()) sendTo(worker, { type: WELCOME, known: false });
    }
  }

  /** Workers that run agentmeter, as far as the primary knows. */
  get workerCount(): number {
    return this.workers.size;
  }

  /**
   * Asks every agentmeter worker for `topic`; resolves within the timeout. An answer `accept`
   * refuses (a worker of another version, say) counts as missing.
   */
  gather(topic: string, accept: (payload: unknown) => boolean = () => true): Promise<Gathered> {
    const asked = [...this.workers].filter((w) => w.isConnected());
    if (asked.length === 0) {
      if (this.hadWorkers) this.options.onGathered?.(0, 0);
      return Promise.resolve({ answers: [], asked: 0, missing: 0 });
    }
    return new Promise((resolve) => {
      const answers: WorkerAnswer[] = [];
      const ids: number[] = [];
      let open = asked.length;
      let missing = 0;
      const timer = setTimeout(() => {
        for (const id of ids) this.pending.get(id)?.settle(undefined, false);
      }, this.options.timeoutMillis);
      for (const worker of asked) {
        const id = ++this.nextId;
        ids.push(id);
        this.pending.set(id, {
          worker,
          settle: (payload, ok) => {
            if (!this.pending.delete(id)) return;
            if (ok && accept(payload)) answers.push({ workerId: worker.id, payload });
            else missing++;
            if (--open > 0) return;
            clearTimeout(timer);
            this.options.onGathered?.(asked.length, missing);
            // In worker-id order, so a page lists workers the same way every time.
            answers.sort((a, b) => a.workerId - b.workerId);
            resolve({ answers, asked: asked.length, missing });
          },
        });
        sendTo(worker, { type: COLLECT, id, topic }, () => this.pending.get(id)?.settle(undefined, false));
      }
    });
  }

  /** Stops listening; pending gatherings settle as missing. */
  stop(): void {
    const cluster = this.cluster;
    cluster.off('message', this.onMessage);
    cluster.off('exit', this.onGone);
    cluster.off('disconnect', this.onGone);
    for (const pending of [...this.pending.values()]) pending.settle(undefined, false);
    this.workers.clear();
  }

  private receive(worker: Worker, message: unknown): void {
    if (!isClusterMessage(message)) return;
    if (message.type === HELLO) {
      this.workers.add(worker);
      this.hadWorkers = true;
      sendTo(worker, { type: WELCOME, known: true });
    } else if (message.type === COLLECTED) {
      const pending = this.pending.get(message.id);
      // A late answer (after the timeout) or one from another worker is ignored.
      if (pending?.worker !== worker) return;
      pending.settle(message.payload, message.error === undefined);
    }
  }

  private forget(worker: Worker): void {
    this.workers.delete(worker);
    for (const pending of [...this.pending.values()]) if (pending.worker === worker) pending.settle(undefined, false);
  }
}
