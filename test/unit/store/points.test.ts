import { describe, expect, it } from 'vitest';
import { Chunks } from '../../../src/store/chunks';
import { HistogramPoint } from '../../../src/store/points';

const BOUNDS = [0.1, 1, 10];

describe('HistogramPoint counts from shared chunks', () => {
  it('puts consecutive series\' bucket counts next to each other, each independent of its neighbours', () => {
    const chunks = new Chunks(32768);
    const points = Array.from({ length: 100 }, (_, i) => new HistogramPoint({ i }, BOUNDS, [0, 0], chunks));
    // 32 bytes per series: a 1 kB buffer holds 32, the next 2 kB one 64, then a 4 kB one.
    expect(points[0]!.counts.buffer).toBe(points[31]!.counts.buffer);
    expect(points[31]!.counts.byteOffset).toBe(31 * 32);
    expect(points[32]!.counts.buffer).not.toBe(points[31]!.counts.buffer);
    expect(points[32]!.counts.buffer.byteLength).toBe(2048);
    expect(points[96]!.counts.buffer.byteLength).toBe(4096);
    points.forEach((p, i) => p.record(i % 2 === 0 ? 0.05 : 50));
    points[40]!.record(5);
    expect(points.map((p) => [...p.counts])).toEqual(points.map((_, i) => (i === 40 ? [1, 0, 1, 0] : i % 2 === 0 ? [1, 0, 0, 0] : [0, 0, 0, 1])));
  });

  it('gives a histogram with very many buckets an array of its own', () => {
    const many = Array.from({ length: 1100 }, (_, i) => i);
    const chunks = new Chunks(32768);
    const a = new HistogramPoint({}, many, [0, 0], chunks);
    const b = new HistogramPoint({}, many, [0, 0], chunks);
    expect(a.counts.length).toBe(1101);
    expect(a.counts.byteOffset).toBe(0);
    expect(a.counts.buffer).not.toBe(b.counts.buffer);
    expect(a.counts.buffer.byteLength).toBe(1101 * 8);
  });
});
