// The summary's `jobs` section: runJob lists each finished job with its duration, LLM time, tool
// calls and failures; the last 20 are kept, the most recent first; a cluster's parts merge.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSummary, summaryOfParts, summaryPart, type SummaryPart } from '../../../src/exporters/summary/summary';
import { runJob } from '../../../src/jobs/scope';
import { setJobLogger } from '../../../src/jobs/logger';
import { recordToolCall } from '../../../src/record/tool';
import { recordLlmCall } from '../../../src/record/llm';
import { MAX_JOB_TEXT, RECENT_JOBS_KEPT } from '../../../src/store/recent-jobs';
import { state } from '../../../src/store/registry';
import { assertSummarySchema } from '../../infra/summary-contract';
import { resetStore } from '../helpers';

let root: string;
beforeEach(() => {
  setJobLogger({ info: () => {} });
  root = mkdtempSync(join(tmpdir(), 'agentmeter-recent-jobs-'));
});
afterEach(() => {
  setJobLogger(undefined);
  state.enabled = true;
  resetStore();
});

let jobCount = 0;
const job = (id: string, fn: () => unknown = () => undefined, name?: string) => runJob({ id, dir: join(root, String(jobCount++)), name }, fn);
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A job with three tool calls (one failed) and two LLM calls of 0.25 s and 1.5 s (one failed). */
function knownWork(): void {
  recordToolCall({ tool: 'search', seconds: 0.01 });
  recordToolCall({ tool: 'search', seconds: 0.02, error: 'TimeoutError' });
  recordToolCall({ tool: 'calc', seconds: 0.001 });
  recordLlmCall({ provider: 'openai', model: 'gpt-4o', seconds: 0.25, inputTokens: 10, outputTokens: 5 });
  recordLlmCall({ provider: 'openai', model: 'gpt-4o', seconds: 1.5, error: 'rate_limit_exceeded' });
}

describe('the summary’s recent jobs', () => {
  it('lists a finished job with its duration, LLM time, tool calls and failures', async () => {
    const before = Date.now() / 1000;
    const { durationMs } = await job('job-1', knownWork, 'nightly-report');
    const after = Date.now() / 1000;
    const summary = wire(buildSummary());
    assertSummarySchema(summary);
    expect(summary.jobs.finished).toBe(1);
    expect(summary.jobs.max_listed).toBe(20);
    const [listed] = summary.jobs.recent;
    const { end_time: end, duration_ms: duration, ...counts } = listed!;
    expect(counts).toEqual({
      id: 'job-1',
      name: 'nightly-report',
      llm_calls: 2,
      llm_ms: 1750,
      failed_llm_calls: 1,
      tool_calls: 3,
      failed_tool_calls: 1,
      failed: false,
    });
    expect(end).toBeGreaterThanOrEqual(before);
    expect(end).toBeLessThanOrEqual(after);
    expect(Math.abs(duration - durationMs)).toBeLessThan(5);
    expect(String(duration)).toMatch(/^\d+(\.\d{1,3})?$/);
  });

  it('marks a job whose function threw as failed, and lists nothing for calls outside a job', async () => {
    recordToolCall({ tool: 'outside', seconds: 0.01 });
    await expect(job('broken', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    const [listed] = buildSummary().jobs.recent;
    expect(listed).toMatchObject({ id: 'broken', name: null, llm_calls: 0, llm_ms: 0, tool_calls: 0, failed_tool_calls: 0, failed: true });
    expect(buildSummary().jobs.finished).toBe(1);
  });

  it(`keeps the last ${RECENT_JOBS_KEPT}, the most recent first, and counts every job`, async () => {
    for (let i = 0; i < 25; i++) await job(`job-${i}`, () => recordToolCall({ tool: 'calc', seconds: 0.001 }));
    const { finished, recent } = buildSummary().jobs;
    expect(finished).toBe(25);
    expect(recent.map((j) => j.id)).toEqual(Array.from({ length: 20 }, (_, i) => `job-${24 - i}`));
    expect(recent.every((j) => j.tool_calls === 1)).toBe(true);
  });

  it('keeps ids and names as data: markup and __proto__ unchanged, long ones cut', async () => {
    const markup = '<img src=x onerror="alert(1)">';
    await job('__proto__', () => undefined, markup);
    await job('x'.repeat(MAX_JOB_TEXT + 100), () => undefined, 'y'.repeat(MAX_JOB_TEXT + 1));
    const summary = wire(buildSummary());
    assertSummarySchema(summary);
    expect(summary.jobs.recent.map((j) => [j.id.length, j.name?.length])).toEqual([
      [200, 200],
      [9, markup.length],
    ]);
    expect(summary.jobs.recent[1]).toMatchObject({ id: '__proto__', name: markup });
  });

  it('lists nothing while agentmeter is disabled', async () => {
    state.enabled = false;
    await job('quiet', knownWork);
    expect(buildSummary().jobs).toEqual({ finished: 0, max_listed: 20, recent: [] });
  });

  it('merges a cluster’s parts by end time, the newest 20 of them, and reads a worker without jobs as none', async () => {
    for (let i = 0; i < 12; i++) await job(`primary-${i}`);
    const primary = wire(summaryPart());
    resetStore();
    for (let i = 0; i < 12; i++) await job(`worker-${i}`);
    const worker = wire(summaryPart());
    const { jobs: _none, ...older } = worker;
    // Interleave the two processes' end times: primary-i ends at 1000 + 2i, worker-i at 1001 + 2i.
    const at = (part: SummaryPart, offset: number): SummaryPart => ({
      ...part,
      jobs: { finished: part.jobs!.finished, recent: part.jobs!.recent.map((j) => ({ ...j, end_time: 1000 + offset + 2 * Number(j.id.split('-')[1]) })) },
    });
    const merged = summaryOfParts([at(primary, 0), at(worker, 1), older as SummaryPart]).jobs;
    expect(merged.finished).toBe(24);
    const newestFirst = Array.from({ length: 12 }, (_, k) => 11 - k).flatMap((i) => [`worker-${i}`, `primary-${i}`]);
    expect(merged.recent.map((j) => j.id)).toEqual(newestFirst.slice(0, 20));
  });
});
