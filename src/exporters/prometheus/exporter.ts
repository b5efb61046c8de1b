/**
 * The pull endpoint: `@opentelemetry/exporter-prometheus`'s reader, served by agentmeter's own
 * HTTP or HTTPS server (endpoint-server.ts: TLS and basic auth from a web config file, a bound
 * on responses in flight, a write timeout) with agentmeter's serializer (Collector-compatible
 * names, cached labels) streamed in chunks so a large scrape never holds the event loop for long.
 * Scrapes that arrive while a collection runs share it (single flight); each is then written on
 * its own, so a slow scraper never delays a fast one.
 * The format (0.0.4 text, or OpenMetrics with exemplars) and gzip follow the scraper's
 * Accept and Accept-Encoding; gzip runs in node:zlib, on the libuv threadpool.
 * A page that fits in one chunk (up to 250 series or 64 KiB by default) goes out in one `end(body)`
 * with a Content-Length, gzipped in one call when asked: no chunked encoding, no turn per chunk.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip, gzip as gzipCallback } from 'node:zlib';
import { diag } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { MetricProducer, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { IncompatibleDependencyError } from '../../errors';
import { storeSnapshotOf } from '../../store/snapshot';
import { streamingMetricDataOf } from '../../store/streaming';
import { closeEndpointServer, createEndpointServer, EndpointGate, type EndpointGateOptions } from '../endpoint-server';
import { acceptsGzip, negotiateFormat } from './negotiate';
import { OPENMETRICS_CONTENT_TYPE } from './openmetrics';
import { PrometheusSerializer } from './serializer';

/** Options of the Prometheus endpoint. */
export interface PrometheusEndpointOptions extends EndpointGateOptions {
  /** Interface to bind; default `127.0.0.1` (the stock exporter binds all interfaces). */
  host?: string;
  /** TCP port; default 9464. 0 picks a free port (see `url` after `ready`). */
  port?: number;
  /** Path of the metrics page; default `/metrics`. */
  endpoint?: string;
  /** Extra producers, e.g. agentmeter's store (added by `start()`). */
  metricProducers?: MetricProducer[];
  /** Data points serialised between two yields to the event loop; default 250. */
  chunkDataPoints?: number;
  /**
   * Other processes' collections served on the same page, asked for before this process's own
   * (a `node:cluster` primary's workers); their data points must carry attributes that keep
   * their series apart. A rejection serves this process's series alone.
   */
  otherResources?: () => Promise<ResourceMetrics[]>;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type ExportMetrics = (response: ServerResponse) => void;

/** Refusals (503, 401, 500) in the endpoint's plain-text style; a body names no request data. */
const REFUSAL_TEXT: Record<number, string> = { 401: 'unauthorized\n', 500: 'internal error\n', 503: 'too many scrapes in flight; retry later\n' };

function refuse(res: ServerResponse, status: number, headers: Record<string, string>): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(REFUSAL_TEXT[status] ?? '\n');
}

/**
 * agentmeter's own scope with data points built as the page is written (store/streaming.ts):
 * a response stalled mid-page holds a list of series, not a copy of every data point.
 */
function streamable(resourceMetrics: ResourceMetrics): ResourceMetrics {
  const scopeMetrics = resourceMetrics.scopeMetrics.map((scope) => {
    const snapshot = storeSnapshotOf(scope);
    const metrics = snapshot === undefined ? undefined : streamingMetricDataOf(snapshot);
    return metrics === undefined ? scope : { scope: scope.scope, metrics };
  });
  return { resource: resourceMetrics.resource, scopeMetrics };
}

/** Resolves when the stream can take more data, or is closed. */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

const gzipPage = promisify(gzipCallback);

/** The whole page when the serializer yields it in one chunk, else every chunk, in order. */
function onePageOrChunks(chunks: Generator<string>): { page: string } | { chunks: Iterable<string> } {
  const first = chunks.next();
  if (first.done === true) return { page: '' };
  const second = chunks.next();
  if (second.done === true) return { page: first.value };
  return {
    chunks: (function* all(): Generator<string> {
      yield first.value;
      yield second.value;
      yield* chunks;
    })(),
  };
}

/**
 * Writes the chunks to `sink`, giving other work a turn between them (a 10k-series scrape is
 * many short slices) and waiting for a slow scraper (or gzip) instead of buffering the page.
 */
async function writeChunks(sink: Writable, chunks: Iterable<string>, response: ServerResponse): Promise<void> {
  for (const chunk of chunks) {
    if (response.destroyed || sink.destroyed) return;
    if (sink.write(chunk)) await new Promise<void>((resolve) => setImmediate(resolve));
    else await drained(sink);
  }
}

export class PrometheusEndpoint extends PrometheusExporter {
  private readonly serializer: PrometheusSerializer;
  private readonly openMetricsSerializer: PrometheusSerializer;
  private readonly listening: Promise<void>;
  private readonly host: string;
  private readonly requestedPort: number;
  private readonly path: string;
  private readonly otherResources: (() => Promise<ResourceMetrics[]>) | undefined;
  private readonly server: Server;
  private readonly gate: EndpointGate;
  private readonly scheme: 'http' | 'https';
  /** The collection in progress, which scrapes arriving meanwhile share. */
  private collecting: Promise<ResourceMetrics[]> | undefined;

