import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderMetricTable } from '../../src/catalog-doc';
import { ERROR_CODES } from '../../src/errors';
import { METRIC_LIST } from '../../src/catalog';
import { brokenLinks, codeBlocks } from '../infra/markdown';

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

  it('is a front page: at most 16 KB, the Design and Benchmarks sections two short paragraphs each', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(16 * 1024);
    const section = (heading: string): string => readme.split(`\n## ${heading}\n`)[1]!.split('\n## ')[0]!.trim();
    expect(section('Design').split('\n\n')).toHaveLength(2);
    expect(section('Benchmarks').split('\n\n')).toHaveLength(1);
    expect(section('Design')).toContain('](docs/design.md#why-hand-written)');
    expect(section('Benchmarks')).toContain('](docs/benchmarks.md)');
  });

  it('states the install budget the packed-install test checks', () => {
    expect(readme).toContain('installs 59 packages,\n28.8 MB, one copy of each OpenTelemetry package');
    expect(readme).toContain('at most 64\npackages and 30 MB');
  });

  it('labels every JavaScript block runnable, each followed by the output it prints', () => {
    const js = codeBlocks(readme).filter((b) => b.lang === 'js');
    expect(js.map((b) => [b.run, b.output !== undefined])).toEqual([
      ['cjs', true],
      ['esm', true],
    ]);
  });
});

describe('README.md and docs/*.md in the repository', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const files = ['README.md', ...readdirSync(`${root}docs`).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  it('link only to files and headings that exist (the packed copy is checked by packed-docs.test.ts)', () => {
    expect(brokenLinks(root, files, 'https://github.com/agentmeter/agentmeter')).toEqual([]);
  });
});
