// Scrapers that never read, against an endpoint serving N histogram series: heap (after GC)
// with 100 stalled scrapes in flight against the no-stall baseline, and the latency of a
// normal scrape meanwhile; then the default bound (32 in flight): who gets 503.
// Run alone (`node bench/stalled-scrape.bench.mjs`) or from bench/run.mjs.
import { connect } from 'node:net';
import { request } from 'node:http';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import am from 'agentmeter';
import { fmt, msPerRun, table } from './harness.mjs';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const MiB = 1024 * 1024;
/**
 * The stated bound per stalled response: one chunk (at most 64 Ki characters) waiting in its
 * socket's buffer, plus its collection's list of series (20,000 references) and stream state.
 */
const BOUND_PER_STALLED_MIB = 0.4;
const signed = (n) => `${n >= 0 ? '+' : '−'}${fmt(Math.abs(n), 1)}`;

function heapMiB() {
  gc();
  gc();
  return process.memoryUsage().heapUsed / MiB;
}

/** One whole scrape, drained; resolves with its status and body bytes. */
function scrape(url) {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode, bytes }));
    }).on('error', reject).end();
  });
}

/** Peak heapUsed (no GC) sampled every 2 ms while one scrape runs: what one collection costs. */
async function peakDuringScrape(url) {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed / MiB)), 2);
  await scrape(url);
  clearInterval(timer);
  return peak;
}

/**
 * `count` clients that send a scrape and stop reading after their first bytes (the status line
 * and headers, so the test knows 200 from 503); resolves with the sockets and their statuses.
 */
async function stalledScrapers(url, count) {
  const { hostname, port, pathname } = new URL(url);
  const clients = [];
  for (let i = 0; i < count; i++) {
    const socket = connect(Number(port), hostname);
    socket.on('error', () => {});
    const status = new Promise((resolve) => {
      socket.once('data', (chunk) => {
        socket.pause();
        resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'))?.[1] ?? 0));
      });
      socket.once('close', () => resolve(0));
    });
    socket.write(`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`);
    clients.push({ socket, status });
  }
  const statuses = await Promise.all(clients.map((c) => c.status));
  return { sockets: clients.map((c) => c.socket), statuses };
}

async function endpointWith(options) {
  const endpoint = new am.PrometheusEndpoint({ port: 0, metricProducers: [am.createMetricProducer()], ...options });
  const provider = new MeterProvider({ readers: [endpoint] });
  await endpoint.ready();
  return { endpoint, provider };
}

export async function runStalledScrapes({ series = 20_000, stalled = 100 } = {}) {
  for (let i = 0; i < series; i++) am.recordToolCall({ tool: `tool_${i}`, seconds: (i % 100) / 50 });

  // All stalled scrapes admitted (the worst case for memory), none timed out during the run.
  const { endpoint, provider } = await endpointWith({ maxInFlight: stalled + 28, writeTimeoutMillis: 120_000 });
  const pageBytes = (await scrape(endpoint.url)).bytes;
  const normalMs = await msPerRun(() => scrape(endpoint.url), { rounds: 5, warmupRounds: 1 });
  const baseline = heapMiB();
  const peak = await peakDuringScrape(endpoint.url);

  const held = await stalledScrapers(endpoint.url, stalled);
  // Let every response fill its socket buffers and park on 'drain'.
  await new Promise((r) => setTimeout(r, 1500));
  const withStalled = heapMiB();
  const duringMs = await msPerRun(() => scrape(endpoint.url), { rounds: 5, warmupRounds: 1 });
  const duringStatus = (await scrape(endpoint.url)).status;
  const afterNormal = heapMiB();
  for (const socket of held.sockets) socket.destroy();
  await new Promise((r) => setTimeout(r, 500));
  const released = heapMiB();
  await provider.shutdown();

  // The default bound: the first 32 are served (and stall), the rest and a normal scrape get 503 at once.
  const defaults = await endpointWith({});
  const bounded = await stalledScrapers(defaults.endpoint.url, stalled);
  const normalUnderDefault = await scrape(defaults.endpoint.url);
  // Past the stalled threshold (5 s without reading), a new scrape takes a stalled one's place.
  await new Promise((r) => setTimeout(r, 5500));
  const started = performance.now();
  const normalAfterStall = await scrape(defaults.endpoint.url);
  const normalAfterStallMs = performance.now() - started;
  for (const socket of bounded.sockets) socket.destroy();
  await defaults.provider.shutdown();
  const count = (status) => bounded.statuses.filter((s) => s === status).length;

  const n = series.toLocaleString('en-US');
  const bound = stalled * BOUND_PER_STALLED_MIB;
  const within = withStalled - baseline <= bound && afterNormal - baseline <= bound;
  const rows = [
    [`no stalled scraper (baseline, after GC)`, fmt(baseline, 1), '', fmt(normalMs, 0)],
    [`peak while one normal scrape is served`, fmt(peak, 1), signed(peak - baseline), ''],
    [`${stalled} stalled scrapers in flight (after GC)`, fmt(withStalled, 1), signed(withStalled - baseline), fmt(duringMs, 0)],
    [`… after 5 more normal scrapes (after GC)`, fmt(afterNormal, 1), signed(afterNormal - baseline), ''],
    [`stalled scrapers gone (after GC)`, fmt(released, 1), signed(released - baseline), ''],
  ];
  return {
    markdown:
      `${n} histogram series (a ${fmt(pageBytes / MiB, 0)} MiB page in 0.0.4 text); ${stalled} clients send \`GET /metrics\` and never read; maxInFlight ${stalled + 28} so all are admitted:\n\n` +
      `${table(['state', 'heap used, MiB', 'vs baseline', 'normal scrape meanwhile, ms (median of 5)'], rows)}\n\n` +
      `Bound: ${BOUND_PER_STALLED_MIB} MiB of heap per stalled response (one chunk of at most 64 Ki characters in its socket buffer, and its collection's list of series), so at most +${fmt(bound, 0)} MiB for ${stalled}: ${within ? 'within it' : '**exceeded**'} (${signed(Math.max(withStalled, afterNormal) - baseline)} MiB). ` +
      `The normal scrape during the stall answered ${duringStatus}. With the default bound (32 in flight): ${count(200)} of the ${stalled} stalled scrapers were served, ${count(503)} got 503 at once, and a normal scrape at once got ${normalUnderDefault.status}; once the served ones had read nothing for 5 s, a normal scrape took one's place and got ${normalAfterStall.status} in ${fmt(normalAfterStallMs, 0)} ms.`,
    numbers: { bound, within, baseline, peak, withStalled, afterNormal, released, normalMs, duringMs, duringStatus, served: count(200), refused: count(503), normalUnderDefault: normalUnderDefault.status, normalAfterStall: normalAfterStall.status },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  am.start({ metricsExporters: [], instrumentations: [], attributeCap: 20000 });
  const { markdown } = await runStalledScrapes();
  console.log(markdown);
  await am.shutdown();
}
