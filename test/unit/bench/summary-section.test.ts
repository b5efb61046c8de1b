import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { benchmarksFile, recordedSummarySection, summarySection } from '../../../bench/summary-section.mjs';

describe('the hand-written summary of docs/benchmarks.md', () => {
  const start = '<!-- summary:start (hand-written from several runs; npm run bench -- --write keeps it) -->';

  it('is the text between its markers, markers included', () => {
    const text = `# Benchmarks\n\n${start}\n## Summary\n\nranges\n<!-- summary:end -->\n\n## The last run\n`;
    expect(summarySection(text)).toBe(`${start}\n## Summary\n\nranges\n<!-- summary:end -->`);
  });

  it('is absent without both markers, or without the file', () => {
    expect(summarySection(`# Benchmarks\n\n${start}\n## Summary\n`)).toBeUndefined();
    expect(summarySection('# Benchmarks\n\n## Summary\n<!-- summary:end -->\n')).toBeUndefined();
    expect(recordedSummarySection(join(tmpdir(), 'no-such-benchmarks.md'))).toBeUndefined();
  });

  it('stays at the top when npm run bench -- --write rewrites the file, the soak section last', () => {
    const summary = `${start}\n## Summary\n\nranges\n<!-- summary:end -->`;
    const soak = '<!-- soak:start (written by npm run soak -- --write) -->\n## Soak\n<!-- soak:end -->';
    expect(benchmarksFile(summary, 'Node v26.10.0, 2 × cpu.\n\n## Scrape\n\ntable', soak)).toBe(
      `# Benchmarks\n\n${summary}\n\n## The last run\n\nNode v26.10.0, 2 × cpu.\n\n## Scrape\n\ntable\n\n${soak}\n`,
    );
    expect(benchmarksFile(undefined, 'Node v26.10.0.\n', undefined)).toBe('# Benchmarks\n\nNode v26.10.0.\n\n');
  });

  it('is what docs/benchmarks.md holds: rebuilding the file from its own parts changes nothing before the tables', () => {
    const text = readFileSync(new URL('../../../docs/benchmarks.md', import.meta.url), 'utf8');
    const summary = summarySection(text);
    expect(summary).toBeDefined();
    expect(text.startsWith(`# Benchmarks\n\n${summary}\n\n## The last run\n\nNode v`)).toBe(true);
  });
});
