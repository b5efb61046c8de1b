/**
 * One collection of agentmeter's store: which series exist, their end time and delta state
 * (a StoreSnapshot), as OTel MetricData for any exporter, or read directly by encoders that know
 * the store (the Kafka exporter) through `storeSnapshotOf`.
 */
import { ValueType, type HrTime } from '@opentelemetry/api';
import { hrTime, hrTimeToMilliseconds } from '@opentelemetry/core';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type MetricData,
  type MetricDescriptor,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import type { MetricDefinition } from '../catalog';
import { DROP_REASONS, ATTR_DROP_REASON, ATTR_OVERFLOW_KEY, ATTR_OVERFLOW_METRIC } from '../catalog-vocabulary';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version';
import { guard, instrumentList, instruments } from './registry';
import type { HistogramPoint, ValuePoint } from './points';
import { countsOf, type DeltaState } from './delta';
import { exemplarList, refreshExemplarSampling, type HistogramDataPointWithExemplars } from './exemplars';
import { withKeys } from './instrument';

const attributeOverflow = withKeys(instruments.attributeOverflow, ATTR_OVERFLOW_METRIC, ATTR_OVERFLOW_KEY);
const dropped = withKeys(instruments.dropped, ATTR_DROP_REASON);

// process.uptime() counts from process start (performance.now() from this thread's start).
const processStartSeconds = Date.now() / 1000 - process.uptime();

/** A counter copied from the guard: its value, and the guard's start as its start (not this collection's instant). */
function copyCount(point: ValuePoint, count: number): void {
  point.startTime = guard.since;
  point.set(count);
}

/** Copies guard counters and clock-derived values into their instruments before a read. */
function refreshComputedValues(): void {
  for (const reason of DROP_REASONS) {
    const count = guard.dropped[reason];
    if (count > 0) copyCount(dropped.get1(reason), count);
  }
  for (const [metric, byKey] of guard.overflow) {
    for (const [key, count] of byKey) copyCount(attributeOverflow.get2(metric, key), count);
  }
  instruments.startTime.get0().set(processStartSeconds);
  instruments.uptime.get0().set(process.uptime());
  refreshExemplarSampling();
}

export function descriptorOf(instrument: SnapshotInstrument): MetricDescriptor {
  const { name, description, unit } = instrument.definition;
  return { name, description, unit, valueType: integerValued(instrument) ? ValueType.INT : ValueType.DOUBLE };
}

/** Whether an instrument's values go out as integers (OTLP `as_int`): its counters, unless fractional. */
export function integerValued(instrument: SnapshotInstrument): boolean {
  const { kind } = instrument.definition;
  return (kind === 'counter' || kind === 'updowncounter') && instrument.fractional !== true;
}

/** Whether any series of a counter holds a fraction (2.5 tokens) or an integer past 2^53: such an instrument is exported as doubles from then on. */
function holdsFraction(points: readonly (HistogramPoint | ValuePoint)[]): boolean {
  // Not a safe integer is not an int64 we can vouch for either: 1e19 would wrap in sfixed64.
  for (const p of points) if (!Number.isSafeInteger((p as ValuePoint).value)) return true;
  return false;
}

/** One instrument's series as of a collection. */
export interface SnapshotInstrument {
  readonly definition: Pick<MetricDefinition, 'name' | 'description' | 'unit' | 'kind'>;
  readonly points: readonly (HistogramPoint | ValuePoint)[];
  /**
   * A counter or up-down counter some of whose values were fractional (at this or an earlier
   * collection): its values go out as doubles on every path, never truncated to `as_int`.
   */
  readonly fractional?: boolean;
}

/**
 * What one collection of agentmeter's scope saw: the instruments with series, the end time,
 * and the delta state (with its collection number) when the reader wants deltas. Encoders that
 * know the store (the Kafka exporter) read it instead of MetricData; see `storeSnapshotOf`.
 */
export interface StoreSnapshot {
  readonly endTime: HrTime;
  readonly delta: DeltaState | undefined;
  readonly seq: number;
  /** Exemplars measured before this (epoch ms) are left out: the previous delta collection's end; -Infinity when cumulative. */
  readonly exemplarsSinceMs: number;
  readonly instruments: readonly SnapshotInstrument[];
}

const STORE_SNAPSHOT = Symbol('agentmeter.storeSnapshot');

/** A histogram series' cumulative state as a MetricData point (the snapshot's and the streaming view's). */
export function cumulativeHistogramPoint(p: HistogramPoint, endTime: HrTime): HistogramDataPointWithExemplars {
  return {
    startTime: p.startTime,
    endTime,
    attributes: p.attributes,
    value: {
      buckets: { boundaries: p.bounds as number[], counts: countsOf(p.counts) },
      sum: p.sum,
      count: p.count,
      min: p.count > 0 ? p.min : undefined,
      max: p.count > 0 ? p.max : undefined,
    },
    exemplars: exemplarList(p),
  };
}

