/**
 * Token counts from an OpenAI `usage` object, as the GenAI conventions count them. OpenAI's own
 * totals already include the parts: `prompt_tokens` (Chat Completions) and `input_tokens`
 * (Responses) count the cached tokens, `completion_tokens` and `output_tokens` the reasoning
 * tokens; the parts are recorded as their own types when the response has them.
 */

/** The token fields of `recordLlmCall` that OpenAI reports (it has no prompt-cache writes). */
export interface OpenAITokenCounts {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  reasoningTokens?: number;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Counts from a `usage` object of either API: Chat Completions (`prompt_tokens`,
 * `completion_tokens`, `*_tokens_details`), Responses (`input_tokens`, `output_tokens`,
 * `*_tokens_details`) and Embeddings (`prompt_tokens` only). Absent or `null` fields are left out.
 */
export function openaiTokenCounts(usage: unknown): OpenAITokenCounts {
  if (typeof usage !== 'object' || usage === null) return {};
  const chat = field(usage, 'prompt_tokens') !== undefined || field(usage, 'completion_tokens') !== undefined;
  const inputDetails = field(usage, chat ? 'prompt_tokens_details' : 'input_tokens_details');
  const outputDetails = field(usage, chat ? 'completion_tokens_details' : 'output_tokens_details');
  return {
    inputTokens: count(field(usage, chat ? 'prompt_tokens' : 'input_tokens')),
    outputTokens: count(field(usage, chat ? 'completion_tokens' : 'output_tokens')),
    cacheReadTokens: count(field(inputDetails, 'cached_tokens')),
    reasoningTokens: count(field(outputDetails, 'reasoning_tokens')),
  };
}

/** Responses stream events whose `response` carries the final usage. */
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * The usage of a streamed response: a Chat Completions stream sends it on its last chunk (with
 * `stream_options: { include_usage: true }`), a Responses stream on its final
 * `response.completed` (or `.incomplete`, `.failed`) event.
 */
export class StreamUsage {
  private usage: unknown = undefined;

  add(event: unknown): void {
    const usage = field(event, 'usage');
    if (typeof usage === 'object' && usage !== null) {
      this.usage = usage;
      return;
    }
    const type = field(event, 'type');
    if (typeof type === 'string' && FINAL_EVENTS.has(type)) {
      const final = field(field(event, 'response'), 'usage');
      if (typeof final === 'object' && final !== null) this.usage = final;
    }
  }

  counts(): OpenAITokenCounts {
    return openaiTokenCounts(this.usage);
  }
}
