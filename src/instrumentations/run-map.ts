/**
 * Runs in progress of a callback- or exporter-based hook (LangChain, Mastra), keyed by the
 * framework's run or span id. A run that never reports its end (a callback the framework skipped,
 * a span dropped by a processor) must not hold memory for ever: past `capacity` the oldest run is
 * evicted and counted in `agentmeter.dropped{agentmeter_reason="unfinished_run"}`. Ids are the
 * framework's, so a Map (never a plain object's keys).
 */
import { guard } from '../store/registry';

/** Runs kept at most by default: far above the runs one process has open at once. */
export const DEFAULT_RUN_CAPACITY = 10_000;

export class RunMap<V> {
  private readonly runs = new Map<string, V>();
  /** Runs evicted unfinished since this map was made. */
  evicted = 0;

  /** `what` names the hook in the one diagnostic the guard prints for the first eviction. */
  constructor(
    private readonly what: string,
    readonly capacity: number = DEFAULT_RUN_CAPACITY,
  ) {}

  get size(): number {
    return this.runs.size;
  }

  /** Starts tracking `id`; evicts the oldest run first when full. */
  set(id: string, run: V): void {
    if (this.runs.size >= this.capacity && !this.runs.has(id)) {
      // Insertion order: the first key is the run that started longest ago.
      const oldest = this.runs.keys().next();
      if (oldest.done !== true) {
        this.runs.delete(oldest.value);
        this.evicted++;
        guard.drop('unfinished_run', `${this.what} had more than ${this.capacity} runs in progress; the oldest was forgotten`);
      }
    }
    this.runs.set(id, run);
  }

  get(id: string): V | undefined {
    return this.runs.get(id);
  }

  /** The run's state, which is forgotten: the run has ended. */
  take(id: string): V | undefined {
    const run = this.runs.get(id);
    if (run !== undefined) this.runs.delete(id);
    return run;
  }

  clear(): void {
    this.runs.clear();
  }
}
