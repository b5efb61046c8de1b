import { describe, expect, it } from 'vitest';
import { percentile, SampleWindow } from '../../../src/store/windows';

describe('percentile (nearest rank)', () => {
  const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
  it.each([
    [50, 50],
    [95, 95],
    [99, 99],
    [100, 100],
    [0, 1],
    [1, 1],
    [50.5, 51],
  ])('p%s of 1..100 is %s', (p, expected) => {
    expect(percentile(sorted, p)).toBe(expected);
  });

  it('picks actual samples of small sets, never interpolations', () => {
    const s = Float64Array.from([10, 20, 30, 40]);
    expect([percentile(s, 50), percentile(s, 95), percentile(s, 99), percentile(s, 25)]).toEqual([20, 40, 40, 10]);
    expect(percentile(new Float64Array(0), 50)).toBeNaN();
  });
});

describe('SampleWindow', () => {
  it('keeps exactly the last N samples', () => {
    const w = new SampleWindow(5);
    for (let i = 1; i <= 12; i++) w.add(i);
    expect([...w.sorted()]).toEqual([8, 9, 10, 11, 12]);
  });

  it('sorts numerically, not as strings', () => {
    const w = new SampleWindow(10);
    for (const v of [10, 9, 100, 0.5]) w.add(v);
    expect([...w.sorted()]).toEqual([0.5, 9, 10, 100]);
  });
});
