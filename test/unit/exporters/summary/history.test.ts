import { afterEach, describe, expect, it } from 'vitest';
import { historySnapshot, SummaryHistory } from '../../../../src/exporters/summary/history';
import { recordToolCall } from '../../../../src/record/tool';
import { recordCacheLookup } from '../../../../src/record/cache';
import { resetStore } from '../../helpers';

afterEach(() => resetStore());

describe('summary history', () => {
  it('turns the change between two collections into one bucket per series', () => {
    const h = new SummaryHistory({ bucketMillis: 1000, buckets: 3, maxTools: 2, maxCaches: 1 });
    h.record(historySnapshot(), 1_000, undefined);
    for (const s of [0.001, 0.001, 0.001]) recordToolCall({ tool: 'search', seconds: s });
    recordToolCall({ tool: 'search', seconds: 0.001, error: 'timeout' });
    recordToolCall({ tool: '<b>x</b>', seconds: 0.001 });
    recordToolCall({ tool: '__proto__', seconds: 0.001 });
    recordCacheLookup({ cache: 'emb', hit: true });
    recordCacheLookup({ cache: 'emb', hit: false });
    recordCacheLookup({ cache: 'other', hit: false });
    h.record(historySnapshot(), 3_000, undefined);
    const j = h.toJSON();
    expect(j.timestamps).toEqual([1, 3]);
    expect(Object.keys(j.tools)).toEqual(['search', '<b>x</b>']);
    expect(j.tools_not_charted).toBe(1);
    expect(Object.getPrototypeOf(j.tools)).toBeNull();
    expect(j.tools.search!.calls_per_second).toEqual([null, 2]);
    expect(j.tools.search!.error_rate).toEqual([null, 25]);
    expect(Object.keys(j.caches)).toEqual(['emb']);
    expect(j.caches_not_charted).toBe(1);
    expect(j.caches.emb!.hit_rate).toEqual([null, 50]);
    expect(j.llm.calls_per_second).toEqual([0, 0]);
    expect(j.routing.within_target_percent).toEqual([null, null]);
  });

  it('keeps at most `buckets` values per series', () => {
    const h = new SummaryHistory({ bucketMillis: 1000, buckets: 2 });
    for (let i = 1; i <= 5; i++) h.record(historySnapshot(), i * 1000, 3);
    const j = h.toJSON();
    expect(j.timestamps).toEqual([4, 5]);
    expect(j.cluster_workers).toEqual([3, 3]);
    expect(j.health).toHaveLength(2);
  });
});
