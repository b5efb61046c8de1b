import { describe, expect, it } from 'vitest';
import { buildReport, jobTally, MAX_NAMES, parseJobLine, type JobTally } from '../../../src/jobs/report';

const tool = (name: string, ms: number, error: string | null = null) => JSON.stringify({ event: 'tool_call', job_id: 'j', tool: name, start_ts: 'a', end_ts: 'b', duration_ms: ms, success: error === null, error });
const llm = (model: string, ms: number, error: string | null = null, phase: string | null = 'plan') =>
  JSON.stringify({ event: 'llm_call', job_id: 'j', phase, provider: 'openai', model, start_ts: 'a', end_ts: 'b', duration_ms: ms, input_tokens: 1, output_tokens: 2, success: error === null, error });

function tallyOf(job: string, lines: (string | undefined)[], top = 10): JobTally {
  const tally = jobTally(job, top);
  lines.forEach((text, i) => tally.add(i + 1, text));
  return tally;
}

describe('parseJobLine', () => {
  it.each([
    [undefined, 'malformed'],
    ['', 'ignored'],
    ['  \t', 'ignored'],
    ['not json', 'malformed'],
    ['{"event":"tool_call"', 'malformed'],
    ['null', 'malformed'],
    ['[1]', 'malformed'],
    ['42', 'malformed'],
    ['{"event":"job_start"}', 'ignored'],
    ['{"no_event":true}', 'ignored'],
    ['{"event":"tool_call","tool":1,"duration_ms":1,"success":true,"error":null}', 'malformed'],
    ['{"event":"tool_call","tool":"t","duration_ms":"1","success":true,"error":null}', 'malformed'],
    ['{"event":"tool_call","tool":"t","duration_ms":-0.5,"success":true,"error":null}', 'malformed'],
    ['{"event":"tool_call","tool":"t","duration_ms":1e999,"success":true,"error":null}', 'malformed'],
    ['{"event":"tool_call","tool":"t","duration_ms":1,"success":"yes","error":null}', 'malformed'],
    ['{"event":"tool_call","tool":"t","duration_ms":1,"success":false,"error":7}', 'malformed'],
    ['{"event":"tool_call","tool":"t","duration_ms":1,"success":true}', 'tool'],
    ['{"event":"llm_call","provider":"p","model":"m","duration_ms":1,"success":true,"error":null}', 'llm'],
    ['{"event":"llm_call","provider":"p","duration_ms":1,"success":true,"error":null}', 'malformed'],
    ['{"event":"llm_call","provider":"p","model":"m","phase":3,"duration_ms":1,"success":true,"error":null}', 'malformed'],
  ])('%j is %s', (text, kind) => {
    expect(parseJobLine(text).kind).toBe(kind);
  });
});

