/**
 * What agentmeter's two HTTP endpoints (the Prometheus endpoint, the summary server) share:
 * the server itself (HTTP, or HTTPS from a web config file), never keeping the host alive, and
 * the gate every request passes: a bound on responses in flight (beyond it 503 with
 * Retry-After), a write timeout (a response not written out in time has its connection
 * destroyed: a scraper that never reads cannot hold a collection), the web config's headers,
 * and basic auth. Each refusal is counted in `agentmeter.endpoint.refused`; none is logged
 * with anything the client sent.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { EndpointName } from '../catalog-vocabulary';
import { recordEndpointRefused } from '../record/exporter';
import { BasicAuth } from './basic-auth';
import { markOwnServer } from './own-servers';
import type { TlsServerSettings, WebConfig } from './web-config';

/** Responses an endpoint serves at once by default; more get 503. */
export const DEFAULT_MAX_IN_FLIGHT = 32;
/** Time a response may take from its request to its last byte by default, in milliseconds. */
export const DEFAULT_WRITE_TIMEOUT_MILLIS = 30_000;
/** A client that has not finished its TLS handshake or its request headers by then is dropped. */
const HANDSHAKE_TIMEOUT_MILLIS = 10_000;
/** How often node:http checks the header timeout (its default, 30 s, would let a slow client stay 40 s). */
const CONNECTIONS_CHECK_MILLIS = 2_000;
/**
 * A response whose client has read nothing for this long (its buffer full, no drain) is stalled:
 * at the bound it gives its place to a new request, so clients that never read cannot lock out
 * one that does. A reading client drains within milliseconds.
 */
const STALLED_MILLIS = 5_000;
/** Open connections allowed per response in flight (idle keep-alive sockets and ones still sending headers count too), and at least. */
const CONNECTIONS_PER_RESPONSE = 4;
const MIN_CONNECTIONS = 64;
/** Seconds a refused scraper is asked to wait (Prometheus itself retries at its next interval). */
const RETRY_AFTER_SECONDS = '1';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Options of an endpoint's gate and server. */
export interface EndpointGateOptions {
  /** TLS, basic auth and extra headers; default none (plain HTTP, open). */
  webConfig?: WebConfig;
  /** Responses in flight at once; default 32. */
  maxInFlight?: number;
  /** Longest time from request to last byte written, ms; default 30000. */
  writeTimeoutMillis?: number;
}

/** Writes a refusal in the endpoint's own style (text or JSON). */
export type Refuse = (res: ServerResponse, status: number, headers: Record<string, string>) => void;

/** Enforces the client-certificate policies node:tls has no switch for (Go's RequireAnyClientCert, VerifyClientCertIfGiven). */
function certificatePolicy(settings: TlsServerSettings): ((socket: TLSSocket) => void) | undefined {
  const hasCertificate = (socket: TLSSocket): boolean => Object.keys(socket.getPeerCertificate()).length > 0;
  if (settings.clientAuthType === 'RequireAnyClientCert') {
    return (socket) => {
      if (!hasCertificate(socket)) socket.destroy();
    };
  }
  if (settings.clientAuthType === 'VerifyClientCertIfGiven') {
    return (socket) => {
      if (hasCertificate(socket) && !socket.authorized) socket.destroy();
    };
  }
  return undefined;
}

/** An HTTP server, or HTTPS when the web config has `tls_server_config`; unref'd and marked as agentmeter's own. */
export function createEndpointServer(
  webConfig: WebConfig | undefined,
  handler: Handler,
  writeTimeoutMillis = DEFAULT_WRITE_TIMEOUT_MILLIS,
  maxInFlight = DEFAULT_MAX_IN_FLIGHT,
): Server {
  const tls = webConfig?.tls;
  const timeouts = {
    headersTimeout: Math.min(HANDSHAKE_TIMEOUT_MILLIS, writeTimeoutMillis),
    requestTimeout: Math.min(HANDSHAKE_TIMEOUT_MILLIS, writeTimeoutMillis),
    connectionsCheckingInterval: CONNECTIONS_CHECK_MILLIS,
  };
  let server: Server;
  if (tls === undefined) {
    server = createHttpServer(timeouts, handler);
  } else {
    const asks = tls.clientAuthType !== 'NoClientCert';
    server = createHttpsServer(
      {
        cert: tls.cert,
        key: tls.key,
        ca: tls.clientCa,
        requestCert: asks,
        // Only RequireAndVerifyClientCert lets OpenSSL refuse unverified certificates itself.
        rejectUnauthorized: tls.clientAuthType === 'RequireAndVerifyClientCert',
        minVersion: tls.minVersion,
        maxVersion: tls.maxVersion,
        handshakeTimeout: HANDSHAKE_TIMEOUT_MILLIS,
        ...timeouts,
      },
      handler,
    ) as unknown as Server;
    const policy = certificatePolicy(tls);
    if (policy !== undefined) server.on('secureConnection', policy);
    // A failed handshake (a plain-HTTP client, an unknown CA) just closes that connection.
    server.on('tlsClientError', (_err: Error, socket: TLSSocket) => socket.destroy());
  }
  // A bound on open connections (idle keep-alive, slow handshakes and headers included), so
  // clients cannot use up the host's file descriptors; past it node:http closes new ones at once.
  server.maxConnections = Math.max(CONNECTIONS_PER_RESPONSE * maxInFlight, MIN_CONNECTIONS);
  // Never keeps the host process alive on its own, nor do scrapers' keep-alive sockets.
  server.unref();
  server.on('connection', (socket: { unref(): void }) => socket.unref());
  markOwnServer(server);
  return server;
}

