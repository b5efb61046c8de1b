/**
 * The Kafka exporter's OTLP encoder: one collection → `ExportMetricsServiceRequest` messages of
 * at most `maxMessageBytes`, split while encoding.
 *
 * agentmeter's own scope (a ScopeMetrics carrying a store snapshot, see store/snapshot.ts) is
 * encoded straight from the store by PointEncoder, in slices that yield to the event loop.
 * Other producers' scopes (the SDK's, official instrumentations) go through otlp-transformer
 * as before; their last message becomes the start of the first store message, so both share
 * messages. The resource is written by otlp-transformer once per resource and reused.
 */
import type { Resource } from '@opentelemetry/resources';
import type { ResourceMetrics, ScopeMetrics } from '@opentelemetry/sdk-metrics';
import type { HistogramPoint, ValuePoint } from '../../store/points';
import { integerValued, storeSnapshotOf, type SnapshotInstrument, type StoreSnapshot } from '../../store/snapshot';
import { encodeMetrics, type EncodedExport } from './encode';
import { field, varintSize, WireBuffer } from './otlp-wire';
import { PointEncoder, SeriesCache } from './otlp-points';
import { OtlpFraming, resourceMetricsBody } from './otlp-framing';

/**
 * The exporter encodes a collection of at most this many data points at once; larger ones go
 * message by message (at most `maxMessageBytes`, about 1 ms of work at the default) with the
 * event loop free in between.
 */
export const POINTS_PER_SLICE = 2048;

/** Message buffers kept for reuse: enough for a 20,000-histogram export at the default size. */
const MAX_POOLED_MESSAGES = 10;

const METRIC_FIELD = 0x12; // ScopeMetrics.metrics = 2 (also ResourceMetrics.scope_metrics = 2)
const REQUEST_FIELD = 0x0a; // ExportMetricsServiceRequest.resource_metrics = 1
// Worst case of the framing around the points: tag + 5-byte length for the request and the scope.
const OUTER_FRAMING = 12;
// ... and for one metric: its tag and length, and its gauge/sum/histogram field's tag and length.
const METRIC_FRAMING = 12;

/** One instrument's framing and series. */
interface MetricRun {
  /** Metric.name = 1, description = 2, unit = 3. */
  header: Uint8Array;
  /** Tag of Metric.gauge = 5, sum = 7 or histogram = 9. */
  dataTag: number;
  /** aggregation_temporality = 2, is_monotonic = 3. */
  trailer: Uint8Array;
  instrument: SnapshotInstrument;
  cache: SeriesCache;
  delta: boolean;
  histogram: boolean;
}

/** A range of one run's data points inside one message, and their encoded size. */
interface Part {
  run: MetricRun;
  from: number;
  to: number;
  bytes: number;
}

// AggregationTemporality: DELTA = 1, CUMULATIVE = 2; is_monotonic = 3 (metrics.proto).
const TRAILERS = {
  none: new Uint8Array(0),
  deltaHistogram: new Uint8Array([0x10, 1]),
  cumulativeHistogram: new Uint8Array([0x10, 2]),
  deltaCounter: new Uint8Array([0x10, 1, 0x18, 1]),
  cumulativeCounter: new Uint8Array([0x10, 2, 0x18, 1]),
  upDownCounter: new Uint8Array([0x10, 2]),
};

