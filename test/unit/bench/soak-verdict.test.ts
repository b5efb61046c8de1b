import { describe, expect, it } from 'vitest';
import { LIMITS, maximum, percentile, slope, verdict } from '../../../bench/soak/verdict.mjs';

interface Sample {
  minutes: number;
  rssMb: number;
  heapAfterGcMb?: number;
}

/**
 * One sample a second for `minutes`: RSS and a major GC every 8 s, shaped like a measured soak
 * (RSS steps of ±12 MB, one GC in ten landing mid-scrape 40 MB high), plus `leakMbPerMinute`.
 */
function run(minutes: number, leakMbPerMinute: number): Sample[] {
  const samples: Sample[] = [];
  for (let s = 0; s < minutes * 60; s++) {
    const m = s / 60;
    const rssMb = 340 + (s % 7 === 0 ? 12 : s % 5 === 0 ? -12 : 0) + leakMbPerMinute * m;
    const gc = s % 8 === 0 ? 40 + (s % 80 === 0 ? 40 : 0) + leakMbPerMinute * m : undefined;
    samples.push(gc === undefined ? { minutes: m, rssMb } : { minutes: m, rssMb, heapAfterGcMb: gc });
  }
  return samples;
}

describe('soak verdict', () => {
  it('passes a flat run with spikes on both series', () => {
    const v = verdict(run(30, 0), { warmupMinutes: 5 });
    expect(v.rssSlope).toBe(0);
    expect(v.heapSlope).toBe(0);
    expect(v.samplesAfterWarmup).toBe(1500);
    expect(v.majorGcsAfterWarmup).toBe(187);
    expect(v.failures).toEqual([]);
    expect(v.pass).toBe(true);
  });

  it('fails a run that leaks 2 MB a minute, naming both series and the limits', () => {
    const v = verdict(run(30, 2), { warmupMinutes: 5 });
    expect(v.rssSlope).toBeCloseTo(2, 9);
    expect(v.heapSlope).toBeCloseTo(2, 9);
    expect(v.failures).toEqual([
      'RSS grows 2.00 MB/min after warm-up (limit 1)',
      'heap after major GC grows 2.00 MB/min after warm-up (limit 0.5)',
    ]);
    expect(v.pass).toBe(false);
  });

  it('fails a run too short to judge', () => {
    const v = verdict(run(0.3, 0), { warmupMinutes: 0.1 });
    expect(v.failures).toEqual(['only 12 samples after warm-up; run longer', 'only 2 major collections after warm-up; run longer']);
    expect(v.pass).toBe(false);
  });

  it('uses the given limits', () => {
    expect(verdict(run(2, 2), { warmupMinutes: 0.5, limits: { rssMbPerMinute: 30, heapMbPerMinute: 3 } }).pass).toBe(true);
    expect(verdict(run(2, 4), { warmupMinutes: 0.5, limits: { rssMbPerMinute: 30, heapMbPerMinute: 3 } }).failures).toEqual([
      'heap after major GC grows 4.00 MB/min after warm-up (limit 3)',
    ]);
    expect(LIMITS).toEqual({ rssMbPerMinute: 1, heapMbPerMinute: 0.5 });
  });

  it('takes the median pairwise slope, so one outlier does not tilt it', () => {
    expect(slope([0, 1, 2, 3, 4], [10, 11, 12, 13, 14])).toBe(1);
    expect(slope([0, 1, 2, 3, 4], [10, 11, 90, 13, 14])).toBe(1);
    expect(slope([1], [5])).toBe(0);
  });

  it('reads nearest-rank percentiles', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 99)).toBe(5);
    expect(percentile([], 99)).toBeNaN();
  });
});

describe('maximum', () => {
  it('handles a 30-minute run of 5 ms ticks (Math.max with a spread overflows the stack there)', () => {
    const ticks = new Array<number>(400_000).fill(0.5);
    ticks[123_456] = 41;
    expect(maximum(ticks)).toBe(41);
    expect(maximum([])).toBe(0);
  });
});
