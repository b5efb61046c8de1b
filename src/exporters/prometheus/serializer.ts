/**
 * Prometheus text format 0.0.4 from OTel ResourceMetrics, with the Collector's names.
 *
 * Fast because each family's header and names, each series' label string and each histogram's
 * `le` suffixes are computed once and cached (label strings by attribute-object identity, which
 * agentmeter's store keeps stable), and because it yields chunks so the transport can give the
 * event loop back between them.
 */
import type { Attributes } from '@opentelemetry/api';
import {
  DataPointType,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { InstrumentationScope } from '@opentelemetry/core';
import { prometheusLabelName, prometheusMetricName, type PrometheusType } from './naming';

/** Serializer options. */
export interface PrometheusSerializerOptions {
  /** Data points per yielded chunk; default 250. */
  chunkDataPoints?: number;
  /** Leave out `otel_scope_name`/`otel_scope_version` labels; default false. */
  withoutScopeInfo?: boolean;
  /** Leave out the `target_info` family; default false. */
  withoutTargetInfo?: boolean;
}

interface Family {
  name: string;
  header: string;
  labelCache: WeakMap<Attributes, string>;
  /** Per histogram series: `name_bucket{labels,le="b"} ` for each bound, then +Inf, _sum, _count prefixes. */
  histogramPrefixes: WeakMap<Attributes, string[]>;
  scopeLabels: string;
}

/**
 * A number as Go's strconv 'g' shortest form writes it (the Collector's exposition), so `le`
 * label values are byte-identical on both paths: 1048576 → "1.048576e+06", 1e-5 → "1e-05".
 */
export function formatNumber(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  const abs = Math.abs(value);
  if (abs >= 1e6 || (abs < 1e-4 && abs !== 0)) {
    const [mantissa, exponent = '0'] = value.toExponential().split('e');
    const sign = exponent.startsWith('-') ? '-' : '+';
    const digits = exponent.replace(/^[+-]/, '');
    return `${mantissa}e${sign}${digits.length < 2 ? `0${digits}` : digits}`;
  }
  return String(value);
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function prometheusType(metric: MetricData): PrometheusType {
  if (metric.dataPointType === DataPointType.HISTOGRAM) return 'histogram';
  if (metric.dataPointType === DataPointType.SUM && metric.isMonotonic) return 'counter';
  return 'gauge';
}

export function labelsOf(attributes: Attributes): string {
  let out = '';
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined) continue;
    out += `${out === '' ? '' : ','}${prometheusLabelName(key)}="${escapeLabelValue(value)}"`;
  }
  return out;
}

export class PrometheusSerializer {
  private readonly families = new Map<string, Family>();
  private readonly leSuffixes = new WeakMap<readonly number[], string[]>();
  private readonly chunkDataPoints: number;
  private readonly withoutScopeInfo: boolean;
  private readonly withoutTargetInfo: boolean;

  constructor(options: PrometheusSerializerOptions = {}) {
    this.chunkDataPoints = options.chunkDataPoints ?? 250;
    this.withoutScopeInfo = options.withoutScopeInfo ?? false;
    this.withoutTargetInfo = options.withoutTargetInfo ?? false;
  }

  /** The whole exposition as one string. */
  serialize(resourceMetrics: ResourceMetrics): string {
    let out = '';
    for (const chunk of this.chunks(resourceMetrics)) out += chunk;
    return out;
  }

