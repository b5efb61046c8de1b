import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { llmPriceOverrides } from '../../../src/sdk/llm-prices-file';

const dir = mkdtempSync(join(tmpdir(), 'agentmeter-prices-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function load(path: string | undefined, option?: Parameters<typeof llmPriceOverrides>[0]) {
  const lines: string[] = [];
  const result = llmPriceOverrides(option, { AGENTMETER_LLM_PRICES_FILE: path }, (line) => lines.push(line));
  return { result, lines };
}

describe('AGENTMETER_LLM_PRICES_FILE', () => {
  it('reads a good file into provider → model overrides, with no line reported', () => {
    const path = file('good.json', JSON.stringify({ 'self-hosted': { 'llama-3-70b': { input_mtok: 0.5, output_mtok: 1 } } }));
    const { result, lines } = load(path);
    expect(lines).toEqual([]);
    expect([...result!.keys()]).toEqual(['self-hosted']);
    expect(result!.get('self-hosted')!.get('llama-3-70b')!.models[0]!.prices).toEqual({ input_mtok: 0.5, output_mtok: 1 });
  });

  const allowed = 'expected an object of provider → model → { input_mtok, output_mtok, cache_read_mtok?, cache_write_mtok?, output_reasoning_mtok? } in USD per million tokens';
  it.each([
    ['missing.json', undefined, 'cannot be read (ENOENT)'],
    ['broken.json', '{"openai": {', 'is not valid JSON'],
    ['negative.json', '{"openai": {"gpt-4o": {"input_mtok": 1, "output_mtok": -2}}}', `has "openai gpt-4o output_mtok": not a finite number ≥ 0; ${allowed}`],
    ['array.json', '[1, 2]', `has "(top level)": not an object; ${allowed}`],
  ])('reports %s in one exact stderr line and keeps the table alone', (name, text, reason) => {
    const path = text === undefined ? join(dir, name) : file(name, text);
    const { result, lines } = load(path);
    expect(result).toBeUndefined();
    expect(lines).toEqual([`agentmeter: AGENTMETER_LLM_PRICES_FILE file ${path} ${reason}; LLM costs use the price table only`]);
  });

  it('is not read when the llmPrices option is given (the option wins), and a bad option throws', () => {
    const { result, lines } = load(join(dir, 'missing.json'), { openai: { 'gpt-4o': { input_mtok: 2, output_mtok: 8 } } });
    expect(lines).toEqual([]);
    expect([...result!.get('openai')!.keys()]).toEqual(['gpt-4o']);
    expect(() => load(undefined, { openai: { 'gpt-4o': { input_mtok: 2 } } } as never)).toThrow('AGM_ERR_CONFIG: llmPrices="openai gpt-4o" is not valid; allowed: has no output_mtok');
  });

  it('is nothing when unset or blank', () => {
    expect(load(undefined)).toEqual({ result: undefined, lines: [] });
    expect(load('  ')).toEqual({ result: undefined, lines: [] });
  });
});
