/**
 * MCP operations and sessions (the conventions' `mcp.*` metrics): what the MCP instrumentation
 * records for every request and notification a `Server` handles or a `Client` sends.
 */
import { failureType } from '../attributes';
import { guard, instruments } from '../store/registry';
import { guarded } from './guarded';
import {
  ATTR_ERROR_TYPE, ATTR_MCP_METHOD_NAME, ATTR_MCP_PROTOCOL_VERSION, ATTR_NETWORK_PROTOCOL_NAME, ATTR_NETWORK_TRANSPORT,
  ATTR_PROMPT_NAME, ATTR_RPC_STATUS_CODE, ATTR_TOOL_NAME,
} from '../catalog-vocabulary';
import { withKeys } from '../store/instrument';

const OPERATION_KEYS = [
  ATTR_MCP_METHOD_NAME, ATTR_TOOL_NAME, ATTR_PROMPT_NAME, ATTR_ERROR_TYPE, ATTR_RPC_STATUS_CODE, ATTR_NETWORK_TRANSPORT,
  ATTR_NETWORK_PROTOCOL_NAME, ATTR_MCP_PROTOCOL_VERSION,
] as const;
const SESSION_KEYS = [ATTR_NETWORK_TRANSPORT, ATTR_NETWORK_PROTOCOL_NAME, ATTR_MCP_PROTOCOL_VERSION, ATTR_ERROR_TYPE] as const;
const operations = {
  client: withKeys(instruments.mcpClientDuration, ...OPERATION_KEYS),
  server: withKeys(instruments.mcpServerDuration, ...OPERATION_KEYS),
};
const sessions = {
  client: withKeys(instruments.mcpClientSessionDuration, ...SESSION_KEYS),
  server: withKeys(instruments.mcpServerSessionDuration, ...SESSION_KEYS),
};

/** One finished MCP request or notification. */
export interface McpOperation {
  /** `server`: one this process received and handled; `client`: one it sent. */
  side: 'server' | 'client';
  /** JSON-RPC method, e.g. `tools/call` (`mcp.method.name`). */
  method: string;
  /** Duration in seconds. */
  seconds: number;
  /** Tool name of a `tools/call` (`gen_ai.tool.name`); bounded by the attribute cap. */
  tool?: string;
  /** Prompt name of a `prompts/get` (`gen_ai.prompt.name`); bounded by the attribute cap. */
  prompt?: string;
  /** Set on failure: a type string (`-32603`, `tool_error`) or an Error (its `code` or class name). */
  error?: unknown;
  /** The JSON-RPC error code of an error response (`rpc.response.status_code`), e.g. `-32602`. */
  statusCode?: string;
  /** `pipe` for stdio, `tcp` for HTTP (`network.transport`), when known. */
  transport?: string;
  /** `http` for streamable HTTP and SSE, `websocket` (`network.protocol.name`), when known. */
  protocolName?: string;
  /** The negotiated protocol version (`mcp.protocol.version`), when known. */
  protocolVersion?: string;
}

/** One MCP session that ended. */
export interface McpSession {
  /** `server`: a session this process served; `client`: one it opened to a server. */
  side: 'server' | 'client';
  /** From initialize to the transport closing, in seconds. */
  seconds: number;
  /** Set when the session ended with an error: a type string or an Error. */
  error?: unknown;
  /** `pipe` or `tcp`, when known. */
  transport?: string;
  /** `http` or `websocket`, when known. */
  protocolName?: string;
  /** The negotiated protocol version, when known. */
  protocolVersion?: string;
}

/** Records one MCP operation. Never throws; bad input is dropped and counted. */
export const recordMcpOperation: (operation: McpOperation) => void = guarded('recordMcpOperation', (op) => {
  const seconds = guard.measurement(op.seconds, 'mcp seconds');
  if (seconds < 0) return;
  const method = guard.name(op.method, 'mcp method');
  if (method === undefined) return;
  const instrument = op.side === 'client' ? operations.client : operations.server;
  instrument
    .getN([method, op.tool ?? '', op.prompt ?? '', failureType(op.error), op.statusCode ?? '', op.transport ?? '', op.protocolName ?? '', op.protocolVersion ?? ''])
    .record(seconds);
});

/** Records one ended MCP session. Never throws. */
export const recordMcpSession: (session: McpSession) => void = guarded('recordMcpSession', (session) => {
  const seconds = guard.measurement(session.seconds, 'mcp session seconds');
  if (seconds < 0) return;
  const instrument = session.side === 'client' ? sessions.client : sessions.server;
  instrument.get4(session.transport ?? '', session.protocolName ?? '', session.protocolVersion ?? '', failureType(session.error)).record(seconds);
});
