/**
 * MCP operations and sessions (the conventions' `mcp.*` metrics): what the MCP instrumentation
 * records for every request and notification a `Server` handles or a `Client` sends.
 */
import { failureType } from '../attributes';
import { guard, instruments } from '../store/registry';
import { guarded } from './guarded';

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
  /** Set on failure: a type string (`-32602`, `tool_error`) or an Error (its `code` or class name). */
  error?: unknown;
  /** `pipe` for stdio, `tcp` for HTTP (`network.transport`), when known. */
  transport?: string;
  /** The negotiated protocol version (`mcp.protocol.version`), when known. */
  protocolVersion?: string;
}

/** One MCP session that ended. */
export interface McpSession {
  /** From initialize to the transport closing, in seconds. */
  seconds: number;
  /** `pipe` or `tcp`, when known. */
  transport?: string;
  /** The negotiated protocol version, when known. */
  protocolVersion?: string;
}

/** Records one MCP operation. Never throws; bad input is dropped and counted. */
export const recordMcpOperation: (operation: McpOperation) => void = guarded('recordMcpOperation', (op) => {
  const seconds = guard.measurement(op.seconds, 'mcp seconds');
  if (seconds < 0) return;
  const method = guard.name(op.method, 'mcp method');
  if (method === undefined) return;
  const instrument = op.side === 'client' ? instruments.mcpClientDuration : instruments.mcpServerDuration;
  instrument.get5(method, op.tool ?? '', failureType(op.error), op.transport ?? '', op.protocolVersion ?? '').record(seconds);
});

/** Records one ended MCP server session. Never throws. */
export const recordMcpSession: (session: McpSession) => void = guarded('recordMcpSession', (session) => {
  const seconds = guard.measurement(session.seconds, 'mcp session seconds');
  if (seconds < 0) return;
  instruments.mcpServerSessionDuration.get2(session.transport ?? '', session.protocolVersion ?? '').record(seconds);
});
