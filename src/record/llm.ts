/** LLM calls: `gen_ai.client.operation.duration` and `gen_ai.client.token.usage`. */
import { failureType } from '../attributes';
import { guard, instruments } from '../store/registry';
import { guarded } from './guarded';
import { jobState, recordJobLlmCall } from '../jobs/scope';

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

export const recordLlmCall: (call: LlmCall) => void = guarded('recordLlmCall', (call) => {
  const seconds = guard.measurement(call.seconds, 'llm seconds');
  if (seconds < 0) return;
  const operation = guard.name(call.operation ?? 'chat', 'operation');
  const provider = guard.name(call.provider, 'provider');
  const model = guard.name(call.model, 'model');
  if (operation === undefined || provider === undefined || model === undefined) return;
  const type = failureType(call.error);
  instruments.llmDuration.get4(operation, provider, model, type).record(seconds);
  if (call.inputTokens !== undefined) {
    const tokens = guard.measurement(call.inputTokens, 'input tokens');
    if (tokens >= 0) instruments.llmTokens.get4(operation, provider, model, 'input').record(tokens);
  }
  if (call.outputTokens !== undefined) {
    const tokens = guard.measurement(call.outputTokens, 'output tokens');
    if (tokens >= 0) instruments.llmTokens.get4(operation, provider, model, 'output').record(tokens);
  }
  if (call.cacheReadTokens !== undefined) {
    const tokens = guard.measurement(call.cacheReadTokens, 'cache read tokens');
    if (tokens >= 0) instruments.llmTokens.get4(operation, provider, model, 'cache_read').record(tokens);
  }
  if (call.cacheCreationTokens !== undefined) {
    const tokens = guard.measurement(call.cacheCreationTokens, 'cache creation tokens');
    if (tokens >= 0) instruments.llmTokens.get4(operation, provider, model, 'cache_creation').record(tokens);
  }
  if (jobState.active !== 0) {
    recordJobLlmCall({ phase: call.phase, provider, model, seconds, inputTokens: call.inputTokens, outputTokens: call.outputTokens, type });
  }
});
