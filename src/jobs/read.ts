/**
 * Reads a directory of job folders (each with the `metrics.jsonl` that `runJob` writes) into a
 * `JobsReport`. Files are streamed in chunks with a bound on line length, a few at a time; a
 * malformed line is counted and skipped, an unreadable file is named and skipped.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { JobsDirError } from '../errors';
import { readLines } from './lines';
import { buildReport, jobTally, type JobsReport, type JobTally } from './report';

/** How `readJobsDir` reads. */
export interface ReadJobsOptions {
  /** How many slowest LLM calls the report lists. Default 10. */
  top?: number;
  /** Longest line kept, in bytes; longer lines count as malformed. Default 65536. */
  maxLineBytes?: number;
  /** Files read at once. Default 8. */
  concurrency?: number;
  /** Read only the job folder of this name. Default: every folder. */
  only?: string;
}

/** A file the report left out, and why (an errno code such as `EACCES`). */
export interface SkippedFile {
  file: string;
  code: string;
}

/** A file with malformed lines: how many, and the first few line numbers. */
export interface MalformedFile {
  file: string;
  count: number;
  firstLines: number[];
}

/** The report and what was left out of it. */
export interface ReadJobsResult {
  report: JobsReport;
  unreadable: SkippedFile[];
  malformed: MalformedFile[];
}

const JOB_FILE = 'metrics.jsonl';

const codeOf = (err: unknown): string => (err as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';

/** Reads every `<dir>/<job>/metrics.jsonl`, jobs in name order. */
export async function readJobsDir(dir: string, options: ReadJobsOptions = {}): Promise<ReadJobsResult> {
  const top = options.top ?? 10;
  const maxLineBytes = options.maxLineBytes ?? 65536;
  const concurrency = options.concurrency ?? 8;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = codeOf(err);
    const why = code === 'ENOENT' ? 'no such directory' : code === 'ENOTDIR' ? 'not a directory' : code === 'EACCES' ? 'permission denied' : code;
    throw new JobsDirError(`cannot read ${dir}: ${why}`, code, { cause: err });
  }
  // Code-unit order, as jq's sort orders the same names.
  const jobs = entries
    .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && (options.only === undefined || e.name === options.only))
    .map((e) => e.name)
    .sort();
  const tallies: (JobTally | undefined)[] = new Array(jobs.length);
  const unreadable: (SkippedFile | undefined)[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      const job = jobs[i]!;
      const file = join(dir, job, JOB_FILE);
      const tally = jobTally(job, top);
      try {
        for await (const line of readLines(file, maxLineBytes)) tally.add(line.number, line.text);
        tallies[i] = tally;
      } catch (err) {
        // A folder without metrics.jsonl (or a link to a file) is not a job; any other failure is named.
        const code = codeOf(err);
        if (code !== 'ENOENT' && code !== 'ENOTDIR') unreadable[i] = { file, code };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  const read = tallies.filter((t): t is JobTally => t !== undefined);
  const skipped = unreadable.filter((s): s is SkippedFile => s !== undefined);
  if (read.length === 0 && skipped.length === 0) {
    const which = options.only === undefined ? 'no job folders' : 'no job folder of that name';
    throw new JobsDirError(`${which} in ${dir}: expected ${join(dir, options.only === undefined ? '<job>' : '<name>', JOB_FILE)}`, 'ENOJOBS');
  }
  const malformed = read
    .filter((t) => t.lines.malformed > 0)
    .map((t) => ({ file: join(dir, t.job, JOB_FILE), count: t.lines.malformed, firstLines: [...t.firstMalformed] }));
  return { report: buildReport(read, top), unreadable: skipped, malformed };
}
