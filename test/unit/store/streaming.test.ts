// The streaming view of a snapshot: the same data points as the ordinary MetricData, built
// only when iterated and from the values at that moment; none for a delta snapshot.
import { afterEach, describe, expect, it } from 'vitest';
import { DeltaState } from '../../../src/store/delta';
import { metricDataOf, snapshotStore } from '../../../src/store/snapshot';
import { streamingMetricDataOf } from '../../../src/store/streaming';
import { recordToolCall } from '../../../src/record/tool';
import { recordCacheLookup } from '../../../src/record/cache';
import { resetStore } from '../helpers';

afterEach(() => resetStore());

describe('streamingMetricDataOf', () => {
  it('gives the same metrics and data points as metricDataOf for a cumulative snapshot', () => {
    recordToolCall({ tool: 'search', seconds: 0.2 });
    recordToolCall({ tool: 'calc', seconds: 3 });
    recordCacheLookup({ cache: 'emb', hit: true });
    const snapshot = snapshotStore();
    const streaming = streamingMetricDataOf(snapshot)!;
    const plain = metricDataOf(snapshot);
    expect(streaming.map((m) => ({ ...m, dataPoints: [...m.dataPoints] }))).toEqual(plain);
    expect(streaming.map((m) => m.dataPoints.length)).toEqual(plain.map((m) => m.dataPoints.length));
  });

  it('reads each series when it is iterated, not when the snapshot was taken', () => {
    recordToolCall({ tool: 'search', seconds: 0.2 });
    const tool = streamingMetricDataOf(snapshotStore())!.find((m) => m.descriptor.name === 'gen_ai.execute_tool.duration')!;
    recordToolCall({ tool: 'search', seconds: 0.2 });
    const [point] = [...tool.dataPoints] as Array<{ value: { count: number } }>;
    expect(point!.value.count).toBe(2);
  });

  it('leaves a delta snapshot to metricDataOf', () => {
    recordToolCall({ tool: 'search', seconds: 0.2 });
    expect(streamingMetricDataOf(snapshotStore(new DeltaState()))).toBeUndefined();
  });
});
