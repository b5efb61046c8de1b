/**
 * Prometheus text format 0.0.4 from OTel ResourceMetrics, with the Collector's names.
 *
 * Fast because each family's header and names, each series' label string and each histogram's
 * `le` suffixes are computed once and cached (label strings by attribute-object identity, which
 * agentmeter's store keeps stable), and because it yields chunks so the transport can give the
 * event loop back between them.
 *
 * One family per Prometheus name, however many scopes feed it: agentmeter's store and an
 * official instrumentation (e.g. OpenAI's `gen_ai.client.*`) can both emit one name, and the
 * text format allows one HELP/TYPE header per family with all its series under it. As the OTel
 * spec says for Prometheus exporters, the first description seen is kept, and a metric whose
 * type conflicts with its family's is dropped (with one diagnostic).
 */
import { diag, type Attributes } from '@opentelemetry/api';
import {
  DataPointType,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { HistogramDataPointWithExemplars } from '../../store/exemplars';
import { formatNumber, formatOpenMetricsBound } from './format';
import { prometheusLabelName, prometheusMetricName, unitWords, type PrometheusType } from './naming';
import { exemplarsByBucket, exemplarSuffix, openMetricsHeader, OPENMETRICS_EOF } from './openmetrics';

export { formatNumber } from './format';

/** Serializer options. */
export interface PrometheusSerializerOptions {
  /** Data points per yielded chunk; default 250. */
  chunkDataPoints?: number;
  /**
   * Characters after which a chunk is yielded even with fewer data points; default 65536. A
   * chunk waits whole in a stalled scraper's socket buffer: 250 histogram series are ~600 KB.
   */
  chunkChars?: number;
  /** Leave out `otel_scope_name`/`otel_scope_version` labels; default false. */
  withoutScopeInfo?: boolean;
  /** Leave out the `target_info` family; default false. */
  withoutTargetInfo?: boolean;
  /** Write OpenMetrics 1.0 text (family names, UNIT, exemplars, `# EOF`) instead of 0.0.4; default false. */
  openMetrics?: boolean;
}

/** One Prometheus metric family: its name and its one HELP and TYPE header. */
interface Family {
  name: string;
  type: PrometheusType;
  header: string;
}

/** A family as one instrumentation scope writes into it: its scope labels and label caches. */
interface ScopedFamily {
  family: Family;
  labelCache: WeakMap<Attributes, string>;
  /** Per histogram series: `name_bucket{labels,le="b"} ` for each bound, then +Inf, _sum, _count prefixes. */
  histogramPrefixes: WeakMap<Attributes, string[]>;
  scopeLabels: string;
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function labelValueText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
}

function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeLabelValue(value: unknown): string {
  return escapeText(labelValueText(value));
}

function prometheusType(metric: MetricData): PrometheusType {
  if (metric.dataPointType === DataPointType.HISTOGRAM) return 'histogram';
  if (metric.dataPointType === DataPointType.SUM && metric.isMonotonic) return 'counter';
  return 'gauge';
}

/**
 * The label pairs of an attribute set. Keys that map to one label name (`http.route` and
 * `http_route`) give one label whose values are joined with `;` in the keys' lexicographic
 * order, as the OpenTelemetry Prometheus compatibility spec says and the Collector does: two
 * labels of one name are an invalid exposition.
 */
export function labelsOf(attributes: Attributes): string {
  // Own keys only: an inherited enumerable property (a polluted Object.prototype) is not a label.
  const keys = Object.keys(attributes).filter((key) => attributes[key] !== undefined);
  const names = keys.map(prometheusLabelName);
  if (new Set(names).size === names.length) return names.map((name, i) => `${name}="${escapeLabelValue(attributes[keys[i]!])}"`).join(',');
  const merged = new Map<string, { key: string; value: string }[]>();
  keys.forEach((key, i) => {
    const values = merged.get(names[i]!) ?? [];
    values.push({ key, value: labelValueText(attributes[key]) });
    merged.set(names[i]!, values);
  });
  const pairs: string[] = [];
  for (const [name, values] of merged) {
    values.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    pairs.push(`${name}="${escapeText(values.map((v) => v.value).join(';'))}"`);
  }
  return pairs.join(',');
}

export class PrometheusSerializer {
  private readonly families = new Map<string, Family>();
  /** By scope and descriptor; null for a metric dropped for a conflicting type. */
  private readonly scopedFamilies = new Map<string, ScopedFamily | null>();
  private readonly leSuffixes = new WeakMap<readonly number[], string[]>();
  private readonly chunkDataPoints: number;
  private readonly chunkChars: number;
  private readonly withoutScopeInfo: boolean;
  private readonly withoutTargetInfo: boolean;
  private readonly openMetrics: boolean;

  constructor(options: PrometheusSerializerOptions = {}) {
    this.chunkDataPoints = options.chunkDataPoints ?? 250;
    this.chunkChars = options.chunkChars ?? 65536;
    this.withoutScopeInfo = options.withoutScopeInfo ?? false;
    this.withoutTargetInfo = options.withoutTargetInfo ?? false;
    this.openMetrics = options.openMetrics ?? false;
  }

  /** The whole exposition as one string. */
  serialize(resourceMetrics: ResourceMetrics | readonly ResourceMetrics[]): string {
    let out = '';
    for (const chunk of this.chunks(resourceMetrics)) out += chunk;
    return out;
  }

  /**
   * The exposition in chunks of about `chunkDataPoints` data points each. Several resources
   * (a cluster's primary and workers) share one page: one `target_info` line per resource, and
   * each family's header once with the series of every resource under it, as the text format
   * requires; their data points must carry attributes that keep them apart.
   */
  *chunks(resourceMetrics: ResourceMetrics | readonly ResourceMetrics[]): Generator<string> {
    const resources: readonly ResourceMetrics[] = Array.isArray(resourceMetrics) ? resourceMetrics : [resourceMetrics as ResourceMetrics];
    let out = '';
    if (!this.withoutTargetInfo && resources.length > 0) {
      out += '# HELP target_info Target metadata\n# TYPE target_info gauge\n';
      for (const { resource } of resources) {
        const labels = labelsOf(resource.attributes);
        out += `target_info${labels === '' ? '' : `{${labels}}`} 1\n`;
      }
    }
    let pending = 0;
    for (const [family, members] of this.familiesOf(resources)) {
      out += family.header;
      for (const [scoped, metric] of members) {
        if (metric.dataPointType === DataPointType.HISTOGRAM) {
          for (const point of metric.dataPoints) {
            out += this.histogram(scoped, point);
            if (++pending >= this.chunkDataPoints || out.length >= this.chunkChars) {
              yield out;
              out = '';
              pending = 0;
            }
          }
        } else if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE) {
          for (const point of metric.dataPoints) {
            const labels = this.labels(scoped, point.attributes);
            out += `${family.name}${labels === '' ? '' : `{${labels}}`} ${formatNumber(point.value)}\n`;
            if (++pending >= this.chunkDataPoints || out.length >= this.chunkChars) {
              yield out;
              out = '';
              pending = 0;
            }
          }
        }
        // Exponential histograms have no 0.0.4 text form; they are left out.
      }
    }
    if (this.openMetrics) out += OPENMETRICS_EOF;
    if (out !== '') yield out;
  }

  /** Non-empty metrics grouped by family, families in order of first appearance. */
  private familiesOf(resources: readonly ResourceMetrics[]): Map<Family, Array<[ScopedFamily, MetricData]>> {
    const families = new Map<Family, Array<[ScopedFamily, MetricData]>>();
    for (const { scopeMetrics } of resources) {
      for (const { scope, metrics } of scopeMetrics) {
        for (const metric of metrics) {
          if (metric.dataPoints.length === 0) continue;
          const scoped = this.scopedFamily(metric, scope);
          if (scoped === null) continue;
          const members = families.get(scoped.family);
          if (members === undefined) families.set(scoped.family, [[scoped, metric]]);
          else members.push([scoped, metric]);
        }
      }
    }
    return families;
  }

  private scopedFamily(metric: MetricData, scope: InstrumentationScope): ScopedFamily | null {
    const { name, unit, description } = metric.descriptor;
    const type = prometheusType(metric);
    const key = `${scope.name}\u0000${scope.version ?? ''}\u0000${scope.schemaUrl ?? ''}\u0000${name}\u0000${unit}\u0000${type}`;
    let scoped = this.scopedFamilies.get(key);
    if (scoped === undefined) {
      const promName = prometheusMetricName(name, unit, type);
      let family = this.families.get(promName);
      if (family === undefined) {
        const header = this.openMetrics
          ? openMetricsHeader(promName, type, description || name, unitWords(unit, type).join('_'))
          : `# HELP ${promName} ${escapeHelp(description || name)}\n# TYPE ${promName} ${type}\n`;
        family = { name: promName, type, header };
        this.families.set(promName, family);
      }
      if (family.type !== type) {
        diag.warn(`agentmeter: ${name} from ${scope.name} is a ${type} but ${promName} is already a ${family.type}; its series are left out of the Prometheus page`);
        scoped = null;
      } else {
        let scopeLabels = '';
        if (!this.withoutScopeInfo) {
          scopeLabels = `otel_scope_name="${escapeLabelValue(scope.name)}"`;
          if (scope.schemaUrl) scopeLabels += `,otel_scope_schema_url="${escapeLabelValue(scope.schemaUrl)}"`;
          if (scope.version) scopeLabels += `,otel_scope_version="${escapeLabelValue(scope.version)}"`;
        }
        scoped = { family, labelCache: new WeakMap(), histogramPrefixes: new WeakMap(), scopeLabels };
      }
      this.scopedFamilies.set(key, scoped);
    }
    return scoped;
  }

  private labels(scoped: ScopedFamily, attributes: Attributes): string {
    let labels = scoped.labelCache.get(attributes);
    if (labels === undefined) {
      const own = labelsOf(attributes);
      labels = own === '' ? scoped.scopeLabels : scoped.scopeLabels === '' ? own : `${own},${scoped.scopeLabels}`;
      scoped.labelCache.set(attributes, labels);
    }
    return labels;
  }

  private histogram(scoped: ScopedFamily, point: DataPoint<Histogram>): string {
    const { boundaries, counts } = point.value.buckets;
    const prefixes = this.histogramPrefixesOf(scoped, point.attributes, boundaries);
    const n = boundaries.length;
    const exemplars = this.openMetrics ? exemplarsByBucket((point as HistogramDataPointWithExemplars).exemplars, boundaries) : undefined;
    let out = '';
    let cumulative = 0;
    if (exemplars === undefined) {
      for (let i = 0; i < n; i++) {
        cumulative += counts[i] ?? 0;
        out += `${prefixes[i]}${cumulative}\n`;
      }
    } else {
      for (let i = 0; i < n; i++) {
        cumulative += counts[i] ?? 0;
        const exemplar = exemplars[i];
        out += `${prefixes[i]}${cumulative}${exemplar === undefined ? '' : exemplarSuffix(exemplar)}\n`;
      }
    }
    cumulative += counts[n] ?? 0;
    const last = exemplars?.[n];
    out += `${prefixes[n]}${cumulative}${last === undefined ? '' : exemplarSuffix(last)}\n${prefixes[n + 1]}${formatNumber(point.value.sum ?? 0)}\n${prefixes[n + 2]}${point.value.count}\n`;
    return out;
  }

  private histogramPrefixesOf(scoped: ScopedFamily, attributes: Attributes, boundaries: readonly number[]): string[] {
    const { family } = scoped;
    let prefixes = scoped.histogramPrefixes.get(attributes);
    if (prefixes === undefined || prefixes.length !== boundaries.length + 3) {
      const labels = this.labels(scoped, attributes);
      const bucket = `${family.name}_bucket{${labels}${labels === '' ? '' : ','}le="`;
      const braces = labels === '' ? '' : `{${labels}}`;
      prefixes = this.leSuffixesOf(boundaries).map((suffix) => bucket + suffix);
      prefixes.push(`${bucket}+Inf"} `, `${family.name}_sum${braces} `, `${family.name}_count${braces} `);
      scoped.histogramPrefixes.set(attributes, prefixes);
    }
    return prefixes;
  }

  private leSuffixesOf(boundaries: readonly number[]): string[] {
    let suffixes = this.leSuffixes.get(boundaries);
    if (suffixes === undefined) {
      const format = this.openMetrics ? formatOpenMetricsBound : formatNumber;
      suffixes = boundaries.map((b) => `${format(b)}"} `);
      this.leSuffixes.set(boundaries, suffixes);
    }
    return suffixes;
  }
}
