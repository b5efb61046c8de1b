import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { recordedSummarySection, summarySection } from '../../../bench/summary-section.mjs';

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
});
