/**
 * What a LangChain model run says about itself, read from the callback arguments: the model
 * class (`serialized.id`, its `lc_namespace` and class name), the provider and model the class
 * reports for LangSmith (`ls_provider`, `ls_model_name` in the run's metadata), the invocation
 * parameters, and the usage in the result. Everything here is read defensively: the values come
 * from model integrations, any of which may leave a field out or fill it oddly.
 */
import type { ProviderSdk } from '../provider-sdks';

/** LangChain's `Serialized`: `id` is the class's namespace and name. */
export interface Serialized {
  id?: unknown;
  name?: unknown;
}

/** Token counts in `recordLlmCall`'s terms. */
export interface LlmTokens {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** The class id, e.g. `['langchain', 'chat_models', 'openai', 'ChatOpenAI']`, when it is one. */
export function classId(serialized: unknown): readonly string[] | undefined {
  const id = record(serialized)?.id;
  return Array.isArray(id) && id.every((part) => typeof part === 'string') ? (id as string[]) : undefined;
}

/**
 * The model packages that call a provider SDK agentmeter can measure, by the `lc_namespace`
 * part after `chat_models` / `llms`: `@langchain/openai` (`openai`, `azure_openai`) and the
 * integrations that extend its classes (`@langchain/deepseek`, `@langchain/xai`) call the
 * `openai` package; `@langchain/anthropic` calls `@anthropic-ai/sdk`. Subclasses keep their
 * parent's namespace unless they set their own.
 */
const SDK_BY_NAMESPACE = new Map<string, ProviderSdk>([
  ['openai', 'openai'],
  ['azure_openai', 'openai'],
  ['deepseek', 'openai'],
  ['xai', 'openai'],
  ['anthropic', '@anthropic-ai/sdk'],
]);

/** The provider SDK the model class calls, when it is one agentmeter can measure. */
export function providerSdkOf(serialized: unknown): ProviderSdk | undefined {
  const id = classId(serialized);
  if (id === undefined || id.length < 4 || id[0] !== 'langchain' || (id[1] !== 'chat_models' && id[1] !== 'llms')) return undefined;
  return SDK_BY_NAMESPACE.get(id[2]!);
}

/**
 * LangChain's `ls_provider` values that name a provider the GenAI conventions spell otherwise
 * (`gen_ai.provider.name`); any other value is used as reported.
 */
const PROVIDER_NAMES = new Map<string, string>([
  ['azure', 'azure.ai.openai'],
  ['azure_openai', 'azure.ai.openai'],
  ['bedrock', 'aws.bedrock'],
  ['amazon_bedrock', 'aws.bedrock'],
  ['google_genai', 'gcp.gemini'],
  ['google_vertexai', 'gcp.vertex_ai'],
  ['mistral', 'mistral_ai'],
  ['mistralai', 'mistral_ai'],
  ['xai', 'x_ai'],
  ['watsonx', 'ibm.watsonx.ai'],
]);

/** `gen_ai.provider.name` for a run: its `ls_provider`, else the class's namespace, else `_OTHER`. */
export function providerName(serialized: unknown, metadata: unknown): string {
  const reported = text(record(metadata)?.ls_provider);
  const id = classId(serialized);
  const name = reported ?? (id !== undefined && id.length >= 4 && id[0] === 'langchain' ? id[2] : undefined) ?? '_OTHER';
  return PROVIDER_NAMES.get(name) ?? name;
}

/** The requested model: `ls_model_name`, else the invocation parameters' model, else ''. */
export function modelName(metadata: unknown, extraParams: unknown): string {
  const reported = text(record(metadata)?.ls_model_name);
  if (reported !== undefined) return reported;
  const params = record(record(extraParams)?.invocation_params);
  return text(params?.model) ?? text(params?.model_name) ?? text(params?.modelName) ?? '';
}

/**
 * Usage of an `LLMResult`: the first generation's `message.usage_metadata` (LangChain's
 * standard shape, whose `input_tokens` already counts cached tokens, as the conventions do),
 * else `llmOutput.tokenUsage` (`promptTokens`, `completionTokens`) that older integrations fill.
 */
export function tokenUsage(output: unknown): LlmTokens {
  const result = record(output);
  const generations = result?.generations;
  if (Array.isArray(generations)) {
    for (const batch of generations) {
      if (!Array.isArray(batch)) continue;
      for (const generation of batch) {
        const usage = record(record(record(generation)?.message)?.usage_metadata);
        if (usage !== undefined) return fromUsageMetadata(usage);
      }
    }
  }
  const legacy = record(record(result?.llmOutput)?.tokenUsage);
  if (legacy === undefined) return {};
  return { inputTokens: count(legacy.promptTokens), outputTokens: count(legacy.completionTokens) };
}

function fromUsageMetadata(usage: Record<string, unknown>): LlmTokens {
  const input = record(usage.input_token_details);
  const output = record(usage.output_token_details);
  return {
    inputTokens: count(usage.input_tokens),
    outputTokens: count(usage.output_tokens),
    cacheReadTokens: count(input?.cache_read),
    cacheWriteTokens: count(input?.cache_creation),
    reasoningTokens: count(output?.reasoning),
  };
}
