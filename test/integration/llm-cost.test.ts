// An app records LLM calls with known models and token counts under start(); the Prometheus
// endpoint serves agent_llm_cost_total equal to the price table's prices times the tokens,
// exactly, and the override file prices a model the table does not know.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runNode, type RunningChild } from '../infra/child';
import { samples, type Sample } from '../infra/prom-text';

let app: RunningChild | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function scrape(env: Record<string, string>): Promise<{ list: Sample[]; stderr: string }> {
  app = runNode(['test/fixtures/llm-cost-app.cjs'], env);
  const { url } = (await app.ready) as { url: string };
  const text = await (await fetch(url)).text();
  return { list: samples(text), stderr: app.stderr() };
}

const value = (list: Sample[], name: string, labels: Record<string, string>): number[] =>
  list.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).map((s) => s.value);

// @pydantic/genai-prices 0.1.8's published prices, USD per million tokens.
const GPT_4O = { input: 2.5, cacheRead: 1.25, output: 10 };
const OPUS_4_1 = { input: 15, cacheWrite: 18.75, cacheRead: 1.5, output: 75 };

describe('agent_llm_cost_total on the Prometheus endpoint', () => {
  it('is the table price times the tokens for an OpenAI and an Anthropic call, cached tokens at their own price', async () => {
    const { list, stderr } = await scrape({});
    expect(stderr).toBe('');
    expect(value(list, 'agent_llm_cost_total', { gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o', gen_ai_agent_name: 'planner' })).toEqual([
      (3125 * GPT_4O.input + 6250 * GPT_4O.cacheRead + 3125 * GPT_4O.output) / 1e6,
    ]);
    expect(value(list, 'agent_llm_cost_total', { gen_ai_provider_name: 'anthropic', gen_ai_request_model: 'claude-opus-4-1', gen_ai_agent_name: 'writer' })).toEqual([
      (6250 * OPUS_4_1.input + 15625 * OPUS_4_1.cacheRead + 625 * OPUS_4_1.cacheWrite + 1250 * OPUS_4_1.output) / 1e6,
    ]);
    // The self-hosted model has no price without the file: one unpriced call, no cost series.
    expect(value(list, 'agent_llm_unpriced_calls_total', { gen_ai_provider_name: 'self-hosted', gen_ai_request_model: 'llama-3-70b' })).toEqual([1]);
    expect(value(list, 'agent_llm_cost_total', { gen_ai_provider_name: 'self-hosted' })).toEqual([]);
  });

  it('prices the self-hosted model from AGENTMETER_LLM_PRICES_FILE', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'agentmeter-prices-')), 'prices.json');
    writeFileSync(file, JSON.stringify({ 'self-hosted': { 'llama-3-70b': { input_mtok: 0.5, output_mtok: 1 } } }));
    const { list, stderr } = await scrape({ AGENTMETER_LLM_PRICES_FILE: file });
    expect(stderr).toBe('');
    expect(value(list, 'agent_llm_cost_total', { gen_ai_provider_name: 'self-hosted', gen_ai_request_model: 'llama-3-70b' })).toEqual([(1_000_000 * 0.5 + 500_000 * 1) / 1e6]);
    expect(value(list, 'agent_llm_unpriced_calls_total', {})).toEqual([]);
  });

  it('says what is wrong with a bad file in one stderr line, and the app runs on the table', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'agentmeter-prices-')), 'prices.json');
    writeFileSync(file, '{"self-hosted": {"llama-3-70b": {"input_mtok": "cheap", "output_mtok": 1}}}');
    const { list, stderr } = await scrape({ AGENTMETER_LLM_PRICES_FILE: file });
    expect(stderr).toBe(
      `agentmeter: AGENTMETER_LLM_PRICES_FILE file ${file} has "self-hosted llama-3-70b input_mtok": not a finite number ≥ 0; ` +
        'expected an object of provider → model → { input_mtok, output_mtok, cache_read_mtok?, cache_write_mtok?, output_reasoning_mtok? } in USD per million tokens; ' +
        'LLM costs use the price table only\n',
    );
    expect(value(list, 'agent_llm_unpriced_calls_total', { gen_ai_request_model: 'llama-3-70b' })).toEqual([1]);
    expect(value(list, 'agent_llm_cost_total', { gen_ai_request_model: 'gpt-4o' })).toEqual([0.046875]);
  });
});
