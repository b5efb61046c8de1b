// `agentmeter jobs` over a directory written by real runJob jobs (an app in a child process,
// through the public API): the numbers the app recorded, and the same report as jq computes
// from the same files. Needs no services (AGENTMETER_INFRA_SERVICES=none).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runNode } from '../infra/child';
import { jqJobsReport } from '../infra/jobs-jq';
import type { JobsReport } from '../../src/jobs/report';

const dir = mkdtempSync(join(tmpdir(), 'agentmeter-it-jobs-'));
const jobs = Array.from({ length: 24 }, (_, j) => j);
const calls = (j: number) => 3 + (j % 4);

function agentmeter(...args: string[]) {
  return spawnSync(process.execPath, ['dist/cli/main.js', 'jobs', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20000 });
}

beforeAll(async () => {
  const app = runNode(['test/fixtures/jobs-app.cjs', dir]);
  expect(await app.ready).toEqual({ done: true, rejected: 1 });
  expect(await app.exited).toEqual({ code: 0, signal: null });
});

describe('agentmeter jobs over runJob output', () => {
  it('--json counts what the jobs recorded and equals jq over the same files', () => {
    const run = agentmeter(dir, '--json', '--top', '5');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as JobsReport;
    const llmMs = (j: number) => Array.from({ length: calls(j) }, (_, k) => Math.round((0.125 * (j + 1) + k / 8) * 1000 * 1000) / 1000).reduce((a, b) => a + b, 0);
    const toolCalls = jobs.reduce((n, j) => n + calls(j), 0);
    const failed = jobs.filter((j) => j % 3 === 0).length;
    expect(report.totals).toEqual({ jobs: 24, llm_calls: toolCalls, llm_ms: jobs.reduce((a, j) => a + llmMs(j), 0), tool_calls: toolCalls + failed, failed_tool_calls: failed });
    expect(report.lines).toEqual({ read: 2 * toolCalls + failed, used: 2 * toolCalls + failed, ignored: 0, malformed: 0 });
    expect(report.tools.map((t) => [t.tool, t.calls, t.failed])).toEqual([['search', toolCalls, 0], ['fetch_page', failed, failed]]);
    expect(report.failed_tools).toEqual([{ tool: 'fetch_page', error: 'TimeoutError', count: failed }]);
    // The slowest call: job 23's last (0.125 * 24 + 5/8 s).
    expect(report.slowest_llm_calls[0]).toMatchObject({ job: 'job-23', provider: 'openai', model: 'gpt-4o-mini', phase: 'act', duration_ms: 3625, success: true, error: null });
    expect(report.jobs.map((j) => [j.job, j.llm_calls, j.llm_ms])).toEqual(jobs.map((j) => [`job-${String(j).padStart(2, '0')}`, calls(j), llmMs(j)]));
    expect(report).toEqual(jqJobsReport(dir, 5));
  });

  it('prints the table: the totals line, the sections, one row per job', () => {
    const run = agentmeter(dir);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('24 jobs: 224 calls from 224 lines (0 malformed, 0 other)');
    expect(lines[3]).toBe('Tool calls: 116, 8 failed');
    for (const section of ['Slowest LLM calls (top 10)', 'Tool calls by tool', 'Failed tools', 'Per job']) expect(lines).toContain(section);
    expect(lines.filter((l) => /^ {2}job-\d\d /.test(l))).toHaveLength(24);
  });
});
