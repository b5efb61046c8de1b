// Writes a directory of job folders shaped like runJob's (<dir>/<job>/metrics.jsonl), from a
// seeded generator: the same seed gives the same bytes. Used by the jobs tests and by
// bench/jobs.bench.mjs. With `messy`, some files also hold every kind of line the reader must
// skip or leave out (not JSON, over the line bound, mistyped fields, other events, blank lines).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** mulberry32: a small seeded PRNG, so fixtures are reproducible. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Tool names as peers send them: ordinary, prototype keys, markup, non-ASCII, a newline. */
export const FIXTURE_TOOLS = ['search', 'fetch_page', 'run_sql', '__proto__', 'constructor', '<b>bold</b>', 'recherché', 'two\nlines'];
const ERRORS = ['TimeoutError', 'RateLimitError', '_OTHER', null];
const MODELS = [['openai', 'gpt-4o'], ['anthropic', 'claude-sonnet-4'], ['openai', 'gpt-4o-mini']];
const PHASES = ['plan', 'act', null];

/** The lines a messy file adds, and what the reader makes of each. */
export const MESSY_LINES = [
  ['not json', 'malformed'],
  ['{"event":"tool_call","tool":"search"', 'malformed'],
  ['[1,2,3]', 'malformed'],
  ['"a string"', 'malformed'],
  ['{"event":"tool_call","tool":"search","duration_ms":"12","success":true,"error":null}', 'malformed'],
  ['{"event":"tool_call","tool":"search","duration_ms":-1,"success":true,"error":null}', 'malformed'],
  ['{"event":"llm_call","provider":"openai","duration_ms":5,"success":true,"error":null}', 'malformed'],
  [`{"event":"tool_call","tool":"search","duration_ms":1,"success":true,"error":null,"pad":"${'x'.repeat(70000)}"}`, 'malformed'],
  ['{"event":"job_start","job_id":"x"}', 'ignored'],
  ['', 'ignored'],
  ['   ', 'ignored'],
];

const ms = (x) => Math.round(x * 1000) / 1000;

/**
 * Writes `jobs` job folders into `dir`. Returns the job names. Every `messyEvery`-th job (0: none)
 * gets MESSY_LINES mixed in; job 0 of a messy fixture is an empty file.
 */
export function writeJobs(dir, { jobs, toolCalls = 20, llmCalls = 5, seed = 1, messyEvery = 0 }) {
  const random = prng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const names = [];
  const start = Date.parse('2026-12-03T10:00:00.000Z');
  for (let j = 0; j < jobs; j++) {
    const job = `job-${String(j).padStart(4, '0')}`;
    names.push(job);
    const lines = [];
    const messy = messyEvery > 0 && j % messyEvery === 0;
    if (!(messy && j === 0)) {
      for (let k = 0; k < toolCalls + llmCalls; k++) {
        const t = new Date(start + j * 60000 + k * 1000);
        const end = t.toISOString();
        if (k % Math.ceil((toolCalls + llmCalls) / llmCalls) === 0) {
          const [provider, model] = pick(MODELS);
          // Some durations repeat exactly, so ties (ordered by job, then line) are exercised.
          const duration = random() < 0.2 ? 1500 : ms(random() * 8000);
          const ok = random() > 0.1;
          lines.push(JSON.stringify({ event: 'llm_call', job_id: job, phase: pick(PHASES), provider, model, start_ts: new Date(t.getTime() - duration).toISOString(), end_ts: end, duration_ms: duration, input_tokens: 900, output_tokens: 120, success: ok, error: ok ? null : 'RateLimitError' }));
        } else {
          const duration = ms(random() * 900);
          const error = random() < 0.15 ? pick(ERRORS) : undefined;
          lines.push(JSON.stringify({ event: 'tool_call', job_id: job, tool: pick(FIXTURE_TOOLS), start_ts: new Date(t.getTime() - duration).toISOString(), end_ts: end, duration_ms: duration, success: error === undefined, error: error ?? null }));
        }
      }
      if (messy) for (const [line] of MESSY_LINES) lines.splice(Math.floor(random() * (lines.length + 1)), 0, line);
    }
    mkdirSync(join(dir, job), { recursive: true });
    writeFileSync(join(dir, job, 'metrics.jsonl'), lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  }
  return names;
}
