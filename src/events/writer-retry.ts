/**
 * The DB writer's retries: a failing insert, commit or dead-letter send is retried with backoff
 * and jitter while its batch is held, heartbeating so the writer keeps its partitions; once the
 * writer is stopping, a wait is cut short and the batch is abandoned, uncommitted.
 */
import { diag } from '@opentelemetry/api';
import { kafkaErrorType } from '../exporters/kafka/client';
import { recordWriterFailure } from './metrics';
import { postgresErrorType } from './postgres';

/** Thrown inside a batch to leave it uncommitted when the writer is stopping mid-retry. */
export class Abandoned extends Error {}

const MIN_BACKOFF_MILLIS = 100;
const MAX_BACKOFF_MILLIS = 5000;

/** The retry loop of one RoutingEventWriter; `stopping` says whether the writer is stopping. */
export class WriterRetry {
  private readonly wakers = new Set<() => void>();

  constructor(private readonly stopping: () => boolean) {}

  /** Ends every backoff wait now, so that a retry sees `stopping` at once. */
  wakeAll(): void {
    for (const wake of this.wakers) wake();
  }

  /** Runs `step` until it succeeds, backing off and heartbeating; gives up only when stopping. */
  async run<T>(what: string, step: () => Promise<T>, heartbeat: () => Promise<void>): Promise<T> {
    let delay = MIN_BACKOFF_MILLIS;
    let warned = false;
    for (;;) {
      try {
        const result = await step();
        if (warned) diag.info(`agentmeter: DB writer ${what} succeeded again`);
        return result;
      } catch (err) {
        const type = what === 'insert' ? postgresErrorType(err) : kafkaErrorType(err);
        recordWriterFailure(type);
        if (!warned) {
          warned = true;
          // PostgreSQL's messages can quote row values (`invalid input syntax for type uuid: "…"`): its SQLSTATE only.
          const detail = what === 'insert' ? type : `${type}: ${err instanceof Error ? err.message : String(err)}`;
          diag.warn(`agentmeter: DB writer ${what} failed (${detail}); retrying with backoff, offsets stay uncommitted`);
        }
        if (this.stopping()) throw new Abandoned(what);
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, delay * (0.8 + Math.random() * 0.4));
        this.wakers.add(wake);
      });
      delay = Math.min(delay * 2, MAX_BACKOFF_MILLIS);
      // Stay in the group while waiting (a rebalance error ends the batch, uncommitted).
      await heartbeat();
    }
  }
}
