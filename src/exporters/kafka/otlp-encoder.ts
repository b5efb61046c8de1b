/**
 * The Kafka exporter's OTLP encoder: one collection → `ExportMetricsServiceRequest` messages of
 * at most `maxMessageBytes`, split while encoding.
 *
 * agentmeter's own scope (a ScopeMetrics carrying a store snapshot, see store/producer.ts) is
 * encoded straight from the store by PointEncoder, in slices that yield to the event loop.
 * Other producers' scopes (the SDK's, official instrumentations) go through otlp-transformer
 * as before; their last message becomes the start of the first store message, so both share
 * messages. The resource is written by otlp-transformer once per resource and reused.
 */
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { Resource } from '@opentelemetry/resources';
import type { ResourceMetrics, ScopeMetrics } from '@opentelemetry/sdk-metrics';
import type { HistogramPoint, ValuePoint } from '../../store/points';
import { storeSnapshotOf, type SnapshotInstrument, type StoreSnapshot } from '../../store/producer';
import { encodeMetrics, type EncodedExport } from './encode';
import { concat, field, stringField, varintSize, WireBuffer } from './otlp-wire';
import { PointEncoder } from './otlp-points';

/** Data points encoded between two yields to the event loop (about 1 ms of work each). */
export const POINTS_PER_SLICE = 2048;

const METRIC_FIELD = 0x12; // ScopeMetrics.metrics = 2 (also ResourceMetrics.scope_metrics = 2)
const REQUEST_FIELD = 0x0a; // ExportMetricsServiceRequest.resource_metrics = 1
// Worst case of the framing around the points: tag + 5-byte length for the request and the scope.
const OUTER_FRAMING = 12;
// ... and for one metric: its tag and length, and its gauge/sum/histogram field's tag and length.
const METRIC_FRAMING = 12;

/** One instrument's encoded data points: offsets into PointEncoder.out. */
interface MetricRun {
  /** Metric.name = 1, description = 2, unit = 3. */
  header: Uint8Array;
  /** Tag of Metric.gauge = 5, sum = 7 or histogram = 9. */
  dataTag: number;
  /** aggregation_temporality = 2, is_monotonic = 3. */
  trailer: Uint8Array;
  /** Start offset of each data point, and the end of the last. */
  offsets: number[];
}

/** A range of one run's data points inside one message. */
interface Part {
  run: MetricRun;
  from: number;
  to: number;
}

interface Draft {
  /** ResourceMetrics fields before agentmeter's scope: the resource, maybe other scopes. */
  base: Uint8Array;
  parts: Part[];
  size: number;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The bytes inside a serialised request's one `resource_metrics` field. */
function resourceMetricsBody(request: Uint8Array): Uint8Array {
  let at = 1; // the REQUEST_FIELD tag
  let length = 0;
  for (let shift = 1; ; shift *= 128) {
    const b = request[at++]!;
    length += (b & 127) * shift;
    if (b < 128) break;
  }
  return request.subarray(at, at + length);
}

export class OtlpMetricsEncoder {
  private readonly points = new PointEncoder();
  private readonly resources = new WeakMap<Resource, Uint8Array>();
  private readonly headers = new WeakMap<SnapshotInstrument['definition'], Uint8Array>();
  private readonly scopes = new Map<string, Uint8Array>();
  /** Encoded bytes per point of other producers' data, the hint for splitting it. */
  private otherBytesPerPoint = 0;

