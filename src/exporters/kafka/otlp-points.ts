/**
 * Encodes agentmeter's series straight from the store into OTLP data point bytes
 * (metrics.proto `HistogramDataPoint`, `NumberDataPoint`), each as a complete
 * `data_points = 1` field, without building MetricData first.
 *
 * What stays the same between exports is encoded once and kept: a series' attribute KeyValues
 * and start time (keyed by the series object, whose frozen attributes never change), an
 * instrument's bucket bounds, an exemplar (a new object each time one is replaced). Per export
 * only the numbers are written.
 */
import type { HrTime } from '@opentelemetry/api';
import type { HistogramPoint, ValuePoint } from '../../store/points';
import type { Exemplar } from '../../store/exemplars';
import type { StoreSnapshot } from '../../store/snapshot';
import { Chunks } from '../../store/chunks';
import { concat, encodeAttributes, field, hrTimeNanos, msNanos, varintSize, WireBuffer, type Nanos } from './otlp-wire';

// Tags (field number << 3 | wire type) of the fields written per export.
const DATA_POINT = 0x0a; // Gauge/Sum/Histogram.data_points = 1, length-delimited
const START_TIME = 0x11; // start_time_unix_nano = 2, fixed64
const TIME = 0x19; // time_unix_nano = 3, fixed64
const AS_DOUBLE = 0x21; // NumberDataPoint.as_double = 4, double
const AS_INT = 0x31; // NumberDataPoint.as_int = 6, sfixed64
const COUNT = 0x21; // HistogramDataPoint.count = 4, fixed64
const SUM = 0x29; // HistogramDataPoint.sum = 5, double
const BUCKET_COUNTS = 0x32; // HistogramDataPoint.bucket_counts = 6, packed fixed64
const MIN = 0x59; // HistogramDataPoint.min = 11, double
const MAX = 0x61; // HistogramDataPoint.max = 12, double
const EMPTY = new Uint8Array(0);
// Bytes of the fixed-size fields, each a one-byte tag and 8 bytes: start and end time, count and
// sum of a histogram; start and end time and the value of a number point; min and max.
const HISTOGRAM_NUMBERS = 36;
const NUMBER_NUMBERS = 27;
const MIN_MAX = 18;
const TWO_32 = 4294967296;

/** What is encoded once per series. */
interface SeriesBytes {
  point: HistogramPoint | ValuePoint;
  /**
   * The fields that never change, written first: the attribute KeyValues and a histogram's
   * explicit_bounds, placed next to the previous series' in the cache's chunk.
   */
  fixed: Uint8Array;
  /** The data point's length without exemplars and min/max: everything but those is the same size every export. */
  bodyLength: number;
  start: Nanos;
}

/**
 * Per instrument, the series' bytes by position in its points array: series are only ever
 * appended (or all cleared), so a position check replaces a WeakMap lookup per data point,
 * which took a fifth of the encoding time. The fixed bytes of consecutive series sit next to
 * each other in shared chunks, so an export reads them front to back: one small array per
 * series, scattered over the heap, cost a cache miss per data point.
 */
export class SeriesCache {
  readonly series: (SeriesBytes | undefined)[] = [];
  /** Shared buffers of up to 64 kB for the series' fixed bytes. */
  private readonly chunks = new Chunks(65536);

  /** `parts` copied, one after the other, into the next range of the chunks. */
  place(parts: readonly Uint8Array[]): Uint8Array {
    const length = parts.reduce((n, p) => n + p.length, 0);
    const { buffer, offset } = this.chunks.take(length);
    const view = new Uint8Array(buffer, offset, length);
    let at = 0;
    for (const part of parts) {
      view.set(part, at);
      at += part.length;
    }
    return view;
  }
}

