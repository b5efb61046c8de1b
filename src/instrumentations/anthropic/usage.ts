/**
 * Token counts from an Anthropic `usage` object, as the GenAI conventions count them: Anthropic's
 * `input_tokens` leaves out the prompt-cache tokens, so `input` is input + cache read + cache
 * creation, and the two cache counts are recorded as their own types when the response has them.
 */

/** The token fields of `recordLlmCall`. */
export interface TokenCounts {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Counts from a Message's `usage` (absent or `null` fields are left out). */
export function tokenCounts(usage: unknown): TokenCounts {
  if (typeof usage !== 'object' || usage === null) return {};
  const u = usage as Record<string, unknown>;
  const input = count(u.input_tokens);
  const cacheRead = count(u.cache_read_input_tokens);
  const cacheCreation = count(u.cache_creation_input_tokens);
  return {
    inputTokens: input === undefined ? undefined : input + (cacheRead ?? 0) + (cacheCreation ?? 0),
    outputTokens: count(u.output_tokens),
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheCreation,
  };
}

/**
 * The usage of a streamed Message: `message_start` carries the initial usage, each
 * `message_delta` the running totals of the fields it has (output always, the others when the
 * API sends them), as the SDK's own MessageStream accumulates them.
 */
export class StreamUsage {
  private usage: Record<string, unknown> | undefined;

  add(event: unknown): void {
    if (typeof event !== 'object' || event === null) return;
    const { type } = event as { type?: unknown };
    if (type === 'message_start') {
      const usage = (event as { message?: { usage?: unknown } }).message?.usage;
      // Keys come from the API's response: kept in a prototype-less object.
      if (typeof usage === 'object' && usage !== null) this.usage = Object.assign(Object.create(null) as Record<string, unknown>, usage);
    } else if (type === 'message_delta') {
      const usage = (event as { usage?: unknown }).usage;
      if (typeof usage !== 'object' || usage === null) return;
      this.usage ??= Object.create(null) as Record<string, unknown>;
      for (const [key, value] of Object.entries(usage as Record<string, unknown>)) {
        if (value !== null && value !== undefined) this.usage[key] = value;
      }
    }
  }

  counts(): TokenCounts {
    return tokenCounts(this.usage);
  }
}