  /** The exposition in chunks of about `chunkDataPoints` data points each. */
  *chunks(resourceMetrics: ResourceMetrics): Generator<string> {
    let out = '';
    if (!this.withoutTargetInfo) {
      const labels = labelsOf(resourceMetrics.resource.attributes);
      out += `# HELP target_info Target metadata\n# TYPE target_info gauge\ntarget_info${labels === '' ? '' : `{${labels}}`} 1\n`;
    }
    let pending = 0;
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) {
        if (metric.dataPoints.length === 0) continue;
        const family = this.family(metric, scopeMetrics.scope);
        out += family.header;
        if (metric.dataPointType === DataPointType.HISTOGRAM) {
          for (const point of metric.dataPoints) {
            out += this.histogram(family, point);
            if (++pending >= this.chunkDataPoints) {
              yield out;
              out = '';
              pending = 0;
            }
          }
        } else if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE) {
          for (const point of metric.dataPoints) {
            const labels = this.labels(family, point.attributes);
            out += `${family.name}${labels === '' ? '' : `{${labels}}`} ${formatNumber(point.value)}\n`;
            if (++pending >= this.chunkDataPoints) {
              yield out;
              out = '';
              pending = 0;
            }
          }
        }
        // Exponential histograms have no 0.0.4 text form; they are left out.
      }
    }
    if (out !== '') yield out;
  }

  private family(metric: MetricData, scope: InstrumentationScope): Family {
    const { name, unit, description } = metric.descriptor;
    const type = prometheusType(metric);
    const key = `${scope.name}\u0000${scope.version ?? ''}\u0000${name}\u0000${unit}\u0000${type}`;
    let family = this.families.get(key);
    if (family === undefined) {
      const promName = prometheusMetricName(name, unit, type);
      let scopeLabels = '';
      if (!this.withoutScopeInfo) {
        scopeLabels = `otel_scope_name="${escapeLabelValue(scope.name)}"`;
        if (scope.schemaUrl) scopeLabels += `,otel_scope_schema_url="${escapeLabelValue(scope.schemaUrl)}"`;
        if (scope.version) scopeLabels += `,otel_scope_version="${escapeLabelValue(scope.version)}"`;
      }
      family = {
        name: promName,
        header: `# HELP ${promName} ${escapeHelp(description || name)}\n# TYPE ${promName} ${type}\n`,
        labelCache: new WeakMap(),
        histogramPrefixes: new WeakMap(),
        scopeLabels,
      };
      this.families.set(key, family);
    }
    return family;
  }

  private labels(family: Family, attributes: Attributes): string {
    let labels = family.labelCache.get(attributes);
    if (labels === undefined) {
      const own = labelsOf(attributes);
      labels = own === '' ? family.scopeLabels : family.scopeLabels === '' ? own : `${own},${family.scopeLabels}`;
      family.labelCache.set(attributes, labels);
    }
    return labels;
  }

  private histogram(family: Family, point: DataPoint<Histogram>): string {
    const { boundaries, counts } = point.value.buckets;
    const prefixes = this.histogramPrefixesOf(family, point.attributes, boundaries);
    const n = boundaries.length;
    let out = '';
    let cumulative = 0;
    for (let i = 0; i < n; i++) {
      cumulative += counts[i] ?? 0;
      out += `${prefixes[i]}${cumulative}\n`;
    }
    cumulative += counts[n] ?? 0;
    out += `${prefixes[n]}${cumulative}\n${prefixes[n + 1]}${formatNumber(point.value.sum ?? 0)}\n${prefixes[n + 2]}${point.value.count}\n`;
    return out;
  }

  private histogramPrefixesOf(family: Family, attributes: Attributes, boundaries: readonly number[]): string[] {
    let prefixes = family.histogramPrefixes.get(attributes);
    if (prefixes === undefined || prefixes.length !== boundaries.length + 3) {
      const labels = this.labels(family, attributes);
      const bucket = `${family.name}_bucket{${labels}${labels === '' ? '' : ','}le="`;
      const braces = labels === '' ? '' : `{${labels}}`;
      prefixes = this.leSuffixesOf(boundaries).map((suffix) => bucket + suffix);
      prefixes.push(`${bucket}+Inf"} `, `${family.name}_sum${braces} `, `${family.name}_count${braces} `);
      family.histogramPrefixes.set(attributes, prefixes);
    }
    return prefixes;
  }

  private leSuffixesOf(boundaries: readonly number[]): string[] {
    let suffixes = this.leSuffixes.get(boundaries);
    if (suffixes === undefined) {
      suffixes = boundaries.map((b) => `${formatNumber(b)}"} `);
      this.leSuffixes.set(boundaries, suffixes);
    }
    return suffixes;
  }
}
