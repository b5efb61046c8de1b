/**
 * The patches on the SDK's `Protocol` (base of `Server` and `Client`). Received requests and
 * notifications are timed from the handler's start to its result (`mcp.server.operation.duration`,
 * the receiver's side in the conventions, whichever peer receives); sent ones from the send to
 * the response (`mcp.client.operation.duration`). Handlers are wrapped where the SDK stores them,
 * right after `setRequestHandler`/`setNotificationHandler`, so dispatch pays one closure call.
 */
import { context, type Tracer } from '@opentelemetry/api';
import { recordMcpOperation } from '../../record/mcp';
import { recordToolCall } from '../../record/tool';
import { isThenable, observeCall, unwrapMethod, wrapMethod, type AnyFunction } from '../wrap';
import { isToolErrorResult, mcpErrorType, protocolVersionOf, setProtocolVersion, toolNameOf, transportKindOf, TOOL_ERROR } from './outcome';
import { closeSession, openSession } from './sessions';
import { endToolSpan, startToolSpan, thrownByTool, tracingOn } from './tools';
import type { McpMessage, McpProtocol, StoredNotificationHandler, StoredRequestHandler } from './sdk-types';

/** What the patches need from the instrumentation. */
export interface McpHooks {
  enabled(): boolean;
  tracer(): Tracer;
}

const PATCHED = ['setRequestHandler', 'setNotificationHandler', 'request', 'notification', '_onclose'] as const;

export function patchProtocol(prototype: object, hooks: McpHooks): void {
  wrapMethod(prototype, 'setRequestHandler', (original) =>
    function setRequestHandler(this: McpProtocol, ...args: unknown[]): unknown {
      return timeNewHandlers(this._requestHandlers, () => original.apply(this, args), (method, handler) =>
        timedRequestHandler(this, method, handler as StoredRequestHandler, hooks),
      );
    } as AnyFunction,
  );
  wrapMethod(prototype, 'setNotificationHandler', (original) =>
    function setNotificationHandler(this: McpProtocol, ...args: unknown[]): unknown {
      return timeNewHandlers(this._notificationHandlers, () => original.apply(this, args), (method, handler) =>
        timedNotificationHandler(this, method, handler as StoredNotificationHandler, hooks),
      );
    } as AnyFunction,
  );
  for (const name of ['request', 'notification'] as const) {
    wrapMethod(prototype, name, (original) =>
      function send(this: McpProtocol, ...args: unknown[]): unknown {
        const message = args[0] as McpMessage | undefined;
        if (!hooks.enabled() || typeof message?.method !== 'string') return original.apply(this, args);
        return timeSend(this, message, () => original.apply(this, args));
      } as AnyFunction,
    );
  }
  wrapMethod(prototype, '_onclose', (original) =>
    function _onclose(this: McpProtocol, ...args: unknown[]): unknown {
      closeSession(this);
      return original.apply(this, args);
    } as AnyFunction,
  );
}

export function unpatchProtocol(prototype: object): void {
  for (const name of PATCHED) unwrapMethod(prototype, name);
}

const timed = new WeakSet<object>();

/** Runs a handler registration, then wraps the one stored handler it added or replaced. */
function timeNewHandlers(
  handlers: unknown,
  register: () => unknown,
  wrap: (method: string, handler: (...args: never[]) => unknown) => (...args: never[]) => unknown,
): unknown {
  if (!(handlers instanceof Map)) return register();
  const before = new Map(handlers as Map<string, unknown>);
  const result = register();
  for (const [method, handler] of handlers as Map<string, unknown>) {
    if (before.get(method) === handler || typeof handler !== 'function' || timed.has(handler)) continue;
    const wrapper = wrap(method, handler as (...args: never[]) => unknown);
    timed.add(wrapper);
    handlers.set(method, wrapper);
  }
  return result;
}

