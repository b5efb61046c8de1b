import { describe, expect, it } from 'vitest';
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { formatNumber, labelsOf, PrometheusSerializer } from '../../../../src/exporters/prometheus/serializer';

const time: [number, number] = [0, 0];

function sample(): ResourceMetrics {
  return {
    resource: resourceFromAttributes({ 'service.name': 'svc' }),
    scopeMetrics: [
      {
        scope: { name: 'agentmeter', version: '1.0.0' },
        metrics: [
          {
            descriptor: { name: 'agent.cache.requests', description: 'Lookups', unit: '{request}', valueType: ValueType.INT },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.SUM,
            isMonotonic: true,
            dataPoints: [{ startTime: time, endTime: time, attributes: { 'agent.cache.name': 'a"b\\c\nd', 'agent.cache.result': 'hit' }, value: 3 }],
          },
          {
            descriptor: { name: 'gen_ai.execute_tool.duration', description: 'Tool\nduration', unit: 's', valueType: ValueType.DOUBLE },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.HISTOGRAM,
            dataPoints: [
              {
                startTime: time,
                endTime: time,
                attributes: { 'gen_ai.tool.name': 'search' },
                value: { buckets: { boundaries: [0.1, 1e6], counts: [1, 2, 3] }, sum: 5.5, count: 6 },
              },
            ],
          },
          {
            descriptor: { name: 'agent.sessions.active', description: 'Open', unit: '{session}', valueType: ValueType.INT },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.SUM,
            isMonotonic: false,
            dataPoints: [{ startTime: time, endTime: time, attributes: {}, value: -2 }],
          },
        ],
      },
    ],
  };
}

describe('PrometheusSerializer', () => {
  it('writes the exact text format with Collector names, escaped labels and cumulative buckets', () => {
    const text = new PrometheusSerializer().serialize(sample());
    const scope = 'otel_scope_name="agentmeter",otel_scope_version="1.0.0"';
    expect(text).toBe(
      [
        '# HELP target_info Target metadata',
        '# TYPE target_info gauge',
        'target_info{service_name="svc"} 1',
        '# HELP agent_cache_requests_total Lookups',
        '# TYPE agent_cache_requests_total counter',
        `agent_cache_requests_total{agent_cache_name="a\\"b\\\\c\\nd",agent_cache_result="hit",${scope}} 3`,
        '# HELP gen_ai_execute_tool_duration_seconds Tool\\nduration',
        '# TYPE gen_ai_execute_tool_duration_seconds histogram',
        `gen_ai_execute_tool_duration_seconds_bucket{gen_ai_tool_name="search",${scope},le="0.1"} 1`,
        `gen_ai_execute_tool_duration_seconds_bucket{gen_ai_tool_name="search",${scope},le="1e+06"} 3`,
        `gen_ai_execute_tool_duration_seconds_bucket{gen_ai_tool_name="search",${scope},le="+Inf"} 6`,
        `gen_ai_execute_tool_duration_seconds_sum{gen_ai_tool_name="search",${scope}} 5.5`,
        `gen_ai_execute_tool_duration_seconds_count{gen_ai_tool_name="search",${scope}} 6`,
        '# HELP agent_sessions_active Open',
        '# TYPE agent_sessions_active gauge',
        `agent_sessions_active{${scope}} -2`,
        '',
      ].join('\n'),
    );
  });

  it('yields chunks of the configured size that join to the whole', () => {
    const serializer = new PrometheusSerializer({ chunkDataPoints: 1, withoutTargetInfo: true, withoutScopeInfo: true });
    const chunks = [...serializer.chunks(sample())];
    expect(chunks).toHaveLength(3);
    expect(chunks.join('')).toBe(serializer.serialize(sample()));
    expect(chunks[2]).toBe('# HELP agent_sessions_active Open\n# TYPE agent_sessions_active gauge\nagent_sessions_active -2\n');
  });
});

