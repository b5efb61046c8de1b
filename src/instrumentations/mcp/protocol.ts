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
import { failureOf, isToolErrorResult, mcpErrorType, protocolVersionOf, setProtocolVersion, toolNameOf, transportOf, TOOL_ERROR } from './outcome';
import { labelName, noteListed } from './names';
import { closeSession, openSession } from './sessions';
import { endToolSpan, startToolSpan, thrownByTool, tracingOn } from './tools';
import type { McpMessage, McpProtocol, StoredNotificationHandler, StoredRequestHandler } from './sdk-types';

/** What the patches need from the instrumentation. */
export interface McpHooks {
  enabled(): boolean;
  tracer(): Tracer;
}

const PATCHED = ['setRequestHandler', 'setNotificationHandler', 'request', 'notification', '_onclose', 'close'] as const;

/** Protocols whose close() was called: their session ends as asked, not with an error. */
const closing = new WeakSet<object>();

/** The name a tools/call or prompts/get is about (the request's `params.name`). */
function subjectOf(method: string, params: unknown): { tool?: string; prompt?: string } {
  if (method === 'tools/call') return { tool: toolNameOf(params) };
  if (method === 'prompts/get') return { prompt: toolNameOf(params) };
  return {};
}

/** The subject's label value (see names.ts). */
function labelled(protocol: object, subject: { tool?: string; prompt?: string }, side: 'server' | 'client', succeeded: boolean): { tool?: string; prompt?: string } {
  if (subject.tool !== undefined) return { tool: labelName(protocol, 'tool', subject.tool, side, succeeded) };
  if (subject.prompt !== undefined) return { prompt: labelName(protocol, 'prompt', subject.prompt, side, succeeded) };
  return {};
}

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
  wrapMethod(prototype, 'close', (original) =>
    function close(this: McpProtocol, ...args: unknown[]): unknown {
      closing.add(this);
      return original.apply(this, args);
    } as AnyFunction,
  );
  wrapMethod(prototype, '_onclose', (original) =>
    function _onclose(this: McpProtocol, ...args: unknown[]): unknown {
      // A client's connection that closed without close(): the server went away.
      closeSession(this, closing.has(this) ? undefined : 'connection_closed');
      closing.delete(this);
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
  // Every argument is passed on: SDK 2.x hands handlers more than 1.x did.
  return function handleRequest(this: unknown, request, extra, ...rest) {
    if (!hooks.enabled()) return handler.call(this, request, extra, ...rest);
    const startedAt = performance.now();
    const subject = subjectOf(method, request?.params);
    const { tool } = subject;
    const { transport, protocolName } = transportOf(protocol);
    const toolSpan = tool !== undefined && tracingOn(startedAt) ? startToolSpan(hooks.tracer(), tool, request, extra, transport, protocolVersionOf(protocol, extra)) : undefined;
    const finish = (result: unknown, failure: { error: unknown } | undefined): void => {
      const seconds = (performance.now() - startedAt) / 1000;
      let type = '';
      let statusCode: string | undefined;
      let error: unknown;
      if (failure !== undefined) {
        error = failure.error;
        ({ type, statusCode } = failureOf(error, 'server'));
      } else if (tool !== undefined && isToolErrorResult(result)) {
        const threw = thrownByTool(extra);
        error = threw?.error;
        type = threw === undefined ? TOOL_ERROR : mcpErrorType(threw.error);
      } else if (method === 'initialize') {
        setProtocolVersion(protocol, result);
      } else {
        noteListed(protocol, method, result);
      }
      const protocolVersion = protocolVersionOf(protocol, extra);
      const names = labelled(protocol, subject, 'server', failure === undefined && type === '');
      recordMcpOperation({ side: 'server', method, seconds, ...names, error: type || undefined, statusCode, transport, protocolName, protocolVersion });
      // A tools/call the server refused (no such tool, bad arguments) is still a failed tool call.
      if (names.tool !== undefined) recordToolCall({ tool: names.tool, seconds, error: type || statusCode });
      if (toolSpan !== undefined) endToolSpan(toolSpan.span, type || (statusCode ?? ''), error);
      if (method === 'initialize' && failure === undefined) openSession(protocol, 'server', startedAt, { transport, protocolName }, protocolVersion);
    };
    const spanContext = toolSpan?.context;
    const run = (): unknown => handler.call(this, request, extra, ...rest);
    return observeCall(spanContext !== undefined ? () => context.with(spanContext, run) : run, (o) => finish(o.result, o.failure));
  };
}

function timedNotificationHandler(protocol: McpProtocol, method: string, handler: StoredNotificationHandler, hooks: McpHooks): StoredNotificationHandler {
  // SDK 2.x passes the connection's codec as a second argument.
  return function handleNotification(this: unknown, notification, ...rest) {
    if (!hooks.enabled()) return handler.call(this, notification, ...rest);
    const startedAt = performance.now();
    const finish = (failure: { error: unknown } | undefined): void => {
      const outcome = failure === undefined ? undefined : failureOf(failure.error, 'server');
      recordMcpOperation({
        side: 'server',
        method,
        seconds: (performance.now() - startedAt) / 1000,
        error: outcome?.type || undefined,
        statusCode: outcome?.statusCode,
        ...transportOf(protocol),
        protocolVersion: protocolVersionOf(protocol),
      });
    };
    return observeCall(() => handler.call(this, notification, ...rest), (o) => finish(o.failure));
  };
}

/** A request (until its response) or a notification (until sent) this peer sends. */
function timeSend(protocol: McpProtocol, message: McpMessage, send: () => unknown): unknown {
  const startedAt = performance.now();
  const subject = subjectOf(message.method, message.params);
  const finish = (result: unknown, failure: { error: unknown } | undefined): void => {
    let type = '';
    let statusCode: string | undefined;
    if (failure !== undefined) ({ type, statusCode } = failureOf(failure.error, 'client'));
    else if (subject.tool !== undefined && isToolErrorResult(result)) type = TOOL_ERROR;
    else noteListed(protocol, message.method, result);
    const connection = transportOf(protocol);
    if (message.method === 'initialize' && failure === undefined) {
      setProtocolVersion(protocol, result);
      openSession(protocol, 'client', startedAt, connection, protocolVersionOf(protocol));
    }
    recordMcpOperation({
      side: 'client',
      method: message.method,
      seconds: (performance.now() - startedAt) / 1000,
      ...labelled(protocol, subject, 'client', failure === undefined && type === ''),
      error: type || undefined,
      statusCode,
      ...connection,
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
