/**
 * The kafkajs client built from resolved options, shared by the metric exporter and the
 * routing-event publisher and writer so both use the same brokers, SASL, TLS and timeouts.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { diag } from '@opentelemetry/api';
import type { ISocketFactory, Kafka } from 'kafkajs';
import { kafkajs } from '../../optional-modules';
import { kafkajsSasl } from './credentials';
import { fixKafkaRequestQueue } from './request-queue-fix';
import { registerZstdCodec, zstdAvailable } from './compression';
import type { ResolvedKafkaOptions } from './options';

// Errors that retrying cannot fix (kafkajs `type` names of Kafka protocol errors).
const NON_RETRIABLE = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_TOPIC_EXCEPTION',
  'TOPIC_AUTHORIZATION_FAILED',
  'INVALID_RECORD',
  'UNSUPPORTED_COMPRESSION_TYPE',
]);

/** The error's Kafka protocol name (e.g. `LEADER_NOT_AVAILABLE`), else its class name. */
export function kafkaErrorType(error: unknown): string {
  const e = error as { type?: unknown; name?: unknown; cause?: unknown } | undefined;
  if (typeof e?.type === 'string' && e.type !== '') return e.type;
  if (typeof e?.name === 'string' && e.name !== '') return e.name;
  return '_OTHER';
}

/** True when sending the same message again cannot succeed (too large, not authorised, ...). */
export function isPermanentKafkaError(type: string): boolean {
  return NON_RETRIABLE.has(type);
}

/**
 * kafkajs's own socket factory (same TLS server name and keep-alive), recording each socket in
 * `sockets` while it is open, so that its owner can `unref()` them while it has nothing to send
 * and a finished app exits, and `ref()` them while it sends.
 */
export function trackingSocketFactory(sockets: Set<Socket>): ISocketFactory {
  return ({ host, port, ssl, onConnect }) => {
    const socket: Socket = ssl ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect) : netConnect({ host, port }, onConnect);
    // A retry kafkajs schedules after its owner closed must not open a connection that holds the process.
    if (closedSets.has(sockets)) {
      socket.destroy(new Error('agentmeter: the Kafka client is closed'));
      return socket;
    }
    socket.setKeepAlive(true, 60000);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
}

const closedSets = new WeakSet<Set<Socket>>();

/** Time a stopping client gets to close its broker connections politely once the flush is over, in ms. */
export const CLOSE_GRACE_MILLIS = 1000;

/**
 * Ends every connection in `sockets` at once and refuses new ones: a broker that went away, or
 * never answers, completes no polite close, and an open socket keeps the process alive.
 */
export function closeSockets(sockets: Set<Socket>): void {
  closedSets.add(sockets);
  for (const socket of sockets) socket.destroy();
  sockets.clear();
}

/**
 * True when `work` settles within `millis`, false when the time runs out first; the work is then
 * left to settle on its own (its rejection ignored). The timer is ref'd: a caller awaiting a
 * bounded shutdown gets its answer rather than an event loop that empties under it.
 */
export async function settlesWithin(work: Promise<unknown>, millis: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, Math.max(0, millis), false)));
  try {
    return await Promise.race([work.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A kafkajs client. `retries` is kafkajs's own retry count per operation: callers with their own
 * retry loop keep it at 1 so one attempt stays bounded; a consumer group wants more.
 */
export function createKafkaClient(o: ResolvedKafkaOptions, retries = 1, socketFactory?: ISocketFactory): Kafka {
  fixKafkaRequestQueue();
  // Producers send zstd by default; the routing-event writer's consumer must read it.
  if (zstdAvailable()) registerZstdCodec();
  const { Kafka, logLevel } = kafkajs();
  return new Kafka({
    ...(socketFactory === undefined ? {} : { socketFactory }),
    clientId: o.clientId,
    brokers: o.brokers,
    ssl: o.tls === undefined ? false : o.tls.ca === undefined ? true : { ca: [o.tls.ca] },
    sasl: o.sasl === undefined ? undefined : kafkajsSasl(o.sasl),
    requestTimeout: o.requestTimeoutMillis,
    connectionTimeout: Math.min(o.requestTimeoutMillis, 3000),
    retry: { retries, initialRetryTime: 100, maxRetryTime: 1000 },
    logLevel: logLevel.ERROR,
    logCreator: () => ({ namespace, log }) => diag.debug(`kafkajs ${namespace}: ${log.message}`),
  });
}
