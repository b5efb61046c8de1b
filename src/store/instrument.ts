/**
 * One catalog instrument and its series, found by nested maps keyed by attribute value in the
 * catalog's key order. A value already admitted by the guard resolves with one Map.get per key;
 * anything else takes the slow path through the guard. An absent optional value ("", e.g. no
 * `error.type` on a successful call) is kept in a field beside the map rather than in it: most
 * calls succeed, and a field load is measurably cheaper than a Map.get (bench/hot-path).
 */
import type { Attributes } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import type { MetricDefinition } from '../catalog';
import type { CardinalityGuard } from '../attributes';
import { Chunks } from './chunks';
import { HistogramPoint, ValuePoint, type Point } from './points';

class Level<P> extends Map<string, P | Level<P>> {
  /** The child for the absent value "". */
  absent: P | Level<P> | undefined = undefined;
}

function child<P>(level: Level<P>, value: string): P | Level<P> | undefined {
  // A last-hit cache in front of Map.get was tried (bench/overhead): within the noise on the
  // tool server, 10-15 % slower on the hot-path bench where values alternate (stores per miss).
  return value === '' ? level.absent : level.get(value);
}

function setChild<P>(level: Level<P>, value: string, node: P | Level<P>): void {
  if (value === '') level.absent = node;
  else level.set(value, node);
}

/** The attribute keys of a catalog entry, as a tuple of literal types in catalog order. */
export type AttributeKeys<D extends Pick<MetricDefinition, 'attributes'>> = KeysOf<D['attributes']>;
type KeysOf<T> = T extends readonly [infer H, ...infer R] ? [H extends { key: infer K extends string } ? K : string, ...KeysOf<R>] : T extends readonly [] ? [] : string[];

declare const KEYS_CHECKED: unique symbol;
/** An instrument whose keys its caller has named (`withKeys`): only it takes positional values. */
export type KeyedInstrument<P extends Point, K extends readonly string[] = readonly string[]> = Instrument<P, K> & { readonly [KEYS_CHECKED]: true };

/**
 * `instrument`, once its catalog attribute keys are checked to be `keys`, in this order. The
 * positional getters (get1…get5, getN) take values in catalog order and only on a checked
 * instrument, so a reordered or changed catalog fails to compile at every call site (and throws
 * at load for a build that skipped the type check) instead of swapping two labels.
 */
export function withKeys<P extends Point, K extends readonly string[]>(instrument: Instrument<P, K>, ...keys: NoInfer<K>): KeyedInstrument<P, K> {
  const actual = instrument.definition.attributes.map((a) => a.key);
  if (actual.length !== keys.length || actual.some((key, i) => key !== keys[i])) {
    throw new Error(`agentmeter: ${instrument.definition.name} has attributes ${actual.join(', ')}, not ${keys.join(', ')}`);
  }
  return instrument as KeyedInstrument<P, K>;
}

export class Instrument<P extends Point, K extends readonly string[] = readonly string[]> {
  /** The catalog's keys, in order (registry.ts): a type only, for withKeys; never set. */
  declare readonly keys?: K;
  /** Every series, in creation order, for collection. */
  readonly points: P[] = [];
  /** A counter that has held a fractional value; set at each snapshot, exported as doubles (snapshot.ts). */
  fractional = false;
  private root: Level<P> = new Level();
  private single: P | undefined;

  constructor(
    readonly definition: MetricDefinition,
    private readonly guard: CardinalityGuard,
    private readonly create: (attributes: Attributes) => P,
  ) {}

  /** The series of an instrument without attributes. */
  get0(this: Instrument<P, readonly []>): P {
    return this.single ?? (this.single = this.insert([]));
  }

  get1(this: KeyedInstrument<P, readonly [string]>, a: string): P {
    const p = child(this.root, a) as P | undefined;
    return p !== undefined ? p : this.slow([a]);
  }

  get2(this: KeyedInstrument<P, readonly [string, string]>, a: string, b: string): P {
    const l1 = child(this.root, a) as Level<P> | undefined;
    if (l1 !== undefined) {
      const p = child(l1, b) as P | undefined;
      if (p !== undefined) return p;
    }
    return this.slow([a, b]);
  }

