/**
 * The parts of `@openai/agents-core`'s tracing API this instrumentation uses, as they are in
 * 0.15 to 0.20. Everything read from a span or trace is checked before use: the SDK's span data
 * is typed loosely ("exporters are responsible for ... validation"), and custom models fill it.
 */

/** What `Span.error` holds once the SDK has set it. */
export interface SpanError {
  message?: unknown;
  data?: unknown;
}

/** A span as a trace processor receives it. */
export interface AgentsSpan {
  spanId?: unknown;
  parentId?: unknown;
  spanData?: unknown;
  error?: SpanError | null;
  startedAt?: unknown;
  endedAt?: unknown;
}

/** A trace as a trace processor receives it. */
export interface AgentsTrace {
  traceId?: unknown;
  name?: unknown;
}

/** The SDK's `TracingProcessor` interface, which `addTraceProcessor` takes. */
export interface TracingProcessor {
  onTraceStart(trace: AgentsTrace): Promise<void>;
  onTraceEnd(trace: AgentsTrace): Promise<void>;
  onSpanStart(span: AgentsSpan): Promise<void>;
  onSpanEnd(span: AgentsSpan): Promise<void>;
  shutdown(timeout?: number): Promise<void>;
  forceFlush(): Promise<void>;
}

/** The global `TraceProvider` (one per process, kept on `globalThis` by the SDK). */
export interface TraceProvider {
  registerProcessor(processor: TracingProcessor): void;
  setProcessors(processors: TracingProcessor[]): void;
  createTrace(options: unknown): unknown;
}

/** `@openai/agents-core`'s exports (CommonJS or the ESM namespace). */
export interface AgentsCoreModule {
  getGlobalTraceProvider?: () => unknown;
}

/** `@openai/agents-openai`'s model classes, whose calls reach the API through the `openai` client. */
export interface AgentsOpenAIModule {
  OpenAIResponsesModel?: { prototype: object };
  OpenAIChatCompletionsModel?: { prototype: object };
}

export function isTraceProvider(value: unknown): value is TraceProvider {
  if (typeof value !== 'object' || value === null) return false;
  const provider = value as Record<string, unknown>;
  return typeof provider.registerProcessor === 'function' && typeof provider.setProcessors === 'function' && typeof provider.createTrace === 'function';
}
