/**
 * What a finished GenAI-convention span becomes: the same metrics the direct hooks record, read
 * from the conventions' attributes (`gen_ai.operation.name` says which). Only the keys listed here
 * are read; every value is the framework's (or its peer's) and goes through the guard as data.
 */
import { recordAgentInvocation, recordWorkflow } from '../../record/agent';
import { recordLlmCall } from '../../record/llm';
import { recordToolCall } from '../../record/tool';

/** The attributes of a span the bridge reads, as the span set them (last write wins). */
export interface GenAiSpanData {
  operation?: unknown;
  tool?: unknown;
  agent?: unknown;
  workflow?: unknown;
  provider?: unknown;
  /** `gen_ai.system`, the provider's key before `gen_ai.provider.name`. */
  system?: unknown;
  model?: unknown;
  responseModel?: unknown;
  inputTokens?: unknown;
  outputTokens?: unknown;
  cacheReadTokens?: unknown;
  cacheWriteTokens?: unknown;
  reasoningTokens?: unknown;
  errorType?: unknown;
  /** The span's name (conventions: `{operation} {target}`, e.g. `execute_tool search`). */
  spanName?: string;
}

/** Span attribute key → field of GenAiSpanData. A Map: keys come from the framework. */
export const READ_KEYS: ReadonlyMap<string, Exclude<keyof GenAiSpanData, 'spanName'>> = new Map([
  ['gen_ai.operation.name', 'operation'],
  ['gen_ai.tool.name', 'tool'],
  ['gen_ai.agent.name', 'agent'],
  ['gen_ai.workflow.name', 'workflow'],
  ['gen_ai.provider.name', 'provider'],
  ['gen_ai.system', 'system'],
  ['gen_ai.request.model', 'model'],
  ['gen_ai.response.model', 'responseModel'],
  ['gen_ai.usage.input_tokens', 'inputTokens'],
  ['gen_ai.usage.output_tokens', 'outputTokens'],
  ['gen_ai.usage.cache_read.input_tokens', 'cacheReadTokens'],
  ['gen_ai.usage.cache_creation.input_tokens', 'cacheWriteTokens'],
  ['gen_ai.usage.reasoning.output_tokens', 'reasoningTokens'],
  ['error.type', 'errorType'],
]);

/** The conventions' operation names of model calls. */
const MODEL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings', 'inference']);

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const count = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined);

/**
 * The span's operation: `gen_ai.operation.name`, or `chat` for a span that names a provider and a
 * requested model but no operation (Google's ADK marks its model-call spans only so).
 */
function operationOf(data: GenAiSpanData): string | undefined {
  const operation = text(data.operation);
  if (operation !== undefined) return operation;
  if ((text(data.provider) ?? text(data.system)) !== undefined && text(data.model) !== undefined) return 'chat';
  return namedOperation(data.spanName)?.[0];
}

/** Operations a span name alone may say (`execute_tool lookup`), with the name of what they run. */
const NAMED_OPERATIONS = new Set(['execute_tool', 'invoke_agent', 'invoke_workflow']);

/**
 * `[operation, target]` from a span named as the conventions name these spans, for a span that
 * ended without its attributes (Google's ADK sets them only when the tool succeeded).
 */
function namedOperation(name: string | undefined): [string, string] | undefined {
  const space = name?.indexOf(' ') ?? -1;
  if (name === undefined || space <= 0 || space === name.length - 1) return undefined;
  const operation = name.slice(0, space);
  return NAMED_OPERATIONS.has(operation) ? [operation, name.slice(space + 1)] : undefined;
}

/**
 * Records one ended span. `failure`: the span's status was ERROR or the function run with it
 * active threw (the `error.type` attribute wins, else the exception's type, else `_OTHER`);
 * undefined when it succeeded.
 * `llmMeasured`: a provider-SDK hook recorded the model call under this span.
 */
export function recordGenAiSpan(data: GenAiSpanData, seconds: number, failure: string | undefined, llmMeasured: boolean): void {
  const operation = operationOf(data);
  if (operation === undefined) return;
  const error = text(data.errorType) ?? failure;
  // The target a span name gives, when the attribute is missing.
  const named = (): string | undefined => {
    const parsed = namedOperation(data.spanName);
    return parsed?.[0] === operation ? parsed[1] : undefined;
  };
  if (operation === 'execute_tool') {
    recordToolCall({ tool: text(data.tool) ?? named() ?? '_unknown', seconds, error, agent: text(data.agent) });
  } else if (operation === 'invoke_agent') {
    recordAgentInvocation({ agent: text(data.agent) ?? named() ?? '_unknown', seconds, provider: text(data.provider) ?? text(data.system), model: text(data.model), error });
  } else if (operation === 'invoke_workflow') {
    recordWorkflow({ workflow: text(data.workflow) ?? named(), seconds, error });
  } else if (MODEL_OPERATIONS.has(operation) && !llmMeasured) {
    recordLlmCall({
      provider: text(data.provider) ?? text(data.system) ?? '_unknown',
      model: text(data.model) ?? text(data.responseModel) ?? '_unknown',
      operation,
      seconds,
      inputTokens: count(data.inputTokens),
      outputTokens: count(data.outputTokens),
      cacheReadTokens: count(data.cacheReadTokens),
      cacheWriteTokens: count(data.cacheWriteTokens),
      reasoningTokens: count(data.reasoningTokens),
      error,
    });
  }
}
