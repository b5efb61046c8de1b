// `agentmeter jobs` as a user runs it: dist/cli/main.js in a child process (npm test builds
// first); stdout, stderr and exit status checked exactly.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../infra/child';
import { readJobsDir } from '../../../src/jobs/read';

function agentmeter(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const { status, stdout, stderr } = spawnSync(process.execPath, ['dist/cli/main.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 15000 });
  return { status, stdout, stderr };
}

const tool = (tool: string, ms: number, error: string | null = null) => JSON.stringify({ event: 'tool_call', job_id: 'x', tool, start_ts: 'a', end_ts: 'b', duration_ms: ms, success: error === null, error });
const llm = (model: string, ms: number, error: string | null = null, provider = 'openai', phase = 'plan') =>
  JSON.stringify({ event: 'llm_call', job_id: 'x', phase, provider, model, start_ts: 'a', end_ts: 'b', duration_ms: ms, input_tokens: 1, output_tokens: 2, success: error === null, error });

/** Two jobs; job-b has a malformed line (3) and a tool name with a newline and markup. */
function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentmeter-jobs-cli-'));
  mkdirSync(join(dir, 'job-a'));
  mkdirSync(join(dir, 'job-b'));
  writeFileSync(join(dir, 'job-a', 'metrics.jsonl'), [llm('gpt-4o', 2100), tool('search', 300), tool('search', 100, 'TimeoutError'), ''].join('\n'));
  writeFileSync(join(dir, 'job-b', 'metrics.jsonl'), [llm('gpt-4o-mini', 98.4, 'RateLimitError'), tool('<b>x</b>\nrm', 12.5), '{"event":"tool_call"', tool('search', 40, 'TimeoutError'), ''].join('\n'));
  return dir;
}

const TABLE = `2 jobs: 6 calls from 7 lines (1 malformed, 0 other)

LLM time: 2.20 s in 2 calls
Tool calls: 4, 2 failed

Slowest LLM calls (top 10)
  #  duration  job    provider  model        phase  result
  1    2.10 s  job-a  openai    gpt-4o       plan   ok
  2   98.4 ms  job-b  openai    gpt-4o-mini  plan   RateLimitError

Tool calls by tool
  tool         calls  failed  total time      mean
  search           3       2    440.0 ms  146.7 ms
  <b>x</b>?rm      1       0     12.5 ms   12.5 ms

Failed tools
  tool    error         calls
  search  TimeoutError      2

Per job
  job    LLM calls  LLM time  slowest LLM  tool calls  failed  failed tools
  job-a          1    2.10 s       2.10 s           2       1  search×1
  job-b          1   98.4 ms      98.4 ms           2       1  search×1
`;

describe('agentmeter jobs', () => {
  it('prints the table and names the malformed line on stderr, exit 0', () => {
    const dir = fixture();
    expect(agentmeter('jobs', dir)).toEqual({
      status: 0,
      stdout: TABLE,
      stderr: `agentmeter: skipped 1 malformed line (not JSON, over 65536 bytes, or a call without its fields) in 1 file: ${join(dir, 'job-b', 'metrics.jsonl')} (line 3)\n`,
    });
  });

  it('--json prints the report readJobsDir builds, on one line', async () => {
    const dir = fixture();
    const { status, stdout } = agentmeter('jobs', dir, '--json', '--top', '1');
    expect(status).toBe(0);
    expect(stdout.endsWith('}\n') && stdout.indexOf('\n') === stdout.length - 1).toBe(true);
    const { report } = await readJobsDir(dir, { top: 1 });
    expect(JSON.parse(stdout)).toEqual(report);
    expect(report.slowest_llm_calls.map((r) => r.model)).toEqual(['gpt-4o']);
  });

  it('--job answers for one job', () => {
    const { status, stdout } = agentmeter('jobs', fixture(), '--job', 'job-a', '--json');
    expect(status).toBe(0);
    expect((JSON.parse(stdout) as { jobs: { job: string }[] }).jobs.map((j) => j.job)).toEqual(['job-a']);
  });

  it('prints the report without an unreadable job file, names it, exit 1', () => {
    const dir = fixture();
    mkdirSync(join(dir, 'job-c', 'metrics.jsonl'), { recursive: true });
    const { status, stdout, stderr } = agentmeter('jobs', dir);
    expect(status).toBe(1);
    expect(stdout).toBe(TABLE);
    expect(stderr.split('\n')[1]).toBe(`agentmeter: could not read 1 file, left out of the report: ${join(dir, 'job-c', 'metrics.jsonl')} (EISDIR)`);
  });

  it('names a job folder with a control character as text on stderr, and follows a link to a job folder', () => {
    const dir = fixture();
    mkdirSync(join(dir, 'job-\u001b[2J'));
    writeFileSync(join(dir, 'job-\u001b[2J', 'metrics.jsonl'), 'oops\n');
    symlinkSync(join(dir, 'job-a'), join(dir, 'job-link'));
    const { status, stdout, stderr } = agentmeter('jobs', dir, '--json');
    expect(status).toBe(0);
    expect((JSON.parse(stdout) as { jobs: { job: string }[] }).jobs.map((j) => j.job)).toEqual(['job-\u001b[2J', 'job-a', 'job-b', 'job-link']);
    expect(stderr).toBe(
      `agentmeter: skipped 2 malformed lines (not JSON, over 65536 bytes, or a call without its fields) in 2 files: ${join(dir, 'job-?[2J', 'metrics.jsonl')} (line 1), ${join(dir, 'job-b', 'metrics.jsonl')} (line 3)\n`,
    );
  });

  it.each([
    ['a missing directory', ['/nonexistent/runs'], 1, 'agentmeter: AGM_ERR_JOBS_DIR: cannot read /nonexistent/runs: no such directory\n'],
    ['no directory', [], 2, "agentmeter: missing required argument 'dir'\n(run \"agentmeter jobs --help\" for usage)\n"],
    ['a bad --top', ['/tmp', '--top', 'x'], 2, "agentmeter: option '--top <n>' argument 'x' is invalid. expected a non-negative integer.\n(run \"agentmeter jobs --help\" for usage)\n"],
  ])('%s: one line, exit %i', (_, args, status, stderr) => {
    expect(agentmeter('jobs', ...args)).toEqual({ status, stdout: '', stderr });
  });

  it('a directory without job folders: one line, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentmeter-jobs-empty-'));
    expect(agentmeter('jobs', dir)).toEqual({ status: 1, stdout: '', stderr: `agentmeter: AGM_ERR_JOBS_DIR: no job folders in ${dir}: expected ${join(dir, '<job>', 'metrics.jsonl')}\n` });
  });

  it('--help lists the options and says what is skipped', () => {
    const { status, stdout } = agentmeter('jobs', '--help');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: agentmeter jobs \[options\] <dir>\n/);
    for (const flag of ['--json', '--top <n>', '--job <name>', 'longer than 65536 bytes']) expect(stdout).toContain(flag);
  });
});

