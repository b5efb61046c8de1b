/**
 * ResourceMetrics as plain JSON, for the IPC channel: the resource becomes its (settled)
 * attributes, and numbers JSON cannot carry (NaN, ±Infinity) travel as strings. Everything else
 * in OTel's MetricData is already plain data; values are copied by type, not walked, since a
 * worker with thousands of series is copied on every scrape. Histogram points keep the store's
 * exemplars (the extra `exemplars` field), so the primary's OpenMetrics page links workers'
 * buckets to their traces too.
 */
import type { Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { DataPointType, type DataPoint, type Histogram, type MetricData, type ResourceMetrics, type ScopeMetrics } from '@opentelemetry/sdk-metrics';
import type { Exemplar, HistogramDataPointWithExemplars } from '../store/exemplars';

/** ResourceMetrics in a form `process.send` carries unchanged. */
export interface TransferableResourceMetrics {
  resource: Attributes;
  scopeMetrics: ScopeMetrics[];
}

type Wire = number | string | undefined;

const encodeNumber = (n: number | undefined): Wire => (n === undefined || Number.isFinite(n) ? n : String(n));
const decodeNumber = (n: unknown): number | undefined => (typeof n === 'string' ? Number(n) : (n as number | undefined));

/** Anything else (exponential histograms): numbers anywhere in the value. */
function mapNumbers(value: unknown, map: (n: unknown) => unknown): unknown {
  if (typeof value === 'number' || typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((v) => mapNumbers(v, map));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapNumbers(v, map)]));
  return value;
}

function histogramValue(h: Histogram, number: (n: unknown) => Wire | number | undefined): Histogram {
  return {
    buckets: h.buckets,
    count: h.count,
    sum: number(h.sum) as number | undefined,
    min: number(h.min) as number | undefined,
    max: number(h.max) as number | undefined,
  };
}

function histogramPoint(p: HistogramDataPointWithExemplars, point: DataPoint<Histogram>, number: (n: unknown) => Wire | number | undefined): HistogramDataPointWithExemplars {
  if (p.exemplars === undefined) return point;
  const exemplars = p.exemplars.map((e): Exemplar => ({ traceId: e.traceId, spanId: e.spanId, value: number(e.value) as number, timeMs: e.timeMs }));
  return { ...point, exemplars };
}

function mapValues(scopeMetrics: ScopeMetrics[], number: (n: unknown) => Wire | number | undefined, attributes: (a: Attributes) => Attributes): ScopeMetrics[] {
  return scopeMetrics.map(({ scope, metrics }) => ({
    scope,
    metrics: metrics.map((metric): MetricData => {
      const point = <T>(p: DataPoint<T>, value: unknown): DataPoint<T> => ({ startTime: p.startTime, endTime: p.endTime, attributes: attributes(p.attributes), value: value as T });
      switch (metric.dataPointType) {
        case DataPointType.SUM:
        case DataPointType.GAUGE:
          return { ...metric, dataPoints: metric.dataPoints.map((p) => point(p, number(p.value))) } as MetricData;
        case DataPointType.HISTOGRAM:
          return { ...metric, dataPoints: metric.dataPoints.map((p) => histogramPoint(p, point(p, histogramValue(p.value, number)), number)) };
        default:
          return { ...metric, dataPoints: metric.dataPoints.map((p) => point(p, mapNumbers(p.value, number))) } as MetricData;
      }
    }),
  }));
}

/** The plain form of a collection; waits for the resource's async attributes (e.g. host.id). */
export async function toTransferable(resourceMetrics: ResourceMetrics): Promise<TransferableResourceMetrics> {
  await resourceMetrics.resource.waitForAsyncAttributes?.();
  return {
    resource: { ...resourceMetrics.resource.attributes },
    scopeMetrics: mapValues(resourceMetrics.scopeMetrics, (n) => encodeNumber(n as number | undefined), (a) => a),
  };
}

/**
 * Back to ResourceMetrics. `attributes` maps each data point's attributes, e.g. to add the
 * worker's id (and to hand back the same object for the same series on every scrape, so the
 * serializer's per-series caches work for workers too).
 */
export function fromTransferable(transferable: TransferableResourceMetrics, attributes: (a: Attributes) => Attributes = (a) => a): ResourceMetrics {
  return {
    resource: resourceFromAttributes(transferable.resource),
    scopeMetrics: mapValues(transferable.scopeMetrics, decodeNumber, attributes),
  };
}

/** A shape check of what arrived over IPC (a worker of another agentmeter version, say). */
export function isTransferable(value: unknown): value is TransferableResourceMetrics {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<TransferableResourceMetrics>;
  return typeof v.resource === 'object' && v.resource !== null && Array.isArray(v.scopeMetrics);
}
