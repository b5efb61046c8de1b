// The summary at the top of docs/benchmarks.md: hand-written from several `npm run bench` runs
// (ranges, not one run's figures), between two markers, and kept as it is when
// `npm run bench -- --write` regenerates the tables below it from a single run.
import { existsSync, readFileSync } from 'node:fs';
import { BENCHMARKS_FILE } from './soak-section.mjs';

const START = '<!-- summary:start (hand-written from several runs; npm run bench -- --write keeps it) -->';
const END = '<!-- summary:end -->';

/** The summary section of `text` with its markers, or undefined when there is none. */
export function summarySection(text) {
  const start = text.indexOf(START);
  const end = text.indexOf(END, start);
  return start === -1 || end === -1 ? undefined : text.slice(start, end + END.length);
}

/** The summary section currently in docs/benchmarks.md, if any. */
export function recordedSummarySection(file = BENCHMARKS_FILE) {
  return existsSync(file) ? summarySection(readFileSync(file, 'utf8')) : undefined;
}

/**
 * docs/benchmarks.md from one run's tables (`body`, starting with its Node/CPU line): the summary
 * first under "# Benchmarks", the run under "## The last run", the soak section last.
 */
export function benchmarksFile(summary, body, soak) {
  const run = summary === undefined ? body : `${summary}\n\n## The last run\n\n${body}`;
  return `# Benchmarks\n\n${run}\n${soak === undefined ? '' : `\n${soak}\n`}`;
}
