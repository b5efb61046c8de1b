/**
 * The pull endpoint: `@opentelemetry/exporter-prometheus`'s reader and HTTP server, with its
 * response writer replaced by agentmeter's serializer (Collector-compatible names, cached
 * labels) streamed in chunks so a large scrape never holds the event loop for long.
 */
import type { ServerResponse } from 'node:http';
import { diag } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { MetricProducer, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { IncompatibleDependencyError } from '../../errors';
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

/** Resolves when the response can take more data, or is closed. */
function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

export class PrometheusEndpoint extends PrometheusExporter {
  private readonly serializer: PrometheusSerializer;
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
    this.collectAll().then(
      async (resourceMetrics) => {
        response.statusCode = 200;
        response.setHeader('content-type', PROMETHEUS_CONTENT_TYPE);
        for (const chunk of this.serializer.chunks(resourceMetrics)) {
          if (response.destroyed) return;
          // Give other work a turn between chunks (a 10k-series scrape is many short slices),
          // and wait for a slow scraper instead of buffering the whole page.
          if (response.write(chunk)) await new Promise<void>((resolve) => setImmediate(resolve));
          else await drained(response);
        }
        response.end();
      },
    ).catch((err: unknown) => {
      diag.error('agentmeter: Prometheus scrape failed', err);
      if (!response.headersSent) response.statusCode = 500;
      response.end(`# failed to export metrics: ${String(err)}\n`);
    });
  }
}