function timedRequestHandler(protocol: McpProtocol, method: string, handler: StoredRequestHandler, hooks: McpHooks): StoredRequestHandler {
  return function handleRequest(request, extra) {
    if (!hooks.enabled()) return handler(request, extra);
    const startedAt = performance.now();
    const tool = method === 'tools/call' ? toolNameOf(request?.params) : undefined;
    const transport = transportKindOf(protocol);
    const toolSpan = tool !== undefined && tracingOn(startedAt) ? startToolSpan(hooks.tracer(), tool, request, extra, transport, protocolVersionOf(protocol, extra)) : undefined;
    const finish = (result: unknown, failure: { error: unknown } | undefined): void => {
      const seconds = (performance.now() - startedAt) / 1000;
      let type = '';
      let error: unknown;
      if (failure !== undefined) {
        error = failure.error;
        type = mcpErrorType(error);
      } else if (tool !== undefined && isToolErrorResult(result)) {
        const threw = thrownByTool(extra);
        error = threw?.error;
        type = threw === undefined ? TOOL_ERROR : mcpErrorType(threw.error);
      } else if (method === 'initialize') {
        setProtocolVersion(protocol, result);
      }
      const protocolVersion = protocolVersionOf(protocol, extra);
      recordMcpOperation({ side: 'server', method, seconds, tool, error: type || undefined, transport, protocolVersion });
      if (tool !== undefined) recordToolCall({ tool, seconds, error: type || undefined });
      if (toolSpan !== undefined) endToolSpan(toolSpan.span, type, error);
      if (method === 'initialize' && type === '') openSession(protocol, startedAt, transport, protocolVersion);
    };
    const spanContext = toolSpan?.context;
    const run = (): unknown => handler(request, extra);
    return observeCall(spanContext !== undefined ? () => context.with(spanContext, run) : run, (o) => finish(o.result, o.failure));
  };
}

function timedNotificationHandler(protocol: McpProtocol, method: string, handler: StoredNotificationHandler, hooks: McpHooks): StoredNotificationHandler {
  return function handleNotification(notification) {
    if (!hooks.enabled()) return handler(notification);
    const startedAt = performance.now();
    const finish = (failure: { error: unknown } | undefined): void => {
      recordMcpOperation({
        side: 'server',
        method,
        seconds: (performance.now() - startedAt) / 1000,
        error: failure === undefined ? undefined : mcpErrorType(failure.error),
        transport: transportKindOf(protocol),
        protocolVersion: protocolVersionOf(protocol),
      });
    };
    return observeCall(() => handler(notification), (o) => finish(o.failure));
  };
}

/** A request (until its response) or a notification (until sent) this peer sends. */
function timeSend(protocol: McpProtocol, message: McpMessage, send: () => unknown): unknown {
  const startedAt = performance.now();
  const tool = message.method === 'tools/call' ? toolNameOf(message.params) : undefined;
  const finish = (result: unknown, failure: { error: unknown } | undefined): void => {
    let type = '';
    if (failure !== undefined) type = mcpErrorType(failure.error);
    else if (tool !== undefined && isToolErrorResult(result)) type = TOOL_ERROR;
    else if (message.method === 'initialize') setProtocolVersion(protocol, result);
    recordMcpOperation({
      side: 'client',
      method: message.method,
      seconds: (performance.now() - startedAt) / 1000,
      tool,
      error: type || undefined,
      transport: transportKindOf(protocol),
      protocolVersion: protocolVersionOf(protocol),
    });
  };
  let pending: unknown;
  try {
    pending = send();
  } catch (err) {
    finish(undefined, { error: err });
    throw err;
  }
  if (!isThenable(pending)) return pending;
  // The caller gets the chained promise: a rejection it leaves unhandled stays unhandled.
  return pending.then(
    (result) => {
      finish(result, undefined);
      return result;
    },
    (err: unknown) => {
      finish(undefined, { error: err });
      throw err;
    },
  );
}
