/**
 * What the AI SDK's telemetry events say, in the conventions' terms: the provider name for an AI
 * SDK provider id, token counts by type from either of its usage shapes, the agent label of a
 * run, and a tool's failure. Every value read here comes from an event object whose strings
 * (tool names, model ids, provider ids) a model or a peer may have chosen: read with type checks,
 * looked up in Maps, handed to the record functions, whose guard bounds them.
 */

/** `gen_ai.provider.name` when the provider is not known at all (the conventions' value). */
export const OTHER_PROVIDER = '_OTHER';

/**
 * AI SDK provider ids (`openai.chat`, `google.vertex.chat`, `amazon-bedrock`) by their leading
 * one or two dot-separated parts, to the conventions' well-known `gen_ai.provider.name` values.
 * Two-part keys are tried first, so `google.vertex` wins over `google`.
 */
const PROVIDERS: ReadonlyMap<string, string> = new Map([
  ['google.vertex', 'gcp.vertex_ai'],
  ['google.generative-ai', 'gcp.gemini'],
  ['google-vertex', 'gcp.vertex_ai'],
  // @ai-sdk/google-vertex's Anthropic models: `vertex.anthropic.messages`; served by Vertex AI.
  ['vertex', 'gcp.vertex_ai'],
  ['google', 'gcp.gemini'],
  ['openai', 'openai'],
  // @ai-sdk/azure is Azure OpenAI (`azure.chat`, `azure.responses`).
  ['azure', 'azure.ai.openai'],
  ['azure-openai', 'azure.ai.openai'],
  ['anthropic', 'anthropic'],
  ['amazon-bedrock', 'aws.bedrock'],
  ['bedrock', 'aws.bedrock'],
  ['mistral', 'mistral_ai'],
  ['cohere', 'cohere'],
  ['groq', 'groq'],
  ['deepseek', 'deepseek'],
  ['perplexity', 'perplexity'],
  ['xai', 'x_ai'],
]);

/**
 * The provider name for an AI SDK provider id: a well-known one from the table, else the id's
 * first part (`togetherai.chat` → `togetherai`: the part after the dot is the API flavour, not
 * the provider), else `_OTHER`. Unknown names stay bounded by the attribute cap downstream.
 */
export function providerName(id: unknown): string {
  if (typeof id !== 'string') return OTHER_PROVIDER;
  const lower = id.toLowerCase();
  const parts = lower.split('.');
  const first = parts[0] ?? '';
  const known = (parts.length > 1 ? PROVIDERS.get(`${first}.${parts[1]}`) : undefined) ?? PROVIDERS.get(first);
  if (known !== undefined) return known;
  return first === '' ? OTHER_PROVIDER : first;
}

/** The model id of an event, or `_OTHER` when it has none a label can show. */
export function modelName(id: unknown): string {
  return typeof id === 'string' && id !== '' ? id : OTHER_PROVIDER;
}

