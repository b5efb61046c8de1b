import { beforeEach, describe, expect, it } from 'vitest';
import { RunMap } from '../../../src/instrumentations/run-map';
import { guard } from '../../../src/store/registry';
import { resetStore, valueOf } from '../helpers';

beforeEach(resetStore);

describe('RunMap', () => {
  it('keeps at most its capacity: the oldest unfinished run is evicted and counted', () => {
    const runs = new RunMap<number>('a test hook', 3);
    const before = guard.dropped.unfinished_run;
    for (let i = 0; i < 5; i++) runs.set(`run-${i}`, i);
    expect(runs.size).toBe(3);
    expect(runs.evicted).toBe(2);
    expect(guard.dropped.unfinished_run).toBe(before + 2);
    expect([runs.get('run-0'), runs.get('run-1'), runs.get('run-2'), runs.get('run-4')]).toEqual([undefined, undefined, 2, 4]);
    expect(valueOf('agentmeter.dropped', { 'agentmeter.reason': 'unfinished_run' })).toBe(guard.dropped.unfinished_run);
  });

  it('forgets a run when it is taken, and replacing a run does not evict another', () => {
    const runs = new RunMap<string>('a test hook', 2);
    runs.set('a', 'first');
    runs.set('b', 'second');
    runs.set('b', 'again');
    expect(runs.evicted).toBe(0);
    expect(runs.take('b')).toBe('again');
    expect(runs.take('b')).toBeUndefined();
    expect(runs.size).toBe(1);
  });

  it('keeps hostile ids as data', () => {
    const runs = new RunMap<number>('a test hook');
    for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) runs.set(id, 1);
    expect(runs.size).toBe(4);
    expect(runs.take('__proto__')).toBe(1);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});
