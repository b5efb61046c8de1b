// An OTLP/HTTP receiver on loopback for apps whose own SDK exports traces, metrics and logs
// (OTEL_EXPORTER_OTLP_ENDPOINT=<url>, OTEL_EXPORTER_OTLP_PROTOCOL=http/json): keeps every body.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: number | string };
}
interface Scope {
  name: string;
  version?: string;
}
interface MetricsRequest {
  resourceMetrics: Array<{
    scopeMetrics: Array<{ scope: Scope; metrics: Array<{ name: string; histogram?: { dataPoints: Array<{ attributes: KeyValue[]; count: number | string }> } }> }>;
  }>;
}
interface TracesRequest {
  resourceSpans: Array<{ scopeSpans: Array<{ scope: Scope; spans: Array<{ name: string; kind: number; traceId: string; spanId: string }> }> }>;
}
interface LogsRequest {
  resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<{ body?: { stringValue?: string } }> }> }>;
}

/** One histogram data point as the SDK last exported it. */
export interface HistogramPoint {
  scope: string;
  scopeVersion: string | undefined;
  attributes: Record<string, string | number | undefined>;
  count: number;
}

/** OTLP span kinds (opentelemetry-proto trace.proto). */
export const SPAN_KIND = { SERVER: 2, CLIENT: 3 } as const;

export interface OtlpSink {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  /** Points of histogram `name` in the latest export that has it (cumulative: the totals). */
  histogram(name: string): HistogramPoint[];
  /** Whether any export so far carried histogram `name`. */
  sawHistogram(name: string): boolean;
  /** Every span received: scope name, kind, span name and ids (hex, as OTLP/JSON carries them). */
  spans(): Array<{ scope: string; kind: number; name: string; traceId: string; spanId: string }>;
  /** The string bodies of every log record received. */
  logBodies(): string[];
  close(): Promise<void>;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  const metrics: MetricsRequest[] = [];
  const traces: TracesRequest[] = [];
  const logs: LogsRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        res.statusCode = 400;
        res.end(`not OTLP/JSON: ${body.slice(0, 100)}`);
        return;
      }
      if (req.url === '/v1/metrics') metrics.push(parsed as MetricsRequest);
      else if (req.url === '/v1/traces') traces.push(parsed as TracesRequest);
      else if (req.url === '/v1/logs') logs.push(parsed as LogsRequest);
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const histogramIn = (request: MetricsRequest, name: string): HistogramPoint[] =>
    request.resourceMetrics.flatMap((rm) =>
      rm.scopeMetrics.flatMap((sm) =>
        sm.metrics
          .filter((m) => m.name === name)
          .flatMap((m) =>
            (m.histogram?.dataPoints ?? []).map((p) => ({
              scope: sm.scope.name,
              scopeVersion: sm.scope.version,
              attributes: Object.fromEntries(p.attributes.map((a) => [a.key, a.value.stringValue ?? (a.value.intValue === undefined ? undefined : Number(a.value.intValue))])),
              count: Number(p.count),
            })),
          ),
      ),
    );

  return {
    url: `http://127.0.0.1:${port}`,
    histogram: (name) => {
      for (let i = metrics.length - 1; i >= 0; i--) {
        const points = histogramIn(metrics[i]!, name);
        if (points.length > 0) return points;
      }
      return [];
    },
    sawHistogram: (name) => metrics.some((request) => histogramIn(request, name).length > 0),
    spans: () => traces.flatMap((t) => t.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ scope: ss.scope.name, kind: s.kind, name: s.name, traceId: s.traceId, spanId: s.spanId }))))),
    logBodies: () => logs.flatMap((l) => l.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) => r.body?.stringValue ?? '')))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
