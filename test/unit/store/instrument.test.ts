import { describe, expect, it } from 'vitest';
import { CardinalityGuard } from '../../../src/attributes';
import { METRICS } from '../../../src/catalog';
import { valueInstrument } from '../../../src/store/instrument';

describe('Instrument series lookup', () => {
  it('finds the right series when values alternate, repeat and share a prefix level', () => {
    const instrument = valueInstrument(METRICS.cacheRequests, new CardinalityGuard());
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
    const instrument = valueInstrument(METRICS.cacheRequests, new CardinalityGuard());
    const before = instrument.get2('a', 'hit');
    expect(instrument.get2('a', 'hit')).toBe(before);
    instrument.clear();
    const after = instrument.get2('a', 'hit');
    expect(after).not.toBe(before);
    expect(instrument.points).toEqual([after]);
  });
});
