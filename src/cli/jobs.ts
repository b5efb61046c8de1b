/**
 * `agentmeter jobs <dir>`: the slowest LLM calls, total LLM time, tool calls by tool and failed
 * tools, across the job folders of `<dir>` and per job, as a table or `--json`. The reading and
 * the answers are src/jobs/read.ts and src/jobs/report.ts; this file is options and output.
 */
import { Command } from 'commander';
import { nonNegativeInteger } from './parse';

/** Exit status when some job files could not be read (the report leaves them out). */
const EXIT_UNREADABLE = 1;
/** Line bound: a line runJob writes is well under 1 KiB. */
const MAX_LINE_BYTES = 65536;
/** Files named one by one in a diagnostic before "and N more". */
const NAMED_FILES = 5;

interface JobsOptions {
  json?: boolean;
  top: number;
  job?: string;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

async function jobsAction(dir: string, opts: JobsOptions): Promise<void> {
  const { readJobsDir } = await import('../jobs/read.js');
  const { report, unreadable, malformed } = await readJobsDir(dir, { top: opts.top, maxLineBytes: MAX_LINE_BYTES, only: opts.job });
  const { formatReport, printable } = await import('./jobs-table.js');
  process.stdout.write(opts.json === true ? `${JSON.stringify(report)}\n` : formatReport(report, opts.top));
  if (malformed.length > 0) {
    const lines = malformed.reduce((n, m) => n + m.count, 0);
    const named = malformed.slice(0, NAMED_FILES).map((m) => `${printable(m.file)} (line${m.firstLines.length === 1 ? '' : 's'} ${m.firstLines.join(', ')}${m.count > m.firstLines.length ? ', ...' : ''})`);
    const more = malformed.length > NAMED_FILES ? ` and ${malformed.length - NAMED_FILES} more` : '';
    process.stderr.write(`agentmeter: skipped ${plural(lines, 'malformed line')} (not JSON, over ${MAX_LINE_BYTES} bytes, or a call without its fields) in ${plural(malformed.length, 'file')}: ${named.join(', ')}${more}\n`);
  }
  if (unreadable.length > 0) {
    const named = unreadable.slice(0, NAMED_FILES).map((u) => `${printable(u.file)} (${u.code})`);
    const more = unreadable.length > NAMED_FILES ? ` and ${unreadable.length - NAMED_FILES} more` : '';
    process.stderr.write(`agentmeter: could not read ${plural(unreadable.length, 'file')}, left out of the report: ${named.join(', ')}${more}\n`);
    process.exitCode = EXIT_UNREADABLE;
  }
}

/** `agentmeter jobs`. */
export function jobsCommand(): Command {
  return new Command('jobs')
    .description('slowest LLM calls, LLM time, tool calls and failures of job folders')
    .argument('<dir>', 'directory whose folders each hold a job\'s metrics.jsonl')
    .option('--json', 'print the report as one JSON object')
    .option('--top <n>', 'how many of the slowest LLM calls to list', nonNegativeInteger, 10)
    .option('--job <name>', 'answer for the one job folder of this name')
    .addHelpText(
      'after',
      `\nReads <dir>/<job>/metrics.jsonl for every folder <job>, line by line. Lines that are not JSON,\nlonger than ${MAX_LINE_BYTES} bytes, or calls without their fields are skipped and counted (stderr says\nwhere); other events are left out. Exit status 1 when <dir> cannot be read or a job file\ncannot be (the report then leaves it out). Example: agentmeter jobs ./runs --top 5`,
    )
    .action((dir: string, opts: JobsOptions) => jobsAction(dir, opts));
}
