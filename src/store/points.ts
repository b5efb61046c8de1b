/**
 * Pre-aggregated series ("points"): one object per attribute set, updated in place by the
 * helpers and read by the producer at collection time. No attribute hashing on the hot path.
 */
import type { Attributes, HrTime } from '@opentelemetry/api';
import type { Chunks } from './chunks';
import { exemplarSampling, offerExemplar, type Exemplar, type ExemplarSlots } from './exemplars';

/**
 * Told of a sample refused because it would make a sum infinite (`seconds: 1e308` twice); the
 * registry counts it as a drop. A sum is never allowed to reach ±Infinity: `_sum +Inf` would
 * poison every rate and average over that series for good.
 */
let sumOverflowed: (detail: string) => void = () => {};

export function onSumOverflow(report: (detail: string) => void): void {
  sumOverflowed = report;
}

export class HistogramPoint implements ExemplarSlots {
  /** counts[i] holds values in (bounds[i-1], bounds[i]]; the last slot is (last bound, +Inf). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;
  exemplars: (Exemplar | undefined)[] | undefined = undefined;
  exemplarSkip: Uint8Array | undefined = undefined;
  exemplarMissSkip = 0;
  exemplarMissBackoff = 0;

  /** `chunks`: the instrument's, so its series' counts sit side by side; a standalone array without. */
  constructor(
    readonly attributes: Attributes,
    readonly bounds: readonly number[],
    readonly startTime: HrTime,
    chunks?: Chunks,
  ) {
    const n = bounds.length + 1;
    if (chunks === undefined) this.counts = new Float64Array(n);
    else {
      const { buffer, offset } = chunks.take(n * 8);
      this.counts = new Float64Array(buffer, offset, n);
    }
  }

  record(value: number): void {
    const sum = this.sum + value;
    if (sum === Infinity) {
      sumOverflowed('histogram sum');
      return;
    }
    const lo = bucketIndex(this.bounds, value);
    this.counts[lo]!++;
    this.sum = sum;
    this.count++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (exemplarSampling.on) {
      // Inline, the common case with tracing on: the series is backing off after a miss.
      if (this.exemplarMissSkip > 0) this.exemplarMissSkip--;
      else offerExemplar(this, this.counts.length, lo, value);
    }
  }

  /** `times` samples of one value at once (a batch of equal-size messages): O(1) in `times`. */
  recordTimes(value: number, times: number): void {
    if (times <= 0) return;
    if (this.sum + value * times === Infinity) {
      sumOverflowed('histogram sum');
      return;
    }
    this.record(value);
    const extra = times - 1;
    this.counts[bucketIndex(this.bounds, value)]! += extra;
    this.sum += value * extra;
    this.count += extra;
  }
}

/**
 * The bucket of `value`: the first bound >= value, or the +Inf slot. Binary search: measured 2x
 * faster than a linear scan over the 17 tool-duration bounds for second-scale latencies.
 */
function bucketIndex(bounds: readonly number[], value: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value > bounds[mid]!) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A counter, up-down counter or gauge value. */
export class ValuePoint {
  value = 0;

  /**
   * `startTime`: when the series began counting; a counter copied from elsewhere at collection
   * (the guard's drop counts) takes its source's start instead (snapshot.ts).
   */
  constructor(
    readonly attributes: Attributes,
    public startTime: HrTime,
  ) {}

  add(delta: number): void {
    const value = this.value + delta;
    if (value === Infinity || value === -Infinity) sumOverflowed('counter value');
    else this.value = value;
  }

  set(value: number): void {
    this.value = value;
  }
}

export type Point = HistogramPoint | ValuePoint;