describe('formatNumber matches Go strconv "g" shortest form', () => {
  it.each([
    [0, '0'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [0.00025, '0.00025'],
    [262144, '262144'],
    [1048576, '1.048576e+06'],
    [67108864, '6.7108864e+07'],
    [1e21, '1e+21'],
    [1.5e-7, '1.5e-07'],
    [-2e6, '-2e+06'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [Number.NaN, 'NaN'],
  ])('%s → %s', (value, expected) => {
    expect(formatNumber(value)).toBe(expected);
  });
});

describe('PrometheusSerializer with several resources (a cluster primary and its workers)', () => {
  function worker(id: string, value: number): ResourceMetrics {
    const base = sample();
    return {
      resource: resourceFromAttributes({ 'service.name': 'svc', 'service.instance.id': id }),
      scopeMetrics: base.scopeMetrics.map(({ scope, metrics }) => ({
        scope,
        metrics: metrics.slice(0, 1).map((m) => ({ ...m, dataPoints: m.dataPoints.map((p) => ({ ...p, attributes: { 'agent.cache.result': 'hit', 'service.instance.id': id }, value })) })),
      })) as ResourceMetrics['scopeMetrics'],
    };
  }

  it('writes one target_info line per resource and each family header once, over every resource', () => {
    const serializer = new PrometheusSerializer({ withoutScopeInfo: true });
    const text = serializer.serialize([sample(), worker('w-1', 4), worker('w-2', 5)]);
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('# TYPE target_info'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('target_info'))).toEqual([
      'target_info{service_name="svc"} 1',
      'target_info{service_name="svc",service_instance_id="w-1"} 1',
      'target_info{service_name="svc",service_instance_id="w-2"} 1',
    ]);
    const start = lines.indexOf('# TYPE agent_cache_requests_total counter');
    expect(lines.slice(start, start + 4)).toEqual([
      '# TYPE agent_cache_requests_total counter',
      'agent_cache_requests_total{agent_cache_name="a\\"b\\\\c\\nd",agent_cache_result="hit"} 3',
      'agent_cache_requests_total{agent_cache_result="hit",service_instance_id="w-1"} 4',
      'agent_cache_requests_total{agent_cache_result="hit",service_instance_id="w-2"} 5',
    ]);
    expect(lines.filter((l) => l.startsWith('# TYPE agent_cache_requests_total'))).toHaveLength(1);
  });

  it('writes the same text for one resource alone as for a list of it', () => {
    expect(new PrometheusSerializer().serialize([sample()])).toBe(new PrometheusSerializer().serialize(sample()));
  });
});

describe('labelsOf', () => {
  it('merges keys that map to one label name into one label, values joined with ";" in key order', () => {
    // Inserted out of order: the join follows the original keys' lexicographic order (http.route < http_route).
    const attributes = { http_route: '/b', 'http.route': '/a', 'http.method': 'GET' };
    expect(labelsOf(attributes)).toBe('http_route="/a;/b",http_method="GET"');
  });

  it('escapes the joined value once', () => {
    expect(labelsOf({ 'a.b': 'x"y', a_b: 'back\\slash' })).toBe('a_b="x\\"y;back\\\\slash"');
  });

  it('leaves distinct names as they are, in attribute order', () => {
    expect(labelsOf({ 'gen_ai.tool.name': 'search', 'error.type': 'timeout' })).toBe('gen_ai_tool_name="search",error_type="timeout"');
  });
});

describe('chunk size', () => {
  it('yields a chunk once it holds chunkChars characters, however few data points, and the page stays the same', () => {
    const points = Array.from({ length: 40 }, (_, i) => ({ startTime: time, endTime: time, attributes: { 'gen_ai.tool.name': `tool_${i}` }, value: i }));
    const page: ResourceMetrics = {
      resource: resourceFromAttributes({}),
      scopeMetrics: [
        {
          scope: { name: 's' },
          metrics: [{ descriptor: { name: 'g', description: 'd', unit: '', valueType: ValueType.INT }, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.GAUGE, dataPoints: points }],
        },
      ],
    };
    const small = [...new PrometheusSerializer({ chunkChars: 200 }).chunks(page)];
    const whole = new PrometheusSerializer().serialize(page);
    expect(small.join('')).toBe(whole);
    expect(small.length).toBeGreaterThan(5);
    // Each chunk but the last crossed 200 characters with its last data point (a line is < 100).
    for (const chunk of small.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(200);
    for (const chunk of small.slice(0, -1)) expect(chunk.length).toBeLessThan(300);
  });
});
