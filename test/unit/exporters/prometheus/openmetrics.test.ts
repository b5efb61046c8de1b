// The OpenMetrics page: family names, UNIT, HELP escaping, exemplars on the right bucket, # EOF,
// and the samples of the 0.0.4 page (whole-number le bounds as "1.0", as the Collector writes them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { exemplarsByBucket } from '../../../../src/exporters/prometheus/openmetrics';
import { formatOpenMetricsBound } from '../../../../src/exporters/prometheus/format';
import { PrometheusSerializer } from '../../../../src/exporters/prometheus/serializer';
import type { Exemplar } from '../../../../src/store/exemplars';
import { fixturePage } from './fixture-page';

const time: [number, number] = [0, 0];
const T1 = '0af7651916cd43dd8448eb211c80319c';
const S1 = 'b7ad6b7169203331';
const T2 = '4bf92f3577b34da6a3ce929d0e0e4736';
const S2 = '00f067aa0ba902b7';

function sample(exemplars: Exemplar[] | undefined): ResourceMetrics {
  return {
    resource: resourceFromAttributes({ 'service.name': 'svc' }),
    scopeMetrics: [
      {
        scope: { name: 'agentmeter', version: '1.0.0' },
        metrics: [
          {
            descriptor: { name: 'process.cpu.time', description: 'CPU "time"\\ used', unit: 's', valueType: ValueType.DOUBLE },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.SUM,
            isMonotonic: true,
            dataPoints: [{ startTime: time, endTime: time, attributes: {}, value: 1.5 }],
          },
          {
            descriptor: { name: 'agent.cache.requests', description: 'Lookups', unit: '{request}', valueType: ValueType.INT },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.SUM,
            isMonotonic: true,
            dataPoints: [{ startTime: time, endTime: time, attributes: { 'agent.cache.result': 'hit' }, value: 3 }],
          },
          {
            descriptor: { name: 'agent.routing.confidence', description: 'Confidence', unit: '1', valueType: ValueType.DOUBLE },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.GAUGE,
            dataPoints: [{ startTime: time, endTime: time, attributes: {}, value: 0.5 }],
          },
          {
            descriptor: { name: 'gen_ai.execute_tool.duration', description: 'Tool duration', unit: 's', valueType: ValueType.DOUBLE },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.HISTOGRAM,
            dataPoints: [
              {
                startTime: time,
                endTime: time,
                attributes: { 'gen_ai.tool.name': 'search' },
                value: { buckets: { boundaries: [0.1, 1], counts: [1, 2, 3] }, sum: 20.25, count: 6 },
                exemplars,
              } as ResourceMetrics['scopeMetrics'][number]['metrics'][number]['dataPoints'][number] & { exemplars?: Exemplar[] },
            ],
          },
        ],
      },
    ],
  } as ResourceMetrics;
}

const scope = 'otel_scope_name="agentmeter",otel_scope_version="1.0.0"';
const head = [
  '# HELP target_info Target metadata',
  '# TYPE target_info gauge',
  'target_info{service_name="svc"} 1',
  '# HELP process_cpu_time_seconds CPU \\"time\\"\\\\ used',
  '# TYPE process_cpu_time_seconds counter',
  '# UNIT process_cpu_time_seconds seconds',
  `process_cpu_time_seconds_total{${scope}} 1.5`,
  '# HELP agent_cache_requests Lookups',
  '# TYPE agent_cache_requests counter',
  `agent_cache_requests_total{agent_cache_result="hit",${scope}} 3`,
  '# HELP agent_routing_confidence_ratio Confidence',
  '# TYPE agent_routing_confidence_ratio gauge',
  '# UNIT agent_routing_confidence_ratio ratio',
  `agent_routing_confidence_ratio{${scope}} 0.5`,
  '# HELP gen_ai_execute_tool_duration_seconds Tool duration',
  '# TYPE gen_ai_execute_tool_duration_seconds histogram',
  '# UNIT gen_ai_execute_tool_duration_seconds seconds',
];
const labels = `gen_ai_tool_name="search",${scope}`;

