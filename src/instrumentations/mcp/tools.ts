/**
 * Tool calls on the server: the `execute_tool` span, and the error a high-level `McpServer` tool
 * threw. McpServer turns a thrown error into a result with `isError: true`, so on the wire a
 * throwing tool looks like one that returned an error; `executeToolHandler` is where the thrown
 * error is still visible, keyed here by the request's `extra` (one object per request).
 */
import {
  context, propagation, SpanKind, SpanStatusCode, trace,
  type Attributes, type Context, type Span, type Tracer,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE, ATTR_MCP_METHOD_NAME, ATTR_MCP_PROTOCOL_VERSION, ATTR_NETWORK_TRANSPORT,
  ATTR_OPERATION_NAME, ATTR_TOOL_NAME,
} from '../../catalog-vocabulary';
import { isThenable, wrapMethod, type AnyFunction } from '../wrap';
import { tracingRegistered } from '../../trace/registered';
import { noteRegistered, type NameKind } from './names';
import type { McpMessage, McpRequestExtra } from './sdk-types';

const thrown = new WeakMap<object, unknown>();

/** The error the tool of this request threw, if it threw (`has` tells an undefined throw apart). */
export function thrownByTool(extra: unknown): { error: unknown } | undefined {
  return typeof extra === 'object' && extra !== null && thrown.has(extra) ? { error: thrown.get(extra) } : undefined;
}

/** McpServer's registration methods (v1 and v2), by the kind of name their first argument is. */
export const REGISTRATION_METHODS: Readonly<Record<string, NameKind>> = { registerTool: 'tool', tool: 'tool', registerPrompt: 'prompt', prompt: 'prompt' };

/**
 * Wraps McpServer's registration methods, so the names its tools and prompts have are known on
 * its `server` (see names.ts), and `executeToolHandler` (SDK 1.20+, and 2.x), for the error a
 * tool threw; false on SDKs without `executeToolHandler`.
 */
export function patchMcpServer(prototype: object, enabled: () => boolean): boolean {
  for (const [method, kind] of Object.entries(REGISTRATION_METHODS)) {
    wrapMethod(prototype, method, (original) =>
      function register(this: { server?: unknown }, ...args: unknown[]): unknown {
        const result = original.apply(this, args);
        if (typeof this.server === 'object' && this.server !== null) noteRegistered(this.server, this, kind, args[0]);
        return result;
      } as AnyFunction,
    );
  }
  return wrapMethod(prototype, 'executeToolHandler', (original) =>
    function executeToolHandler(this: unknown, ...args: unknown[]): unknown {
      const result = original.apply(this, args);
      const extra = args[2];
      if (!enabled() || typeof extra !== 'object' || extra === null || !isThenable(result)) return result;
      return result.then(undefined, (err: unknown) => {
        thrown.set(extra, err);
        throw err;
      });
    } as AnyFunction,
  );
}

let tracing = { on: false, checkedAt: -Infinity };

/**
 * False while no TracerProvider is registered (agentmeter registers none unless
 * OTEL_TRACES_EXPORTER is set): the span would be a no-op, and building it costs about a µs a
 * call. Looked up at most once a second, so a provider registered later is seen within one.
 */
export function tracingOn(now: number = performance.now()): boolean {
  if (now - tracing.checkedAt < 1000) return tracing.on;
  tracing = { on: tracingRegistered(), checkedAt: now };
  return tracing.on;
}

/**
 * Starts the `execute_tool <tool>` span of a tools/call (a child of the caller's trace context
 * when `params._meta` carries one, as the MCP conventions propagate it), and the context to run
 * the handler in; undefined context when tracing is off, so nothing else is paid for.
 */
export function startToolSpan(
  tracer: Tracer,
  tool: string,
  request: McpMessage,
  extra: unknown,
  transport: string | undefined,
  protocolVersion: string | undefined,
): { span: Span; context: Context | undefined } {
  const meta = request.params?._meta;
  const parent = meta !== undefined && typeof meta === 'object' && 'traceparent' in meta ? propagation.extract(context.active(), meta) : context.active();
  const attributes: Attributes = {
    [ATTR_OPERATION_NAME]: 'execute_tool',
    [ATTR_TOOL_NAME]: tool,
    [ATTR_MCP_METHOD_NAME]: 'tools/call',
  };
  if (request.id !== undefined) attributes['jsonrpc.request.id'] = String(request.id);
  if (transport !== undefined) attributes[ATTR_NETWORK_TRANSPORT] = transport;
  if (protocolVersion !== undefined) attributes[ATTR_MCP_PROTOCOL_VERSION] = protocolVersion;
  const sessionId = (extra as McpRequestExtra | null)?.sessionId;
  if (typeof sessionId === 'string') attributes['mcp.session.id'] = sessionId;
  const span = tracer.startSpan(`execute_tool ${tool}`, { kind: SpanKind.SERVER, attributes }, parent);
  return { span, context: span.isRecording() ? trace.setSpan(parent, span) : undefined };
}

/** Ends the span with the call's outcome. */
export function endToolSpan(span: Span, type: string, error: unknown): void {
  if (type !== '') {
    span.setAttribute(ATTR_ERROR_TYPE, type);
    if (error instanceof Error) span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : undefined });
  }
  span.end();
}
