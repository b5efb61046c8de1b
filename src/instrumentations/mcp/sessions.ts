/**
 * MCP sessions: a server's opens when it handles `initialize`, a client's when its `initialize`
 * is answered; both end when the transport closes (`mcp.server.session.duration`,
 * `mcp.client.session.duration`). Open server sessions count in `agent.sessions.active`. A
 * stateless HTTP server, which builds a Server per request, has a session only for its
 * initialize request.
 */
import { recordMcpSession } from '../../record/mcp';
import { trackSession, type Tracker } from '../../record/system';
import type { TransportKind } from './outcome';

interface OpenSession {
  side: 'server' | 'client';
  startedAt: number;
  connection: TransportKind;
  protocolVersion: string | undefined;
  active: Tracker | undefined;
}

const open = new WeakMap<object, OpenSession>();

/** A session began at `startedAt` (performance.now()); a previous one of the same peer ends first. */
export function openSession(protocol: object, side: 'server' | 'client', startedAt: number, connection: TransportKind, protocolVersion: string | undefined): void {
  closeSession(protocol);
  open.set(protocol, { side, startedAt, connection, protocolVersion, active: side === 'server' ? trackSession() : undefined });
}

/**
 * The peer's transport closed: records the session, if one was open. `error` is the type of
 * an unrequested end, recorded for a client's session only (a server's session ends when its
 * client leaves, which is how it is meant to end).
 */
export function closeSession(protocol: object, error?: string): void {
  const session = open.get(protocol);
  if (session === undefined) return;
  open.delete(protocol);
  session.active?.end();
  recordMcpSession({
    side: session.side,
    seconds: (performance.now() - session.startedAt) / 1000,
    error: session.side === 'client' ? error : undefined,
    transport: session.connection.transport,
    protocolName: session.connection.protocolName,
    protocolVersion: session.protocolVersion,
  });
}
