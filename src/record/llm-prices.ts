/**
 * The USD cost of one LLM call: the user's price overrides first, then the maintained table of
 * `@pydantic/genai-prices` (pinned; docs/llm-cost.md says why this one). The table's
 * `calcPrice` splits input into uncached, cache-read and cache-write tokens and output into
 * plain and reasoning tokens, and prices each part as the provider does.
 *
 * Model and provider names come from LLM responses: they are looked up, never used as object
 * keys, and what was found to have no price is remembered in a bounded Map.
 */
import type { Provider, Usage } from '@pydantic/genai-prices';
import { ConfigError } from '../errors';

/** One model's prices in USD per million tokens (the table's own key names). */
export interface LlmModelPrice {
  /** Input tokens, USD per million. Required. */
  input_mtok: number;
  /** Output tokens, USD per million. Required. */
  output_mtok: number;
  /** Input tokens read from the prompt cache, USD per million; default `input_mtok`. */
  cache_read_mtok?: number;
  /** Input tokens written to the prompt cache, USD per million; default `input_mtok`. */
  cache_write_mtok?: number;
  /** Output tokens spent on reasoning, USD per million; default `output_mtok`. */
  output_reasoning_mtok?: number;
}

/**
 * Price overrides: provider (`gen_ai.provider.name`, e.g. `openai`) → model (the requested
 * model as recorded, matched exactly) → prices. They win over the table.
 */
export type LlmPrices = Readonly<Record<string, Readonly<Record<string, LlmModelPrice>>>>;

/** Token counts of one call, already validated (non-negative, finite). */
export interface CostTokens {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

const PRICE_KEYS = ['input_mtok', 'output_mtok', 'cache_read_mtok', 'cache_write_mtok', 'output_reasoning_mtok'] as const;
const REQUIRED_KEYS = ['input_mtok', 'output_mtok'] as const;
/** Bounds on an override table: it is config, but a file can be anything. */
const MAX_OVERRIDE_MODELS = 10_000;
const MAX_NAME_LENGTH = 256;
/** (provider, model) pairs remembered as having no price; past this, each such call asks the table again. */
const MAX_REMEMBERED_UNPRICED = 1000;
/** Longest model or provider name looked up: longer ones are no model the table knows. */
const MAX_LOOKUP_LENGTH = 128;

type PriceTable = typeof import('@pydantic/genai-prices');
let table: PriceTable | undefined;
/** Loaded on the first priced call: the table is 480 kB of JavaScript (about 30 ms to load). */
function priceTable(): PriceTable {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (table ??= require('@pydantic/genai-prices') as PriceTable);
}

/** Overrides by provider, then model; each model as a one-model Provider for `calcPrice`. */
let overrides = new Map<string, Map<string, Provider>>();
const unpriced = new Map<string, Map<string, true>>();

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks an override table and turns it into lookup maps; throws ConfigError naming `option`,
 * the provider and model (config, not peer data) and the rule broken.
 */
export function parseLlmPrices(value: unknown, option: string): Map<string, Map<string, Provider>> {
  const allowed = 'an object of provider → model → { input_mtok, output_mtok, cache_read_mtok?, cache_write_mtok?, output_reasoning_mtok? } in USD per million tokens';
  const fail = (where: string, rule: string): never => {
    throw new ConfigError(option, where, `${rule}; expected ${allowed}`);
  };
  if (!isRecord(value)) fail('(top level)', 'not an object');
  const out = new Map<string, Map<string, Provider>>();
  let models = 0;
  for (const [provider, byModel] of Object.entries(value as Record<string, unknown>)) {
    if (provider === '' || provider.length > MAX_NAME_LENGTH) fail('(a provider name)', `empty or longer than ${MAX_NAME_LENGTH} characters`);
    if (!isRecord(byModel)) fail(provider, 'not an object of models');
    const into = new Map<string, Provider>();
    for (const [model, prices] of Object.entries(byModel as Record<string, unknown>)) {
      const where = `${provider} ${model}`;
      if (model === '' || model.length > MAX_NAME_LENGTH) fail(`${provider} (a model name)`, `empty or longer than ${MAX_NAME_LENGTH} characters`);
      if (++models > MAX_OVERRIDE_MODELS) fail('(top level)', `more than ${MAX_OVERRIDE_MODELS} models`);
      if (!isRecord(prices)) fail(where, 'not an object of prices');
      const price: Record<string, number> = Object.create(null) as Record<string, number>;
      for (const [key, amount] of Object.entries(prices as Record<string, unknown>)) {
        if (!(PRICE_KEYS as readonly string[]).includes(key)) fail(where, `has a key other than ${PRICE_KEYS.join(', ')}`);
        if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) fail(`${where} ${key}`, 'not a finite number ≥ 0');
        price[key] = amount as number;
      }
      for (const key of REQUIRED_KEYS) if (price[key] === undefined) fail(where, `has no ${key}`);
      into.set(model, {
        id: provider,
        name: provider,
        // Never matched by URL: calcPrice is handed this provider directly.
        api_pattern: '(?!)',
        models: [{ id: model, match: { equals: model }, prices: { ...price } }],
      });
    }
    out.set(provider, into);
  }
  return out;
}

/** Replaces the overrides (start() sets them once); undefined clears them. */
export function setLlmPrices(prices: Map<string, Map<string, Provider>> | undefined): void {
  overrides = prices ?? new Map();
  unpriced.clear();
}

function rememberUnpriced(provider: string, model: string): void {
  let models = unpriced.get(provider);
  let size = 0;
  for (const m of unpriced.values()) size += m.size;
  if (size >= MAX_REMEMBERED_UNPRICED) return;
  if (models === undefined) unpriced.set(provider, (models = new Map()));
  models.set(model, true);
}

function usageOf(tokens: CostTokens): Usage {
  // The table's names: input and output are totals, the cache and reasoning counts parts of them.
  return {
    input_tokens: tokens.input,
    output_tokens: tokens.output,
    cache_read_tokens: tokens.cacheRead,
    cache_write_tokens: tokens.cacheWrite,
    output_reasoning_tokens: tokens.reasoning,
  };
}

/**
 * The call's cost in USD, or undefined when it has no price: no override and no table entry
 * for the provider and model, or token counts the table cannot split (a cache count above the
 * input total). Never throws.
 */
export function llmCostUsd(provider: string, model: string, tokens: CostTokens): number | undefined {
  const own = overrides.get(provider)?.get(model);
  try {
    if (own !== undefined) return priceTable().calcPrice(usageOf(tokens), model, { provider: own })?.total_price;
    if (provider.length > MAX_LOOKUP_LENGTH || model.length > MAX_LOOKUP_LENGTH) return undefined;
    if (unpriced.get(provider)?.has(model) === true) return undefined;
    const result = priceTable().calcPrice(usageOf(tokens), model, { providerId: provider });
    if (result === null) rememberUnpriced(provider, model);
    return result?.total_price;
  } catch {
    // calcPrice throws on counts it cannot split (its message quotes them): unpriced.
    return undefined;
  }
}