  constructor(private readonly maxMessageBytes: number) {}

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
    let base = this.resourceBody(resourceMetrics.resource);
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
      base = this.resourceBody(resourceMetrics.resource);
    }
    return out;
  }

  private *encodeScope(scope: ScopeMetrics, snapshot: StoreSnapshot, resource: Resource, firstBase: Uint8Array, out: EncodedExport): Generator<void, void> {
    const runs: MetricRun[] = [];
    const enc = this.points;
    enc.begin(snapshot);
    let sinceYield = 0;
    for (const instrument of snapshot.instruments) {
      const { kind } = instrument.definition;
      const delta = snapshot.delta !== undefined && kind !== 'gauge' && kind !== 'updowncounter';
      const run: MetricRun = { header: this.header(instrument.definition), dataTag: 0, trailer: new Uint8Array(0), offsets: [] };
      // AggregationTemporality: DELTA = 1, CUMULATIVE = 2 (metrics.proto).
      if (kind === 'histogram') {
        run.dataTag = (9 << 3) | 2;
        run.trailer = new Uint8Array([0x10, delta ? 1 : 2]);
      } else if (kind === 'gauge') {
        run.dataTag = (5 << 3) | 2;
      } else {
        run.dataTag = (7 << 3) | 2;
        run.trailer = kind === 'counter' ? new Uint8Array([0x10, delta ? 1 : 2, 0x18, 1]) : new Uint8Array([0x10, 2]);
      }
      for (const p of instrument.points) {
        if (sinceYield === POINTS_PER_SLICE) {
          sinceYield = 0;
          // Offsets stay valid if the buffer grows: they are positions, not views.
          yield;
        }
        sinceYield++;
        run.offsets.push(enc.out.pos);
        // Attributes: HistogramDataPoint.attributes = 9, NumberDataPoint.attributes = 7.
        if (kind === 'histogram') enc.histogram(p as HistogramPoint, 9, snapshot);
        else enc.number(p as ValuePoint, 7, snapshot, kind !== 'gauge', delta);
      }
      run.offsets.push(enc.out.pos);
      runs.push(run);
    }
    const scopeHeader = this.scopeHeader(scope);
    const drafts = this.split(runs, scopeHeader, firstBase, this.resourceBody(resource), out);
    for (const draft of drafts) {
      if (draft.parts.length === 0) out.messages.push(this.othersOnly(draft.base));
      else out.messages.push(this.write(draft, scopeHeader));
      if (drafts.length > 1) yield;
    }
  }

  /** Cuts the runs into messages, greedily, by a size bound that over-counts framing only. */
  private split(runs: MetricRun[], scopeHeader: Uint8Array, firstBase: Uint8Array, resourceBody: Uint8Array, out: EncodedExport): Draft[] {
    const max = this.maxMessageBytes;
    const open = (base: Uint8Array): Draft => ({ base, parts: [], size: OUTER_FRAMING + base.length + scopeHeader.length });
    const drafts: Draft[] = [];
    let draft = open(firstBase);
    for (const run of runs) {
      const metricSize = METRIC_FRAMING + run.header.length + run.trailer.length;
      let part: Part | undefined;
      for (let i = 0; i < run.offsets.length - 1; i++) {
        const pointSize = run.offsets[i + 1]! - run.offsets[i]!;
        // A new part (first point here, or after a dropped point) also pays the metric's framing.
        const newPart = part === undefined || part.to !== i;
        const add = pointSize + (newPart ? metricSize : 0);
        if (draft.size + add > max) {
          if (draft.parts.length === 0 && draft.base === resourceBody) {
            // Too large even alone in a message: dropped and counted by the exporter.
            out.oversizedDataPoints++;
            continue;
          }
          drafts.push(draft);
          draft = open(resourceBody);
          part = undefined;
          i--;
          continue;
        }
        if (newPart) {
          part = { run, from: i, to: i };
          draft.parts.push(part);
        }
        part!.to = i + 1;
        draft.size += add;
      }
    }
    if (draft.parts.length > 0 || draft.base !== resourceBody) drafts.push(draft);
    return drafts;
  }

  /** Writes one message with exact lengths. */
  private write(draft: Draft, scopeHeader: Uint8Array): Uint8Array {
    const src = this.points.out.bytes;
    let scopeLength = scopeHeader.length;
    const lengths: number[] = [];
    for (const { run, from, to } of draft.parts) {
      const dataLength = run.offsets[to]! - run.offsets[from]! + run.trailer.length;
      const metricLength = run.header.length + 1 + varintSize(dataLength) + dataLength;
      lengths.push(dataLength, metricLength);
      scopeLength += 1 + varintSize(metricLength) + metricLength;
    }
    const rmLength = draft.base.length + 1 + varintSize(scopeLength) + scopeLength;
    const w = new WireBuffer(1 + varintSize(rmLength) + rmLength);
    w.byte(REQUEST_FIELD);
    w.varint(rmLength);
    w.raw(draft.base);
    w.byte(METRIC_FIELD); // ResourceMetrics.scope_metrics = 2
    w.varint(scopeLength);
    w.raw(scopeHeader);
    draft.parts.forEach(({ run, from, to }, i) => {
      w.byte(METRIC_FIELD);
      w.varint(lengths[i * 2 + 1]!);
      w.raw(run.header);
      w.byte(run.dataTag);
      w.varint(lengths[i * 2]!);
      w.raw(src.subarray(run.offsets[from]!, run.offsets[to]!));
      w.raw(run.trailer);
    });
    return w.bytes;
  }

  private othersOnly(base: Uint8Array): Uint8Array {
    return concat([new Uint8Array([REQUEST_FIELD]), varintBytes(base.length), base]);
  }

  /** Resource = 1 (and schema_url = 3) of ResourceMetrics, as otlp-transformer writes them. */
  private resourceBody(resource: Resource): Uint8Array {
    let body = this.resources.get(resource);
    if (body === undefined) {
      const request = ProtobufMetricsSerializer.serializeRequest({ resource, scopeMetrics: [] }) ?? new Uint8Array(0);
      body = resourceMetricsBody(request).slice();
      this.resources.set(resource, body);
    }
    return body;
  }

  /** ScopeMetrics.scope = 1: InstrumentationScope { name = 1, version = 2 }. */
  private scopeHeader(scope: ScopeMetrics): Uint8Array {
    const { name, version = '' } = scope.scope;
    const key = `${name}\n${version}`;
    let bytes = this.scopes.get(key);
    if (bytes === undefined) {
      bytes = field(1, concat([stringField(1, name), ...(version ? [stringField(2, version)] : [])]));
      this.scopes.set(key, bytes);
    }
    return bytes;
  }

  private header(definition: SnapshotInstrument['definition']): Uint8Array {
    let bytes = this.headers.get(definition);
    if (bytes === undefined) {
      const { name, description, unit } = definition;
      bytes = concat([stringField(1, name), ...(description ? [stringField(2, description)] : []), ...(unit ? [stringField(3, unit)] : [])]);
      this.headers.set(definition, bytes);
    }
    return bytes;
  }
}

function varintBytes(n: number): Uint8Array {
  const w = new WireBuffer(5);
  w.varint(n);
  return w.finish();
}