describe('PrometheusSerializer with openMetrics', () => {
  it('writes family names without _total, UNIT where the name ends with it, exemplars on their buckets and # EOF', () => {
    const exemplars = [
      // Exactly on a bound: buckets include their upper bound, so this is the le="1.0" bucket's.
      { traceId: T1, spanId: S1, value: 1, timeMs: 1_700_000_000_123.456 },
      { traceId: T2, spanId: S2, value: 7.5, timeMs: 1_700_000_001_000 },
    ];
    const text = new PrometheusSerializer({ openMetrics: true }).serialize(sample(exemplars));
    expect(text).toBe(
      [
        ...head,
        `gen_ai_execute_tool_duration_seconds_bucket{${labels},le="0.1"} 1`,
        `gen_ai_execute_tool_duration_seconds_bucket{${labels},le="1.0"} 3 # {trace_id="${T1}",span_id="${S1}"} 1 1700000000.123`,
        `gen_ai_execute_tool_duration_seconds_bucket{${labels},le="+Inf"} 6 # {trace_id="${T2}",span_id="${S2}"} 7.5 1700000001.000`,
        `gen_ai_execute_tool_duration_seconds_sum{${labels}} 20.25`,
        `gen_ai_execute_tool_duration_seconds_count{${labels}} 6`,
        '# EOF',
        '',
      ].join('\n'),
    );
  });

  it('writes no exemplar where a series has none, and # EOF on an empty page', () => {
    const text = new PrometheusSerializer({ openMetrics: true }).serialize(sample(undefined));
    expect(text).toContain(`gen_ai_execute_tool_duration_seconds_bucket{${labels},le="+Inf"} 6\n`);
    expect(text).not.toContain(' # {');
    expect(new PrometheusSerializer({ openMetrics: true, withoutTargetInfo: true }).serialize([])).toBe('# EOF\n');
  });

  it('leaves exemplars out of the 0.0.4 text', () => {
    const text = new PrometheusSerializer().serialize(sample([{ traceId: T1, spanId: S1, value: 0.05, timeMs: 1 }]));
    expect(text).toContain(`gen_ai_execute_tool_duration_seconds_bucket{${labels},le="0.1"} 1\n`);
    expect(text).not.toContain('trace_id');
    expect(text).not.toContain('# EOF');
  });

  it('has the samples of the committed 0.0.4 page, whole-number le bounds written as the Collector does (1.0)', () => {
    const samples = (text: string) => text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    const expected = readFileSync(join(__dirname, 'fixtures', 'page-0.0.4.txt'), 'utf8');
    const page = new PrometheusSerializer({ openMetrics: true, chunkDataPoints: 2 }).serialize(fixturePage());
    const wholeBounds = samples(expected).filter((line) => /,le="\d+"\}/.test(line));
    expect(wholeBounds.length).toBeGreaterThan(0);
    expect(samples(page)).toEqual(samples(expected).map((line) => line.replace(/,le="(\d+)"\}/, ',le="$1.0"}')));
    expect(page.endsWith('\n# EOF\n')).toBe(true);
    expect(page.split('\n').filter((l) => l.startsWith('# TYPE '))).toEqual([
      '# TYPE target_info gauge',
      '# TYPE gen_ai_execute_tool_duration_seconds histogram',
      '# TYPE agent_cache_requests counter',
      '# TYPE agent_sessions_active gauge',
      '# TYPE process_cpu_time_seconds counter',
      '# TYPE requests counter',
      '# TYPE agent_routing_confidence_ratio gauge',
      '# TYPE system_memory_usage_bytes gauge',
    ]);
  });
});

describe('exemplarsByBucket', () => {
  const e = (value: number): Exemplar => ({ traceId: T1, spanId: S1, value, timeMs: 0 });
  it.each([
    [0, 0],
    [0.1, 0],
    [0.1000001, 1],
    [1, 1],
    [2, 2],
    [Infinity, 2],
    [-5, 0],
  ])('puts value %d in bucket %i of bounds [0.1, 1]', (value, bucket) => {
    const byBucket = exemplarsByBucket([e(value)], [0.1, 1])!;
    expect(byBucket.findIndex((x) => x !== undefined)).toBe(bucket);
    expect(byBucket).toHaveLength(3);
  });

  it('gives undefined without exemplars, and drops a NaN one', () => {
    expect(exemplarsByBucket(undefined, [1])).toBeUndefined();
    expect(exemplarsByBucket([], [1])).toBeUndefined();
    expect(exemplarsByBucket([e(NaN)], [1])).toEqual([undefined, undefined]);
  });
});

describe('formatOpenMetricsBound', () => {
  it.each([
    [1, '1.0'],
    [100000, '100000.0'],
    [0.5, '0.5'],
    [5.12, '5.12'],
    [1048576, '1.048576e+06'],
    [1e-5, '1e-05'],
    [Infinity, '+Inf'],
  ])('writes %s as %s, as client_golang does on OpenMetrics pages', (value, text) => {
    expect(formatOpenMetricsBound(value)).toBe(text);
  });
});
