// The primary's view of its workers' series: labelled with each worker's instance id, and the
// same attribute object for the same series on every scrape (the serializer caches by it).
import { ValueType } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { WorkerSeries } from '../../../src/cluster/metrics';
import type { ClusterPrimary, WorkerAnswer } from '../../../src/cluster/primary';
import type { TransferableResourceMetrics } from '../../../src/cluster/transfer';

function answer(workerId: number, instance: string | undefined, value: number): WorkerAnswer {
  const payload: TransferableResourceMetrics = {
    resource: instance === undefined ? { 'service.name': 'svc' } : { 'service.name': 'svc', 'service.instance.id': instance },
    scopeMetrics: [
      {
        scope: { name: 'agentmeter' },
        metrics: [
          {
            descriptor: { name: 'agent.cache.requests', description: 'd', unit: '{request}', valueType: ValueType.INT },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.SUM,
            isMonotonic: true,
            dataPoints: [{ startTime: [1, 0], endTime: [2, 0], attributes: { 'agent.cache.result': 'hit' }, value }],
          },
        ],
      },
    ],
  };
  return { workerId, payload: JSON.parse(JSON.stringify(payload)) };
}

function primaryAnswering(...rounds: WorkerAnswer[][]): ClusterPrimary {
  return { gather: async () => ({ answers: rounds.shift() ?? [], asked: 0, missing: 0 }) } as unknown as ClusterPrimary;
}

const attributesOf = (rms: Awaited<ReturnType<WorkerSeries['collect']>>) => rms.map((rm) => rm.scopeMetrics[0]!.metrics[0]!.dataPoints[0]!.attributes);

describe('WorkerSeries', () => {
  it("labels every series with its worker's service.instance.id, or worker-<id> without one", async () => {
    const series = new WorkerSeries();
    const rms = await series.collect(primaryAnswering([answer(1, 'a', 3), answer(2, undefined, 4)]));
    expect(attributesOf(rms)).toEqual([
      { 'agent.cache.result': 'hit', 'service.instance.id': 'a' },
      { 'agent.cache.result': 'hit', 'service.instance.id': 'worker-2' },
    ]);
    expect(rms.map((rm) => rm.resource.attributes['service.instance.id'])).toEqual(['a', undefined]);
    expect(rms.map((rm) => rm.scopeMetrics[0]!.metrics[0]!.dataPoints[0]!.value)).toEqual([3, 4]);
  });

  it('hands back the same attribute object for a series on every scrape, and forgets workers that stopped answering', async () => {
    const series = new WorkerSeries();
    const primary = primaryAnswering([answer(1, 'a', 1)], [answer(1, 'a', 2)], [answer(2, 'b', 1)], [answer(1, 'a', 3)]);
    const [first] = attributesOf(await series.collect(primary));
    const [second] = attributesOf(await series.collect(primary));
    expect(second).toBe(first);
    await series.collect(primary); // only b answers: a's table goes
    const [again] = attributesOf(await series.collect(primary));
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });
});
