/**
 * Exemplars: for each histogram series and bucket, the trace id, span id, value and time of a
 * recent measurement taken inside a sampled span (the OTel spec's trace-based filter with an
 * aligned-histogram-bucket reservoir: one exemplar per bucket, newer replaces older).
 *
 * The OTel JS SDK has none (opentelemetry-js #5147), so the store keeps them itself. Cost:
 * while no tracer provider is registered, `exemplarSampling.on` is false and a record pays that
 * one check. With tracing on, a record looks up the active span, then skips some before looking
 * again: after a miss (no span, or not sampled) the series skips its next 1, 3, 7, ... up to 255
 * records; after a hit, that bucket skips its next 7. So an app that records mostly outside
 * spans, or many calls a second inside them, does not pay a context lookup per call, and a rare
 * bucket (the slow tail) still gets the first traced call that lands in it.
 */
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { tracingRegistered } from '../trace/registered';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';

/** One exemplar: a measurement and the span it was taken in. */
export interface Exemplar {
  /** W3C trace id, 32 lowercase hex characters. */
  traceId: string;
  /** W3C span id, 16 lowercase hex characters. */
  spanId: string;
  /** The measured value (seconds, tokens, ...). */
  value: number;
  /** When it was measured, in milliseconds since the epoch (with a fraction). */
  timeMs: number;
}

/** Per-series exemplar state, kept beside a histogram's bucket counts. */
export interface ExemplarSlots {
  /** Index = bucket index (as `counts`); undefined where none was recorded yet. */
  exemplars: (Exemplar | undefined)[] | undefined;
  /** Records of a bucket left to skip after it kept an exemplar, per bucket. */
  exemplarSkip: Uint8Array | undefined;
  /**
   * Records of the series left to skip after a lookup found no sampled span: one number field,
   * so a series recorded outside spans pays a decrement (the common case while tracing is on).
   */
  exemplarMissSkip: number;
  /** The last such backoff (0, 1, 3, 7, ... up to MAX_SKIP_AFTER_MISS). */
  exemplarMissBackoff: number;
}

/** Read on every histogram record: whether to look for a sampled span at all. */
export const exemplarSampling = { on: false };

/** Exemplars wanted unless turned off (`exemplars: false` / AGENTMETER_EXEMPLARS=false). */
let wanted = true;

/** After a hit, the bucket's next records skipped before it looks again: bounds the in-span cost. */
export const SKIP_AFTER_HIT = 7;
/** Longest backoff after repeated misses. */
export const MAX_SKIP_AFTER_MISS = 255;

/**
 * Switches sampling on when exemplars are wanted and a tracer provider is registered; called
 * at start() and before each collection, so a provider registered later is picked up within
 * one collection interval.
 */
export function refreshExemplarSampling(): void {
  exemplarSampling.on = wanted && tracingRegistered(trace.getTracerProvider());
}

/** Turns exemplars on (default) or off for the process. */
export function setExemplarsWanted(value: boolean): void {
  wanted = value;
  refreshExemplarSampling();
}

/**
 * Called by a histogram record when sampling is on and the series is not backing off after a
 * miss: keeps `value` as the bucket's exemplar if a sampled span is active.
 */
export function offerExemplar(slots: ExemplarSlots, buckets: number, bucket: number, value: number): void {
  const skip = (slots.exemplarSkip ??= new Uint8Array(buckets));
  if (skip[bucket]! > 0) {
    skip[bucket]!--;
    return;
  }
  const spanContext = trace.getSpan(context.active())?.spanContext();
  if (spanContext === undefined || (spanContext.traceFlags & TraceFlags.SAMPLED) === 0) {
    slots.exemplarMissBackoff = Math.min(slots.exemplarMissBackoff * 2 + 1, MAX_SKIP_AFTER_MISS);
    slots.exemplarMissSkip = slots.exemplarMissBackoff;
    return;
  }
  slots.exemplarMissBackoff = 0;
  skip[bucket] = SKIP_AFTER_HIT;
  const exemplars = (slots.exemplars ??= new Array<Exemplar | undefined>(buckets).fill(undefined));
  // A new object per hit, not one updated in place: an export may still be encoding the last one.
  exemplars[bucket] = { traceId: spanContext.traceId, spanId: spanContext.spanId, value, timeMs: performance.timeOrigin + performance.now() };
}

/**
 * A histogram series' exemplars in bucket order, or undefined when it has none; with `sinceMs`
 * (a delta export: the previous collection's end) only those measured since, as a delta point's
 * exemplars belong to its interval.
 */
export function exemplarList(slots: ExemplarSlots, sinceMs = -Infinity): Exemplar[] | undefined {
  const exemplars = slots.exemplars;
  if (exemplars === undefined) return undefined;
  const list: Exemplar[] = [];
  for (const e of exemplars) if (e !== undefined && e.timeMs >= sinceMs) list.push(e);
  return list;
}

/**
 * A histogram data point as agentmeter's producer hands it out: OTel's DataPoint plus the
 * series' exemplars, which the SDK's MetricData has no field for. OTel exporters ignore the
 * extra field; agentmeter's OpenMetrics serializer and OTLP encoder write it.
 */
export type HistogramDataPointWithExemplars = DataPoint<Histogram> & { exemplars?: readonly Exemplar[] };