/** Writes data points into a message buffer; holds the per-series caches across exports. */
export class PointEncoder {
  private readonly bounds = new WeakMap<readonly number[], Uint8Array>();
  private readonly exemplars = new WeakMap<Exemplar, Uint8Array>();
  private lastTime: HrTime | undefined;
  private lastNanos: Nanos = { lo: 0, hi: 0 };
  end: Nanos = { lo: 0, hi: 0 };
  /** Exemplars older than this (epoch ms) are left out: a delta point's belong to its interval. */
  private exemplarsSinceMs = -Infinity;

  /** Starts an export: the end time every data point of the snapshot shares. */
  begin(snapshot: StoreSnapshot): void {
    this.end = hrTimeNanos(snapshot.endTime);
    this.exemplarsSinceMs = snapshot.exemplarsSinceMs;
  }

  /**
   * Bytes the `data_points` field of this series will take: what `histogram()` writes if the
   * series is not recorded to in between (the caller sizes and writes in one synchronous run).
   */
  histogramSize(p: HistogramPoint, cache: SeriesCache, index: number, delta: boolean): number {
    let s = cache.series[index];
    if (s === undefined || s.point !== p) s = cacheSeries(cache, index, p, 9, this.boundsField(p.bounds), HISTOGRAM_NUMBERS + countsFieldSize(p.counts.length));
    let length = s.bodyLength + (!delta && p.count > 0 ? MIN_MAX : 0);
    const exemplars = p.exemplars;
    if (exemplars !== undefined) for (const e of exemplars) if (e !== undefined && e.timeMs >= this.exemplarsSinceMs) length += this.exemplarField(e).length;
    return 1 + varintSize(length) + length;
  }

  numberSize(p: ValuePoint, cache: SeriesCache, index: number): number {
    let s = cache.series[index];
    if (s === undefined || s.point !== p) s = cacheSeries(cache, index, p, 7, EMPTY, NUMBER_NUMBERS);
    return 1 + varintSize(s.bodyLength) + s.bodyLength;
  }

  /** Writes a histogram series sized by histogramSize() (which cached its fixed bytes). */
  histogram(w: WireBuffer, p: HistogramPoint, cache: SeriesCache, index: number, snapshot: StoreSnapshot): void {
    const s = cache.series[index]!;
    let counts: ArrayLike<number> = p.counts;
    let sum = p.sum;
    let count = p.count;
    let start = s.start;
    let minMax = count > 0;
    if (snapshot.delta !== undefined) {
      const d = snapshot.delta.histogram(p, snapshot.endTime, snapshot.seq);
      ({ counts, sum, count } = d);
      start = this.time(d.startTime);
      // A delta has no min/max: the interval's own extremes are not kept (as the producer).
      minMax = false;
    }
    let length = s.bodyLength + (minMax ? MIN_MAX : 0);
    const exemplars = p.exemplars;
    if (exemplars !== undefined) for (const e of exemplars) if (e !== undefined && e.timeMs >= this.exemplarsSinceMs) length += this.exemplarField(e).length;
    const countsLength = counts.length * 8;
    w.byte(DATA_POINT);
    w.varint(length);
    // Everything constant first (field order is free in protobuf).
    w.raw(s.fixed);
    w.byte(START_TIME);
    w.fixed64(start.lo, start.hi);
    w.byte(TIME);
    w.fixed64(this.end.lo, this.end.hi);
    w.byte(COUNT);
    w.uint64(count);
    w.byte(SUM);
    w.double(sum);
    if (countsLength > 0) {
      w.byte(BUCKET_COUNTS);
      w.varint(countsLength);
      // The hottest loop of the encoder: plain DataView stores, no call per count.
      const view = w.view;
      let at = w.pos;
      for (let i = 0; i < counts.length; i++) {
        const n = counts[i]!;
        view.setUint32(at, n >>> 0, true);
        view.setUint32(at + 4, n < TWO_32 ? 0 : (n / TWO_32) >>> 0, true);
        at += 8;
      }
      w.pos = at;
    }
    if (exemplars !== undefined) for (const e of exemplars) if (e !== undefined && e.timeMs >= this.exemplarsSinceMs) w.raw(this.exemplarField(e));
    if (minMax) {
      w.byte(MIN);
      w.double(p.min);
      w.byte(MAX);
      w.double(p.max);
    }
  }

