/** Values read from Mastra's span attributes: provider names, durations, token usage. */

/** An exported span's times (Dates, as Mastra exports them). */
interface Timed {
  startTime?: unknown;
  endTime?: unknown;
}

/** Seconds from a span's start to its end; -1 (dropped and counted by the guard) without both. */
export function spanSeconds(span: Timed): number {
  if (!(span.startTime instanceof Date) || !(span.endTime instanceof Date)) return -1;
  return (span.endTime.getTime() - span.startTime.getTime()) / 1000;
}

/**
 * AI SDK provider ids (`openai.chat`, `anthropic.messages`, `google.generative-ai`) name the
 * provider before the first dot; those the GenAI conventions spell otherwise are mapped.
 */
const PROVIDER_NAMES = new Map<string, string>([
  ['google', 'gcp.gemini'],
  ['vertex', 'gcp.vertex_ai'],
  ['amazon-bedrock', 'aws.bedrock'],
  ['bedrock', 'aws.bedrock'],
  ['azure', 'azure.ai.openai'],
  ['mistral', 'mistral_ai'],
  ['xai', 'x_ai'],
]);

/** `gen_ai.provider.name` for a Mastra provider id; `_OTHER` when there is none. */
export function providerName(provider: unknown): string {
  if (typeof provider !== 'string' || provider === '') return '_OTHER';
  const dot = provider.indexOf('.');
  const name = dot > 0 ? provider.slice(0, dot) : provider;
  return PROVIDER_NAMES.get(name) ?? name;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Token counts in `recordLlmCall`'s terms. */
export interface MastraTokens {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

/**
 * Mastra's `UsageStats`: `inputTokens` counts every input token (the AI SDK's total, cached
 * ones included), `inputDetails` splits off cache reads and writes, `outputDetails` reasoning.
 */
export function tokenCounts(usage: unknown): MastraTokens {
  if (typeof usage !== 'object' || usage === null) return {};
  const u = usage as Record<string, unknown>;
  const input = typeof u.inputDetails === 'object' && u.inputDetails !== null ? (u.inputDetails as Record<string, unknown>) : {};
  const output = typeof u.outputDetails === 'object' && u.outputDetails !== null ? (u.outputDetails as Record<string, unknown>) : {};
  return {
    inputTokens: count(u.inputTokens),
    outputTokens: count(u.outputTokens),
    cacheReadTokens: count(input.cacheRead),
    cacheWriteTokens: count(input.cacheWrite),
    reasoningTokens: count(output.reasoning),
  };
}
