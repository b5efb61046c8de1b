// The JSON summary's contract, for tests: every /metrics.json body (and /history.json body) is
// validated against the schema that ships in the package, and /metrics.json compared field by field with the reference document
// (test/fixtures/summary/reference.json, the reference endpoint's shape reconstructed from its
// field list: epoch seconds, percentages with two decimals, milliseconds).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { ROOT } from './child';

export const SUMMARY_SCHEMA_PATH = join(ROOT, 'src', 'exporters', 'summary', 'metrics-summary.schema.json');
export const HISTORY_SCHEMA_PATH = join(ROOT, 'src', 'exporters', 'summary', 'history.schema.json');
export const REFERENCE_PATH = join(ROOT, 'test', 'fixtures', 'summary', 'reference.json');

const ajv = new Ajv2020({ strict: true, allErrors: true });
const validate = ajv.compile(JSON.parse(readFileSync(SUMMARY_SCHEMA_PATH, 'utf8')) as object);
const validateHistory = ajv.compile(JSON.parse(readFileSync(HISTORY_SCHEMA_PATH, 'utf8')) as object);

/** A summary as JSON gives it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type SummaryJson = { [key: string]: Json };

/** Throws, naming every violation, unless `body` satisfies metrics-summary.schema.json. */
export function assertSummarySchema(body: unknown): asserts body is SummaryJson {
  if (validate(body)) return;
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  throw new Error(`/metrics.json does not match metrics-summary.schema.json: ${errors.join('; ')}`);
}

/** GET `<base>/metrics.json`, validated against the schema. */
export async function fetchSummary(base: string): Promise<SummaryJson> {
  const res = await fetch(`${base}/metrics.json`);
  if (res.status !== 200) throw new Error(`GET ${base}/metrics.json answered ${res.status}`);
  const body: unknown = await res.json();
  assertSummarySchema(body);
  return body;
}

