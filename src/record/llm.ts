/**
 * LLM calls: `gen_ai.client.operation.duration`, `gen_ai.client.token.usage` by token type,
 * for streams `gen_ai.client.operation.time_to_first_chunk`, and the call's USD cost
 * (`agent.llm.cost`) or, when it has no price, `agent.llm.unpriced_calls`.
 */
import { failureType } from '../attributes';
import { guard, instruments, state } from '../store/registry';
import { recordingFailed } from './guarded';
import { jobState, recordJobLlmCall } from '../jobs/scope';
import { withKeys } from '../store/instrument';
import { llmCostUsd, type CostTokens } from './llm-prices';
import { ATTR_AGENT_NAME, ATTR_ERROR_TYPE, ATTR_OPERATION_NAME, ATTR_PROVIDER_NAME, ATTR_REQUEST_MODEL, ATTR_TOKEN_TYPE, type TOKEN_TYPES } from '../catalog-vocabulary';

const llmDuration = withKeys(instruments.llmDuration, ATTR_OPERATION_NAME, ATTR_PROVIDER_NAME, ATTR_REQUEST_MODEL, ATTR_ERROR_TYPE);
const llmTokens = withKeys(instruments.llmTokens, ATTR_OPERATION_NAME, ATTR_PROVIDER_NAME, ATTR_REQUEST_MODEL, ATTR_TOKEN_TYPE);
const llmFirstChunk = withKeys(instruments.llmFirstChunk, ATTR_OPERATION_NAME, ATTR_PROVIDER_NAME, ATTR_REQUEST_MODEL);
const llmCost = withKeys(instruments.llmCost, ATTR_PROVIDER_NAME, ATTR_REQUEST_MODEL, ATTR_AGENT_NAME);
const llmUnpriced = withKeys(instruments.llmUnpricedCalls, ATTR_PROVIDER_NAME, ATTR_REQUEST_MODEL, ATTR_AGENT_NAME);

/** One finished GenAI operation. */
export interface LlmCall {
  /** Provider, e.g. `openai`, `anthropic` (`gen_ai.provider.name`). */
  provider: string;
  /** Requested model (`gen_ai.request.model`). */
  model: string;
  /** Duration in seconds, to the last chunk for a stream. */
  seconds: number;
  /** Operation name (`gen_ai.operation.name`); default `chat`. */
  operation?: string;
  /** Input (prompt) tokens, when known: all of them, cached ones included (as the conventions count). */
  inputTokens?: number;
  /** Output (completion) tokens, when known: all of them, reasoning included. */
  outputTokens?: number;
  /** Input tokens read from the provider's prompt cache, when reported (a subset of `inputTokens`). */
  cacheReadTokens?: number;
  /** Input tokens written to the provider's prompt cache, when reported (a subset of `inputTokens`). */
  cacheWriteTokens?: number;
  /** @deprecated The same as `cacheWriteTokens`, under its earlier name; used when that is not given. */
  cacheCreationTokens?: number;
  /** Output tokens spent on reasoning, when reported (a subset of `outputTokens`). */
  reasoningTokens?: number;
  /**
   * For a stream: seconds from the request to its first chunk
   * (`gen_ai.client.operation.time_to_first_chunk`). Leave it out when an LlmStreamTimer timed
   * the stream: the timer has recorded it.
   */
  timeToFirstChunkSeconds?: number;
  /** Set on failure: an Error or an error type string. */
  error?: unknown;
  /** The agent the call ran for (`gen_ai.agent.name`), when known; a label of the cost series only. */
  agent?: string;
  /** Job phase (e.g. `planning`); written to a job's metrics.jsonl only, never a metric label. */
  phase?: string;
}

/** Records one LlmCall; never throws (bad input is dropped and counted). */
export function recordLlmCall(call: LlmCall): void {
  if (!state.enabled) return;
  // Its own function, not a guarded() closure: a closure shared by every helper makes one
  // megamorphic call site for all of them (bench/overhead: ten helpers per request).
  try {
    llmCall(call);
  } catch (err) {
    recordingFailed('recordLlmCall', err);
  }
}

type TokenType = (typeof TOKEN_TYPES)[number];

function llmCall(call: LlmCall): void {
  const seconds = guard.measurement(call.seconds, 'llm seconds');
  if (seconds < 0) return;
  const operation = guard.name(call.operation ?? 'chat', 'operation');
  const provider = guard.name(call.provider, 'provider');
  const model = guard.name(call.model, 'model');
  if (operation === undefined || provider === undefined || model === undefined) return;
  const type = failureType(call.error);
  llmDuration.get4(operation, provider, model, type).record(seconds);
  // Each count checked once: it feeds both the token histogram and the cost.
  const counted = (count: number | undefined, tokenType: TokenType): number | undefined => {
    if (count === undefined) return undefined;
    const value = guard.measurement(count, `${tokenType} tokens`);
    if (value < 0) return undefined;
    llmTokens.get4(operation, provider, model, tokenType).record(value);
    return value;
  };
  const tokens: CostTokens = {
    input: counted(call.inputTokens, 'input'),
    output: counted(call.outputTokens, 'output'),
    cacheRead: counted(call.cacheReadTokens, 'cache_read'),
    cacheWrite: counted(call.cacheWriteTokens ?? call.cacheCreationTokens, 'cache_write'),
    reasoning: counted(call.reasoningTokens, 'reasoning'),
  };
  recordCost(provider, model, guard.optionalName(call.agent, 'agent'), tokens, type !== '');
  if (call.timeToFirstChunkSeconds !== undefined) {
    const first = guard.measurement(call.timeToFirstChunkSeconds, 'time to first chunk seconds');
    if (first >= 0) llmFirstChunk.get3(operation, provider, model).record(first);
  }
  if (jobState.active !== 0) {
    recordJobLlmCall({ phase: call.phase, provider, model, seconds, inputTokens: call.inputTokens, outputTokens: call.outputTokens, type });
  }
}

/**
 * The call's cost, or one unpriced call: no price for the model, or (for a call that succeeded)
 * no token counts to price. A failed call without counts is billed nothing and counts in neither.
 */
function recordCost(provider: string, model: string, agent: string, tokens: CostTokens, failed: boolean): void {
  if (tokens.input === undefined && tokens.output === undefined) {
    if (!failed) llmUnpriced.get3(provider, model, agent).add(1);
    return;
  }
  const usd = llmCostUsd(provider, model, tokens);
  if (usd === undefined) llmUnpriced.get3(provider, model, agent).add(1);
  else llmCost.get3(provider, model, agent).add(usd);
}
