// One metric family per Prometheus name across instrumentation scopes: agentmeter's store and an
// official instrumentation (OpenAI's gen_ai.client.*) write the same names into one page.
import { describe, expect, it, vi } from 'vitest';
import { diag, ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { PrometheusSerializer } from '../../../../src/exporters/prometheus/serializer';

const time: [number, number] = [0, 0];

function histogram(name: string, description: string, attributes: Record<string, string>, count: number): MetricData {
  return {
    descriptor: { name, description, unit: 's', valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints: [{ startTime: time, endTime: time, attributes, value: { buckets: { boundaries: [1], counts: [count, 0] }, sum: count / 2, count } }],
  };
}

function sum(name: string, monotonic: boolean, value: number): MetricData {
  return {
    descriptor: { name, description: `${name} things`, unit: '', valueType: ValueType.INT },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.SUM,
    isMonotonic: monotonic,
    dataPoints: [{ startTime: time, endTime: time, attributes: {}, value }],
  };
}

function page(...scopes: Array<[string, MetricData[]]>): ResourceMetrics {
  return {
    resource: resourceFromAttributes({}),
    scopeMetrics: scopes.map(([name, metrics]) => ({ scope: { name, version: '1.0' }, metrics })),
  };
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '' && !l.startsWith('target_info') && !l.includes('target_info'));

describe('families across scopes', () => {
  it('writes one HELP and TYPE for a name two scopes emit, with both scopes’ series under it', () => {
    const text = new PrometheusSerializer().serialize(
      page(
        ['@opentelemetry/instrumentation-openai', [histogram('gen_ai.client.operation.duration', 'GenAI operation duration', { 'gen_ai.system': 'openai' }, 3)]],
        ['agentmeter', [histogram('agent.routing.duration', 'Routing', {}, 1), histogram('gen_ai.client.operation.duration', 'GenAI operation duration', { 'gen_ai.provider.name': 'anthropic' }, 2)]],
      ),
    );
    const openai = 'gen_ai_system="openai",otel_scope_name="@opentelemetry/instrumentation-openai",otel_scope_version="1.0"';
    const anthropic = 'gen_ai_provider_name="anthropic",otel_scope_name="agentmeter",otel_scope_version="1.0"';
    expect(lines(text)).toEqual([
      '# HELP gen_ai_client_operation_duration_seconds GenAI operation duration',
      '# TYPE gen_ai_client_operation_duration_seconds histogram',
      `gen_ai_client_operation_duration_seconds_bucket{${openai},le="1"} 3`,
      `gen_ai_client_operation_duration_seconds_bucket{${openai},le="+Inf"} 3`,
      `gen_ai_client_operation_duration_seconds_sum{${openai}} 1.5`,
      `gen_ai_client_operation_duration_seconds_count{${openai}} 3`,
      `gen_ai_client_operation_duration_seconds_bucket{${anthropic},le="1"} 2`,
      `gen_ai_client_operation_duration_seconds_bucket{${anthropic},le="+Inf"} 2`,
      `gen_ai_client_operation_duration_seconds_sum{${anthropic}} 1`,
      `gen_ai_client_operation_duration_seconds_count{${anthropic}} 2`,
      '# HELP agent_routing_duration_seconds Routing',
      '# TYPE agent_routing_duration_seconds histogram',
      'agent_routing_duration_seconds_bucket{otel_scope_name="agentmeter",otel_scope_version="1.0",le="1"} 1',
      'agent_routing_duration_seconds_bucket{otel_scope_name="agentmeter",otel_scope_version="1.0",le="+Inf"} 1',
      'agent_routing_duration_seconds_sum{otel_scope_name="agentmeter",otel_scope_version="1.0"} 0.5',
      'agent_routing_duration_seconds_count{otel_scope_name="agentmeter",otel_scope_version="1.0"} 1',
    ]);
  });

  it('keeps the first description when two scopes describe a name differently', () => {
    const serializer = new PrometheusSerializer({ withoutScopeInfo: true, withoutTargetInfo: true });
    const text = serializer.serialize(page(['a', [histogram('x.duration', 'First words', { k: 'a' }, 1)]], ['b', [histogram('x.duration', 'Other words', { k: 'b' }, 1)]]));
    expect(text.split('\n').filter((l) => l.startsWith('#'))).toEqual(['# HELP x_duration_seconds First words', '# TYPE x_duration_seconds histogram']);
  });

  it('drops, with one warning, a metric whose type conflicts with the family already named', () => {
    const warn = vi.spyOn(diag, 'warn').mockImplementation(() => {});
    const serializer = new PrometheusSerializer({ withoutScopeInfo: true, withoutTargetInfo: true });
    // A monotonic sum `jobs` and a gauge called `jobs_total` are both `jobs_total` in Prometheus.
    const conflicting = page(['a', [sum('jobs', true, 4)]], ['b', [sum('jobs_total', false, 9)]]);
    for (let i = 0; i < 2; i++) {
      expect(serializer.serialize(conflicting)).toBe('# HELP jobs_total jobs things\n# TYPE jobs_total counter\njobs_total 4\n');
    }
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      'agentmeter: jobs_total from b is a gauge but jobs_total is already a counter; its series are left out of the Prometheus page',
    ]);
    warn.mockRestore();
  });

  it('keeps a family’s series together when its scopes are interleaved with others', () => {
    const serializer = new PrometheusSerializer({ withoutScopeInfo: true, withoutTargetInfo: true });
    const text = serializer.serialize(page(['a', [sum('one', true, 1), sum('two', true, 2)]], ['b', [sum('one', true, 10)]]));
    expect(text.split('\n').filter((l) => !l.startsWith('# HELP'))).toEqual([
      '# TYPE one_total counter',
      'one_total 1',
      'one_total 10',
      '# TYPE two_total counter',
      'two_total 2',
      '',
    ]);
  });
});
