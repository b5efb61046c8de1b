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
  type Histogram,
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

const processStartSeconds = Math.round((Date.now() - performance.now()) / 1000);

/** Copies guard counters and clock-derived values into their instruments before a read. */
function refreshComputedValues(): void {
  for (const reason of DROP_REASONS) {
    const count = guard.dropped[reason];
    if (count > 0) instruments.dropped.get1(reason).set(count);
  }
  for (const [key, count] of guard.overflowByKey) instruments.attributeOverflow.get1(key).set(count);
  instruments.startTime.get0().set(processStartSeconds);
  instruments.uptime.get0().set(Date.now() / 1000 - processStartSeconds);
}

function descriptorOf(instrument: Instrument<HistogramPoint | ValuePoint>): MetricDescriptor {
  const { name, description, unit, kind } = instrument.definition;
  const valueType = kind === 'histogram' || kind === 'gauge' ? ValueType.DOUBLE : ValueType.INT;
  return { name, description, unit, valueType };
}

function histogramData(instrument: Instrument<HistogramPoint>, descriptor: MetricDescriptor, endTime: HrTime): MetricData {
  const dataPoints: DataPoint<Histogram>[] = instrument.points.map((p) => ({
    startTime: p.startTime,
    endTime,
    attributes: p.attributes,
    value: {
      buckets: { boundaries: p.bounds as number[], counts: p.counts.slice() },
      sum: p.sum,
      count: p.count,
      min: p.count > 0 ? p.min : undefined,
      max: p.count > 0 ? p.max : undefined,
    },
  }));
  return {
    descriptor,
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints,
  };
}

function valueData(instrument: Instrument<ValuePoint>, descriptor: MetricDescriptor, endTime: HrTime): MetricData {
  const dataPoints: DataPoint<number>[] = instrument.points.map((p) => ({
    startTime: p.startTime,
    endTime,
    attributes: p.attributes,
    value: p.value,
  }));
  const kind = instrument.definition.kind;
  if (kind === 'gauge') {
    return { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.GAUGE, dataPoints };
  }
  return {
    descriptor,
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.SUM,
    isMonotonic: kind === 'counter',
    dataPoints,
  };
}

/** The store's current state as one OTel scope (cumulative); instruments without series are left out. */
export function collectScopeMetrics(): ScopeMetrics {
  refreshComputedValues();
  const endTime = hrTime();
  const metrics: MetricData[] = [];
  for (const instrument of instrumentList) {
    if (instrument.points.length === 0) continue;
    const descriptor = descriptorOf(instrument);
    metrics.push(
      instrument.definition.kind === 'histogram'
        ? histogramData(instrument as Instrument<HistogramPoint>, descriptor, endTime)
        : valueData(instrument as Instrument<ValuePoint>, descriptor, endTime),
    );
  }
  return { scope: { name: PACKAGE_NAME, version: PACKAGE_VERSION }, metrics };
}

/**
 * A MetricProducer for readers you build yourself, e.g.
 * `new PeriodicExportingMetricReader({ exporter, metricProducers: [createMetricProducer()] })`.
 * `start()` attaches one to every reader it creates.
 */
export function createMetricProducer(): MetricProducer {
  return {
    async collect(): Promise<CollectionResult> {
      // The reader replaces this resource with its MeterProvider's.
      return { resourceMetrics: { resource: emptyResource(), scopeMetrics: [collectScopeMetrics()] }, errors: [] };
    },
  };
}
