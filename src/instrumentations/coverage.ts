/**
 * What agentmeter's direct hooks already measure, so the generic GenAI span bridge
 * (genai-spans) turns only the remaining spans into metrics:
 * - spans of an OpenTelemetry instrumentation scope a direct hook covers (e.g. a framework's own
 *   OTel integration, whose spans describe the calls the hook has recorded), and
 * - spans started inside an operation a direct hook is measuring (`runMeasured`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

// Scope names are a library's choice, never a peer's; still a Set, never a plain object's keys.
const coveredScopes = new Set<string>();
const measuring = new AsyncLocalStorage<true>();

/**
 * The store behind `runMeasured`, for a hook that enters measured operations through a
 * diagnostics channel's `bindStore` (the AI SDK's) rather than by calling a function.
 */
export const measuredOperations: AsyncLocalStorage<true> = measuring;

/** Spans of tracer `scopeName` describe operations a direct hook has measured. */
export function coverSpanScope(scopeName: string): void {
  coveredScopes.add(scopeName);
}

/** Forgets a scope (the direct hook was disabled). */
export function uncoverSpanScope(scopeName: string): void {
  coveredScopes.delete(scopeName);
}

export function isCoveredScope(scopeName: string): boolean {
  return coveredScopes.has(scopeName);
}

/** Runs `fn` as an operation a direct hook measures: spans started inside are not bridged. */
export function runMeasured<T>(fn: () => T): T {
  return measuring.run(true, fn);
}

export function insideMeasuredOperation(): boolean {
  return measuring.getStore() === true;
}