/** The token fields of `recordLlmCall`. */
export interface TokenCounts {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** `value[key]` when `value` is an object (keys read here are fixed names, never a peer's). */
export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** `total` when given, else the sum of the parts that are (undefined when none is). */
function totalOf(total: unknown, ...parts: unknown[]): number | undefined {
  const given = count(total);
  if (given !== undefined) return given;
  let sum: number | undefined;
  for (const part of parts) {
    const n = count(part);
    if (n !== undefined) sum = (sum ?? 0) + n;
  }
  return sum;
}

/**
 * Token counts from a usage object in either shape the SDK hands out: the provider's
 * (`inputTokens: { total, noCache, cacheRead, cacheWrite }`, `outputTokens: { total, text,
 * reasoning }`: the channel's `languageModelCall` result) or the SDK's own `LanguageModelUsage`
 * (`inputTokens: number`, `inputTokenDetails: { cacheReadTokens, ... }`: the integration events).
 * Both count cached input in the input total and reasoning in the output total, as the
 * conventions do, so the totals are recorded as given.
 */
export function tokenCounts(usage: unknown): TokenCounts {
  if (typeof usage !== 'object' || usage === null) return {};
  const input = field(usage, 'inputTokens');
  const output = field(usage, 'outputTokens');
  if (typeof input === 'object' || typeof output === 'object') {
    const cacheRead = count(field(input, 'cacheRead'));
    const cacheWrite = count(field(input, 'cacheWrite'));
    const reasoning = count(field(output, 'reasoning'));
    return {
      inputTokens: totalOf(field(input, 'total'), field(input, 'noCache'), cacheRead, cacheWrite),
      outputTokens: totalOf(field(output, 'total'), field(output, 'text'), reasoning),
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
      reasoningTokens: reasoning,
    };
  }
  const inputDetails = field(usage, 'inputTokenDetails');
  const outputDetails = field(usage, 'outputTokenDetails');
  return {
    inputTokens: count(input),
    outputTokens: count(output),
    cacheReadTokens: count(field(inputDetails, 'cacheReadTokens')),
    cacheWriteTokens: count(field(inputDetails, 'cacheWriteTokens')),
    reasoningTokens: count(field(outputDetails, 'reasoningTokens')),
  };
}

/** Input tokens of an embedding result (`usage: { tokens }`). */
export function embeddingTokens(usage: unknown): TokenCounts {
  const tokens = count(field(usage, 'tokens'));
  return tokens === undefined ? {} : { inputTokens: tokens };
}

/** The `User-Agent` suffix `ToolLoopAgent` adds to every call it makes (ai 7). */
const TOOL_LOOP_AGENT_MARK = 'ai-sdk-agent/tool-loop';

/** The run's `telemetry.functionId`, the one name the SDK carries for a run, when it has one. */
export function functionId(event: unknown): string | undefined {
  const id = field(event, 'functionId');
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * `gen_ai.agent.name` of a `generateText` / `streamText` run. The AI SDK passes no agent name to
 * its telemetry (a `ToolLoopAgent`'s `id` never reaches it), so: the run's
 * `telemetry.functionId` when set (the SDK's own name for grouping a call site's telemetry, set
 * once in code, so of low cardinality), else `ToolLoopAgent` for a run a `ToolLoopAgent` made
 * (it marks its requests' User-Agent), else the function's name, `generateText` or `streamText`.
 */
export function agentLabel(type: 'generateText' | 'streamText', event: unknown): string {
  const id = functionId(event);
  if (id !== undefined) return id;
  const headers = field(event, 'headers');
  const userAgent = field(headers, 'user-agent');
  if (typeof userAgent === 'string' && userAgent.includes(TOOL_LOOP_AGENT_MARK)) return 'ToolLoopAgent';
  return type;
}

/** The tool name of an `executeTool` event (`event.toolCall.toolName`), as the model sent it. */
export function toolName(event: unknown): unknown {
  return field(field(event, 'toolCall'), 'toolName');
}

/** The tool call id of an `executeTool` event or a tool execution end event. */
export function toolCallId(event: unknown): string | undefined {
  const id = field(field(event, 'toolCall'), 'toolCallId');
  return typeof id === 'string' ? id : undefined;
}

/**
 * The failure of a finished tool execution (`{ output, toolExecutionMs }`), or undefined when it
 * succeeded. The SDK catches what a tool throws and returns it as a `tool-error` output: that is
 * a failed call, whatever was thrown (`throw undefined` included, as `_OTHER`).
 */
export function toolFailure(result: unknown): unknown {
  const output = field(result, 'output');
  if (field(output, 'type') !== 'tool-error') return undefined;
  const error = field(output, 'error');
  return error === undefined || error === null || error === false || error === '' ? '_OTHER' : error;
}

/** The SDK's own measure of a tool's `execute` (ms), when the result carries one. */
export function toolExecutionSeconds(result: unknown): number | undefined {
  const ms = count(field(result, 'toolExecutionMs'));
  return ms === undefined ? undefined : ms / 1000;
}

/**
 * True when the call's telemetry settings keep inputs or outputs out (`recordInputs: false` or
 * `recordOutputs: false`): the channel then carries no results, and an error only as a generic
 * "AI SDK operation failed", whose class says nothing.
 */
export function resultsHidden(event: unknown): boolean {
  return field(event, 'recordInputs') === false || field(event, 'recordOutputs') === false;
}

/** The AI SDK's time to first output chunk of a streamed model call, in seconds, when it has one. */
export function firstChunkSeconds(event: unknown): number | undefined {
  const ms = count(field(field(event, 'performance'), 'timeToFirstOutputMs'));
  return ms === undefined ? undefined : ms / 1000;
}

/** The `callId` linking every event of one run. */
export function callIdOf(event: unknown): string | undefined {
  const id = field(event, 'callId');
  return typeof id === 'string' ? id : undefined;
}

/** Whether a `languageModelCall` result is a stream's (`doStream` resolves to `{ stream, ... }`). */
export function isStreamResult(result: unknown): boolean {
  return field(result, 'stream') !== undefined;
}

/** The `usage` of a result, if any. */
export function usageOf(result: unknown): unknown {
  return field(result, 'usage');
}