interface Draft {
  /** ResourceMetrics fields before agentmeter's scope: the resource, maybe other scopes. */
  base: Uint8Array;
  parts: Part[];
  size: number;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class OtlpMetricsEncoder {
  private readonly points = new PointEncoder();
  private readonly framing = new OtlpFraming();
  private readonly seriesCaches = new WeakMap<SnapshotInstrument['definition'], SeriesCache>();
  /** Encoded bytes per point of other producers' data, the hint for splitting it. */
  private otherBytesPerPoint = 0;

  /** Message buffers given back by `release`, each `maxMessageBytes` long. */
  private readonly pool: Uint8Array[] = [];

  constructor(private readonly maxMessageBytes: number) {}

  /**
   * Gives a message back once the client is done with it (kafkajs has copied it into its
   * request by the time `send` settles): the next export writes into it instead of a fresh
   * allocation of up to `maxMessageBytes`, which measured as much GC as the encoding itself.
   */
  release(message: Uint8Array): void {
    if (message.byteOffset === 0 && message.buffer.byteLength === this.maxMessageBytes && this.pool.length < MAX_POOLED_MESSAGES) {
      this.pool.push(new Uint8Array(message.buffer));
    }
  }

  /** Data points in a collection (store series and others'), to choose between encode and encodeSync. */
  static dataPoints(resourceMetrics: ResourceMetrics): number {
    let n = 0;
    for (const scope of resourceMetrics.scopeMetrics) {
      const snapshot = storeSnapshotOf(scope);
      if (snapshot !== undefined) for (const i of snapshot.instruments) n += i.points.length;
      else for (const metric of scope.metrics) n += metric.dataPoints.length;
    }
    return n;
  }

  /**
   * Encodes a collection, yielding to the event loop between slices of POINTS_PER_SLICE points;
   * the store snapshot's values are read as each slice is encoded.
   */
  async encode(resourceMetrics: ResourceMetrics): Promise<EncodedExport> {
    const steps = this.steps(resourceMetrics);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done === true) return step.value;
      await yieldToEventLoop();
    }
  }

  /** Encodes a collection at once: for one that fits a slice anyway. */
  encodeSync(resourceMetrics: ResourceMetrics): EncodedExport {
    const steps = this.steps(resourceMetrics);
    for (let step = steps.next(); ; step = steps.next()) if (step.done === true) return step.value;
  }

  /** The encoding, as steps: each `yield` is a point where the caller may let the event loop run. */
  private *steps(resourceMetrics: ResourceMetrics): Generator<void, EncodedExport> {
    const own: { scope: ScopeMetrics; snapshot: StoreSnapshot }[] = [];
    const others: ScopeMetrics[] = [];
    for (const scope of resourceMetrics.scopeMetrics) {
      const snapshot = storeSnapshotOf(scope);
      if (snapshot === undefined) others.push(scope);
      else own.push({ scope, snapshot });
    }
    const out: EncodedExport = { messages: [], oversizedDataPoints: 0 };
    let base = this.framing.resourceBody(resourceMetrics.resource);
    if (others.length > 0) {
      const rm = { resource: resourceMetrics.resource, scopeMetrics: others };
      const encoded = encodeMetrics(rm, this.maxMessageBytes, this.otherBytesPerPoint);
      const points = others.reduce((n, s) => n + s.metrics.reduce((m, metric) => m + metric.dataPoints.length, 0), 0);
      this.otherBytesPerPoint = points === 0 ? 0 : encoded.messages.reduce((n, m) => n + m.length, 0) / points;
      out.oversizedDataPoints += encoded.oversizedDataPoints;
      const last = encoded.messages.pop();
      out.messages.push(...encoded.messages);
      // The last one is continued with agentmeter's series (or sent as it is when there are none).
      if (last !== undefined) {
        if (own.length === 0) out.messages.push(last);
        else base = resourceMetricsBody(last);
      }
    }
    for (const { scope, snapshot } of own) {
      yield* this.encodeScope(scope, snapshot, resourceMetrics.resource, base, out);
      base = this.framing.resourceBody(resourceMetrics.resource);
    }
    return out;
  }

  private *encodeScope(scope: ScopeMetrics, snapshot: StoreSnapshot, resource: Resource, firstBase: Uint8Array, out: EncodedExport): Generator<void, void> {
    this.points.begin(snapshot);
    const scopeHeader = this.framing.scopeHeader(scope);
    const resourceBody = this.framing.resourceBody(resource);
    const max = this.maxMessageBytes;
    const open = (base: Uint8Array): Draft => ({ base, parts: [], size: OUTER_FRAMING + base.length + scopeHeader.length });
    let draft = open(firstBase);
    // Each message is sized and written in one synchronous run (no recording in between, so the
    // sizes hold); the event loop runs between messages.
    const flush = (): void => {
      if (draft.parts.length === 0) out.messages.push(field(1, draft.base));
      else out.messages.push(this.write(draft, scopeHeader, snapshot));
    };
    for (const instrument of snapshot.instruments) {
      const run = this.run(instrument, snapshot);
      const metricSize = METRIC_FRAMING + run.header.length + run.trailer.length;
      const points = instrument.points;
      let part: Part | undefined;
      for (let i = 0; i < points.length; i++) {
        const pointSize = run.histogram
          ? this.points.histogramSize(points[i] as HistogramPoint, run.cache, i, run.delta)
          : this.points.numberSize(points[i] as ValuePoint, run.cache, i);
        // A new part (first point here, or after a dropped point) also pays the metric's framing.
        const newPart = part === undefined || part.to !== i;
        const add = pointSize + (newPart ? metricSize : 0);
        if (draft.size + add > max) {
          if (draft.parts.length === 0 && draft.base === resourceBody) {
            // Too large even alone in a message: dropped and counted by the exporter.
            out.oversizedDataPoints++;
            continue;
          }
          flush();
          yield;
          draft = open(resourceBody);
          part = undefined;
          i--;
          continue;
        }
        if (newPart) {
          part = { run, from: i, to: i, bytes: 0 };
          draft.parts.push(part);
        }
        part!.to = i + 1;
        part!.bytes += pointSize;
        draft.size += add;
      }
    }
    if (draft.parts.length > 0 || draft.base !== resourceBody) flush();
  }

  /** An instrument's framing in this snapshot. */
  private run(instrument: SnapshotInstrument, snapshot: StoreSnapshot): MetricRun {
    const { kind } = instrument.definition;
    const delta = snapshot.delta !== undefined && kind !== 'gauge' && kind !== 'updowncounter';
    let cache = this.seriesCaches.get(instrument.definition);
    if (cache === undefined) this.seriesCaches.set(instrument.definition, (cache = new SeriesCache()));
    const run: MetricRun = { header: this.framing.metricHeader(instrument.definition), dataTag: 0, trailer: TRAILERS.none, instrument, cache, delta, histogram: kind === 'histogram' };
    if (kind === 'histogram') {
      run.dataTag = (9 << 3) | 2;
      run.trailer = delta ? TRAILERS.deltaHistogram : TRAILERS.cumulativeHistogram;
    } else if (kind === 'gauge') {
      run.dataTag = (5 << 3) | 2;
    } else {
      run.dataTag = (7 << 3) | 2;
      run.trailer = kind === 'counter' ? (delta ? TRAILERS.deltaCounter : TRAILERS.cumulativeCounter) : TRAILERS.upDownCounter;
    }
    return run;
  }

  /** Writes one message with exact lengths, straight into its buffer. */
  private write(draft: Draft, scopeHeader: Uint8Array, snapshot: StoreSnapshot): Uint8Array {
    let scopeLength = scopeHeader.length;
    const lengths: number[] = [];
    for (const { run, bytes } of draft.parts) {
      const dataLength = bytes + run.trailer.length;
      const metricLength = run.header.length + 1 + varintSize(dataLength) + dataLength;
      lengths.push(dataLength, metricLength);
      scopeLength += 1 + varintSize(metricLength) + metricLength;
    }
    const rmLength = draft.base.length + 1 + varintSize(scopeLength) + scopeLength;
    const total = 1 + varintSize(rmLength) + rmLength;
    // A large message gets a full-size buffer (pooled or new) so it can be reused after
    // release(); a small one only its own size, so a backlog of small exports stays small.
    // One in between (the last of a big export) takes a pooled buffer when one is free: a fresh
    // allocation of a few hundred kB costs its page faults and external-memory GC pressure.
    const max = this.maxMessageBytes;
    const pooled = total > max / 16 ? this.pool.pop() : undefined;
    const w = new WireBuffer(pooled ?? (total > max / 2 ? new Uint8Array(max) : new Uint8Array(total)));
    w.byte(REQUEST_FIELD);
    w.varint(rmLength);
    w.raw(draft.base);
    w.byte(METRIC_FIELD); // ResourceMetrics.scope_metrics = 2
    w.varint(scopeLength);
    w.raw(scopeHeader);
    const enc = this.points;
    draft.parts.forEach(({ run, from, to }, k) => {
      w.byte(METRIC_FIELD);
      w.varint(lengths[k * 2 + 1]!);
      w.raw(run.header);
      w.byte(run.dataTag);
      w.varint(lengths[k * 2]!);
      const points = run.instrument.points;
      const integer = run.dataTag === ((7 << 3) | 2) && integerValued(run.instrument);
      for (let i = from; i < to; i++) {
        if (run.histogram) enc.histogram(w, points[i] as HistogramPoint, run.cache, i, snapshot);
        else enc.number(w, points[i] as ValuePoint, run.cache, i, snapshot, integer, run.delta);
      }
      w.raw(run.trailer);
    });
    // The sizes were computed from the same values in this same synchronous run.
    if (w.pos !== total) throw new Error(`OTLP encoder wrote ${w.pos} bytes of a ${total}-byte message`);
    return w.bytes.subarray(0, total);
  }
}