  get3(this: KeyedInstrument<P, readonly [string, string, string]>, a: string, b: string, c: string): P {
    const l1 = child(this.root, a) as Level<P> | undefined;
    if (l1 !== undefined) {
      const l2 = child(l1, b) as Level<P> | undefined;
      if (l2 !== undefined) {
        const p = child(l2, c) as P | undefined;
        if (p !== undefined) return p;
      }
    }
    return this.slow([a, b, c]);
  }

  get4(this: KeyedInstrument<P, readonly [string, string, string, string]>, a: string, b: string, c: string, d: string): P {
    const l1 = child(this.root, a) as Level<P> | undefined;
    if (l1 !== undefined) {
      const l2 = child(l1, b) as Level<P> | undefined;
      if (l2 !== undefined) {
        const l3 = child(l2, c) as Level<P> | undefined;
        if (l3 !== undefined) {
          const p = child(l3, d) as P | undefined;
          if (p !== undefined) return p;
        }
      }
    }
    return this.slow([a, b, c, d]);
  }

  get5(this: KeyedInstrument<P, readonly [string, string, string, string, string]>, a: string, b: string, c: string, d: string, e: string): P {
    const l1 = child(this.root, a) as Level<P> | undefined;
    if (l1 !== undefined) {
      const l2 = child(l1, b) as Level<P> | undefined;
      if (l2 !== undefined) {
        const l3 = child(l2, c) as Level<P> | undefined;
        if (l3 !== undefined) {
          const l4 = child(l3, d) as Level<P> | undefined;
          if (l4 !== undefined) {
            const p = child(l4, e) as P | undefined;
            if (p !== undefined) return p;
          }
        }
      }
    }
    return this.slow([a, b, c, d, e]);
  }

  /** Any number of values, in the catalog's key order: for instruments off the hot path (MCP operations). */
  getN(this: KeyedInstrument<P>, values: readonly string[]): P {
    let node: P | Level<P> | undefined = this.root;
    for (let i = 0; i < values.length && node !== undefined; i++) node = child(node as Level<P>, values[i]!);
    return node !== undefined ? (node as P) : this.slow([...values]);
  }

  /** Drops every series (used by tests and `resetMetrics`); admitted values stay admitted. */
  clear(): void {
    this.points.length = 0;
    this.fractional = false;
    this.root = new Level();
    this.single = undefined;
  }

  private slow(raw: string[]): P {
    const rules = this.definition.attributes;
    const { name, domain } = this.definition;
    const values = raw.map((value, i) => this.guard.admit(rules[i]!, value, name, domain !== 'self'));
    let level = this.root;
    for (let i = 0; i < values.length - 1; i++) {
      let next = child(level, values[i]!) as Level<P> | undefined;
      if (next === undefined) {
        next = new Level();
        setChild(level, values[i]!, next);
      }
      level = next;
    }
    const last = values[values.length - 1]!;
    let point = child(level, last) as P | undefined;
    if (point === undefined) {
      point = this.insert(values);
      setChild(level, last, point);
    }
    return point;
  }

  private insert(values: string[]): P {
    const attributes: Attributes = {};
    values.forEach((value, i) => {
      // An absent optional key ("") is left out of the series' attributes.
      if (value !== '') attributes[this.definition.attributes[i]!.key] = value;
    });
    for (const derived of this.definition.derived ?? []) {
      const from = attributes[derived.from];
      if (typeof from === 'string' && Object.hasOwn(derived.values, from)) attributes[derived.key] = derived.values[from];
    }
    const point = this.create(Object.freeze(attributes));
    this.points.push(point);
    return point;
  }
}

export function histogramInstrument(definition: MetricDefinition, guard: CardinalityGuard): Instrument<HistogramPoint> {
  const bounds = definition.buckets ?? [];
  // Bucket counts in shared buffers of up to 32 kB (about 200 series of the 17-bound tool durations).
  const counts = new Chunks(32768);
  return new Instrument(definition, guard, (attributes) => new HistogramPoint(attributes, bounds, hrTime(), counts));
}

export function valueInstrument(definition: MetricDefinition, guard: CardinalityGuard): Instrument<ValuePoint> {
  return new Instrument(definition, guard, (attributes) => new ValuePoint(attributes, hrTime()));
}
