// Reads the store the way a reader does (through the producer) so tests see exported values.
import type { Attributes } from '@opentelemetry/api';
import { DataPointType, type DataPoint, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import { collectScopeMetrics } from '../../src/store/producer';
import { instrumentList } from '../../src/store/registry';
import { recentJobs } from '../../src/store/recent-jobs';

export function resetStore(): void {
  for (const instrument of instrumentList) instrument.clear();
  recentJobs.clear();
}

export function metric(name: string): MetricData | undefined {
  return collectScopeMetrics().metrics.find((m) => m.descriptor.name === name);
}

function sameAttributes(a: Attributes, b: Attributes): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

function point(name: string, attributes: Attributes): DataPoint<unknown> | undefined {
  const data = metric(name);
  return (data?.dataPoints as DataPoint<unknown>[] | undefined)?.find((p) => sameAttributes(p.attributes, attributes));
}

/** Sum/gauge value of one series, or undefined when the series does not exist. */
export function valueOf(name: string, attributes: Attributes = {}): number | undefined {
  const data = metric(name);
  if (data && data.dataPointType === DataPointType.HISTOGRAM) throw new Error(`${name} is a histogram`);
  return point(name, attributes)?.value as number | undefined;
}

/** Histogram value of one series, or undefined when the series does not exist. */
export function histogramOf(name: string, attributes: Attributes = {}): Histogram | undefined {
  return point(name, attributes)?.value as Histogram | undefined;
}

/** The error `fn` throws (fails the test when it returns). */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}
