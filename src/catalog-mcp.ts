/**
 * The MCP instruments (`mcp.*` of the GenAI semantic conventions' `model/mcp`), kept apart from
 * the rest of the application catalog; catalog.ts spreads them into METRICS.
 */
import type { MetricDefinition } from './catalog';
import {
  ATTR_ERROR_TYPE, ATTR_MCP_METHOD_NAME, ATTR_MCP_PROTOCOL_VERSION, ATTR_NETWORK_PROTOCOL_NAME, ATTR_NETWORK_TRANSPORT,
  ATTR_OPERATION_NAME, ATTR_PROMPT_NAME, ATTR_RPC_STATUS_CODE, ATTR_TOOL_NAME, MCP_DURATION_BUCKETS, NETWORK_PROTOCOLS,
  NETWORK_TRANSPORTS,
} from './catalog-vocabulary';

const error = { key: ATTR_ERROR_TYPE, optional: true } as const;
const mcpConnection = [
  { key: ATTR_NETWORK_TRANSPORT, values: NETWORK_TRANSPORTS, optional: true, when: 'when known' },
  { key: ATTR_NETWORK_PROTOCOL_NAME, values: NETWORK_PROTOCOLS, optional: true, when: 'over HTTP or WebSocket' },
  { key: ATTR_MCP_PROTOCOL_VERSION, optional: true, when: 'when known' },
] as const;
const mcpSession = [...mcpConnection, { key: ATTR_ERROR_TYPE, optional: true, when: 'when the session ended with an error' }] as const;
// The key order is the lookup order of recordMcpOperation (src/record/mcp.ts).
const mcpOperation = [
  { key: ATTR_MCP_METHOD_NAME },
  { key: ATTR_TOOL_NAME, optional: true, when: 'on tools/call (`_unknown` for a tool the server did not register or list)' },
  { key: ATTR_PROMPT_NAME, optional: true, when: 'on prompts/get (`_unknown` for a prompt the server did not register or list)' },
  error,
  { key: ATTR_RPC_STATUS_CODE, optional: true, when: 'when the response is a JSON-RPC error' },
  ...mcpConnection,
] as const;
const executeToolOnToolsCall = [{ key: ATTR_OPERATION_NAME, from: ATTR_MCP_METHOD_NAME, values: { 'tools/call': 'execute_tool' } }] as const;


export const MCP_METRICS = {
  mcpServerDuration: {
    name: 'mcp.server.operation.duration',
    kind: 'histogram',
    unit: 's',
    description: 'MCP requests and notifications this process handled; error.type is the JSON-RPC error code (not for the codes of a request the caller got wrong: -32700, -32600, -32601, -32602, -32002), the thrown error\'s type, or tool_error.',
    buckets: MCP_DURATION_BUCKETS,
    attributes: mcpOperation,
    derived: executeToolOnToolsCall,
    domain: 'mcp',
  },
  mcpClientDuration: {
    name: 'mcp.client.operation.duration',
    kind: 'histogram',
    unit: 's',
    description: 'MCP requests and notifications this process sent, until the response (or the send, for a notification); every JSON-RPC error code is an error.type.',
    buckets: MCP_DURATION_BUCKETS,
    attributes: mcpOperation,
    derived: executeToolOnToolsCall,
    domain: 'mcp',
  },
  mcpServerSessionDuration: {
    name: 'mcp.server.session.duration',
    kind: 'histogram',
    unit: 's',
    description: 'MCP server sessions, from initialize to the transport closing; open ones count in agent.sessions.active.',
    buckets: MCP_DURATION_BUCKETS,
    attributes: mcpSession,
    domain: 'mcp',
  },
  mcpClientSessionDuration: {
    name: 'mcp.client.session.duration',
    kind: 'histogram',
    unit: 's',
    description: 'MCP client sessions, from connect (initialize) to the transport closing.',
    buckets: MCP_DURATION_BUCKETS,
    attributes: mcpSession,
    domain: 'mcp',
  },
} as const satisfies Record<string, MetricDefinition>;