  /** A counter, up-down counter or gauge value; `integer` picks as_int over as_double. */
  number(w: WireBuffer, p: ValuePoint, cache: SeriesCache, index: number, snapshot: StoreSnapshot, integer: boolean, delta: boolean): void {
    const s = cache.series[index]!;
    let value = p.value;
    let start = s.start;
    if (delta && snapshot.delta !== undefined) {
      const d = snapshot.delta.sum(p, snapshot.endTime, snapshot.seq);
      value = d.value;
      start = this.time(d.startTime);
    }
    w.byte(DATA_POINT);
    w.varint(s.bodyLength);
    w.raw(s.fixed);
    w.byte(START_TIME);
    w.fixed64(start.lo, start.hi);
    w.byte(TIME);
    w.fixed64(this.end.lo, this.end.hi);
    // Per value too: a slice encoded after the snapshot reads live values, which may have gained a fraction since.
    if (integer && Number.isSafeInteger(value)) {
      w.byte(AS_INT);
      w.sfixed64(value);
    } else {
      w.byte(AS_DOUBLE);
      w.double(value);
    }
  }

  /** Delta start times are mostly one shared HrTime (the previous collection's end): memoise it. */
  private time(t: HrTime): Nanos {
    if (t !== this.lastTime) {
      this.lastTime = t;
      this.lastNanos = hrTimeNanos(t);
    }
    return this.lastNanos;
  }

  /** `explicit_bounds = 7` (packed double), empty when there are no bounds (as otlp-transformer). */
  private boundsField(bounds: readonly number[]): Uint8Array {
    let bytes = this.bounds.get(bounds);
    if (bytes === undefined) {
      if (bounds.length === 0) bytes = new Uint8Array(0);
      else {
        const w = new WireBuffer(bounds.length * 8);
        for (const b of bounds) w.double(b);
        bytes = field(7, w.finish());
      }
      this.bounds.set(bounds, bytes);
    }
    return bytes;
  }

  /** `exemplars = 8`: Exemplar { time_unix_nano = 2, as_double = 3, span_id = 4, trace_id = 5 }. */
  private exemplarField(e: Exemplar): Uint8Array {
    let bytes = this.exemplars.get(e);
    if (bytes === undefined) {
      const w = new WireBuffer(32);
      const t = msNanos(e.timeMs);
      w.byte(0x11);
      w.fixed64(t.lo, t.hi);
      w.byte(0x19);
      w.double(e.value);
      bytes = field(8, concat([w.finish(), field(4, Buffer.from(e.spanId, 'hex')), field(5, Buffer.from(e.traceId, 'hex'))]));
      this.exemplars.set(e, bytes);
    }
    return bytes;
  }
}

/** Bytes of the packed bucket_counts field (tag, length, 8 per count); none when there are no counts. */
const countsFieldSize = (n: number): number => (n === 0 ? 0 : 1 + varintSize(n * 8) + n * 8);

/**
 * Attributes: HistogramDataPoint.attributes = 9, NumberDataPoint.attributes = 7. `numbers`: the
 * bytes of the fields written per export (times, values, bucket counts).
 */
function cacheSeries(cache: SeriesCache, index: number, p: HistogramPoint | ValuePoint, attributesField: number, bounds: Uint8Array, numbers: number): SeriesBytes {
  const fixed = cache.place([encodeAttributes(p.attributes, attributesField), bounds]);
  const s = { point: p, fixed, bodyLength: fixed.length + numbers, start: hrTimeNanos(p.startTime) };
  cache.series[index] = s;
  return s;
}
