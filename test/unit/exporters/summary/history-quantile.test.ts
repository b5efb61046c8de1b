import { describe, expect, it } from 'vitest';
import { bucketDelta, countOf, quantileOf, shareAtOrUnder } from '../../../../src/exporters/summary/history-quantile';

const boundaries = [0.1, 0.2, 0.5];

describe('history quantiles from bucket deltas', () => {
  it('subtracts the earlier snapshot bucket by bucket', () => {
    const d = bucketDelta({ boundaries, counts: [5, 6, 2, 1] }, { boundaries, counts: [1, 6, 0, 1] });
    expect(d).toEqual({ boundaries, counts: [4, 0, 2, 0] });
    expect(countOf(d)).toBe(6);
  });
  it.each([
    [0.5, 0.075],
    [0.95, 0.455],
    [1, 0.5],
  ])('interpolates the %s quantile inside its bucket', (q, expected) => {
    expect(quantileOf({ boundaries, counts: [4, 0, 2, 0] }, q)).toBeCloseTo(expected, 12);
  });
  it('returns the highest boundary for a rank in +Inf, and null when empty', () => {
    expect(quantileOf({ boundaries, counts: [0, 0, 0, 3] }, 0.5)).toBe(0.5);
    expect(quantileOf({ boundaries, counts: [0, 0, 0, 0] }, 0.5)).toBeNull();
    expect(quantileOf(undefined, 0.5)).toBeNull();
  });
  it('gives the share at or under a boundary', () => {
    expect(shareAtOrUnder({ boundaries, counts: [3, 1, 0, 4] }, 0.2)).toBe(0.5);
    expect(shareAtOrUnder({ boundaries, counts: [0, 0, 0, 0] }, 0.2)).toBeNull();
  });
});
