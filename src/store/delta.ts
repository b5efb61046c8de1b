/**
 * Delta temporality for agentmeter's store: each series' last exported state, so a delta reader
 * gets the change since its previous collection.
 */
import type { HrTime } from '@opentelemetry/api';
import type { HistogramPoint, ValuePoint } from './points';

/**
 * Bucket counts as the plain array MetricData wants. An index loop: Array.from on a
 * Float64Array took 7.6 ms per 10,000 histograms per collection here, the loop 0.2 ms.
 */
export function countsOf(counts: Float64Array): number[] {
  const out = new Array<number>(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = counts[i]!;
  return out;
}

/** A series' state as one export saw it. */
interface Seen {
  time: HrTime;
  value: number;
  counts?: number[];
  sum?: number;
}

/** Per series: the state the previous collection exported, and the latest read in this one. */
interface DeltaEntry {
  seq: number;
  base: Seen | undefined;
  last: Seen;
}

/** A histogram series' change since the previous collection. */
export interface HistogramDelta {
  startTime: HrTime;
  counts: number[];
  sum: number;
  count: number;
}

/**
 * Remembers each series' last exported state so a delta reader gets differences. The state
 * advances once per collection (`seq`), however often that collection's points are read: the
 * lazy MetricData and the Kafka encoder may both read one snapshot, and neither moves the base.
 */
export class DeltaState {
  /** End of this state's previous collection, epoch ms (exemplars before it belong to earlier deltas). */
  lastEndMs: number | undefined = undefined;
  private readonly entries = new WeakMap<HistogramPoint | ValuePoint, DeltaEntry>();

  private base(p: HistogramPoint | ValuePoint, seq: number, now: Seen): Seen | undefined {
    const entry = this.entries.get(p);
    if (entry === undefined) {
      this.entries.set(p, { seq, base: undefined, last: now });
      return undefined;
    }
    if (entry.seq !== seq) {
      entry.base = entry.last;
      entry.seq = seq;
    }
    entry.last = now;
    return entry.base;
  }

  histogram(p: HistogramPoint, endTime: HrTime, seq: number): HistogramDelta {
    const now = countsOf(p.counts);
    const last = this.base(p, seq, { time: endTime, value: p.count, counts: now, sum: p.sum });
    const counts = countsOf(p.counts);
    const before = last?.counts;
    if (before !== undefined) for (let i = 0; i < counts.length; i++) counts[i]! -= before[i]!;
    return { startTime: last?.time ?? p.startTime, counts, sum: p.sum - (last?.sum ?? 0), count: p.count - (last?.value ?? 0) };
  }

  sum(p: ValuePoint, endTime: HrTime, seq: number): { startTime: HrTime; value: number } {
    const last = this.base(p, seq, { time: endTime, value: p.value });
    return { startTime: last?.time ?? p.startTime, value: p.value - (last?.value ?? 0) };
  }
}
