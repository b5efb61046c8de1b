/**
 * The LLM price overrides in force: `start({ llmPrices })`, else the JSON file named by
 * `AGENTMETER_LLM_PRICES_FILE`. A bad option throws (an explicit API call); a bad file is one
 * line on stderr and costs come from the price table alone: an environment variable must never
 * stop the host app.
 */
import { readFileSync } from 'node:fs';
import type { Provider } from '@pydantic/genai-prices';
import { ConfigError } from '../errors';
import { parseLlmPrices, type LlmPrices } from '../record/llm-prices';

export const LLM_PRICES_FILE_VARIABLE = 'AGENTMETER_LLM_PRICES_FILE';
/** Largest price file read, in bytes: a price list, not a data set. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

type Overrides = Map<string, Map<string, Provider>>;

function fromFile(path: string): Overrides | string {
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_FILE_BYTES) return `is larger than ${MAX_FILE_BYTES} bytes`;
    text = bytes.toString('utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return `cannot be read (${typeof code === 'string' ? code : 'error'})`;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The parser's message quotes the text; the rule is enough.
    return 'is not valid JSON';
  }
  try {
    return parseLlmPrices(json, LLM_PRICES_FILE_VARIABLE);
  } catch (err) {
    if (err instanceof ConfigError) return `has ${JSON.stringify(err.value)}: ${err.allowed}`;
    throw err;
  }
}

/**
 * The overrides for `start()`, or undefined for none. Throws ConfigError for a bad `llmPrices`
 * option; reports a bad file through `report` (one line) and returns undefined.
 */
export function llmPriceOverrides(option: LlmPrices | undefined, env: Readonly<Record<string, string | undefined>>, report: (line: string) => void): Overrides | undefined {
  if (option !== undefined) return parseLlmPrices(option, 'llmPrices');
  const path = env[LLM_PRICES_FILE_VARIABLE]?.trim();
  if (path === undefined || path === '') return undefined;
  const result = fromFile(path);
  if (typeof result !== 'string') return result;
  report(`agentmeter: ${LLM_PRICES_FILE_VARIABLE} file ${path} ${result}; LLM costs use the price table only`);
  return undefined;
}
