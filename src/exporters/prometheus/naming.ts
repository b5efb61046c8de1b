/**
 * OTel → Prometheus names as the Collector's prometheusexporter writes them by default
 * (translation strategy UnderscoreEscapingWithSuffixes): unit suffix (`_seconds`, `_bytes`),
 * `_ratio` for gauges of unit "1", `_total` for monotonic sums, invalid characters as `_`.
 * Keeping this in one place is what makes a dashboard work on both the direct and the
 * Kafka → Collector path.
 */

/** How a metric is exposed: decides which suffixes apply. */
export type PrometheusType = 'counter' | 'gauge' | 'histogram';

// UCUM units to Prometheus words (OTel spec, "Prometheus and OpenMetrics compatibility").
const UNIT_WORDS: Readonly<Record<string, string>> = {
  d: 'days', h: 'hours', min: 'minutes', s: 'seconds', ms: 'milliseconds', us: 'microseconds',
  ns: 'nanoseconds', By: 'bytes', KiBy: 'kibibytes', MiBy: 'mebibytes', GiBy: 'gibibytes',
  TiBy: 'tibibytes', KBy: 'kilobytes', MBy: 'megabytes', GBy: 'gigabytes', TBy: 'terabytes',
  m: 'meters', V: 'volts', A: 'amperes', J: 'joules', W: 'watts', g: 'grams', Cel: 'celsius',
  Hz: 'hertz', '%': 'percent',
};
const PER_UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year',
};

const INVALID_NAME_CHARS = /[^a-zA-Z0-9:]+/;
const INVALID_LABEL_CHARS = /[^a-zA-Z0-9_]/g;

function words(text: string): string[] {
  return text.split(INVALID_NAME_CHARS).filter((w) => w !== '');
}

// Units come from any instrumentation's descriptors: read own entries only (`constructor` is a unit name too).
function unitWord(table: Readonly<Record<string, string>>, unit: string): string {
  return Object.hasOwn(table, unit) ? table[unit]! : unit;
}

/** The unit's name suffix words: `s` → [seconds], `By/s` → [bytes, per, second], `{token}` → []. */
export function unitWords(unit: string, type: PrometheusType): string[] {
  const stripped = unit.replace(/\{[^}]*\}/g, '').trim();
  if (stripped === '1') return type === 'gauge' ? ['ratio'] : [];
  if (stripped === '') return [];
  const [main = '', per = ''] = stripped.split('/', 2);
  const result = main !== '' ? words(unitWord(UNIT_WORDS, main)) : [];
  if (per !== '') result.push('per', ...words(unitWord(PER_UNIT_WORDS, per)));
  return result;
}

/** The Prometheus metric family name (without `_bucket`/`_sum`/`_count`). */
export function prometheusMetricName(name: string, unit: string, type: PrometheusType): string {
  const tokens = words(name);
  for (const w of unitWords(unit, type)) {
    if (!tokens.includes(w)) tokens.push(w);
  }
  if (type === 'counter') {
    const withoutTotal = tokens.filter((t) => t !== 'total');
    withoutTotal.push('total');
    tokens.splice(0, tokens.length, ...withoutTotal);
  }
  const joined = tokens.join('_');
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/** A Prometheus label name for an attribute key: `gen_ai.tool.name` → `gen_ai_tool_name`. */
export function prometheusLabelName(key: string): string {
  const name = key.replace(INVALID_LABEL_CHARS, '_');
  if (/^[0-9]/.test(name)) return `key_${name}`;
  if (name.startsWith('_') && !name.startsWith('__')) return `key${name}`;
  return name;
}
