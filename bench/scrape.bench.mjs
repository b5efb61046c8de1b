// Scrape cost for N histogram series: agentmeter (collect + serialize) vs the stock
// exporter-prometheus (SDK collect + its serializer) vs prom-client's registry.metrics().
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter, PrometheusSerializer as StockSerializer } from '@opentelemetry/exporter-prometheus';
import { createServer, request } from 'node:http';
import client from 'prom-client';
import am from 'agentmeter';
import { fmt, msPerRun, table } from './harness.mjs';

const BUCKETS = am.METRICS.toolDuration.buckets;

// What Prometheus 2.42 sends on every scrape by default.
const PROMETHEUS_HEADERS = {
  accept: 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
  'accept-encoding': 'gzip',
};

/** Body bytes on the wire for one GET with `headers` (node:http: fetch would ask for gzip and decode). */
function wireBytes(url, headers = {}) {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => (bytes += chunk.length));
      res.on('end', () => resolve(bytes));
    }).on('error', reject).end();
  });
}

/** Longest gap between 1 ms timer ticks while one scrape of `url` is served in this process. */
async function longestStall(url, headers = {}) {
  let longest = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await wireBytes(url, headers);
  clearInterval(timer);
  return longest;
}

async function agentmeterScrape(n) {
  // Grow the store to n tool series (earlier sizes are reused, so sizes must ascend).
  for (let i = 0; i < n; i++) am.recordToolCall({ tool: `tool_${i}`, seconds: (i % 100) / 50 });
  const endpoint = new am.PrometheusEndpoint({ port: 0, metricProducers: [am.createMetricProducer()] });
  const provider = new MeterProvider({ readers: [endpoint] });
  await endpoint.ready();
  const serializer = new am.PrometheusSerializer();
  let bytes = 0;
  const ms = await msPerRun(async () => {
    const { resourceMetrics } = await endpoint.collect();
    bytes = serializer.serialize(resourceMetrics).length;
  });
  // The same through HTTP, chunked: plain 0.0.4, and as Prometheus asks (OpenMetrics, gzip),
  // with the longest event-loop stall of each and the body bytes on the wire.
  const httpMs = await msPerRun(() => wireBytes(endpoint.url));
  const gzipMs = await msPerRun(() => wireBytes(endpoint.url, PROMETHEUS_HEADERS));
  const stallMs = await longestStall(endpoint.url);
  const gzipStallMs = await longestStall(endpoint.url, PROMETHEUS_HEADERS);
  const wire = {
    plain: await wireBytes(endpoint.url),
    gzip: await wireBytes(endpoint.url, { 'accept-encoding': 'gzip' }),
    openMetrics: await wireBytes(endpoint.url, { accept: PROMETHEUS_HEADERS.accept }),
    openMetricsGzip: await wireBytes(endpoint.url, PROMETHEUS_HEADERS),
  };
  await provider.shutdown();
  return { ms, bytes, httpMs, gzipMs, stallMs, gzipStallMs, wire };
}

async function stockScrape(n) {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  // The SDK keeps 2,000 series per instrument by default; lift that so all n are serialised.
  const provider = new MeterProvider({ readers: [exporter], views: [{ instrumentName: '*', aggregationCardinalityLimit: n + 10 }] });
  const histogram = provider.getMeter('bench').createHistogram('gen_ai.execute_tool.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: BUCKETS },
  });
  for (let i = 0; i < n; i++) histogram.record((i % 100) / 50, { 'gen_ai.tool.name': `tool_${i}` });
  const serializer = new StockSerializer();
  const server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stallMs = await longestStall(`http://127.0.0.1:${server.address().port}/metrics`, PROMETHEUS_HEADERS);
  server.close();
  let bytes = 0;
  let serializeOnly = 0;
  const ms = await msPerRun(async () => {
    const { resourceMetrics } = await exporter.collect();
    const t = process.hrtime.bigint();
    bytes = serializer.serialize(resourceMetrics).length;
    serializeOnly = Number(process.hrtime.bigint() - t) / 1e6;
  });
  await provider.shutdown();
  return { ms, bytes, serializeOnly, stallMs };
}

