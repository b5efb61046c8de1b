/**
 * Hands the store to OTel readers as ordinary metric data, through the SDK's MetricProducer
 * hook (`metricProducers` on any reader), so every OTel exporter sees it unchanged.
 */
import { ValueType, type HrTime } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type DataPoint,
  type MetricData,
  type MetricDescriptor,
  type MetricProducer,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { DROP_REASONS } from '../catalog';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version';
import { guard, instrumentList, instruments } from './registry';
import type { HistogramPoint, ValuePoint } from './points';
import type { Instrument } from './instrument';
import { exemplarList, refreshExemplarSampling, type HistogramDataPointWithExemplars } from './exemplars';

// process.uptime() counts from process start (performance.now() from this thread's start).
const processStartSeconds = Date.now() / 1000 - process.uptime();

/** Copies guard counters and clock-derived values into their instruments before a read. */
function refreshComputedValues(): void {
  for (const reason of DROP_REASONS) {
    const count = guard.dropped[reason];
    if (count > 0) instruments.dropped.get1(reason).set(count);
  }
  for (const [key, count] of guard.overflowByKey) instruments.attributeOverflow.get1(key).set(count);
  instruments.startTime.get0().set(processStartSeconds);
  instruments.uptime.get0().set(process.uptime());
  refreshExemplarSampling();
}

function descriptorOf(instrument: Instrument<HistogramPoint | ValuePoint>): MetricDescriptor {
  const { name, description, unit, kind } = instrument.definition;
  const valueType = kind === 'histogram' || kind === 'gauge' ? ValueType.DOUBLE : ValueType.INT;
  return { name, description, unit, valueType };
}

/** What a delta producer exported last time, per series. */
interface Previous {
  time: HrTime;
  value: number;
  counts?: number[];
  sum?: number;
}

/** Remembers each series' last exported state so a delta reader gets differences. */
class DeltaState {
  private readonly previous = new WeakMap<HistogramPoint | ValuePoint, Previous>();

  histogram(p: HistogramPoint, endTime: HrTime): HistogramDataPointWithExemplars {
    const last = this.previous.get(p);
    const counts = Array.from(p.counts, (c, i) => c - (last?.counts?.[i] ?? 0));
    this.previous.set(p, { time: endTime, value: p.count, counts: Array.from(p.counts), sum: p.sum });
    return {
      startTime: last?.time ?? p.startTime,
      endTime,
      attributes: p.attributes,
      // min/max of the interval alone are unknown once values are folded into the cumulative state.
      value: { buckets: { boundaries: p.bounds as number[], counts }, sum: p.sum - (last?.sum ?? 0), count: p.count - (last?.value ?? 0) },
      exemplars: exemplarList(p),
    };
  }

  sum(p: ValuePoint, endTime: HrTime): DataPoint<number> {
    const last = this.previous.get(p);
    this.previous.set(p, { time: endTime, value: p.value });
    return { startTime: last?.time ?? p.startTime, endTime, attributes: p.attributes, value: p.value - (last?.value ?? 0) };
  }
}

function histogramData(
  instrument: Instrument<HistogramPoint>,
  descriptor: MetricDescriptor,
  endTime: HrTime,
  delta: DeltaState | undefined,
): MetricData {
  const dataPoints: HistogramDataPointWithExemplars[] = instrument.points.map((p) =>
    delta
      ? delta.histogram(p, endTime)
      : {
          startTime: p.startTime,
          endTime,
          attributes: p.attributes,
          value: {
            buckets: { boundaries: p.bounds as number[], counts: Array.from(p.counts) },
            sum: p.sum,
            count: p.count,
            min: p.count > 0 ? p.min : undefined,
            max: p.count > 0 ? p.max : undefined,
          },
          exemplars: exemplarList(p),
        },
  );
  return {
    descriptor,
    aggregationTemporality: delta ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints,
  };
}

function valueData(
  instrument: Instrument<ValuePoint>,
  descriptor: MetricDescriptor,
  endTime: HrTime,
  delta: DeltaState | undefined,
): MetricData {
  const kind = instrument.definition.kind;
  // Only monotonic counters become deltas; up-down counters and gauges stay as they are.
  const asDelta = delta !== undefined && kind === 'counter';
  const dataPoints: DataPoint<number>[] = instrument.points.map((p) =>
    asDelta ? delta.sum(p, endTime) : { startTime: p.startTime, endTime, attributes: p.attributes, value: p.value },
  );
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

/**
 * The store's current state as one OTel scope; instruments without series are left out.
 * With a DeltaState, counters and histograms carry the change since that state's last call.
 */
export function collectScopeMetrics(delta?: DeltaState): ScopeMetrics {
  refreshComputedValues();
  const endTime = hrTime();
  const metrics: MetricData[] = [];
  for (const instrument of instrumentList) {
    if (instrument.points.length === 0) continue;
    const descriptor = descriptorOf(instrument);
    metrics.push(
      instrument.definition.kind === 'histogram'
        ? histogramData(instrument as Instrument<HistogramPoint>, descriptor, endTime, delta)
        : valueData(instrument as Instrument<ValuePoint>, descriptor, endTime, delta),
    );
  }
  return { scope: { name: PACKAGE_NAME, version: PACKAGE_VERSION }, metrics };
}

/** Options of `createMetricProducer`. */
export interface MetricProducerOptions {
  /** `cumulative` (default) or `delta`; match the reader's exporter. */
  temporality?: 'cumulative' | 'delta';
}

/**
 * A MetricProducer for readers you build yourself, e.g.
 * `new PeriodicExportingMetricReader({ exporter, metricProducers: [createMetricProducer()] })`.
 * `start()` attaches one to every reader it creates.
 */
export function createMetricProducer(options: MetricProducerOptions = {}): MetricProducer {
  // Each delta producer keeps its own "last exported" state: give each reader its own producer.
  const delta = options.temporality === 'delta' ? new DeltaState() : undefined;
  return {
    async collect(): Promise<CollectionResult> {
      // The reader replaces this resource with its MeterProvider's.
      return { resourceMetrics: { resource: emptyResource(), scopeMetrics: [collectScopeMetrics(delta)] }, errors: [] };
    },
  };
}
