import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderMetricTable } from '../../src/catalog-doc';
import { ERROR_CODES } from '../../src/errors';
import { METRIC_LIST } from '../../src/catalog';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('holds the metric reference generated from the catalog (run npm run docs)', () => {
    expect(readme).toContain(renderMetricTable());
  });

  it('lists every catalog instrument', () => {
    for (const m of METRIC_LIST) expect(readme).toContain(`\`${m.name}\``);
  });

  it.each(Object.values(ERROR_CODES))('documents error code %s', (code) => {
    expect(readme).toContain(`| \`${code}\` |`);
  });

  it('shows the two commands', () => {
    expect(readme).toContain('npm run demo');
    expect(readme).toContain('npm test');
  });
});
