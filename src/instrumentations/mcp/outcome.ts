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

/** The JSON-RPC error code an error carries (`McpError`, `ProtocolError`: what goes out as `error.code`), as a string. */
export function jsonRpcCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'number' && Number.isSafeInteger(code) ? String(code) : undefined;
}

/**
 * Codes of a request the receiver could not serve because of the caller (parse error, invalid
 * request, method not found, invalid params (also: no such tool), resource not found): on the
 * server side they set `rpc.response.status_code` but are not failures (MCP conventions).
 */
const CALLER_FAULT_CODES = new Set(['-32700', '-32600', '-32601', '-32602', '-32002']);

/** `error.type` and `rpc.response.status_code` of a failed operation, as the side that records it classifies it. */
export function failureOf(error: unknown, side: 'server' | 'client'): { type: string; statusCode: string | undefined } {
  const statusCode = jsonRpcCode(error);
  if (statusCode !== undefined && side === 'server' && CALLER_FAULT_CODES.has(statusCode)) return { type: '', statusCode };
  return { type: mcpErrorType(error), statusCode };
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

/** `network.transport` and `network.protocol.name` of a transport class. */
export interface TransportKind {
  transport: string | undefined;
  protocolName: string | undefined;
}

const NO_TRANSPORT: TransportKind = { transport: undefined, protocolName: undefined };
const transportKinds = new Map<unknown, TransportKind>();

/**
 * By the transport's class name (v1 and v2 alike): `pipe` for stdio; `tcp` + `http` for
 * streamable HTTP (incl. v2's WebStandard and per-request ones) and SSE; `tcp` + `websocket`;
 * nothing for others (in-memory, custom).
 */
export function transportOf(protocol: McpProtocol): TransportKind {
  const transport = protocol.transport;
  if (transport === undefined || transport === null) return NO_TRANSPORT;
  const ctor = (transport as { constructor?: { name?: unknown } }).constructor;
  const cached = transportKinds.get(ctor);
  if (cached !== undefined) return cached;
  const name = typeof ctor?.name === 'string' ? ctor.name : '';
  const kind: TransportKind = /^Stdio(Server|Client)Transport$/.test(name)
    ? { transport: 'pipe', protocolName: undefined }
    : /HTTP|Http|SSE/.test(name)
      ? { transport: 'tcp', protocolName: 'http' }
      : /WebSocket/.test(name)
        ? { transport: 'tcp', protocolName: 'websocket' }
        : NO_TRANSPORT;
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
  const version = negotiated.get(protocol) ?? sdkNegotiated(protocol);
  if (version !== undefined || extra === undefined) return version;
  const header = (extra as McpRequestExtra | null)?.requestInfo?.headers?.['mcp-protocol-version'];
  return typeof header === 'string' && header !== '' ? header : undefined;
}

/** SDK 2.x keeps the negotiated version on the Protocol (also for eras without initialize). */
function sdkNegotiated(protocol: object): string | undefined {
  const version = (protocol as { _negotiatedProtocolVersion?: unknown })._negotiatedProtocolVersion;
  return typeof version === 'string' && version !== '' ? version : undefined;
}
