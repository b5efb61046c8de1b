/**
 * agentmeter's own counters whose label values are all known in advance (drop reasons, Kafka
 * and routing-event drop reasons, dead-letter reasons, endpoint refusals, counters without
 * attributes), created at 0 by `start()`. Prometheus's instrumentation guide ("avoid missing
 * metrics"): a counter that appears only at its first increment has no earlier sample, so
 * `rate()` and `increase()` miss that increment and alerts on it never see it; a healthy app's
 * panels read "No data" instead of 0. Counters keyed by open values (error types, metric names)
 * cannot be listed and appear at their first increment as before.
 */
import type { MetricDefinition } from '../catalog';
import { guard, instrumentList, instruments } from './registry';
import { withKeys, type Instrument } from './instrument';
import type { HistogramPoint, ValuePoint } from './points';

/** Every combination of the listed values, in the catalog's key order; undefined when a key has no fixed list. */
function combinations(definition: MetricDefinition): string[][] | undefined {
  let out: string[][] = [[]];
  for (const rule of definition.attributes) {
    if (rule.values === undefined || rule.optional === true) return undefined;
    out = out.flatMap((prefix) => rule.values!.map((value) => [...prefix, value]));
  }
  return out;
}

/** The self-domain counters and up-down counters whose every series can be listed, with those series' values. */
export function knownSelfSeries(): Array<{ instrument: Instrument<HistogramPoint | ValuePoint>; values: string[][] }> {
  const out: Array<{ instrument: Instrument<HistogramPoint | ValuePoint>; values: string[][] }> = [];
  for (const instrument of instrumentList) {
    const { domain, kind } = instrument.definition;
    if (domain !== 'self' || (kind !== 'counter' && kind !== 'updowncounter')) continue;
    const values = combinations(instrument.definition);
    if (values !== undefined) out.push({ instrument, values });
  }
  return out;
}

/**
 * Creates each of those series that does not exist yet, at 0 (an existing one keeps its value).
 * Off the hot path: about forty series, once per `start()`.
 */
export function createKnownSeriesAtZero(): void {
  for (const { instrument, values } of knownSelfSeries()) {
    const keys = instrument.definition.attributes.map((a) => a.key);
    for (const v of values) {
      // getN walks one level per value: with no attributes it would return the root, not a series.
      const point = (keys.length === 0 ? (instrument as Instrument<HistogramPoint | ValuePoint, readonly []>).get0() : withKeys(instrument, ...keys).getN(v)) as ValuePoint;
      // The drop counts are copied from the guard with its start (snapshot.ts): the same start from the first sample on.
      if (instrument === instruments.dropped) point.startTime = guard.since;
    }
  }
}
