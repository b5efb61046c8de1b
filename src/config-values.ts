/**
 * The one reading of a configured number or boolean, for every option, environment variable and
 * CLI flag: start() options, AGENTMETER_* and OTEL_* variables, the Kafka exporter's and the
 * routing publisher's options, the CLI's flags.
 */
import { diag } from '@opentelemetry/api';
import { ConfigError } from './errors';

/**
 * `raw` as an integer: a safe-integer number, or a string of decimal digits (an optional `-`,
 * spaces around trimmed). Anything else (`1e3`, `0x10`, `4.5`, `""`) is NaN.
 */
export function integerOf(raw: unknown): number {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? raw : Number.NaN;
  if (typeof raw !== 'string' || !/^\s*-?\d+\s*$/.test(raw)) return Number.NaN;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : Number.NaN;
}

/** An integer option from `min` to `max`; `fallback` when unset (undefined or ""); else ConfigError naming `name`. */
export function integerOption(name: string, raw: unknown, min: number, max: number, fallback?: number): number {
  if ((raw === undefined || raw === '') && fallback !== undefined) return fallback;
  const n = integerOf(raw);
  if (Number.isNaN(n) || n < min || n > max) throw new ConfigError(name, raw, `an integer from ${min} to ${max}`);
  return n;
}

/** `raw` as a boolean: a boolean as given, `true`/`1` or `false`/`0` in any case, trimmed; else undefined. */
export function booleanOf(raw: unknown): boolean | undefined {
  if (typeof raw === 'boolean') return raw;
  const value = String(raw).trim().toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return undefined;
}

/**
 * A boolean option: a boolean as given; `true`/`1` or `false`/`0` in any case, trimmed; unset
 * (undefined or "") is `fallback`; anything else is `fallback` with one warning naming the
 * option, never the value (OTel configuration rule: a typo never stops the host from starting).
 */
export function booleanOption(name: string, raw: unknown, fallback: boolean): boolean {
  if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return fallback;
  const value = booleanOf(raw);
  if (value !== undefined) return value;
  diag.warn(`agentmeter: ${name} is not true, false, 1 or 0; using its default (${fallback})`);
  return fallback;
}
