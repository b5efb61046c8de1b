import { describe, expect, it } from 'vitest';
import { CardinalityGuard } from '../../../src/attributes';
import { METRICS } from '../../../src/catalog';
import { valueInstrument, withKeys } from '../../../src/store/instrument';
import { instruments } from '../../../src/store/registry';
import { ATTR_CACHE_NAME, ATTR_CACHE_RESULT } from '../../../src/catalog-vocabulary';

describe('Instrument series lookup', () => {
  it('finds the right series when values alternate, repeat and share a prefix level', () => {
    const instrument = withKeys(valueInstrument(METRICS.cacheRequests, new CardinalityGuard()), ATTR_CACHE_NAME, ATTR_CACHE_RESULT);
    const calls: Array<[string, string]> = [
      ['a', 'hit'], ['b', 'hit'], ['a', 'miss'], ['a', 'miss'], ['b', 'miss'], ['a', 'hit'], ['b', 'hit'],
    ];
    for (const [cache, result] of calls) instrument.get2(cache, result).add(1);
    const totals = instrument.points.map((p) => [p.attributes['agent.cache.name'], p.attributes['agent.cache.result'], p.value]);
    expect(totals).toEqual([
      ['a', 'hit', 2],
      ['b', 'hit', 2],
      ['a', 'miss', 2],
      ['b', 'miss', 1],
    ]);
  });

  it('starts new series after clear() instead of returning the last one found', () => {
    const instrument = withKeys(valueInstrument(METRICS.cacheRequests, new CardinalityGuard()), ATTR_CACHE_NAME, ATTR_CACHE_RESULT);
    const before = instrument.get2('a', 'hit');
    expect(instrument.get2('a', 'hit')).toBe(before);
    instrument.clear();
    const after = instrument.get2('a', 'hit');
    expect(after).not.toBe(before);
    expect(instrument.points).toEqual([after]);
  });
});

describe('withKeys', () => {
  it('returns the instrument when its catalog keys are the ones named, in order', () => {
    expect(withKeys(instruments.cacheRequests, ATTR_CACHE_NAME, ATTR_CACHE_RESULT)).toBe(instruments.cacheRequests);
  });

  it('throws at load for keys in another order (what the type check refuses at compile time)', () => {
    const swapped = [ATTR_CACHE_RESULT, ATTR_CACHE_NAME] as unknown as [typeof ATTR_CACHE_NAME, typeof ATTR_CACHE_RESULT];
    expect(() => withKeys(instruments.cacheRequests, ...swapped)).toThrow(
      'agentmeter: agent.cache.requests has attributes agent.cache.name, agent.cache.result, not agent.cache.result, agent.cache.name',
    );
  });
});
