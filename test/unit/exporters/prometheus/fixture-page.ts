// A fixed collection covering every shape the serializers write: two resources, three scopes
// (one with a schema URL), counters with and without unit words, up-down counters, gauges of
// unit "1", histograms with wide-range bounds, awkward label values and non-finite numbers.
// The 0.0.4 page of it, as the serializer wrote it before OpenMetrics existed, is committed
// beside it (fixtures/page-0.0.4.txt) so a change to the default format cannot go unnoticed.
import { ValueType, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

const time: [number, number] = [1_700_000_000, 0];
const BOUNDS = [0.005, 0.01, 0.1, 1, 2.5, 10, 1e6];

function sum(name: string, unit: string, monotonic: boolean, points: Array<[Attributes, number]>): MetricData {
  return {
    descriptor: { name, description: `${name} "described"\\ here\nsecond line`, unit, valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.SUM,
    isMonotonic: monotonic,
    dataPoints: points.map(([attributes, value]) => ({ startTime: time, endTime: time, attributes, value })),
  };
}

function gauge(name: string, unit: string, points: Array<[Attributes, number]>): MetricData {
  return {
    descriptor: { name, description: '', unit, valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.GAUGE,
    dataPoints: points.map(([attributes, value]) => ({ startTime: time, endTime: time, attributes, value })),
  };
}

function histogram(name: string, unit: string, series: number): MetricData {
  const dataPoints = [];
  for (let i = 0; i < series; i++) {
    const counts = BOUNDS.map((_, b) => (i * 7 + b * 3) % 5).concat([i % 3]);
    const count = counts.reduce((a, c) => a + c, 0);
    dataPoints.push({
      startTime: time,
      endTime: time,
      attributes: { 'gen_ai.tool.name': `tool_${i}`, 'error.type': i % 4 === 0 ? 'TimeoutError' : '' },
      value: { buckets: { boundaries: BOUNDS, counts }, sum: count * 0.123456789, count },
    });
  }
  return {
    descriptor: { name, description: 'Duration of tool executions.', unit, valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints,
  };
}

export function fixturePage(): ResourceMetrics[] {
  const primary: ResourceMetrics = {
    resource: resourceFromAttributes({ 'service.name': 'svc', 'service.instance.id': 'primary-1', 'host.arch': 'amd64' }),
    scopeMetrics: [
      {
        scope: { name: 'agentmeter', version: '1.2.3' },
        metrics: [
          histogram('gen_ai.execute_tool.duration', 's', 6),
          sum('agent.cache.requests', '{request}', true, [
            [{ 'agent.cache.name': 'a"b\\c\nd', 'agent.cache.result': 'hit' }, 7],
            [{ 'agent.cache.name': 'ünïcødé', 'agent.cache.result': 'miss' }, 3],
          ]),
          sum('agent.sessions.active', '{session}', false, [[{}, -2]]),
          sum('process.cpu.time', 's', true, [[{ 'cpu.mode': 'user' }, 1.5e-7], [{ 'cpu.mode': 'system' }, 123456789]]),
          sum('requests_total', '', true, [[{ 'weird-key.1': 'x' }, 0]]),
          gauge('agent.routing.confidence', '1', [[{ 'agent.routing.strategy': 'fast' }, 0.25], [{ 'agent.routing.strategy': 'slow' }, NaN]]),
          gauge('system.memory.usage', 'By', [[{}, Infinity], [{ state: 'free' }, -Infinity]]),
          { ...histogram('gen_ai.client.token.usage', '{token}', 0) },
        ],
      },
      {
        scope: { name: '@opentelemetry/instrumentation-openai', version: '0.1.0', schemaUrl: 'https://opentelemetry.io/schemas/1.28.0' },
        metrics: [histogram('gen_ai.execute_tool.duration', 's', 2), sum('agent.cache.requests', '{request}', true, [[{ 'agent.cache.name': 'other' }, 1]])],
      },
    ],
  };
  const worker: ResourceMetrics = {
    resource: resourceFromAttributes({ 'service.name': 'svc', 'service.instance.id': 'worker-2' }),
    scopeMetrics: [{ scope: { name: 'agentmeter' }, metrics: [sum('agent.cache.requests', '{request}', true, [[{ 'agentmeter.worker': '2' }, 11]])] }],
  };
  return [primary, worker];
}