describe('buildReport', () => {
  it('answers every question exactly for two jobs', () => {
    const a = tallyOf('job-a', [llm('gpt-4o', 2100.5), tool('search', 300), tool('search', 100, 'TimeoutError'), 'garbage', llm('gpt-4o-mini', 250, 'RateLimitError', null), tool('fetch', 12.25)]);
    const b = tallyOf('job-b', [tool('search', 50, 'TimeoutError'), tool('fetch', 7.75, null), '{"event":"note"}', llm('gpt-4o', 2100.5), tool('search', 1, '_OTHER')]);
    expect(buildReport([a, b], 3)).toEqual({
      totals: { jobs: 2, llm_calls: 3, llm_ms: 4451, tool_calls: 6, failed_tool_calls: 3 },
      slowest_llm_calls: [
        { job: 'job-a', line: 1, provider: 'openai', model: 'gpt-4o', phase: 'plan', duration_ms: 2100.5, success: true, error: null },
        { job: 'job-b', line: 4, provider: 'openai', model: 'gpt-4o', phase: 'plan', duration_ms: 2100.5, success: true, error: null },
        { job: 'job-a', line: 5, provider: 'openai', model: 'gpt-4o-mini', phase: null, duration_ms: 250, success: false, error: 'RateLimitError' },
      ],
      tools: [
        { tool: 'search', calls: 4, failed: 3, total_ms: 451 },
        { tool: 'fetch', calls: 2, failed: 0, total_ms: 20 },
      ],
      failed_tools: [
        { tool: 'search', error: 'TimeoutError', count: 2 },
        { tool: 'search', error: '_OTHER', count: 1 },
      ],
      jobs: [
        {
          job: 'job-a',
          llm_calls: 2,
          llm_ms: 2350.5,
          slowest_llm: { job: 'job-a', line: 1, provider: 'openai', model: 'gpt-4o', phase: 'plan', duration_ms: 2100.5, success: true, error: null },
          tool_calls: 3,
          failed_tool_calls: 1,
          tools: [
            { tool: 'search', calls: 2, failed: 1, total_ms: 400 },
            { tool: 'fetch', calls: 1, failed: 0, total_ms: 12.25 },
          ],
          failed_tools: [{ tool: 'search', error: 'TimeoutError', count: 1 }],
        },
        {
          job: 'job-b',
          llm_calls: 1,
          llm_ms: 2100.5,
          slowest_llm: { job: 'job-b', line: 4, provider: 'openai', model: 'gpt-4o', phase: 'plan', duration_ms: 2100.5, success: true, error: null },
          tool_calls: 3,
          failed_tool_calls: 2,
          tools: [
            { tool: 'search', calls: 2, failed: 2, total_ms: 51 },
            { tool: 'fetch', calls: 1, failed: 0, total_ms: 7.75 },
          ],
          failed_tools: [
            { tool: 'search', error: 'TimeoutError', count: 1 },
            { tool: 'search', error: '_OTHER', count: 1 },
          ],
        },
      ],
      lines: { read: 11, used: 9, ignored: 1, malformed: 1 },
    });
    expect(a.firstMalformed).toEqual([4]);
  });

  it('orders equal durations by job, then line, whatever order the jobs and lines came in', () => {
    const z = tallyOf('z', [llm('m', 5), llm('m', 5)]);
    const y = tallyOf('y', [llm('m', 1), llm('m', 5)]);
    const rows = buildReport([z, y], 10).slowest_llm_calls.map((r) => `${r.job}:${r.line}`);
    expect(rows).toEqual(['y:2', 'z:1', 'z:2', 'y:1']);
    expect(buildReport([z, y], 0).slowest_llm_calls).toEqual([]);
  });

  it('keeps a failed call without an error type as error null, sorted before named types', () => {
    const t = tallyOf('j', [tool('t', 1, 'B'), JSON.stringify({ event: 'tool_call', tool: 't', duration_ms: 1, success: false, error: null }), tool('t', 1, 'A')]);
    expect(buildReport([t], 1).failed_tools).toEqual([
      { tool: 't', error: null, count: 1 },
      { tool: 't', error: 'A', count: 1 },
      { tool: 't', error: 'B', count: 1 },
    ]);
  });

  it('counts prototype names as ordinary tool names', () => {
    const t = tallyOf('j', ['__proto__', 'constructor', 'toString', '__proto__'].map((n) => tool(n, 2)));
    expect(buildReport([t], 1).tools).toEqual([
      { tool: '__proto__', calls: 2, failed: 0, total_ms: 4 },
      { tool: 'constructor', calls: 1, failed: 0, total_ms: 2 },
      { tool: 'toString', calls: 1, failed: 0, total_ms: 2 },
    ]);
  });

  it(`keeps ${MAX_NAMES} distinct tool names and counts the rest as _other`, () => {
    const t = tallyOf('j', Array.from({ length: MAX_NAMES + 5 }, (_, i) => tool(`t${String(i).padStart(5, '0')}`, 1)));
    const { tools } = buildReport([t], 1);
    expect(tools).toHaveLength(MAX_NAMES + 1);
    expect(tools[0]).toEqual({ tool: '_other', calls: 5, failed: 0, total_ms: 5 });
  });
});