async function promClientScrape(n) {
  const registry = new client.Registry();
  const histogram = new client.Histogram({ name: 'tool_duration_seconds', help: 'h', labelNames: ['tool'], buckets: [...BUCKETS], registers: [registry] });
  for (let i = 0; i < n; i++) histogram.observe({ tool: `tool_${i}` }, (i % 100) / 50);
  let bytes = 0;
  const ms = await msPerRun(async () => {
    bytes = (await registry.metrics()).length;
  });
  return { ms, bytes };
}

export async function runScrape(sizes = [1000, 10000]) {
  const rows = [];
  const stalls = [];
  const ratios = {};
  const wireRows = [];
  for (const n of sizes) {
    const ours = await agentmeterScrape(n);
    const stock = await stockScrape(n);
    const prom = await promClientScrape(n);
    rows.push([`${n.toLocaleString('en-US')}`, 'agentmeter (collect + serialize)', fmt(ours.ms, 2), fmt(ours.bytes / 1024, 0), '1.0x']);
    rows.push(['', 'agentmeter over HTTP (chunked)', fmt(ours.httpMs, 2), '', `${fmt(ours.httpMs / ours.ms)}x`]);
    rows.push(['', 'agentmeter over HTTP, OpenMetrics + gzip (Prometheus default)', fmt(ours.gzipMs, 2), '', `${fmt(ours.gzipMs / ours.ms)}x`]);
    stalls.push([n.toLocaleString('en-US'), fmt(ours.stallMs, 1), fmt(ours.gzipStallMs, 1), fmt(stock.stallMs, 1)]);
    const w = ours.wire;
    wireRows.push([n.toLocaleString('en-US'), fmt(w.plain / 1024, 0), fmt(w.gzip / 1024, 0), `${fmt(w.plain / w.gzip)}x`, fmt(w.openMetrics / 1024, 0), fmt(w.openMetricsGzip / 1024, 0), `${fmt(w.openMetrics / w.openMetricsGzip)}x`]);
    rows.push(['', 'stock exporter-prometheus (collect + serialize)', fmt(stock.ms, 2), fmt(stock.bytes / 1024, 0), `${fmt(stock.ms / ours.ms)}x`]);
    rows.push(['', 'stock PrometheusSerializer alone', fmt(stock.serializeOnly, 2), '', `${fmt(stock.serializeOnly / ours.ms)}x`]);
    rows.push(['', 'prom-client registry.metrics()', fmt(prom.ms, 2), fmt(prom.bytes / 1024, 0), `${fmt(prom.ms / ours.ms)}x`]);
    ratios[n] = { vsStock: stock.ms / ours.ms, vsStockSerializer: stock.serializeOnly / ours.ms, vsPromClient: prom.ms / ours.ms, gzip: w.plain / w.gzip, openMetricsGzip: w.openMetrics / w.openMetricsGzip };
  }
  return {
    markdown:
      `${table(['histogram series', 'scrape', 'ms (median)', 'KiB', 'vs agentmeter'], rows)}\n\n` +
      'Longest event-loop stall while one scrape is served over HTTP (a 1 ms timer in the same process):\n\n' +
      `${table(['histogram series', 'agentmeter 0.0.4 plain, ms', 'agentmeter OpenMetrics + gzip, ms', 'stock exporter endpoint, ms'], stalls)}\n\n` +
      'Body bytes on the wire per scrape of the agentmeter endpoint (gzip when the scraper sends Accept-Encoding: gzip, as Prometheus does):\n\n' +
      table(['histogram series', '0.0.4 KiB', '0.0.4 gzip KiB', 'smaller', 'OpenMetrics KiB', 'OpenMetrics gzip KiB', 'smaller'], wireRows),
    ratios,
  };
}
