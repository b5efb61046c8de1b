// The soak's judgement, as pure functions so a unit test can prove it fails on a leak: robust
// (Theil–Sen) slopes of RSS and of the heap after major collections, after warm-up, against
// fixed limits.

/** Default limits in MB per minute for a long soak: a bounded store has no reason to grow once warm. */
export const LIMITS = { rssMbPerMinute: 1, heapMbPerMinute: 0.5 };

/**
 * Theil–Sen slope of y over x: the median of the slopes between all pairs of points. A scrape
 * that lands on a sample or a collection that ends mid-scrape moves one point, not the trend,
 * where least squares would tilt with it. 0 for fewer than two points.
 */
export function slope(xs, ys) {
  const slopes = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) if (xs[j] !== xs[i]) slopes.push((ys[j] - ys[i]) / (xs[j] - xs[i]));
  }
  if (slopes.length === 0) return 0;
  const sorted = Float64Array.from(slopes).sort();
  const m = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/** Nearest-rank percentile of unsorted values; NaN when empty. */
/** The largest value (0 for none), by a loop: `Math.max(...values)` overflows the stack past ~100,000 values (a 30-minute soak has ~370,000 ticks). */
export function maximum(values) {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max;
}

export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

/**
 * samples: [{ minutes, rssMb, heapAfterGcMb? }] one a second (heapAfterGcMb only in seconds
 * with a major collection). Returns both slopes after `warmupMinutes` (MB/min) and whether they
 * stay under `limits`.
 */
export function verdict(samples, { warmupMinutes, limits = LIMITS }) {
  const warm = samples.filter((s) => s.minutes >= warmupMinutes);
  const gcs = warm.filter((s) => s.heapAfterGcMb !== undefined);
  const rssSlope = slope(warm.map((s) => s.minutes), warm.map((s) => s.rssMb));
  const heapSlope = slope(gcs.map((s) => s.minutes), gcs.map((s) => s.heapAfterGcMb));
  const failures = [];
  if (warm.length < 20) failures.push(`only ${warm.length} samples after warm-up; run longer`);
  if (gcs.length < 3) failures.push(`only ${gcs.length} major collections after warm-up; run longer`);
  if (rssSlope > limits.rssMbPerMinute) failures.push(`RSS grows ${rssSlope.toFixed(2)} MB/min after warm-up (limit ${limits.rssMbPerMinute})`);
  if (heapSlope > limits.heapMbPerMinute) failures.push(`heap after major GC grows ${heapSlope.toFixed(2)} MB/min after warm-up (limit ${limits.heapMbPerMinute})`);
  return { rssSlope, heapSlope, samplesAfterWarmup: warm.length, majorGcsAfterWarmup: gcs.length, pass: failures.length === 0, failures };
}
