// Computes `agentmeter jobs --json`'s report with jq alone (test/infra/jobs-report.jq) over the
// same files, for the tests that compare the two exactly.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const JQ = '/usr/bin/jq';
const PROGRAM = join(__dirname, 'jobs-report.jq');

/** The report jq computes for `<dir>/<job>/metrics.jsonl`; throws, never skips, when jq is missing. */
export function jqJobsReport(dir: string, top: number, maxLineBytes = 65536, jq = JQ): unknown {
  if (!existsSync(jq)) throw new Error(`jq is missing at ${jq}: the jobs report is checked against a jq run (apt-get install jq)`);
  const jobs = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'metrics.jsonl')))
    .map((e) => e.name);
  const files = jobs.map((job) => join(dir, job, 'metrics.jsonl'));
  const args = ['-n', '-R', '-c', '--argjson', 'top', String(top), '--argjson', 'max', String(maxLineBytes), '--argjson', 'jobs', JSON.stringify(jobs), '-f', PROGRAM, ...files];
  const run = spawnSync(jq, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.error !== undefined) throw new Error(`jq could not run: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`jq exited with ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as unknown;
}
