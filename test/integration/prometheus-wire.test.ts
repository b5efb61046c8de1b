// A real Prometheus (2.42, exemplar storage on) scrapes an app with tracing on, through a proxy
// that records each exchange: it asks for OpenMetrics and gzip, gets them, stores exactly the
// samples of the plain 0.0.4 page, and returns the traces of the traced tool calls as exemplars.
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTarget, prometheus, query, waitForQuery } from '../infra/prom';
import { samples } from '../infra/prom-text';
import { runNode, type RunningChild } from '../infra/child';

const TEST = 'prometheus-wire';
const T = `test="${TEST}"`;

interface Exchange {
  request: IncomingHttpHeaders;
  response: IncomingHttpHeaders;
  bytes: number;
}

interface Traced {
  tool: string;
  traceId: string;
  spanId: string;
}

let app: RunningChild;
let appUrl: URL;
let traced: Traced[];
let proxy: Server;
const exchanges: Exchange[] = [];
let removeTarget: () => void;

/** Forwards every request to the app unchanged and records headers and body bytes both ways. */
function startProxy(target: URL): Promise<Server> {
  const server = createServer((req, res) => {
    const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      let bytes = 0;
      answer.on('data', (chunk: Buffer) => (bytes += chunk.length));
      answer.on('end', () => exchanges.push({ request: req.headers, response: answer.headers, bytes }));
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The app's page with the given request headers, as raw bytes. */
function page(headers: Record<string, string>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    request(appUrl, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (p: Buffer) => parts.push(p));
      res.on('end', () => resolve(Buffer.concat(parts)));
    }).on('error', reject).end();
  });
}

/** name{sorted labels} → value, without the labels Prometheus adds to a scraped series. */
function keyed(list: Array<{ name: string; labels: Record<string, string>; value: number }>): Record<string, number> {
  const added = new Set(['__name__', 'job', 'instance', 'test', 'path']);
  return Object.fromEntries(
    list.map(({ name, labels, value }) => {
      const own = Object.entries(labels).filter(([k]) => !added.has(k)).sort(([a], [b]) => (a < b ? -1 : 1));
      return [`${name}{${own.map(([k, v]) => `${k}="${v}"`).join(',')}}`, value];
    }),
  );
}

beforeAll(async () => {
  app = runNode(['test/fixtures/traced-workload.cjs']);
  const ready = await app.ready;
  appUrl = new URL(ready.url as string);
  traced = ready.traced as Traced[];
  proxy = await startProxy(appUrl);
  removeTarget = addTarget(TEST, `127.0.0.1:${(proxy.address() as AddressInfo).port}`);
  await waitForQuery(`up{${T}}`, (r) => r.length === 1 && r[0]!.value[1] === '1');
}, 30000);

afterAll(async () => {
  removeTarget?.();
  await new Promise((resolve) => proxy?.close(resolve));
  await app?.stop();
});

describe('a real Prometheus scraping the endpoint directly', () => {
  it('asks for OpenMetrics and gzip by default, and gets both', () => {
    const scrape = exchanges.find((e) => e.response['content-type'] !== undefined);
    expect(scrape).toBeDefined();
    expect(scrape!.request.accept).toMatch(/^application\/openmetrics-text;version=1\.0\.0,/);
    expect(scrape!.request['accept-encoding']).toBe('gzip');
    expect(scrape!.response['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(scrape!.response['content-encoding']).toBe('gzip');
  });

  it('stores exactly the samples of the plain 0.0.4 page (whole-number le bounds as 1.0)', async () => {
    const plainBytes = await page({});
    // The page's label values are escaped text (\" \\ \n); Prometheus answers with the values.
    const unescape = (v: string) => v.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    const direct = samples(plainBytes.toString('utf8'))
      .filter((s) => s.name !== 'agent_service_uptime_seconds')
      .map((s) => ({ ...s, labels: Object.fromEntries(Object.entries(s.labels).map(([k, v]) => [k, unescape(v)])) }))
      // The one difference: OpenMetrics writes whole-number bounds as the Collector does (le="1.0",
      // the 0.0.4 text le="1"), and Prometheus 2.x stores le as written.
      .map((s) => (s.labels.le !== undefined && /^\d+$/.test(s.labels.le) ? { ...s, labels: { ...s.labels, le: `${s.labels.le}.0` } } : s));
    const stored = await query(`{${T},__name__!~"up|scrape_.*|agent_service_uptime_seconds"}`);
    const fromPrometheus = stored.map((s) => ({ name: s.metric.__name__!, labels: s.metric, value: Number(s.value[1]) }));
    expect(keyed(fromPrometheus)).toEqual(keyed(direct));
    // search and the three traced tools: 18 buckets + _sum + _count each.
    expect(direct.filter((s) => s.name.startsWith('gen_ai_execute_tool_duration_seconds'))).toHaveLength(4 * 20);
    const gzipped = exchanges.filter((e) => e.response['content-encoding'] === 'gzip').at(-1)!;
    // The page on the wire against the same page plain (both OpenMetrics, a few bytes apart).
    const plainOpenMetrics = await page({ accept: gzipped.request.accept as string });
    process.stderr.write(`prometheus-wire: a real scrape sent ${gzipped.bytes} gzip bytes for a ${plainOpenMetrics.length}-byte OpenMetrics page\n`);
    expect(gzipped.bytes).toBeLessThan(plainOpenMetrics.length / 8);
  });

  it('keeps the OpenMetrics unit as metadata', async () => {
    const res = await fetch(`${prometheus().url}/api/v1/targets/metadata?match_target=${encodeURIComponent(`{${T}}`)}&metric=gen_ai_execute_tool_duration_seconds`);
    const body = (await res.json()) as { data: Array<{ type: string; unit: string }> };
    expect(body.data.map(({ type, unit }) => ({ type, unit }))).toEqual([{ type: 'histogram', unit: 'seconds' }]);
  });

  it('returns the trace of each tool call made inside a span from query_exemplars', async () => {
    const q = encodeURIComponent(`gen_ai_execute_tool_duration_seconds_bucket{${T}}`);
    const now = Date.now() / 1000;
    type Series = { seriesLabels: Record<string, string>; exemplars: Array<{ labels: Record<string, string>; value: string }> };
    let series: Series[] = [];
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline) {
      const res = await fetch(`${prometheus().url}/api/v1/query_exemplars?query=${q}&start=${now - 600}&end=${now + 600}`);
      series = ((await res.json()) as { data: Series[] }).data;
      if (series.length >= 3) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const found = series.map((s) => ({ tool: s.seriesLabels.gen_ai_tool_name, traceId: s.exemplars[0]!.labels.trace_id, spanId: s.exemplars[0]!.labels.span_id, count: s.exemplars.length }));
    expect(found.sort((a, b) => (a.tool! < b.tool! ? -1 : 1))).toEqual(traced.map((t) => ({ ...t, count: 1 })));
    expect(new Set(traced.map((t) => t.traceId)).size).toBe(3);
  });
});
