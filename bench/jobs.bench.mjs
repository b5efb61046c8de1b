// `agentmeter jobs` on a directory of 1,000 job folders (issue 25: each question in under a
// second), against jq answering each question over the same files. Run alone:
//   node bench/jobs.bench.mjs [--jobs 1000] [--lines 100] [--rounds 5]
// (npm run build first: it times dist/cli/main.js as a user runs it, process start included).
// One `agentmeter jobs` pass answers all four questions, so its time is each question's time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fmt, msPerRun } from './harness.mjs';
import { writeJobs } from '../test/infra/jobs-fixture.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const jobs = arg('jobs', 1000);
const lines = arg('lines', 100);
const rounds = arg('rounds', 5);

/** jq answering one question at a time, the way the design's readers did before the command. */
const JQ_QUESTIONS = [
  ['slowest LLM calls (top 10)', '[inputs | select(.event == "llm_call") | {file: input_filename, duration_ms, model}] | sort_by(-.duration_ms) | .[:10]'],
  ['total LLM time', '[inputs | select(.event == "llm_call") | .duration_ms] | add'],
  ['tool calls by tool', '[inputs | select(.event == "tool_call")] | group_by(.tool) | map({tool: .[0].tool, calls: length, total_ms: (map(.duration_ms) | add)})'],
  ['failed tools', '[inputs | select(.event == "tool_call" and (.success | not))] | group_by([.tool, .error]) | map({tool: .[0].tool, error: .[0].error, count: length})'],
  ['per job (LLM time, calls, failures)', '[inputs | {job: input_filename, event, duration_ms, success}] | group_by(.job) | map({job: .[0].job, llm_ms: (map(select(.event == "llm_call") | .duration_ms) | add), tool_calls: map(select(.event == "tool_call")) | length, failed: map(select(.event == "tool_call" and (.success | not))) | length})'],
];

function run(command, args) {
  const r = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${command} exited with ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const dir = mkdtempSync(join(os.tmpdir(), 'agentmeter-jobs-bench-'));
try {
  writeJobs(dir, { jobs, toolCalls: Math.round(lines * 0.8), llmCalls: Math.round(lines * 0.2), seed: 42 });
  const files = readdirSync(dir).map((job) => join(dir, job, 'metrics.jsonl'));
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  console.log(`Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}; ${jobs.toLocaleString('en-US')} jobs × ${lines} lines (${fmt(bytes / 1024 / 1024, 1)} MiB); median of ${rounds} rounds, wall time of the whole process.\n`);

  const cli = (...extra) => () => run(process.execPath, ['dist/cli/main.js', 'jobs', dir, ...extra]);
  const table = await msPerRun(cli(), { rounds, warmupRounds: 1 });
  const json = await msPerRun(cli('--json'), { rounds, warmupRounds: 1 });
  const report = JSON.parse(cli('--json')());
  if (report.totals.jobs !== jobs) throw new Error(`expected ${jobs} jobs, the report has ${report.totals.jobs}`);

  const rows = [];
  for (const [question, program] of JQ_QUESTIONS) {
    const jq = await msPerRun(() => run('/usr/bin/jq', ['-n', '-c', program, ...files]), { rounds, warmupRounds: 1 });
    rows.push([question, fmt(json, 0), fmt(jq, 0), `${fmt(jq / json, 1)}x`]);
  }
  console.log('| question | agentmeter jobs --json (ms, all questions in one pass) | jq, this question alone (ms) | jq / agentmeter |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log(`\nagentmeter jobs (table): ${fmt(table, 0)} ms; --json: ${fmt(json, 0)} ms; ${report.lines.read.toLocaleString('en-US')} lines read.`);
  console.log(`Under a second for every question: ${table < 1000 && json < 1000 ? 'yes' : 'NO'}.`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
