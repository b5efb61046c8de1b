/** LLM calls: `gen_ai.client.operation.duration` and `gen_ai.client.token.usage`. */
import { failureType } from '../attributes';
import { guard, instruments, state } from '../store/registry';
import { recordingFailed } from './guarded';
import { jobState, recordJobLlmCall } from '../jobs/scope';
import { withKeys } from '../store/instrument';
import { ATTR_ERROR_TYPE, ATTR_OPERATION_NAME, ATTR_PROVIDER_NAME, ATTR_REQUEST_MODEL, ATTR_TOKEN_TYPE } from '../catalog-vocabulary';

const llmDuration = withKeys(instruments.llmDuration, ATTR_OPERATION_NAME, ATTR_PROVIDER_NAME, ATTR_REQUEST_MODEL, ATTR_ERROR_TYPE);
const llmTokens = withKeys(instruments.llmTokens, ATTR_OPERATION_NAME, ATTR_PROVIDER_NAME, ATTR_REQUEST_MODEL, ATTR_TOKEN_TYPE);

/** One finished GenAI operation. */
export interface LlmCall {
  /** Provider, e.g. `openai`, `anthropic` (`gen_ai.provider.name`). */
  provider: string;
  /** Requested model (`gen_ai.request.model`). */
  model: string;
  /** Duration in seconds. */
  seconds: number;
  /** Operation name (`gen_ai.operation.name`); default `chat`. */
  operation?: string;
  /** Input (prompt) tokens, when known. */
  inputTokens?: number;
  /** Output (completion) tokens, when known. */
  outputTokens?: number;
  /** Input tokens read from the provider's prompt cache, when reported (a subset of `inputTokens`). */
  cacheReadTokens?: number;
  /** Input tokens written to the provider's prompt cache, when reported (a subset of `inputTokens`). */
  cacheCreationTokens?: number;
  /** Set on failure: an Error or an error type string. */
  error?: unknown;
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

function llmCall(call: LlmCall): void {
  const seconds = guard.measurement(call.seconds, 'llm seconds');
  if (seconds < 0) return;
  const operation = guard.name(call.operation ?? 'chat', 'operation');
  const provider = guard.name(call.provider, 'provider');
  const model = guard.name(call.model, 'model');
  if (operation === undefined || provider === undefined || model === undefined) return;
  const type = failureType(call.error);
  llmDuration.get4(operation, provider, model, type).record(seconds);
  if (call.inputTokens !== undefined) {
    const tokens = guard.measurement(call.inputTokens, 'input tokens');
    if (tokens >= 0) llmTokens.get4(operation, provider, model, 'input').record(tokens);
  }
  if (call.outputTokens !== undefined) {
    const tokens = guard.measurement(call.outputTokens, 'output tokens');
    if (tokens >= 0) llmTokens.get4(operation, provider, model, 'output').record(tokens);
  }
  if (call.cacheReadTokens !== undefined) {
    const tokens = guard.measurement(call.cacheReadTokens, 'cache read tokens');
    if (tokens >= 0) llmTokens.get4(operation, provider, model, 'cache_read').record(tokens);
  }
  if (call.cacheCreationTokens !== undefined) {
    const tokens = guard.measurement(call.cacheCreationTokens, 'cache creation tokens');
    if (tokens >= 0) llmTokens.get4(operation, provider, model, 'cache_creation').record(tokens);
  }
  if (jobState.active !== 0) {
    recordJobLlmCall({ phase: call.phase, provider, model, seconds, inputTokens: call.inputTokens, outputTokens: call.outputTokens, type });
  }
}
