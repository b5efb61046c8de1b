/**
 * What an Agents SDK span says, read defensively: its type, the names it carries, the model
 * call it describes and its error as a bounded `error.type`. The SDK keeps the thrown error out
 * of most spans (it records a fixed message, and the error's text only when sensitive data is
 * traced), so an error type is the thrown class when the span shows it, else a fixed word.
 */
import { openaiTokenCounts, type OpenAITokenCounts } from '../openai/usage';
import type { SpanError } from './sdk-types';

/** A field of an object, or undefined. */
export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** A non-empty string field, or undefined. */
export function text(value: unknown, key: string): string | undefined {
  const found = field(value, key);
  return typeof found === 'string' && found !== '' ? found : undefined;
}

/** The span's type (`agent`, `function`, `handoff`, `generation`, `response`, `turn`, ...). */
export function spanType(data: unknown): string | undefined {
  return text(data, 'type');
}

/** The agent a span belongs to: an agent span's name, or a turn span's `agent_name`. */
export function agentOf(data: unknown): string | undefined {
  const type = spanType(data);
  if (type === 'agent') return text(data, 'name');
  if (type === 'turn') return text(data, 'agent_name');
  return undefined;
}

/** Messages the SDK sets on agent spans, as error types. */
const AGENT_ERRORS = new Map([
  ['Max turns exceeded', 'max_turns_exceeded'],
  ['Guardrail tripwire triggered', 'guardrail_tripwire_triggered'],
]);

/** `TypeError: boom` (an error's String()) → `TypeError`; a bare `Error` says nothing, so no. */
function thrownClass(detail: unknown): string | undefined {
  if (typeof detail !== 'string') return undefined;
  const match = /^((?:[A-Za-z_$][\w$]{0,99})?(?:Error|Exception)):\s/.exec(detail);
  return match === null || match[1] === 'Error' ? undefined : match[1];
}

/** An agent span's error: the SDK's reason (max turns, guardrail), the thrown class, or `agent_error`. */
export function agentErrorType(error: SpanError | null | undefined): string | undefined {
  if (error === null || error === undefined) return undefined;
  const known = typeof error.message === 'string' ? AGENT_ERRORS.get(error.message) : undefined;
  return known ?? thrownClass(field(error.data, 'error')) ?? 'agent_error';
}

/**
 * A function span's error: `tool_rejected` when a human rejected the call (the SDK says so in
 * its data), the thrown class when the span shows it, else `tool_error`.
 */
export function toolErrorType(error: SpanError | null | undefined): string | undefined {
  if (error === null || error === undefined) return undefined;
  const detail = field(error.data, 'error');
  if (typeof detail === 'string' && detail.endsWith(' was manually rejected by user.')) return 'tool_rejected';
  return thrownClass(detail) ?? 'tool_error';
}

/** A generation or response span's error: the thrown class when shown, else `model_error`. */
export function modelErrorType(error: SpanError | null | undefined): string | undefined {
  if (error === null || error === undefined) return undefined;
  return thrownClass(field(error.data, 'error')) ?? thrownClass(error.message) ?? 'model_error';
}

/** A model call as a span describes it. */
export interface SpanModelCall {
  provider: string;
  model: string;
  tokens: OpenAITokenCounts & { cacheWriteTokens?: number };
}

/** Token counts from span usage (`input_tokens`, `output_tokens`, their `*_details`). */
function spanTokens(usage: unknown): SpanModelCall['tokens'] {
  const cacheWrite = field(field(usage, 'input_tokens_details'), 'cache_write_tokens');
  return {
    ...openaiTokenCounts(usage),
    cacheWriteTokens: typeof cacheWrite === 'number' && Number.isFinite(cacheWrite) && cacheWrite >= 0 ? cacheWrite : undefined,
  };
}

/**
 * A call of one of `@openai/agents-openai`'s models: a response span (Responses API) or a
 * generation span (Chat Completions). `requested` is the model the agent asked for, when known;
 * else the span's own (a response span has the response, and so its usage, only when the SDK
 * traces sensitive data).
 */
export function openaiModelCall(data: unknown, requested: string | undefined): SpanModelCall {
  const response = field(data, '_response');
  const model = requested ?? text(data, 'model') ?? text(response, 'model') ?? '';
  const usage = spanType(data) === 'response' ? field(response, 'usage') : field(data, 'usage');
  return { provider: 'openai', model, tokens: spanTokens(usage) };
}

/**
 * A call of `@openai/agents-extensions`' AI SDK adapter (`aisdk(model)`): its generation spans
 * say `model_impl: 'ai-sdk'`, the AI SDK provider (`openai.responses`: `openai`) and
 * `provider:modelId` as the model.
 */
export function adapterModelCall(data: unknown): SpanModelCall | undefined {
  const config = field(data, 'model_config');
  if (spanType(data) !== 'generation' || text(config, 'model_impl') !== 'ai-sdk') return undefined;
  const provider = text(config, 'provider')?.split('.')[0];
  const model = text(data, 'model');
  const id = model?.includes(':') === true ? model.slice(model.indexOf(':') + 1) : model;
  if (provider === undefined || provider === '' || id === undefined || id === '') return undefined;
  return { provider, model: id, tokens: spanTokens(field(data, 'usage')) };
}

/** Seconds between the span's own ISO timestamps (millisecond precision), for a span whose start was not seen. */
export function isoSeconds(startedAt: unknown, endedAt: unknown): number | undefined {
  if (typeof startedAt !== 'string' || typeof endedAt !== 'string') return undefined;
  const seconds = (Date.parse(endedAt) - Date.parse(startedAt)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}
