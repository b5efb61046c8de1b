/**
 * The one send loop behind the Kafka metric exporter and the routing-event publisher: it runs
 * while its owner has something queued, connects on demand, retries with exponential backoff
 * and jitter (waits a flush or shutdown can cut short), says once when publishing fails and
 * once when it works again, and keeps the broker connection from holding a finished app alive.
 * What one attempt sends, and what a failure costs, is the owner's.
 */
import type { Socket } from 'node:net';
import { diag } from '@opentelemetry/api';

/** What one attempt did: sent, dropped for good (nothing to retry), or worth a retry after a failure of this type. */
export type AttemptResult = 'sent' | 'dropped' | { retry: string };

export interface SendLoopOwner {
  /** Names the owner in its two messages, e.g. `Kafka exporter`. */
  readonly label: string;
  /** What is kept while retrying, for the failure message, e.g. `data is kept up to 10 exports`. */
  kept(): string;
  /** Whether anything waits to be sent. */
  pending(): boolean;
  /** Connects the owner's producer. */
  connect(): Promise<void>;
  /** One attempt at the head of the queue (after connecting); never rejects. */
  attempt(): Promise<AttemptResult>;
}

export interface SendLoopOptions {
  initialRetryDelayMillis: number;
  maxRetryDelayMillis: number;
  /** The producer's sockets (trackingSocketFactory): ref'd while sending, unref'd when idle. */
  sockets: Set<Socket>;
}

export class SendLoop {
  /** Set once `stop()` ran: the loop ends at its next turn and never starts again. */
  stopping = false;
  /** Whether the producer is connected; the owner clears it on kafkajs's disconnect event. */
  connected = false;
  /** The error type of the latest failed attempt, until one succeeds again (names what a cut-short flush lost to). */
  lastFailure: string | undefined;
  private running: Promise<void> | undefined;
  private failing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private wakeRetry: (() => void) | undefined;

  constructor(
    private readonly owner: SendLoopOwner,
    private readonly options: SendLoopOptions,
  ) {}

  /** Starts the loop unless it runs already (call after queueing). */
  start(): void {
    if (this.running !== undefined) return;
    for (const socket of this.options.sockets) socket.ref();
    this.running = this.run().finally(() => {
      this.running = undefined;
      // Something queued after the loop saw an empty queue but before this ran (a caller resumed
      // by the previous acknowledgement) would otherwise wait for the next one.
      if (this.owner.pending() && !this.stopping) this.start();
      // Idle: an open connection must not keep a finished app alive (it would never reach beforeExit).
      else for (const socket of this.options.sockets) socket.unref();
    });
  }

  /** Resolves when the loop has nothing left to send; a retry wait is cut short. */
  async drain(): Promise<void> {
    while (this.running !== undefined) {
      this.wakeRetry?.();
      await this.running;
    }
  }

  /**
   * Stops the loop: no further attempt starts; resolves when the current one ended (which a
   * broker that never answers can hold up to the request timeout: owners bound the wait).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeRetry?.();
    await this.running;
  }

  /** Connects once; a rejection is the attempt's failure to handle. */
  async connect(): Promise<void> {
    if (this.connected) return;
    await this.owner.connect();
    this.connected = true;
  }

  private async run(): Promise<void> {
    let delay = this.options.initialRetryDelayMillis;
    while (this.owner.pending() && !this.stopping) {
      const result = await this.owner.attempt();
      if (result === 'dropped') continue;
      if (result === 'sent') {
        this.lastFailure = undefined;
        if (this.failing) {
          this.failing = false;
          diag.info(`agentmeter: ${this.owner.label} is publishing again`);
        }
        delay = this.options.initialRetryDelayMillis;
        continue;
      }
      this.lastFailure = result.retry;
      if (!this.owner.pending()) break;
      if (!this.failing) {
        this.failing = true;
        diag.warn(`agentmeter: ${this.owner.label} cannot publish (${result.retry}); retrying with backoff, ${this.owner.kept()}`);
      }
      await this.sleep(delay * (0.8 + Math.random() * 0.4));
      delay = Math.min(delay * 2, this.options.maxRetryDelayMillis);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeRetry = () => {
        clearTimeout(this.retryTimer);
        this.wakeRetry = undefined;
        resolve();
      };
      // unref: a retry wait never keeps the host process alive.
      this.retryTimer = setTimeout(this.wakeRetry, ms);
      this.retryTimer.unref();
    });
  }
}
