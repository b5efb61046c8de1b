/**
 * Percentiles and shares from the change of a histogram between two collections: the bucket
 * counts of the later snapshot minus the earlier, interpolated linearly inside a bucket as
 * Prometheus's histogram_quantile does, so the charts agree with the Grafana panels.
 */
import type { Histogram } from '@opentelemetry/sdk-metrics';

/** Bucket counts of a histogram, summed over its series (boundaries are the catalog's, shared by all). */
export interface BucketCounts {
  boundaries: readonly number[];
  counts: number[];
}

/** Adds one series' histogram into `into` (created on first use). */
export function addHistogram(into: BucketCounts | undefined, h: Histogram): BucketCounts {
  const target = into ?? { boundaries: h.buckets.boundaries, counts: new Array<number>(h.buckets.counts.length).fill(0) };
  h.buckets.counts.forEach((n, i) => {
    target.counts[i] = (target.counts[i] ?? 0) + n;
  });
  return target;
}

/** `later - earlier`, bucket by bucket; a missing earlier snapshot counts as zero (a new series). */
export function bucketDelta(later: BucketCounts | undefined, earlier: BucketCounts | undefined): BucketCounts | undefined {
  if (later === undefined) return undefined;
  return { boundaries: later.boundaries, counts: later.counts.map((n, i) => Math.max(0, n - (earlier?.counts[i] ?? 0))) };
}

/** Observations in the delta. */
export const countOf = (d: BucketCounts | undefined): number => (d === undefined ? 0 : d.counts.reduce((a, b) => a + b, 0));

/**
 * The `q` quantile (0..1) of the delta, or null when it is empty. The first bucket starts at 0;
 * a rank in the +Inf bucket returns the highest finite boundary, as histogram_quantile does.
 */
export function quantileOf(d: BucketCounts | undefined, q: number): number | null {
  const total = countOf(d);
  if (d === undefined || total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < d.counts.length; i++) {
    const n = d.counts[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      if (i >= d.boundaries.length) return d.boundaries[d.boundaries.length - 1] ?? null;
      const lower = i === 0 ? 0 : (d.boundaries[i - 1] ?? 0);
      const upper = d.boundaries[i] ?? lower;
      return lower + ((upper - lower) * (rank - seen)) / n;
    }
    seen += n;
  }
  return d.boundaries[d.boundaries.length - 1] ?? null;
}

/** Share of the delta's observations at or under `bound` (a bucket boundary), 0..1; null when empty. */
export function shareAtOrUnder(d: BucketCounts | undefined, bound: number): number | null {
  const total = countOf(d);
  if (d === undefined || total === 0) return null;
  let under = 0;
  for (let i = 0; i < d.boundaries.length && (d.boundaries[i] ?? Infinity) <= bound; i++) under += d.counts[i] ?? 0;
  return under / total;
}
