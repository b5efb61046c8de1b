/**
 * What OpenMetrics 1.0 text adds to, or changes in, the 0.0.4 page the serializer writes:
 * family names (a counter family `x` has the sample `x_total`), `# UNIT`, HELP escaping,
 * exemplars on `_bucket` lines and the closing `# EOF`.
 *
 * Samples keep the 0.0.4 names, labels and values, except whole-number `le` bounds, written
 * `le="1.0"` as the Collector's exporter (client_golang) writes them on its OpenMetrics page:
 * Prometheus 2.x stores `le` as written, so the direct scrape and the Collector path give the
 * same bucket series in each format (Prometheus 3.x normalises both forms to "1.0").
 * No `_created` lines either: Prometheus 2.x would store each as one more series.
 */
import type { Exemplar } from '../../store/exemplars';
import { formatNumber } from './format';
import type { PrometheusType } from './naming';

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** The last line of every OpenMetrics page. */
export const OPENMETRICS_EOF = '# EOF\n';

/** OpenMetrics escapes `"` in HELP as well (its escaped-string rule); 0.0.4 does not. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/**
 * The family's HELP, TYPE and UNIT lines. `sampleName` is the Collector-style name the samples
 * carry; a counter's family name is it without `_total`. `unit` is the unit suffix (`seconds`,
 * `bytes_per_second`), written only when the family name ends with it, as the spec requires
 * (and Prometheus's parser rejects a UNIT that is not a suffix of the name).
 */
export function openMetricsHeader(sampleName: string, type: PrometheusType, description: string, unit: string): string {
  const family = type === 'counter' && sampleName.endsWith('_total') ? sampleName.slice(0, -'_total'.length) : sampleName;
  let header = `# HELP ${family} ${escapeHelp(description)}\n# TYPE ${family} ${type}\n`;
  if (unit !== '' && family.endsWith(`_${unit}`)) header += `# UNIT ${family} ${unit}\n`;
  return header;
}

/**
 * ` # {trace_id="…",span_id="…"} value timestamp` for a `_bucket` line. Both ids are fixed-length
 * hex (32 and 16), so the label set is 63 characters, inside the spec's 128; the timestamp is in
 * seconds, to the millisecond Prometheus keeps.
 */
export function exemplarSuffix(exemplar: Exemplar): string {
  return ` # {trace_id="${exemplar.traceId}",span_id="${exemplar.spanId}"} ${formatNumber(exemplar.value)} ${(exemplar.timeMs / 1000).toFixed(3)}`;
}

/**
 * Each exemplar at the index of the bucket its value falls in (OTel and Prometheus buckets
 * include their upper bound; index `boundaries.length` is +Inf), or undefined with none.
 */
export function exemplarsByBucket(exemplars: readonly Exemplar[] | undefined, boundaries: readonly number[]): (Exemplar | undefined)[] | undefined {
  if (exemplars === undefined || exemplars.length === 0) return undefined;
  const byBucket = new Array<Exemplar | undefined>(boundaries.length + 1).fill(undefined);
  for (const exemplar of exemplars) {
    let i = 0;
    while (i < boundaries.length && exemplar.value > boundaries[i]!) i++;
    // NaN compares false everywhere and would land in the first bucket; it belongs nowhere.
    if (Number.isNaN(exemplar.value)) continue;
    byBucket[i] = exemplar;
  }
  return byBucket;
}