function histogramData(instrument: SnapshotInstrument, descriptor: MetricDescriptor, snapshot: StoreSnapshot): MetricData {
  const { endTime, delta, seq } = snapshot;
  const dataPoints: HistogramDataPointWithExemplars[] = (instrument.points as HistogramPoint[]).map((p) => {
    if (delta) {
      const d = delta.histogram(p, endTime, seq);
      // min/max of the interval alone are unknown once values are folded into the cumulative state.
      const value = { buckets: { boundaries: p.bounds as number[], counts: d.counts }, sum: d.sum, count: d.count };
      return { startTime: d.startTime, endTime, attributes: p.attributes, value, exemplars: exemplarList(p, snapshot.exemplarsSinceMs) };
    }
    return cumulativeHistogramPoint(p, endTime);
  });
  return {
    descriptor,
    aggregationTemporality: delta ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints,
  };
}

function valueData(instrument: SnapshotInstrument, descriptor: MetricDescriptor, snapshot: StoreSnapshot): MetricData {
  const { endTime, delta, seq } = snapshot;
  const kind = instrument.definition.kind;
  // Only monotonic counters become deltas; up-down counters and gauges stay as they are.
  const asDelta = delta !== undefined && kind === 'counter';
  const dataPoints: DataPoint<number>[] = (instrument.points as ValuePoint[]).map((p) => {
    if (!asDelta) return { startTime: p.startTime, endTime, attributes: p.attributes, value: p.value };
    const d = delta.sum(p, endTime, seq);
    return { startTime: d.startTime, endTime, attributes: p.attributes, value: d.value };
  });
  if (kind === 'gauge') {
    return { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.GAUGE, dataPoints };
  }
  return {
    descriptor,
    aggregationTemporality: asDelta ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.SUM,
    isMonotonic: kind === 'counter',
    dataPoints,
  };
}

/** The snapshot as OTel MetricData (what every OTel exporter reads). */
export function metricDataOf(snapshot: StoreSnapshot): MetricData[] {
  return snapshot.instruments.map((instrument) => {
    const descriptor = descriptorOf(instrument);
    return instrument.definition.kind === 'histogram' ? histogramData(instrument, descriptor, snapshot) : valueData(instrument, descriptor, snapshot);
  });
}

let collections = 0;

/** Takes a snapshot of the store: which series exist now, and the collection's end time. */
export function snapshotStore(delta?: DeltaState): StoreSnapshot {
  refreshComputedValues();
  const instruments: SnapshotInstrument[] = [];
  // A copy of each points array: clear() empties it in place, and series created while an
  // export is being encoded belong to the next collection.
  for (const instrument of instrumentList) {
    if (instrument.points.length === 0) continue;
    const { kind } = instrument.definition;
    // Sticky: a series' type does not flip back and forth between collections.
    if (!instrument.fractional && (kind === 'counter' || kind === 'updowncounter')) instrument.fractional = holdsFraction(instrument.points);
    instruments.push({ definition: instrument.definition, points: instrument.points.slice(), fractional: instrument.fractional });
  }
  const endTime = hrTime();
  const exemplarsSinceMs = delta?.lastEndMs ?? -Infinity;
  if (delta !== undefined) delta.lastEndMs = hrTimeToMilliseconds(endTime);
  return { endTime, delta, seq: ++collections, instruments, exemplarsSinceMs };
}

/**
 * The snapshot as an OTel ScopeMetrics whose `metrics` is built on first read only, carrying the
 * snapshot under a private symbol: the Kafka exporter encodes the store straight to OTLP bytes
 * and never builds MetricData, while any other exporter reads `metrics` as usual.
 */
export function lazyScopeMetrics(snapshot: StoreSnapshot): ScopeMetrics {
  let metrics: MetricData[] | undefined;
  const scopeMetrics = {
    scope: { name: PACKAGE_NAME, version: PACKAGE_VERSION },
    get metrics(): MetricData[] {
      return (metrics ??= metricDataOf(snapshot));
    },
    set metrics(value: MetricData[]) {
      metrics = value;
    },
  };
  Object.defineProperty(scopeMetrics, STORE_SNAPSHOT, { value: snapshot, enumerable: false });
  return scopeMetrics;
}

/** The store snapshot behind a ScopeMetrics made by agentmeter's producer, else undefined. */
export function storeSnapshotOf(scopeMetrics: ScopeMetrics): StoreSnapshot | undefined {
  return (scopeMetrics as ScopeMetrics & { [STORE_SNAPSHOT]?: StoreSnapshot })[STORE_SNAPSHOT];
}
