// The soak process: agentmeter with the Prometheus endpoint and Kafka export every second,
// 10,000 tool series, a steady stream of recordings, and a sampler that reports RSS, heap and
// event-loop delay to the parent (bench/soak/run.mjs) once a second over IPC.
// Env: SERIES, RATE (recordings per second), METRICS_PORT, KAFKA_BROKERS, TOPIC, LEAK_BYTES_PER_SECOND
// (a deliberate leak, for proving the detector).
import diagnostics from 'node:diagnostics_channel';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import am from 'agentmeter';
import { KafkaMetricExporter } from 'agentmeter/kafka';

const series = Number(process.env.SERIES ?? 10000);
const rate = Number(process.env.RATE ?? 10000);
const leakBytesPerSecond = Number(process.env.LEAK_BYTES_PER_SECOND ?? 0);
/** Lag sampler period: a timer every 5 ms, so a blocked loop shows as one late tick. */
const TICK_MS = 5;
/** Collection runs just before the exporter's export() call; this much before it counts as the export instant. */
const COLLECT_MARGIN_MS = 250;

// Busy instants: scrapes (request start → response finished) and Kafka exports.
const busy = [];
// An instant is open (end Infinity) until it finishes, so ticks reported while it runs count as busy.
diagnostics.subscribe('http.server.request.start', ({ request }) => {
  request.soakBusy = [performance.now(), Infinity];
  busy.push(request.soakBusy);
});
diagnostics.subscribe('http.server.response.finish', ({ request }) => {
  if (request.soakBusy !== undefined) request.soakBusy[1] = performance.now();
});
let exports = 0;
const originalExport = KafkaMetricExporter.prototype.export;
KafkaMetricExporter.prototype.export = function exportMarked(metrics, callback) {
  const instant = [performance.now() - COLLECT_MARGIN_MS, Infinity];
  busy.push(instant);
  exports++;
  return originalExport.call(this, metrics, (result) => {
    callback(result);
    // export() reports at once; encoding a large collection (in slices) and the kafkajs sends go
    // on after it, so the export instant ends when they are done.
    void this.forceFlush().then(() => (instant[1] = performance.now()));
  });
};

const handle = am.start({
  instrumentations: [],
  metricsExporters: ['prometheus', 'kafka'],
  prometheusPort: Number(process.env.METRICS_PORT ?? 0),
  exportIntervalMillis: 1000,
  attributeCap: series + 100,
  kafka: { brokers: [process.env.KAFKA_BROKERS], topic: process.env.TOPIC ?? 'soak_metrics' },
});
await handle.ready();

// Every series exists from the start: the soak is about holding them, not creating them.
for (let i = 0; i < series; i++) am.recordToolCall({ tool: `tool_${i}`, seconds: 0.001 * (i % 100) });

// The steady load: `rate` recordings a second in 10 ms batches, across all series and helpers.
// The heap right after each major collection: the live set, without the saw-tooth of garbage
// between collections that makes heapUsed samples too noisy for a one-minute trend.
let heapAfterGc = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) heapAfterGc.push(v8.getHeapStatistics().used_heap_size);
  }
}).observe({ entryTypes: ['gc'] });

let next = 0;
const leaked = [];
const batch = Math.max(1, Math.round(rate / 100));
setInterval(() => {
  for (let i = 0; i < batch; i++) {
    const n = next++ % series;
    am.recordToolCall({ tool: `tool_${n}`, seconds: (n % 997) / 1000, error: n % 50 === 0 ? 'timeout' : undefined });
    if (i % 10 === 0) {
      am.recordCacheLookup({ cache: 'embeddings', hit: n % 3 !== 0 });
      am.recordLlmCall({ provider: 'anthropic', model: 'claude-sonnet', seconds: 0.5, inputTokens: 100, outputTokens: 20 });
    }
  }
  if (leakBytesPerSecond > 0) leaked.push(Buffer.alloc(Math.round(leakBytesPerSecond / 100), 1).toString('latin1'));
}, 10);

// The lag sampler: each tick's lateness, with its start and end, so ticks overlapping a busy
// instant can be told from the others.
let lags = [];
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  lags.push([last, now, Math.max(0, now - last - TICK_MS)]);
  last = now;
}, TICK_MS);

function overlapsBusy(start, end) {
  for (const [s, e] of busy) if (s <= end && e >= start) return true;
  return false;
}

setInterval(() => {
  const now = performance.now();
  const window = lags;
  lags = [];
  const all = window.map((l) => l[2]);
  const quiet = window.filter(([s, e]) => !overlapsBusy(s, e)).map((l) => l[2]);
  // Busy instants older than the window just reported can no longer overlap a tick.
  const newest = window.length > 0 ? window[window.length - 1][1] : now;
  for (let i = busy.length - 1; i >= 0; i--) if (busy[i][1] < newest - 1000) busy.splice(i, 1);
  const memory = process.memoryUsage();
  const afterGc = heapAfterGc;
  heapAfterGc = [];
  process.send({ t: now, rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external, arrayBuffers: memory.arrayBuffers, heapAfterGc: afterGc, lags: all, quietLags: quiet, exports, recorded: next });
}, 1000);

process.on('message', async (message) => {
  if (message !== 'stop') return;
  await handle.shutdown();
  process.exit(0);
});
process.send({ ready: true, leaked: leaked.length });
