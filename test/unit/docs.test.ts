import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderMetricTable } from '../../src/catalog-doc';
import { ERROR_CODES } from '../../src/errors';
import { METRIC_LIST } from '../../src/catalog';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const readme = read('README.md');

describe('docs/metrics.md', () => {
  const metrics = read('docs/metrics.md');
  it('holds the metric reference generated from the catalog (run npm run docs)', () => {
    expect(metrics).toContain(renderMetricTable());
  });

  it('lists every catalog instrument', () => {
    for (const m of METRIC_LIST) expect(metrics).toContain(`\`${m.name}\``);
  });
});

describe('docs/errors.md', () => {
  it.each(Object.values(ERROR_CODES))('documents error code %s', (code) => {
    expect(read('docs/errors.md')).toContain(`| \`${code}\` |`);
  });
});

describe('README', () => {
  it('opens with the Node requirement and the two commands', () => {
    const firstScreen = readme.split('\n').slice(0, 20).join('\n');
    expect(firstScreen).toContain('Requires **Node.js 22.15 or later**');
    expect(firstScreen).toMatch(/\nnpm run demo +#/);
    expect(firstScreen).toMatch(/\nnpm test +#/);
  });

  it('links only to docs that exist', () => {
    const links = [...readme.matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) expect(() => read(link), link).not.toThrow();
  });
});
