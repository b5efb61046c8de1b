/** Value parsers for CLI flags, shared by every subcommand: commander prints their message. */
import { InvalidArgumentError } from 'commander';
import { integerOf } from '../config-values';

function integerAtLeast(value: string, min: number, expected: string): number {
  const n = integerOf(value);
  if (Number.isNaN(n) || n < min) throw new InvalidArgumentError(expected);
  return n;
}

export function nonNegativeInteger(value: string): number {
  return integerAtLeast(value, 0, 'expected a non-negative integer.');
}

export function positiveInteger(value: string): number {
  return integerAtLeast(value, 1, 'expected a positive integer.');
}

export function port(value: string): number {
  const n = integerAtLeast(value, 0, 'expected a port from 0 to 65535.');
  if (n > 65535) throw new InvalidArgumentError('expected a port from 0 to 65535.');
  return n;
}
