/**
 * Input series for `promtool test rules`, written in promtool's expanding notation
 * (`0+60x30` = 0, 60, 120, ... 31 samples, one a minute).
 */

/** One input series of a promtool test. */
export interface SeriesInput {
  readonly series: string;
  readonly values: string;
}

/** Minutes of input every test gets (long enough for the longest `for:` plus the window). */
export const TEST_MINUTES = 30;

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
}

function series(name: string, labels: Record<string, string>): string {
  return `${name}{${labelText(labels)}}`;
}

/** A counter growing by `perMinute` every minute. */
export function counterInput(name: string, labels: Record<string, string>, perMinute: number): SeriesInput {
  return { series: series(name, labels), values: `0+${perMinute}x${TEST_MINUTES}` };
}

/** A gauge holding `value` throughout. */
export function gaugeInput(name: string, labels: Record<string, string>, value: number): SeriesInput {
  return { series: series(name, labels), values: `${value}+0x${TEST_MINUTES}` };
}

/** A gauge rising by `perMinute` for `minutes`, then frozen at its last value. */
export function frozenGaugeInput(name: string, labels: Record<string, string>, perMinute: number, minutes: number): SeriesInput {
  return {
    series: series(name, labels),
    values: `0+${perMinute}x${minutes} ${perMinute * minutes}+0x${TEST_MINUTES - minutes - 1}`,
  };
}

/**
 * A histogram whose observations land, every minute, `perMinute` of them in the bucket with the
 * given upper bound: `dist` is a list of [upper bound, observations per minute]. Writes every
 * `le` of `buckets` plus `+Inf`, `_count` and `_sum` (each observation counted at its upper bound).
 */
export function histogramInput(
  family: { bucket: string; count: string; sum: string },
  labels: Record<string, string>,
  buckets: readonly number[],
  dist: ReadonlyArray<readonly [number, number]>,
): SeriesInput[] {
  for (const [upper] of dist) if (!buckets.includes(upper)) throw new Error(`${upper} is not a bucket boundary`);
  const total = dist.reduce((n, [, c]) => n + c, 0);
  const out: SeriesInput[] = [];
  for (const le of [...buckets, Infinity]) {
    const cumulative = dist.filter(([upper]) => upper <= le).reduce((n, [, c]) => n + c, 0);
    out.push(counterInput(family.bucket, { ...labels, le: le === Infinity ? '+Inf' : String(le) }, cumulative));
  }
  out.push(counterInput(family.count, labels, total));
  const sum = dist.reduce((n, [upper, c]) => n + upper * c, 0);
  out.push(counterInput(family.sum, labels, Number(sum.toPrecision(12))));
  return out;
}
