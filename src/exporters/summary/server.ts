/**
 * The summary server (default 127.0.0.1:9109): `GET /metrics.json` and `GET /metrics` (the
 * JSON summary), `GET /history.json` (the last hour in buckets, history.ts), `GET /health`,
 * `GET /` (the status page) and its bundled chart library (`/uplot.js`, `/uplot.css`). Only GET and HEAD; unknown query
 * strings are ignored; responses never echo request data; CORS only for configured origins; a
 * Host header that does not name the server gets 421 (DNS rebinding, host-check.ts). TLS, basic
 * auth, the in-flight bound and the write timeout are the Prometheus endpoint's (endpoint-server.ts).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { diag } from '@opentelemetry/api';
import { recordEndpointRefused } from '../../record/exporter';
import { closeEndpointServer, createEndpointServer, EndpointGate, type EndpointGateOptions } from '../endpoint-server';
import { hostChecker } from './host-check';
import { buildSummary, summaryOfParts, summaryPart, type ClusterSummary, type MetricsSummary, type SummaryPart } from './summary';
import { statusPage } from './status-page';
import { SummaryHistory } from './history';
import { chartAsset } from './chart-assets';
import { DEFAULT_WINDOW_SIZE, toolWindows } from '../../store/windows';
import { instruments } from '../../store/registry';

/** Options of the summary server. */
export interface SummaryServerOptions extends EndpointGateOptions {
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /** TCP port; default 9109; 0 picks a free port. */
  port?: number;
  /** Origins allowed to read the endpoints cross-origin, e.g. `https://ops.example.com`; default none. */
  corsOrigins?: string[];
  /**
   * Host names (optionally `name:port`) requests may carry in their Host header besides the
   * loopback names and the bound host, e.g. `metrics.internal`; default none.
   */
  allowedHosts?: string[];
  /** Samples per tool for the percentiles; default 1000. */
  windowSize?: number;
  /**
   * Other processes' shares, merged into every summary (a `node:cluster` primary's workers);
   * `cluster` is shown as the summary's `cluster` field.
   */
  otherParts?: () => Promise<{ parts: SummaryPart[]; cluster?: ClusterSummary }>;
  /**
   * This process's HTTP server requests as the http instrumentation counts them (an
   * HttpRequestsReader's `serverRequests`), for `total_requests`; default none (0).
   */
  httpRequests?: () => Promise<number>;
  /** Width of one bucket of the status page's history, milliseconds; default 10000 (an hour in 360 buckets). */
  historyBucketMillis?: number;
  /** Grafana URL the status page links to, e.g. `http://localhost:3000`; default none (no link). */
  grafanaUrl?: string;
}

/** Where the JSON summary comes from. */
type SummarySource = () => MetricsSummary | Promise<MetricsSummary>;

function summarySource(otherParts: SummaryServerOptions['otherParts'], httpRequests: SummaryServerOptions['httpRequests']): SummarySource {
  if (otherParts === undefined && httpRequests === undefined) return buildSummary;
  return async () => {
    const own = summaryPart(await (httpRequests?.() ?? 0));
    if (otherParts === undefined) return summaryOfParts([own]);
    const { parts, cluster } = await otherParts();
    return summaryOfParts([own, ...parts], cluster);
  };
}

/** A running summary server. */
export interface SummaryServer {
  /** `http://host:port` (`https://` with TLS; no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

function send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...SECURITY_HEADERS, ...extra });
  res.end(body);
}

function healthBody(): string {
  const point = instruments.health.points.find((p) => p.value === 1);
  const status = point === undefined ? 'unknown' : String(point.attributes['agent.health.status']);
  return JSON.stringify({ status });
}

function fail(res: ServerResponse, cors: Record<string, string>, err: unknown): void {
  diag.error('agentmeter: summary request failed', err);
  if (!res.headersSent) send(res, 500, 'application/json', '{"error":"internal error"}', cors);
}

const ERROR_BODIES: Record<number, string> = {
  401: '{"error":"unauthorized"}',
  421: '{"error":"misdirected request"}',
  500: '{"error":"internal error"}',
  503: '{"error":"busy"}',
};

function refuse(res: ServerResponse, status: number, headers: Record<string, string>): void {
  if (res.headersSent) return void res.destroy();
  send(res, status, 'application/json', ERROR_BODIES[status] ?? '{"error":"refused"}', headers);
}

function handler(corsOrigins: readonly string[], summary: SummarySource, history: SummaryHistory, page: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const cors: Record<string, string> = {};
    const origin = req.headers.origin;
    if (origin !== undefined && corsOrigins.includes(origin)) {
      cors['access-control-allow-origin'] = origin;
      cors.vary = 'Origin';
    }
    // HEAD gets GET's headers; node:http leaves the body out of a HEAD response.
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'application/json', '{"error":"method not allowed"}', { allow: 'GET, HEAD', ...cors });
      return;
    }
    // Only the path matters; a query string is ignored, and nothing of the request is echoed.
    const path = (req.url ?? '/').split('?', 1)[0];
    try {
      switch (path) {
        case '/metrics.json':
        case '/metrics':
          Promise.resolve(summary()).then(
            (body) => send(res, 200, 'application/json; charset=utf-8', JSON.stringify(body), cors),
            (err: unknown) => fail(res, cors, err),
          );
          return;
        case '/history.json':
          send(res, 200, 'application/json; charset=utf-8', JSON.stringify(history), cors);
          return;
        case '/uplot.js':
        case '/uplot.css': {
          const asset = chartAsset(path);
          send(res, 200, asset.type, asset.body, cors);
          return;
        }
        case '/health':
          send(res, 200, 'application/json; charset=utf-8', healthBody(), cors);
          return;
        case '/':
          send(res, 200, 'text/html; charset=utf-8', page, {
            ...cors,
            'content-security-policy': "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:",
          });
          return;
        default:
          send(res, 404, 'application/json', '{"error":"not found"}', cors);
      }
    } catch (err) {
      fail(res, cors, err);
    }
  };
}

/** Starts the summary server and turns on the per-tool windows; resolves once listening. */
export function startSummaryServer(options: SummaryServerOptions = {}): Promise<SummaryServer> {
  const host = options.host ?? '127.0.0.1';
  toolWindows.enable(options.windowSize ?? DEFAULT_WINDOW_SIZE);
  const otherParts = options.otherParts;
  const history = new SummaryHistory({
    bucketMillis: options.historyBucketMillis,
    clusterWorkers: otherParts && (async () => (await otherParts()).cluster?.workers),
  });
  const serve = handler(options.corsOrigins ?? [], summarySource(otherParts, options.httpRequests), history, statusPage({ grafanaUrl: options.grafanaUrl }));
  const gate = new EndpointGate('summary', refuse, options);
  // Set once listening: the allowed Host values carry the real port.
  let hostAllowed: (host: string | undefined) => boolean = () => false;
  const server: Server = createEndpointServer(
    options.webConfig,
    (req, res) => {
      if (!hostAllowed(req.headers.host)) {
        recordEndpointRefused('summary', 'misdirected');
        refuse(res, 421, {});
        return;
      }
      gate.handle(req, res, serve);
    },
    options.writeTimeoutMillis,
    options.maxInFlight,
  );
  const scheme = options.webConfig?.tls === undefined ? 'http' : 'https';
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 9109 }, () => {
      server.off('error', reject);
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 9109);
      hostAllowed = hostChecker(host, port, options.allowedHosts ?? []);
      // Recording starts only once the server listens, and stops with it.
      history.start();
      resolve({
        url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`,
        close: () => {
          history.stop();
          return closeEndpointServer(server);
        },
      });
    });
  });
}
