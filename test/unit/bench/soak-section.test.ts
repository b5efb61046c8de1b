import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordedSoakSection, soakSection, writeSoakSection } from '../../../bench/soak-section.mjs';

describe('the soak section of docs/benchmarks.md', () => {
  const file = () => join(mkdtempSync(join(tmpdir(), 'soak-section-')), 'benchmarks.md');

  it('is appended once, then replaced in place, leaving the rest of the file alone', () => {
    const path = file();
    writeFileSync(path, '# Benchmarks\n\n## Scrape\n\nfigures\n');
    writeSoakSection('## Soak\n\nfirst run', path);
    writeSoakSection('## Soak\n\nsecond run\n', path);
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(
      '# Benchmarks\n\n## Scrape\n\nfigures\n\n<!-- soak:start (written by npm run soak -- --write) -->\n## Soak\n\nsecond run\n<!-- soak:end -->\n',
    );
    expect(recordedSoakSection(path)).toBe(soakSection(text));
  });

  it('is absent from a file without markers', () => {
    expect(soakSection('# Benchmarks\n\n## Soak\n')).toBeUndefined();
    expect(recordedSoakSection(join(tmpdir(), 'no-such-benchmarks.md'))).toBeUndefined();
  });
});
