/**
 * withToolSpan: a GenAI `execute_tool` span and the tool-call metric in one call. Correlation
 * ids and query text go on the span only; the metric keeps its fixed, low-cardinality keys.
 */
import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_OPERATION_NAME, ATTR_TOOL_NAME } from '../catalog-vocabulary';
import { errorType } from '../attributes';
import { isPromiseLike, recordToolCall } from '../record/tool';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version';

/** Span attribute for the caller's correlation id. */
export const ATTR_CORRELATION_ID = 'agent.correlation_id';
/** Span attribute for the user's query text. */
export const ATTR_QUERY_TEXT = 'agent.query.text';
/** Semantic-convention attribute for a tool call's id. */
export const ATTR_TOOL_CALL_ID = 'gen_ai.tool.call.id';

/** Span-only context of a tool call. */
export interface ToolSpanOptions {
  /** Correlation id of the request (span attribute `agent.correlation_id`). */
  correlationId?: string;
  /** The query or prompt the tool serves (span attribute `agent.query.text`). */
  query?: string;
  /** The model's id for this tool call (`gen_ai.tool.call.id`). */
  callId?: string;
  /** Any further span attributes. */
  attributes?: Attributes;
}

/**
 * Runs `fn` inside an active `execute_tool <tool>` span, records `gen_ai.execute_tool.duration`,
 * and returns what `fn` returns; errors are recorded on the span and rethrown unchanged.
 */
export function withToolSpan<T>(tool: string, fn: (span: Span) => T, options: ToolSpanOptions = {}): T {
  const tracer = trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION);
  const attributes: Attributes = { ...options.attributes, [ATTR_OPERATION_NAME]: 'execute_tool', [ATTR_TOOL_NAME]: tool };
  if (options.correlationId !== undefined) attributes[ATTR_CORRELATION_ID] = options.correlationId;
  if (options.query !== undefined) attributes[ATTR_QUERY_TEXT] = options.query;
  if (options.callId !== undefined) attributes[ATTR_TOOL_CALL_ID] = options.callId;

  return tracer.startActiveSpan(`execute_tool ${tool}`, { kind: SpanKind.INTERNAL, attributes }, (span) => {
    const started = performance.now();
    const finish = (error: unknown): void => {
      recordToolCall({ tool, seconds: (performance.now() - started) / 1000, error });
      if (error !== undefined) {
        span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
        if (error instanceof Error) span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      }
      span.end();
    };
    let result: T;
    try {
      result = fn(span);
    } catch (err) {
      finish(err ?? '_OTHER');
      throw err;
    }
    if (isPromiseLike(result)) {
      return result.then(
        (value) => {
          finish(undefined);
          return value;
        },
        (err: unknown) => {
          finish(err ?? '_OTHER');
          throw err;
        },
      ) as T;
    }
    finish(undefined);
    return result;
  });
}
