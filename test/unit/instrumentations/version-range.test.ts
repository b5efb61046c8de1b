import { describe, expect, it } from 'vitest';
import { satisfiesRange } from '../../../src/instrumentations/version-range';

describe('satisfiesRange', () => {
  it.each([
    ['6.49.0', '>=4.19.0 <7', true],
    ['7.0.0', '>=4.19.0 <7', false],
    ['4.18.9', '>=4.19.0 <7', false],
    ['0.122.0', '>=0.50.0 <2', true],
    ['1.16.0', '>=0.50.0 <2', true],
    ['2.0.0', '>=0.50.0 <2', false],
    ['1.4.0', '>=1.0.0 <2', true],
    ['1.0.0-rc.1', '>=1.0.0 <2', true],
    ['0.3.80', '>=1.0.0 <2', false],
    ['3.1.4', '*', true],
    ['3.1.4', '^3.0.0', false],
    ['7.59.0', '>=4.19.0 <7 || >=7.0.0 <8', true],
    ['1.2.9', '1.2', true],
    ['1.3.0', '1.2', false],
    ['2.5.1', '=2', true],
    ['1.2.3', '1.2.3', true],
    ['1.2.3', '>1.2.3', false],
    ['1.2.3', '<=1.2.3', true],
    ['not-a-version', '*', false],
  ])('%s in %s: %s', (version, range, expected) => {
    expect(satisfiesRange(version, range)).toBe(expected);
  });
});
