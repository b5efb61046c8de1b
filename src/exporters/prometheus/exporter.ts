/**
 * The pull endpoint: `@opentelemetry/exporter-prometheus`'s reader and HTTP server, with its
 * response writer replaced by agentmeter's serializer (Collector-compatible names, cached
 * labels) streamed in chunks so a large scrape never holds the event loop for long.
 * The format (0.0.4 text, or OpenMetrics with exemplars) and gzip follow the scraper's
 * Accept and Accept-Encoding; gzip runs in node:zlib's stream, on the libuv threadpool.
 */
import { markOwnServer } from '../own-servers';
import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { diag } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { MetricProducer, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { IncompatibleDependencyError } from '../../errors';
import { acceptsGzip, negotiateFormat } from './negotiate';
import { OPENMETRICS_CONTENT_TYPE } from './openmetrics';
import { PrometheusSerializer } from './serializer';

/** Options of the Prometheus endpoint. */
export interface PrometheusEndpointOptions {
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

  constructor(options: PrometheusEndpointOptions = {}) {
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? 9464;
    const endpoint = options.endpoint ?? '/metrics';
    let settle: (err?: Error) => void = () => {};
    const listening = new Promise<void>((resolve, reject) => {
      settle = (err) => (err ? reject(err) : resolve());
    });
    super(
      {
        host,
        // The stock exporter treats port 0 as "unset" (9464); ask its server to listen ourselves.
        port: port === 0 ? 1 : port,
        endpoint,
        metricProducers: options.metricProducers,
        preventServerStart: port === 0,
      },
      (err) => {
        if (port !== 0) settle(err ?? undefined);
      },
    );
    this.host = host;
    this.requestedPort = port;
    this.path = endpoint.startsWith('/') ? endpoint : `/${endpoint}`;
    this.serializer = new PrometheusSerializer({ chunkDataPoints: options.chunkDataPoints });
    this.openMetricsSerializer = new PrometheusSerializer({ chunkDataPoints: options.chunkDataPoints, openMetrics: true });
    this.otherResources = options.otherResources;
    const self = this as unknown as { _exportMetrics?: ExportMetrics; _server?: import('node:http').Server };
    if (typeof self._exportMetrics !== 'function' || self._server === undefined) {
      throw new IncompatibleDependencyError(
        '@opentelemetry/exporter-prometheus no longer has _exportMetrics/_server; agentmeter supports the version in its package.json',
      );
    }
    self._exportMetrics = (response) => this.respond(response);
    // The stock server is unref'd, but a scraper's keep-alive socket is not: an app that is
    // done (an MCP stdio server whose stdin closed) would wait for it to time out.
    self._server.on('connection', (socket) => socket.unref());
    markOwnServer(self._server);
    if (port === 0) {
      self._server.once('error', (err) => settle(err));
      self._server.listen({ host, port: 0 }, () => settle());
    }
    this.listening = listening;
    // An unhandled rejection here would crash hosts run with --unhandled-rejections=strict.
    listening.catch((err: unknown) => diag.error(`agentmeter: Prometheus endpoint failed to listen on ${host}:${port}`, err));
  }

  /** Resolves once the server listens; rejects if it cannot (e.g. the port is taken). */
  ready(): Promise<void> {
    return this.listening;
  }

  /** The scrape URL, with the real port once listening. */
  get url(): string {
    const server = (this as unknown as { _server: import('node:http').Server })._server;
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : this.requestedPort;
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${port}${this.path}`;
  }

  /** Other processes' collections first, so what this process counted about them is in its own. */
  private async collectAll(): Promise<ResourceMetrics[]> {
    const others = await (this.otherResources?.() ?? Promise.resolve([])).catch((err: unknown) => {
      diag.error('agentmeter: collecting other processes failed', err);
      return [];
    });
    const { resourceMetrics, errors } = await this.collect();
    if (errors.length > 0) diag.error('agentmeter: metric collection errors', ...errors);
    return [resourceMetrics, ...others];
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
    this.collectAll().then(
      async (resourceMetrics) => {
        response.statusCode = 200;
        response.setHeader('content-type', openMetrics ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE);
        response.setHeader('vary', 'Accept, Accept-Encoding');
        if (!gzip) {
          await writeChunks(response, serializer.chunks(resourceMetrics), response);
          response.end();
          return;
        }
        response.setHeader('content-encoding', 'gzip');
        compressing = true;
        const zip = createGzip();
        // pipeline destroys both ends if either fails (e.g. the scraper hangs up mid-page).
        const piped = pipeline(zip, response);
        try {
          await writeChunks(zip, serializer.chunks(resourceMetrics), response);
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
