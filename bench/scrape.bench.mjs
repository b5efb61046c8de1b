// Scrape cost for N histogram series: agentmeter (collect + serialize) vs the stock
// exporter-prometheus (SDK collect + its serializer) vs prom-client's registry.metrics().
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter, PrometheusSerializer as StockSerializer } from '@opentelemetry/exporter-prometheus';
import { createServer } from 'node:http';
import client from 'prom-client';
import am from 'agentmeter';
import { fmt, msPerRun, table } from './harness.mjs';

const BUCKETS = am.METRICS.toolDuration.buckets;

/** Longest gap between 1 ms timer ticks while one scrape of `url` is served in this process. */
async function longestStall(url) {
  let longest = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await (await fetch(url)).text();
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
  // The same through HTTP, chunked, as Prometheus sees it, with the longest event-loop stall.
  const httpMs = await msPerRun(async () => {
    await (await fetch(endpoint.url)).text();
  });
  const stallMs = await longestStall(endpoint.url);
  await provider.shutdown();
  return { ms, bytes, httpMs, stallMs };
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
  const stallMs = await longestStall(`http://127.0.0.1:${server.address().port}/metrics`);
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
  for (const n of sizes) {
    const ours = await agentmeterScrape(n);
    const stock = await stockScrape(n);
    const prom = await promClientScrape(n);
    rows.push([`${n.toLocaleString('en-US')}`, 'agentmeter (collect + serialize)', fmt(ours.ms, 2), fmt(ours.bytes / 1024, 0), '1.0x']);
    rows.push(['', 'agentmeter over HTTP (chunked)', fmt(ours.httpMs, 2), '', `${fmt(ours.httpMs / ours.ms)}x`]);
    stalls.push([n.toLocaleString('en-US'), fmt(ours.stallMs, 1), fmt(stock.stallMs, 1)]);
    rows.push(['', 'stock exporter-prometheus (collect + serialize)', fmt(stock.ms, 2), fmt(stock.bytes / 1024, 0), `${fmt(stock.ms / ours.ms)}x`]);
    rows.push(['', 'stock PrometheusSerializer alone', fmt(stock.serializeOnly, 2), '', `${fmt(stock.serializeOnly / ours.ms)}x`]);
    rows.push(['', 'prom-client registry.metrics()', fmt(prom.ms, 2), fmt(prom.bytes / 1024, 0), `${fmt(prom.ms / ours.ms)}x`]);
    ratios[n] = { vsStock: stock.ms / ours.ms, vsStockSerializer: stock.serializeOnly / ours.ms, vsPromClient: prom.ms / ours.ms };
  }
  return {
    markdown:
      `${table(['histogram series', 'scrape', 'ms (median)', 'KiB', 'vs agentmeter'], rows)}\n\n` +
      'Longest event-loop stall while one scrape is served over HTTP (a 1 ms timer in the same process):\n\n' +
      table(['histogram series', 'agentmeter endpoint, ms', 'stock exporter endpoint, ms'], stalls),
    ratios,
  };
}
