/**
 * The few shapes of `@modelcontextprotocol/sdk` 1.x (and the 2.x packages) the instrumentation touches, declared here
 * so the SDK stays out of agentmeter's dependencies. Everything read from them is checked at
 * run time: a shape that changed makes the instrumentation record less, never throw.
 */

/** A JSON-RPC request or notification as the SDK hands it to a handler or sends it. */
export interface McpMessage {
  method: string;
  id?: string | number;
  params?: { name?: unknown; protocolVersion?: unknown; _meta?: Record<string, unknown> } & Record<string, unknown>;
}

/** What `Protocol` stores per method: the SDK's closure around the app's handler. */
export type StoredRequestHandler = (this: unknown, request: McpMessage, extra: unknown, ...rest: unknown[]) => unknown;
export type StoredNotificationHandler = (this: unknown, notification: McpMessage, ...rest: unknown[]) => unknown;

/** A `Protocol` (the base of `Server` and `Client`) as seen from the outside. */
export interface McpProtocol {
  _requestHandlers?: unknown;
  _notificationHandlers?: unknown;
  /** The connected transport (a getter on `Protocol`). */
  readonly transport?: object;
}

/** The `extra` argument of a request handler: the parts read here. */
export interface McpRequestExtra {
  sessionId?: unknown;
  requestInfo?: { headers?: Record<string, unknown> };
}

/** The module exports of `dist/{cjs,esm}/shared/protocol.js`. */
export interface ProtocolModule {
  Protocol?: { prototype: object };
}

/** The module exports of `dist/{cjs,esm}/server/mcp.js`. */
export interface McpServerModule {
  McpServer?: { prototype: object };
}
