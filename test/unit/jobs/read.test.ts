// readJobsDir over real files, and its report against the same answers computed by jq alone
// (test/infra/jobs-report.jq) over the same files: equal field for field, nothing skipped.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJobsDir } from '../../../src/jobs/read';
import { JobsDirError } from '../../../src/errors';
import { jqJobsReport } from '../../infra/jobs-jq';
import { MESSY_LINES, writeJobs } from '../../infra/jobs-fixture.mjs';

const tmp = () => mkdtempSync(join(tmpdir(), 'agentmeter-jobs-read-'));

describe('readJobsDir against jq over the same files', () => {
  it.each([
    ['200 clean jobs, top 10', { jobs: 200, seed: 7 }, 10],
    ['150 jobs, every 10th messy, first one empty, top 25', { jobs: 150, seed: 11, messyEvery: 10 }, 25],
    ['40 jobs of 300 lines, top 1000 (every LLM call)', { jobs: 40, toolCalls: 250, llmCalls: 50, seed: 3 }, 1000],
  ])('%s', async (_, fixture, top) => {
    const dir = tmp();
    writeJobs(dir, fixture);
    const { report, unreadable, malformed } = await readJobsDir(dir, { top });
    const jq = jqJobsReport(dir, top);
    expect(report).toEqual(jq);
    expect(unreadable).toEqual([]);
    const messyJobs = fixture.messyEvery === undefined ? 0 : Math.ceil(fixture.jobs / fixture.messyEvery) - 1;
    const perFile = MESSY_LINES.filter(([, kind]) => kind === 'malformed').length;
    expect(report.lines.malformed).toBe(messyJobs * perFile);
    expect(malformed.map((m) => m.count)).toEqual(Array.from({ length: messyJobs }, () => perFile));
    expect(report.totals.jobs).toBe(fixture.jobs);
  });
});

describe('the jq comparison', () => {
  it('fails with a clear message, never skips, when jq is missing', () => {
    const dir = tmp();
    writeJobs(dir, { jobs: 1 });
    expect(() => jqJobsReport(dir, 10, 65536, '/nonexistent/jq')).toThrow('jq is missing at /nonexistent/jq: the jobs report is checked against a jq run (apt-get install jq)');
  });
});

describe('readJobsDir errors', () => {
  it.each([
    ['a missing directory', (d: string) => join(d, 'nope'), 'ENOENT', (d: string) => `cannot read ${join(d, 'nope')}: no such directory`],
    ['a file', (d: string) => (writeFileSync(join(d, 'f'), ''), join(d, 'f')), 'ENOTDIR', (d: string) => `cannot read ${join(d, 'f')}: not a directory`],
    ['a directory without job folders', (d: string) => (mkdirSync(join(d, 'no-file')), d), 'ENOJOBS', (d: string) => `no job folders in ${d}: expected ${join(d, '<job>', 'metrics.jsonl')}`],
  ])('%s throws JobsDirError with its reason and message', async (_, make, code, message) => {
    const base = tmp();
    const dir = make(base);
    const err = await readJobsDir(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobsDirError);
    expect(err).toMatchObject({ name: 'JobsDirError', code: 'AGM_ERR_JOBS_DIR', reason: code, message: `AGM_ERR_JOBS_DIR: ${message(base)}` });
  });

  it('names a job file it cannot read and leaves it out; folders without metrics.jsonl are not jobs', async () => {
    const dir = tmp();
    writeJobs(dir, { jobs: 2, seed: 5 });
    mkdirSync(join(dir, 'job-x', 'metrics.jsonl'), { recursive: true });
    mkdirSync(join(dir, 'not-a-job'));
    const { report, unreadable } = await readJobsDir(dir);
    expect(unreadable).toEqual([{ file: join(dir, 'job-x', 'metrics.jsonl'), code: 'EISDIR' }]);
    expect(report.jobs.map((j) => j.job)).toEqual(['job-0000', 'job-0001']);
  });

  it('reads one job with only, and says when no folder has that name', async () => {
    const dir = tmp();
    writeJobs(dir, { jobs: 3, seed: 5 });
    const { report } = await readJobsDir(dir, { only: 'job-0001' });
    expect(report.jobs.map((j) => j.job)).toEqual(['job-0001']);
    expect(report.totals.jobs).toBe(1);
    await expect(readJobsDir(dir, { only: 'job-9' })).rejects.toThrow(`AGM_ERR_JOBS_DIR: no job folder of that name in ${dir}: expected ${join(dir, '<name>', 'metrics.jsonl')}`);
  });
});
