/**
 * MCP server sessions: one opens when a Server handles `initialize`, and ends when its transport
 * closes (`mcp.server.session.duration`); open ones count in `agent.sessions.active`. A stateless
 * HTTP server, which builds a Server per request, has a session only for its initialize request.
 */
import { recordMcpSession } from '../../record/mcp';
import { trackSession, type Tracker } from '../../record/system';

interface OpenSession {
  startedAt: number;
  transport: string | undefined;
  protocolVersion: string | undefined;
  active: Tracker;
}

const open = new WeakMap<object, OpenSession>();

/** A session began at `startedAt` (performance.now()); a previous one of the same Server ends first. */
export function openSession(protocol: object, startedAt: number, transport: string | undefined, protocolVersion: string | undefined): void {
  closeSession(protocol);
  open.set(protocol, { startedAt, transport, protocolVersion, active: trackSession() });
}

/** The Server's transport closed: records the session, if one was open. */
export function closeSession(protocol: object): void {
  const session = open.get(protocol);
  if (session === undefined) return;
  open.delete(protocol);
  session.active.end();
  recordMcpSession({
    seconds: (performance.now() - session.startedAt) / 1000,
    transport: session.transport,
    protocolVersion: session.protocolVersion,
  });
}
