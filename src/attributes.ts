/**
 * The cardinality guard: what attribute values may reach a series, and what bad input costs.
 *
 * Enum keys accept their declared values; bounded-name keys keep the first `cap` distinct values
 * per instrument and key and turn later ones into "_other", so one instrument's flood of names
 * never starves another's (agentmeter's own instruments, whose values are fixed by the code,
 * are not capped). Nothing here throws: bad input is normalised or dropped, counted by reason,
 * and reported once per reason through `diag`.
 */
import { diag, type HrTime } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import type { AttributeRule } from './catalog';
import { DROP_REASONS, OVERFLOW_VALUE, type DropReason } from './catalog-vocabulary';

/** Default number of distinct values kept per bounded-name key. */
export const DEFAULT_ATTRIBUTE_CAP = 100;
/** Longest attribute value kept; longer names are cut to this many characters. */
export const MAX_VALUE_LENGTH = 128;

export class CardinalityGuard {
  /** Distinct values kept, per instrument name and bounded-name key. */
  private readonly admitted = new Map<string, Map<string, Set<string>>>();
  /** Samples whose value became "_other", per instrument name and key. */
  readonly overflow = new Map<string, Map<string, number>>();
  /** Samples dropped or normalised, per reason. */
  readonly dropped: Record<DropReason, number>;
  private readonly warned = new Set<string>();
  private capValue: number;
  /** When this guard began counting: the start time of the counters copied from it. */
  readonly since: HrTime = hrTime();

  constructor(cap: number = DEFAULT_ATTRIBUTE_CAP) {
    this.capValue = cap;
    this.dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  }

  /** Distinct values kept per instrument and bounded-name key; values already kept stay kept when it shrinks. */
  get cap(): number {
    return this.capValue;
  }

  set cap(value: number) {
    this.capValue = value;
  }

  /**
   * The value a series of instrument `metric` may carry for `rule.key`: the value itself, ""
   * for an absent optional key, a shortened name, or "_other". `capped: false` (agentmeter's
   * own instruments) skips the cap.
   */
  admit(rule: AttributeRule, value: string, metric = '', capped = true): string {
    // Helpers declare strings, but a caller's value (or a peer's, through an instrumentation) may be anything.
    if (typeof value !== 'string') {
      this.drop('not_a_string', `${rule.key} is a ${typeof value}`);
      return OVERFLOW_VALUE;
    }
    if (value === '') {
      if (rule.optional) return '';
      this.drop('missing_name', rule.key);
      return OVERFLOW_VALUE;
    }
    if (rule.values !== undefined) {
      if (rule.values.includes(value)) return value;
      // The field and the rule, never the value: it may be user text.
      this.drop('invalid_enum', `${rule.key} is not one of ${rule.values.join(', ')}`);
      return OVERFLOW_VALUE;
    }
    if (value.length > MAX_VALUE_LENGTH) {
      this.drop('name_too_long', `${rule.key} longer than ${MAX_VALUE_LENGTH} characters`);
      value = value.slice(0, MAX_VALUE_LENGTH);
    }
    if (!capped) return value;
    const seen = nested(nested(this.admitted, metric, () => new Map<string, Set<string>>()), rule.key, () => new Set<string>());
    if (seen.has(value)) return value;
    if (seen.size < this.capValue) {
      seen.add(value);
      return value;
    }
    const counts = nested(this.overflow, metric, () => new Map<string, number>());
    counts.set(rule.key, (counts.get(rule.key) ?? 0) + 1);
    this.warnOnce(
      `overflow:${metric}:${rule.key}`,
      `attribute ${rule.key} of ${metric} reached its cap of ${this.capValue} distinct values; later values are recorded as "${OVERFLOW_VALUE}"`,
    );
    return OVERFLOW_VALUE;
  }

  /** Counts a dropped or normalised sample; the first one per reason is reported through diag. */
  drop(reason: DropReason, detail: string): void {
    this.dropped[reason]++;
    const normalised = reason === 'name_too_long' || reason === 'invalid_enum' || reason === 'not_a_string';
    this.warnOnce(reason, `sample ${normalised ? 'normalised' : 'dropped'} (${reason}): ${detail}; counted in agentmeter.dropped, further ones are not reported`);
  }

  /**
   * A non-negative finite measurement, or -1 after counting why the value was dropped.
   * `what` names the field for the one diagnostic.
   */
  measurement(value: unknown, what: string): number {
    if (typeof value === 'number' && value >= 0 && value !== Infinity) return value;
    const reason: DropReason =
      typeof value !== 'number' || Number.isNaN(value)
        ? 'not_a_number'
        : value === Infinity || value === -Infinity
          ? 'non_finite'
          : 'negative';
    this.drop(reason, `${what}=${typeof value === 'number' ? String(value) : typeof value}`);
    return -1;
  }

  /** A finite number (any sign) for up-down counters and gauges, or NaN after counting the drop. */
  signedMeasurement(value: unknown, what: string): number {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    this.drop(typeof value !== 'number' || Number.isNaN(value) ? 'not_a_number' : 'non_finite', `${what}=${typeof value === 'number' ? String(value) : typeof value}`);
    return Number.NaN;
  }

  /** A usable name, or undefined after counting a `missing_name` drop. */
  name(value: unknown, what: string): string | undefined {
    if (typeof value === 'string' && value !== '') return value;
    if (value === '' || value === undefined || value === null) this.drop('missing_name', `${what} is ${value === '' ? 'empty' : String(value)}`);
    else this.drop('not_a_string', `${what} is a ${typeof value}`);
    return undefined;
  }

  /** The value of an optional name: "" (absent) when not given or empty, else as name() reads it ("" after a drop). */
  optionalName(value: unknown, what: string): string {
    return value === undefined || value === '' ? '' : (this.name(value, what) ?? '');
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    diag.warn(`agentmeter: ${message}`);
  }
}

/** The entry of `map` at `key`, made by `make` the first time. */
function nested<V>(map: Map<string, V>, key: string, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** `error.type` of an optional failure: "" (no failure) for undefined, null or false. */
export function failureType(error: unknown): string {
  return error === undefined || error === null || error === false ? '' : errorType(error);
}

/**
 * The `error.type` value for a failure: a string as given, else the error's `code` (e.g.
 * ECONNRESET), else its class name; "_OTHER" when nothing usable is found (semantic conventions).
 */
export function errorType(error: unknown): string {
  if (typeof error === 'string') return error === '' ? '_OTHER' : error;
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    if (typeof name === 'string' && name !== '') return name;
    const ctor = (error as { constructor?: { name?: unknown } }).constructor;
    if (typeof ctor?.name === 'string' && ctor.name !== '') return ctor.name;
  }
  return '_OTHER';
}
