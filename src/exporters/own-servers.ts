/**
 * agentmeter's own HTTP servers (the Prometheus endpoint, the summary server): the http
 * instrumentation leaves their requests out of the app's `http.server.request.duration`, or
 * every scrape would count as one of the app's requests and weigh in its latency.
 */
import type { IncomingMessage, Server } from 'node:http';

const own = new WeakSet<object>();

export function markOwnServer(server: Server): void {
  own.add(server);
}

/** True for a request that reached one of agentmeter's own servers. */
export function isOwnRequest(request: IncomingMessage): boolean {
  const server = (request.socket as { server?: unknown } | undefined)?.server;
  return typeof server === 'object' && server !== null && own.has(server);
}
