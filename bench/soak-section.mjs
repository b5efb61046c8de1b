// The soak's section of docs/benchmarks.md: written by `npm run soak -- --write` between two
// markers, and kept as it is when `npm run bench -- --write` regenerates the rest of the file
// (a 30-minute soak is not part of every benchmark run).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const BENCHMARKS_FILE = 'docs/benchmarks.md';
const START = '<!-- soak:start (written by npm run soak -- --write) -->';
const END = '<!-- soak:end -->';

/** The recorded soak section of `text` with its markers, or undefined when there is none. */
export function soakSection(text) {
  const start = text.indexOf(START);
  const end = text.indexOf(END, start);
  return start === -1 || end === -1 ? undefined : text.slice(start, end + END.length);
}

/** The soak section currently recorded in docs/benchmarks.md, if any. */
export function recordedSoakSection(file = BENCHMARKS_FILE) {
  return existsSync(file) ? soakSection(readFileSync(file, 'utf8')) : undefined;
}

/** Replaces (or appends) the soak section of docs/benchmarks.md with `markdown`. */
export function writeSoakSection(markdown, file = BENCHMARKS_FILE) {
  const section = `${START}\n${markdown.trim()}\n${END}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const old = soakSection(text);
  writeFileSync(file, old === undefined ? `${text.trimEnd()}\n\n${section}\n` : text.replace(old, section));
}