/** Grace a response in flight gets at shutdown before its connection is closed, in milliseconds. */
const SHUTDOWN_GRACE_MILLIS = 1000;

/**
 * Closes the server: idle keep-alive sockets at once, responses still in flight after a short
 * grace (a stalled scraper would otherwise hold shutdown until its write timeout).
 */
export function closeEndpointServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MILLIS);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** The checks in front of an endpoint's handler. */
export class EndpointGate {
  private inFlight = 0;
  /** Each response in flight, and when its client last took data (admission, or its last drain). */
  private readonly progress = new Map<ServerResponse, number>();
  private readonly stalledMillis: number;
  private readonly maxInFlight: number;
  private readonly writeTimeoutMillis: number;
  private readonly auth: BasicAuth;
  private readonly headers: ReadonlyArray<readonly [string, string]>;

  constructor(
    private readonly endpoint: EndpointName,
    private readonly refuse: Refuse,
    options: EndpointGateOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.writeTimeoutMillis = options.writeTimeoutMillis ?? DEFAULT_WRITE_TIMEOUT_MILLIS;
    this.stalledMillis = Math.min(STALLED_MILLIS, this.writeTimeoutMillis / 4);
    this.auth = new BasicAuth(options.webConfig?.users ?? new Map());
    this.headers = options.webConfig?.headers ?? [];
  }

  /** Responses being served now. */
  get responsesInFlight(): number {
    return this.inFlight;
  }

  /**
   * Checks the credentials, then admits the request (bound, timeout) and hands it to `next`, or
   * answers it. Authentication comes first and takes no place in flight: requests with made-up
   * credentials cannot fill the bound, and cost at most a few bcrypt verifications a second
   * (basic-auth.ts); a scraper whose credential was verified before passes without bcrypt.
   */
  handle(req: IncomingMessage, res: ServerResponse, next: Handler): void {
    for (const [name, value] of this.headers) res.setHeader(name, value);
    const quick = this.auth.remembered(req.headers.authorization);
    if (quick === true) return this.serve(req, res, next);
    if (quick === false) return this.unauthorized(res);
    this.auth.check(req.headers.authorization).then(
      (ok) => {
        if (res.destroyed) return;
        if (ok) this.serve(req, res, next);
        else this.unauthorized(res);
      },
      () => this.refuse(res, 500, {}),
    );
  }

  private unauthorized(res: ServerResponse): void {
    recordEndpointRefused(this.endpoint, 'unauthorized');
    this.refuse(res, 401, { 'www-authenticate': 'Basic realm="agentmeter"' });
  }

  /** The bound (503 unless a stalled response gives way), then the write timeout, then `next`. */
  private serve(req: IncomingMessage, res: ServerResponse, next: Handler): void {
    if (this.inFlight >= this.maxInFlight && !this.evictStalled()) {
      recordEndpointRefused(this.endpoint, 'busy');
      this.refuse(res, 503, { 'retry-after': RETRY_AFTER_SECONDS });
      return;
    }
    this.admit(res);
    next(req, res);
  }

  /**
   * At the bound: destroys the response whose client has gone longest without reading (past the
   * stalled threshold) and returns true, making room; false when every response is progressing.
   */
  private evictStalled(): boolean {
    const now = performance.now();
    let victim: ServerResponse | undefined;
    let since = now - this.stalledMillis;
    for (const [res, last] of this.progress) {
      if (res.writableNeedDrain && last <= since) {
        victim = res;
        since = last;
      }
    }
    if (victim === undefined) return false;
    recordEndpointRefused(this.endpoint, 'stalled');
    // Its 'close' releases its place; the new request is admitted now, one over for that instant.
    this.progress.delete(victim);
    victim.destroy();
    return true;
  }

  /** Counts the response in flight until it ends, and destroys it if it outlives the write timeout. */
  private admit(res: ServerResponse): void {
    this.inFlight += 1;
    this.progress.set(res, performance.now());
    const progressed = (): void => {
      if (this.progress.has(res)) this.progress.set(res, performance.now());
    };
    res.on('drain', progressed);
    let released = false;
    const timer = setTimeout(() => {
      recordEndpointRefused(this.endpoint, 'write_timeout');
      res.destroy();
    }, this.writeTimeoutMillis);
    timer.unref();
    const release = (): void => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      this.progress.delete(res);
      this.inFlight -= 1;
    };
    // finish: the last byte reached the kernel; close: done, or the connection went away first.
    res.once('finish', release);
    res.once('close', release);
  }
}
