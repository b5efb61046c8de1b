import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchors, brokenLinks, codeBlocks, links, slug } from '../../infra/markdown';

describe('slug (GitHub heading anchors)', () => {
  it.each([
    ['Starting it', 'starting-it'],
    ['The `agentmeter` command', 'the-agentmeter-command'],
    ['From the command line: `agentmeter routing log`', 'from-the-command-line-agentmeter-routing-log'],
    ['PostgreSQL: the table and `agentmeter db migrate`', 'postgresql-the-table-and-agentmeter-db-migrate'],
    ['Why hand-written', 'why-hand-written'],
    ['**Bold** and [a link](x.md)', 'bold-and-a-link'],
    ['agent_cache_requests_total', 'agent_cache_requests_total'],
    ['Node 22.15+ (oldest)', 'node-2215-oldest'],
  ])('%s → %s', (text, expected) => {
    expect(slug(text)).toBe(expected);
  });
});

describe('anchors', () => {
  it('numbers repeated headings as GitHub does, takes HTML ids, and ignores headings inside fences', () => {
    const text = '# Soak\n\n## Soak\n\n```sh\n# not a heading\n```\n\n<a id="kept-id"></a>\n### Soak\n';
    expect([...anchors(text)]).toEqual(['soak', 'soak-1', 'kept-id', 'soak-2']);
  });
});

describe('links', () => {
  it('finds inline links, images and definitions, but none inside code', () => {
    const text = 'See [a](docs/a.md#x) and ![chart](soak.svg "title").\n`[not](b.md)`\n```md\n[not](c.md)\n```\n[ref]: https://example.com/x\n';
    expect(links(text)).toEqual([
      { target: 'docs/a.md#x', line: 1 },
      { target: 'soak.svg', line: 1 },
      { target: 'https://example.com/x', line: 6 },
    ]);
  });
});

describe('codeBlocks', () => {
  it('reads the run label on the line before a fence and ties the next <!-- output --> block to it', () => {
    const text = '<!-- run: cjs -->\n```js\nconsole.log(1)\n```\n\nIt prints:\n\n<!-- output -->\n```text\n1\n```\n\n```sh\nnpm test\n```\n';
    expect(codeBlocks(text)).toEqual([
      { lang: 'js', code: 'console.log(1)\n', line: 2, run: 'cjs', isOutput: false, output: '1\n' },
      { lang: 'text', code: '1\n', line: 9, isOutput: true },
      { lang: 'sh', code: 'npm test\n', line: 13, isOutput: false },
    ]);
  });

  it('refuses a run label that is neither cjs nor esm', () => {
    expect(() => codeBlocks('<!-- run: ts -->\n```ts\n```\n')).toThrow('line 1: the run label "ts" is neither cjs nor esm');
  });
});

describe('brokenLinks', () => {
  it('lists each link that leads nowhere, with file, line and why', () => {
    const root = mkdtempSync(join(tmpdir(), 'markdown-links-'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'docs', 'a.md'), '# A\n\n## Part two\n\nBack to [the README](../README.md#intro), [outside](../../x.md).\n');
    writeFileSync(
      join(root, 'README.md'),
      [
        '# Intro',
        '[ok](docs/a.md#part-two) [ok](#intro) [ok](https://github.com/agentmeter/agentmeter/issues) [ok](https://github.com/open-telemetry/opentelemetry-js/issues/5830)',
        '[missing](docs/b.md) [anchor](docs/a.md#part-three) [dir](docs/) [http](http://example.com/)',
        '[fork](https://github.com/agentmeter/agentmeter-old/blob/main/README.md) [bad](https://exa%mple.com)',
      ].join('\n'),
    );
    expect(brokenLinks(root, ['README.md', 'docs/a.md'], 'https://github.com/agentmeter/agentmeter')).toEqual([
      'README.md:3 docs/b.md (no such file)',
      'README.md:3 docs/a.md#part-three (no heading #part-three in docs/a.md)',
      'README.md:3 docs/ (a directory, not a page)',
      'README.md:3 http://example.com/ (not https)',
      'README.md:4 https://github.com/agentmeter/agentmeter-old/blob/main/README.md (not the repository https://github.com/agentmeter/agentmeter)',
      'README.md:4 https://exa%mple.com (not a well-formed URL)',
      'docs/a.md:5 ../../x.md (outside the package)',
    ]);
  });
});
