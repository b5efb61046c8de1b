import { afterEach, describe, expect, it, vi } from 'vitest';
import { diag } from '@opentelemetry/api';
import { booleanOption, integerOf, integerOption } from '../../src/config-values';
import { ConfigError } from '../../src/errors';
import { resolveKafkaOptions } from '../../src/exporters/kafka/options';

afterEach(() => vi.restoreAllMocks());

describe('integerOf: the one reading of a configured integer', () => {
  it.each([
    [42, 42], [' 42 ', 42], ['-7', -7], ['0', 0], ['007', 7],
    ['1e3', NaN], ['0x10', NaN], ['4.5', NaN], [4.5, NaN], ['', NaN], [' ', NaN], ['12abc', NaN],
    [Number.MAX_SAFE_INTEGER + 1, NaN], ['99999999999999999999', NaN], [NaN, NaN], [Infinity, NaN], [null, NaN], [true, NaN],
  ])('%j is %s', (raw, expected) => {
    expect(integerOf(raw)).toBe(expected);
  });
});

describe('integerOption', () => {
  it('is the fallback when unset, the value in range, else a ConfigError naming the option and the range', () => {
    expect(integerOption('X', undefined, 1, 10, 5)).toBe(5);
    expect(integerOption('X', '', 1, 10, 5)).toBe(5);
    expect(integerOption('X', ' 10 ', 1, 10, 5)).toBe(10);
    const error = (() => {
      try {
        integerOption('AGENTMETER_X', '1e3', 1, 10, 5);
      } catch (err) {
        return err as ConfigError;
      }
    })()!;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe('AGM_ERR_CONFIG: AGENTMETER_X="1e3" is not valid; allowed: an integer from 1 to 10');
  });
});

describe('booleanOption', () => {
  it.each([
    [true, true], [false, false], ['TRUE', true], [' 1 ', true], ['False', false], ['0', false], [undefined, 'fallback'], ['', 'fallback'],
  ])('%j is %s without a warning', (raw, expected) => {
    const warn = vi.spyOn(diag, 'warn').mockImplementation(() => {});
    expect(booleanOption('X', raw, true)).toBe(expected === 'fallback' ? true : expected);
    expect(warn).not.toHaveBeenCalled();
  });

  it('reads an unreadable value as the default, with one warning naming the option and not the value', () => {
    const warn = vi.spyOn(diag, 'warn').mockImplementation(() => {});
    expect(booleanOption('AGENTMETER_KAFKA_TLS', 'yes-please', false)).toBe(false);
    expect(warn.mock.calls).toEqual([['agentmeter: AGENTMETER_KAFKA_TLS is not true, false, 1 or 0; using its default (false)']]);
  });

  it('AGENTMETER_KAFKA_TLS fails closed: a security switch that cannot be read is an error, not a silent no-TLS', () => {
    expect(() => resolveKafkaOptions({}, { AGENTMETER_KAFKA_TLS: 'yes' })).toThrow(
      'AGM_ERR_CONFIG: AGENTMETER_KAFKA_TLS="yes" is not valid; allowed: true, false, 1 or 0 (a security setting: not guessed)',
    );
    expect(resolveKafkaOptions({}, { AGENTMETER_KAFKA_TLS: ' TRUE ' }).tls).toEqual({});
    expect(resolveKafkaOptions({}, { AGENTMETER_KAFKA_TLS: '0' }).tls).toBeUndefined();
  });
});
