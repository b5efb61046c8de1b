// Reading a Prometheus text page in tests: its samples, sums over label matches, and its families.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The sample lines of a page (comments skipped); throws on a line that is not a sample. */
export function samples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** Sum of the samples called `name` whose labels include `labels` ('' matches an absent label). */
export function sum(list: Sample[], name: string, labels: Record<string, string> = {}): number {
  return list
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => (s.labels[k] ?? '') === v))
    .reduce((a, s) => a + s.value, 0);
}

/** `{label values joined by " "}: value` for the samples called `name`, one entry per label combination. */
export function tally(list: Sample[], name: string, keys: string[], where: Record<string, string> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of list) {
    if (s.name !== name || !Object.entries(where).every(([k, v]) => (s.labels[k] ?? '') === v)) continue;
    const key = keys.map((k) => s.labels[k] ?? '').join(' ').trim();
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

/** The GenAI duration buckets' `le` values (the conventions' advice, as the catalog has it), then +Inf. */
const GENAI_LE = ['0.01', '0.02', '0.04', '0.08', '0.16', '0.32', '0.64', '1.28', '2.56', '5.12', '10.24', '20.48', '40.96', '81.92', '+Inf'];

/**
 * Calls per bucket of `gen_ai_client_operation_duration_seconds` (upper bound → calls in that
 * bucket, not cumulative; empty buckets left out) for the series matching `labels`.
 */
export function durationsPerBucket(list: Sample[], labels: Record<string, string>): Record<string, number> {
  const cumulative = tally(list, 'gen_ai_client_operation_duration_seconds_bucket', ['le'], labels);
  const out: Record<string, number> = {};
  let previous = 0;
  for (const le of GENAI_LE) {
    const inBucket = (cumulative[le] ?? 0) - previous;
    if (inBucket !== 0) out[le] = inBucket;
    previous = cumulative[le] ?? 0;
  }
  return out;
}

/** How many `# TYPE` lines each family has (one is the only valid number). */
export function typeLines(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^# TYPE (\S+) /.exec(line);
    if (match) out[match[1]!] = (out[match[1]!] ?? 0) + 1;
  }
  return out;
}
