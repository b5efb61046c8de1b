import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { currentJobId, formatDuration, runJob } from '../../../src/jobs/scope';
import { setJobLogger, type JobLogger } from '../../../src/jobs/logger';
import { recordToolCall, timeToolCall } from '../../../src/record/tool';
import { recordLlmCall } from '../../../src/record/llm';
import { valueOf } from '../helpers';

const JOB_DOC = readFileSync(new URL('../../../docs/summary-and-jobs.md', import.meta.url), 'utf8');
const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const quiet: JobLogger = { info: () => {} };
afterEach(() => setJobLogger(undefined));

describe('runJob', () => {
  it('keeps 100 concurrent jobs apart: every file holds exactly its own events, each line is JSON', async () => {
    setJobLogger(quiet);
    const root = mkdtempSync(join(tmpdir(), 'agentmeter-jobs-'));
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await Promise.all(
      Array.from({ length: 100 }, (_, j) =>
        runJob({ id: `job-${j}`, dir: join(root, `job-${j}`) }, async () => {
          for (let k = 0; k < 5 + (j % 3); k++) {
            await timeToolCall(`tool_${j % 4}`, () => sleep(Math.random() * 5));
            recordLlmCall({ provider: 'openai', model: 'gpt-4o', seconds: 0.2, inputTokens: j, outputTokens: k, phase: 'act' });
            expect(currentJobId()).toBe(`job-${j}`);
          }
        }),
      ),
    );
    for (let j = 0; j < 100; j++) {
      const records = lines(join(root, `job-${j}`, 'metrics.jsonl'));
      expect(records).toHaveLength(2 * (5 + (j % 3)));
      expect(new Set(records.map((r) => r.job_id))).toEqual(new Set([`job-${j}`]));
      expect(records.filter((r) => r.event === 'tool_call').every((r) => r.tool === `tool_${j % 4}`)).toBe(true);
      expect(records.filter((r) => r.event === 'llm_call').every((r) => r.input_tokens === j)).toBe(true);
    }
    expect(currentJobId()).toBeUndefined();
  });

  it('writes the documented fields with ISO-8601 times, and returns the result and duration', async () => {
    setJobLogger(quiet);
    const dir = mkdtempSync(join(tmpdir(), 'agentmeter-job-'));
    const { result, durationMs } = await runJob({ id: 'j1', dir }, async () => {
      recordToolCall({ tool: 'search', seconds: 0.25, error: new TypeError('x') });
      recordLlmCall({ provider: 'anthropic', model: 'claude', seconds: 1.5, inputTokens: 100, outputTokens: 20, phase: 'plan' });
      return 42;
    });
    expect(result).toBe(42);
    expect(durationMs).toBeGreaterThanOrEqual(0);
    const [tool, llm] = lines(join(dir, 'metrics.jsonl'));
    expect(tool).toMatchObject({ event: 'tool_call', job_id: 'j1', tool: 'search', duration_ms: 250, success: false, error: 'TypeError' });
    expect(Date.parse(tool!.end_ts as string) - Date.parse(tool!.start_ts as string)).toBe(250);
    expect(tool!.start_ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(llm).toMatchObject({ event: 'llm_call', job_id: 'j1', phase: 'plan', provider: 'anthropic', model: 'claude', duration_ms: 1500, input_tokens: 100, output_tokens: 20, success: true, error: null });
  });

  it('logs one structured line per call through a pino-compatible logger', async () => {
    const seen: Array<[Record<string, unknown>, string]> = [];
    setJobLogger({ info: (fields, message) => seen.push([fields, message]) });
    const dir = mkdtempSync(join(tmpdir(), 'agentmeter-job-'));
    await runJob({ id: 'log-job', dir }, () => recordToolCall({ tool: 'calc', seconds: 0.002 }));
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toMatchObject({ event: 'tool_call_complete', job_id: 'log-job', tool: 'calc', duration_ms: 2, success: true });
    expect(seen[0]![1]).toMatch(/^tool_call_complete job_id=log-job tool=calc start_ts=\S+ end_ts=\S+ duration_ms=2 success=true error=null$/);
  });

  it('rejects with the original error after writing its lines', async () => {
    setJobLogger(quiet);
    const dir = mkdtempSync(join(tmpdir(), 'agentmeter-job-'));
    const original = new Error('job failed');
    await expect(
      runJob({ id: 'failing', dir }, async () => {
        recordToolCall({ tool: 'a', seconds: 0.1 });
        throw original;
      }),
    ).rejects.toBe(original);
    expect(lines(join(dir, 'metrics.jsonl'))).toHaveLength(1);
  });

  it('counts a write failure instead of throwing', async () => {
    setJobLogger(quiet);
    const file = join(mkdtempSync(join(tmpdir(), 'agentmeter-job-')), 'not-a-dir');
    writeFileSync(file, '');
    const before = valueOf('agentmeter.job.write_errors', { 'error.type': 'ENOTDIR' }) ?? 0;
    await expect(runJob({ id: 'w', dir: join(file, 'x') }, () => recordToolCall({ tool: 'a', seconds: 0.1 }))).resolves.toMatchObject({ result: undefined });
    expect(valueOf('agentmeter.job.write_errors', { 'error.type': 'ENOTDIR' })).toBe(before + 1);
  });

  it('makes the jq examples of docs/summary-and-jobs.md work on a job file', async () => {
    setJobLogger(quiet);
    const dir = mkdtempSync(join(tmpdir(), 'agentmeter-job-'));
    await runJob({ id: 'jq-job', dir }, () => {
      recordToolCall({ tool: 'search', seconds: 0.3 });
      recordToolCall({ tool: 'search', seconds: 0.1, error: 'TimeoutError' });
      recordLlmCall({ provider: 'openai', model: 'gpt-4o', seconds: 2, inputTokens: 1000, outputTokens: 200 });
    });
    const examples = [...JOB_DOC.matchAll(/^jq (.+) metrics\.jsonl\n# → (.+)$/gm)];
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const [, args, expected] of examples) {
      const out = execFileSync('bash', ['-c', `jq ${args} metrics.jsonl`], { cwd: dir, encoding: 'utf8' });
      expect(out.trim().split('\n').join(' '), args).toBe(expected);
    }
  });
});

describe('formatDuration', () => {
  it.each([
    [98, 'Execution time: 98ms'],
    [0.4, 'Execution time: 0ms'],
    [999.4, 'Execution time: 999ms'],
    [1234, 'Execution time: 1.23s'],
    [-1, 'Execution time: unknown'],
  ])('%s ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
