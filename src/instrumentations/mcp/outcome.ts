/**
 * What an MCP operation's attributes are: `error.type` from its outcome, `network.transport`
 * from the transport's class, `mcp.protocol.version` from initialize (or the HTTP header).
 */
import { errorType } from '../../attributes';
import type { McpProtocol, McpRequestExtra } from './sdk-types';

/** `error.type` of a `tools/call` whose result says `isError: true` (MCP conventions). */
export const TOOL_ERROR = 'tool_error';

/**
 * `error.type` of a failed operation: the JSON-RPC error code when the error carries one
 * (`McpError`, what the SDK sends as `error.code`), else the error's own type (its `code`
 * string or class name), which says more than the -32603 the SDK sends for it.
 */
export function mcpErrorType(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'number' && Number.isSafeInteger(code) ? String(code) : errorType(error);
}

/** True for a `CallToolResult` with `isError: true`. */
export function isToolErrorResult(result: unknown): boolean {
  return typeof result === 'object' && result !== null && (result as { isError?: unknown }).isError === true;
}

/** The tool name of a `tools/call` request, or undefined. */
export function toolNameOf(params: unknown): string | undefined {
  const name = typeof params === 'object' && params !== null ? (params as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

const transportKinds = new Map<unknown, string | undefined>();

/**
 * `pipe` for the stdio transports, `tcp` for HTTP (streamable HTTP, SSE) and WebSocket, by class
 * name; undefined for others (in-memory, custom), which then carry no `network.transport`.
 */
export function transportKindOf(protocol: McpProtocol): string | undefined {
  const transport = protocol.transport;
  if (transport === undefined || transport === null) return undefined;
  const ctor = (transport as { constructor?: { name?: unknown } }).constructor;
  if (transportKinds.has(ctor)) return transportKinds.get(ctor);
  const name = typeof ctor?.name === 'string' ? ctor.name : '';
  const kind = /^Stdio(Server|Client)Transport$/.test(name) ? 'pipe' : /HTTP|Http|SSE|WebSocket/.test(name) ? 'tcp' : undefined;
  transportKinds.set(ctor, kind);
  return kind;
}

const negotiated = new WeakMap<object, string>();

/** Remembers the protocol version an `initialize` settled on for this Server or Client. */
export function setProtocolVersion(protocol: object, result: unknown): void {
  const version = typeof result === 'object' && result !== null ? (result as { protocolVersion?: unknown }).protocolVersion : undefined;
  if (typeof version === 'string' && version !== '') negotiated.set(protocol, version);
}

/**
 * The negotiated version; for a stateless HTTP server, which sees no initialize, the
 * `mcp-protocol-version` header the transport has already checked against the supported ones.
 */
export function protocolVersionOf(protocol: object, extra?: unknown): string | undefined {
  const version = negotiated.get(protocol);
  if (version !== undefined || extra === undefined) return version;
  const header = (extra as McpRequestExtra | null)?.requestInfo?.headers?.['mcp-protocol-version'];
  return typeof header === 'string' && header !== '' ? header : undefined;
}