describe('the agentmeter jobs example of docs/summary-and-jobs.md', () => {
  it('is what the command prints for the jobs the doc describes', () => {
    const runs = join(mkdtempSync(join(tmpdir(), 'agentmeter-jobs-doc-')), 'runs');
    mkdirSync(join(runs, 'job-41'), { recursive: true });
    mkdirSync(join(runs, 'job-42'));
    writeFileSync(join(runs, 'job-41', 'metrics.jsonl'), `${[llm('gpt-4o', 2100), tool('search', 300), tool('search', 100, 'TimeoutError')].join('\n')}\n`);
    writeFileSync(
      join(runs, 'job-42', 'metrics.jsonl'),
      `${[llm('claude-sonnet-4', 3400, null, 'anthropic', 'act'), llm('gpt-4o', 850, 'RateLimitError'), tool('fetch_page', 45.5), tool('search', 120), tool('run_sql', 12, 'DatabaseError')].join('\n')}\n`,
    );
    const doc = readFileSync(join(ROOT, 'docs', 'summary-and-jobs.md'), 'utf8');
    const shown = /\n\$ agentmeter jobs \.\/runs\n([\s\S]*?)```/.exec(doc);
    expect(shown, 'docs/summary-and-jobs.md shows "$ agentmeter jobs ./runs" and its output in a text block').not.toBeNull();
    const { status, stdout, stderr } = spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'jobs', './runs'], { cwd: join(runs, '..'), encoding: 'utf8' });
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout).toBe(shown![1]);
  });
});