  constructor(options: PrometheusEndpointOptions = {}) {
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? 9464;
    const endpoint = options.endpoint ?? '/metrics';
    // The stock server never starts: agentmeter's own (HTTP or HTTPS) takes its place.
    super({ host, port: port === 0 ? 1 : port, endpoint, metricProducers: options.metricProducers, preventServerStart: true });
    this.host = host;
    this.requestedPort = port;
    this.path = endpoint.startsWith('/') ? endpoint : `/${endpoint}`;
    this.serializer = new PrometheusSerializer({ chunkDataPoints: options.chunkDataPoints });
    this.openMetricsSerializer = new PrometheusSerializer({ chunkDataPoints: options.chunkDataPoints, openMetrics: true });
    this.otherResources = options.otherResources;
    const self = this as unknown as { _exportMetrics?: ExportMetrics; _server?: Server };
    if (typeof self._exportMetrics !== 'function' || self._server === undefined) {
      throw new IncompatibleDependencyError(
        '@opentelemetry/exporter-prometheus no longer has _exportMetrics/_server; agentmeter supports the version in its package.json',
      );
    }
    self._exportMetrics = (response) => this.respond(response);
    this.gate = new EndpointGate('prometheus', refuse, options);
    this.scheme = options.webConfig?.tls === undefined ? 'http' : 'https';
    this.server = createEndpointServer(options.webConfig, (req, res) => this.gate.handle(req, res, (r, s) => this.route(r, s)), options.writeTimeoutMillis, options.maxInFlight);
    // The stock stopServer (called on shutdown) closes whatever `_server` is.
    self._server = this.server;
    this.listening = new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    // An unhandled rejection here would crash hosts run with --unhandled-rejections=strict.
    this.listening.catch((err: unknown) => diag.error(`agentmeter: Prometheus endpoint failed to listen on ${host}:${port}`, err));
  }

  /** Resolves once the server listens; rejects if it cannot (e.g. the port is taken). */
  ready(): Promise<void> {
    return this.listening;
  }

  /** The scrape URL (`https://` with TLS), with the real port once listening. */
  get url(): string {
    const address = this.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : this.requestedPort;
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `${this.scheme}://${host}:${port}${this.path}`;
  }

  override onShutdown(): Promise<void> {
    return closeEndpointServer(this.server);
  }

  /** The metrics path gets a scrape, any other path 404, as the stock exporter answers. */
  private route(request: IncomingMessage, response: ServerResponse): void {
    let pathname: string;
    try {
      pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    } catch {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('bad request\n');
      return;
    }
    if (pathname !== this.path) {
      response.statusCode = 404;
      response.end();
      return;
    }
    this.respond(response);
  }

  /** Single flight: a scrape that arrives while a collection runs gets that collection's result. */
  private sharedCollection(): Promise<ResourceMetrics[]> {
    if (this.collecting !== undefined) return this.collecting;
    const collection = this.collectAll().finally(() => {
      if (this.collecting === collection) this.collecting = undefined;
    });
    this.collecting = collection;
    return collection;
  }

  /** Other processes' collections first, so what this process counted about them is in its own. */
  private async collectAll(): Promise<ResourceMetrics[]> {
    const others = await (this.otherResources?.() ?? Promise.resolve([])).catch((err: unknown) => {
      diag.error('agentmeter: collecting other processes failed', err);
      return [];
    });
    const { resourceMetrics, errors } = await this.collect();
    if (errors.length > 0) diag.error('agentmeter: metric collection errors', ...errors);
    return [streamable(resourceMetrics), ...others];
  }

  private respond(response: ServerResponse): void {
    // ServerResponse.req: the stock exporter hands over the response alone.
    const request = (response as Partial<Pick<ServerResponse, 'req'>>).req;
    // A scrape is a GET (HEAD for a probe, answered without a body by node:http); any other
    // method costs no collection.
    if (request !== undefined && request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      response.end('method not allowed\n');
      return;
    }
    const headers = request?.headers ?? {};
    const openMetrics = negotiateFormat(headers.accept) === 'openmetrics';
    const gzip = acceptsGzip(headers['accept-encoding']);
    const serializer = openMetrics ? this.openMetricsSerializer : this.serializer;
    let compressing = false;
    this.sharedCollection().then(
      async (resourceMetrics) => {
        response.statusCode = 200;
        response.setHeader('content-type', openMetrics ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE);
        response.setHeader('vary', 'Accept, Accept-Encoding');
        const body = onePageOrChunks(serializer.chunks(resourceMetrics));
        if ('page' in body) {
          if (!gzip) {
            response.end(body.page);
            return;
          }
          const zipped = await gzipPage(body.page);
          // The scraper may have hung up while the page was compressed.
          if (response.destroyed) return;
          response.setHeader('content-encoding', 'gzip');
          response.end(zipped);
          return;
        }
        if (!gzip) {
          await writeChunks(response, body.chunks, response);
          response.end();
          return;
        }
        response.setHeader('content-encoding', 'gzip');
        compressing = true;
        const zip = createGzip();
        // pipeline destroys both ends if either fails (e.g. the scraper hangs up mid-page).
        const piped = pipeline(zip, response);
        try {
          await writeChunks(zip, body.chunks, response);
        } catch (err) {
          zip.destroy(err instanceof Error ? err : new Error(String(err)));
          throw err;
        } finally {
          zip.end();
          await piped.catch(() => {});
        }
      },
    ).catch((err: unknown) => {
      diag.error('agentmeter: Prometheus scrape failed', err);
      // A gzip body cannot take a plain-text note; the reset connection tells the scraper.
      if (compressing) return;
      if (!response.headersSent) response.statusCode = 500;
      response.end(`# failed to export metrics: ${String(err)}\n`);
    });
  }
}