/** Throws, naming every violation, unless `body` satisfies history.schema.json. */
export function assertHistorySchema(body: unknown): asserts body is SummaryJson {
  if (validateHistory(body)) return;
  const errors = (validateHistory.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  throw new Error(`/history.json does not match history.schema.json: ${errors.join('; ')}`);
}

/** GET `<base>/history.json`, validated against its schema. */
export async function fetchHistory(base: string): Promise<SummaryJson> {
  const res = await fetch(`${base}/history.json`);
  if (res.status !== 200) throw new Error(`GET ${base}/history.json answered ${res.status}`);
  const body: unknown = await res.json();
  assertHistorySchema(body);
  return body;
}

export function referenceDocument(): SummaryJson {
  return JSON.parse(readFileSync(REFERENCE_PATH, 'utf8')) as SummaryJson;
}

/** Decimal places as JSON writes the number (`96.67` → 2). */
export function decimals(value: number): number {
  const text = String(value);
  if (text.includes('e')) return Number.POSITIVE_INFINITY;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

type Unit = 'flag' | 'name' | 'count' | 'percent' | 'ms' | 'epoch-seconds' | 'seconds' | 'hours' | 'counts-by-type';

/** Each reference field's unit: what a value must look like to mean the same thing. */
const UNITS: Record<'top' | 'tool' | 'cache' | 'system', Record<string, Unit>> = {
  top: { enabled: 'flag', timestamp: 'epoch-seconds' },
  tool: {
    tool_name: 'name',
    total_calls: 'count',
    successful_calls: 'count',
    failed_calls: 'count',
    success_rate: 'percent',
    avg_latency_ms: 'ms',
    p50_latency_ms: 'ms',
    p95_latency_ms: 'ms',
    p99_latency_ms: 'ms',
    min_latency_ms: 'ms',
    max_latency_ms: 'ms',
    error_types: 'counts-by-type',
  },
  cache: { cache_name: 'name', hits: 'count', misses: 'count', total_requests: 'count', hit_rate: 'percent', evictions: 'count', size_rejections: 'count' },
  system: {
    active_sessions: 'count',
    concurrent_requests: 'count',
    total_requests: 'count',
    start_time: 'epoch-seconds',
    uptime_seconds: 'seconds',
    uptime_hours: 'hours',
  },
};

// Unix seconds between 2001 and 5138: milliseconds (1.7e12) or an ISO string fail.
const isEpochSeconds = (v: Json): boolean => typeof v === 'number' && v > 1e9 && v < 1e11 && decimals(v) <= 3;

/** Why `value` is not a `unit`, or undefined when it is. */
function unitProblem(unit: Unit, value: Json): string | undefined {
  const ok = (() => {
    switch (unit) {
      case 'flag':
        return typeof value === 'boolean';
      case 'name':
        return typeof value === 'string';
      case 'count':
        return Number.isInteger(value) && (value as number) >= 0;
      case 'percent':
        return typeof value === 'number' && value >= 0 && value <= 100 && decimals(value) <= 2;
      case 'ms':
        return value === null || (typeof value === 'number' && value >= 0 && decimals(value) <= 3);
      case 'epoch-seconds':
        return isEpochSeconds(value);
      case 'seconds':
        return typeof value === 'number' && value >= 0 && decimals(value) <= 3;
      case 'hours':
        return typeof value === 'number' && value >= 0 && decimals(value) <= 2;
      case 'counts-by-type':
        return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((n) => Number.isInteger(n));
    }
  })();
  return ok ? undefined : `is ${JSON.stringify(value)}, not ${unit}`;
}

const jsonType = (v: Json): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

/** Same JSON type, counting an integer as a number (96.67 and 100 are both percentages). */
function sameType(reference: Json, actual: Json): boolean {
  const [r, a] = [jsonType(reference), jsonType(actual)];
  return r === a || (r === 'number' && a === 'integer') || (r === 'integer' && a === 'number');
}

function compareObject(section: keyof typeof UNITS, at: string, reference: { [key: string]: Json }, actual: Json, out: string[]): void {
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) {
    out.push(`${at} is ${jsonType(actual)}, not an object`);
    return;
  }
  const units = UNITS[section];
  const refKeys = section === 'top' ? Object.keys(units) : Object.keys(reference);
  if (section !== 'top') {
    const [want, got] = [refKeys.join(','), Object.keys(actual).join(',')];
    if (want !== got) out.push(`${at} has fields ${got}, the reference ${want}`);
  }
  for (const key of refKeys) {
    const field = at === '' ? key : `${at}.${key}`;
    const unit = units[key];
    if (unit === undefined) out.push(`${field} has no unit in the comparison's table`);
    else {
      const ref = unitProblem(unit, reference[key]!);
      if (ref !== undefined) out.push(`reference ${field} ${ref}`);
    }
    if (!Object.hasOwn(actual, key)) {
      out.push(`${field} is missing`);
      continue;
    }
    const value = actual[key]!;
    // A rate or latency is null before the first event; the reference always has one.
    const nullable = unit === 'percent' || unit === 'ms';
    if (!(nullable && value === null) && !sameType(reference[key]!, value)) out.push(`${field} is ${jsonType(value)}, the reference ${jsonType(reference[key]!)}`);
    const problem = unit === undefined || (nullable && value === null) ? undefined : unitProblem(unit, value);
    if (problem !== undefined) out.push(`${field} ${problem}`);
  }
}

const round = (value: number, places: number): number => Math.round(value * 10 ** places) / 10 ** places;

/**
 * Every difference between `actual` and the reference document in the reference's sections
 * (timestamp, each tool, each cache, system): field names and order, JSON types, units, and the
 * rounding rules (rates are 100 × part / whole with two decimals, uptime_hours is
 * uptime_seconds / 3600 with two, each entry names its key). Empty when they agree.
 */
export function differencesFromReference(actual: SummaryJson, reference: SummaryJson = referenceDocument()): string[] {
  const out: string[] = [];
  compareObject('top', '', reference, actual, out);
  const [refTool] = Object.values(reference.tool_metrics as { [k: string]: { [k: string]: Json } });
  const [refCache] = Object.values(reference.cache_metrics as { [k: string]: { [k: string]: Json } });
  for (const [name, tool] of Object.entries((actual.tool_metrics ?? {}) as { [k: string]: { [k: string]: Json } })) {
    const at = `tool_metrics.${name}`;
    compareObject('tool', at, refTool!, tool, out);
    if (tool.tool_name !== name) out.push(`${at}.tool_name is ${JSON.stringify(tool.tool_name)}`);
    const [ok, total] = [tool.successful_calls as number, tool.total_calls as number];
    const rate = total === 0 ? null : round((100 * ok) / total, 2);
    if (tool.success_rate !== rate) out.push(`${at}.success_rate is ${JSON.stringify(tool.success_rate)}, 100 × ${ok} / ${total} rounded is ${rate}`);
  }
  for (const [name, cache] of Object.entries((actual.cache_metrics ?? {}) as { [k: string]: { [k: string]: Json } })) {
    const at = `cache_metrics.${name}`;
    compareObject('cache', at, refCache!, cache, out);
    if (cache.cache_name !== name) out.push(`${at}.cache_name is ${JSON.stringify(cache.cache_name)}`);
    const [hits, total] = [cache.hits as number, cache.total_requests as number];
    const rate = total === 0 ? null : round((100 * hits) / total, 2);
    if (cache.hit_rate !== rate) out.push(`${at}.hit_rate is ${JSON.stringify(cache.hit_rate)}, 100 × ${hits} / ${total} rounded is ${rate}`);
  }
  const system = actual.system_metrics as { [k: string]: Json };
  compareObject('system', 'system_metrics', reference.system_metrics as { [k: string]: Json }, system, out);
  if (typeof system?.uptime_seconds === 'number' && system.uptime_hours !== round(system.uptime_seconds / 3600, 2)) {
    out.push(`system_metrics.uptime_hours is ${JSON.stringify(system.uptime_hours)}, uptime_seconds / 3600 rounded is ${round(system.uptime_seconds / 3600, 2)}`);
  }
  return out;
}
