import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLines, type FileLine } from '../../../src/jobs/lines';

const dir = mkdtempSync(join(tmpdir(), 'agentmeter-lines-'));
let n = 0;
async function linesOf(content: string | Buffer, maxLineBytes = 100): Promise<FileLine[]> {
  const file = join(dir, `f${n++}`);
  writeFileSync(file, content);
  const out: FileLine[] = [];
  for await (const line of readLines(file, maxLineBytes)) out.push(line);
  return out;
}

describe('readLines', () => {
  it.each([
    ['', []],
    ['a\n', [{ number: 1, text: 'a' }]],
    ['a\nb', [{ number: 1, text: 'a' }, { number: 2, text: 'b' }]],
    ['a\r\nb\r\n', [{ number: 1, text: 'a' }, { number: 2, text: 'b' }]],
    ['\n\n', [{ number: 1, text: '' }, { number: 2, text: '' }]],
    ['é€\n', [{ number: 1, text: 'é€' }]],
  ])('%j', async (content, expected) => {
    expect(await linesOf(content)).toEqual(expected);
  });

  it('gives a line over the bound as undefined, keeps the line after it, and keeps a line of exactly the bound', async () => {
    expect(await linesOf(`${'x'.repeat(101)}\n${'y'.repeat(100)}\nz\n${'w'.repeat(250)}`)).toEqual([
      { number: 1, text: undefined },
      { number: 2, text: 'y'.repeat(100) },
      { number: 3, text: 'z' },
      { number: 4, text: undefined },
    ]);
  });

  it('joins lines that cross the 64 KiB chunks exactly as split does, multi-byte characters included', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `${i}:${'é'.repeat(i % 97)}${'x'.repeat((i * 37) % 300)}`);
    const got = await linesOf(`${lines.join('\n')}\n`, 1000);
    expect(got).toHaveLength(3000);
    expect(got.map((l) => l.text)).toEqual(lines);
    expect(got[2999]!.number).toBe(3000);
  });

  it('drops a 5 MB line as it streams and still reads the next', async () => {
    const got = await linesOf(`${'q'.repeat(5_000_000)}\nafter\n`, 65536);
    expect(got).toEqual([{ number: 1, text: undefined }, { number: 2, text: 'after' }]);
  });

  it('rejects with ENOENT for a missing file', async () => {
    const read = async () => {
      for await (const line of readLines(join(dir, 'missing'), 10)) void line;
    };
    await expect(read()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
