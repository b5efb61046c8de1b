/** The `error.type` of a failed model call, shared by the provider-SDK hooks. */
import { errorType } from '../attributes';

/**
 * The error's class name (`RateLimitError`), as the official OpenAI instrumentation reports it:
 * SDKs before 1.0 leave `name` at "Error" on every class.
 */
export function llmErrorType(error: unknown): string {
  const name = typeof error === 'object' && error !== null ? (error as { constructor?: { name?: unknown } }).constructor?.name : undefined;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? name : errorType(error);
}
