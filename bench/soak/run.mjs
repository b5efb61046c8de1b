// `npm run soak -- --minutes N`: agentmeter with 10,000 series, /metrics scraped every second
// from this process and Kafka export every second to a real broker, for N minutes. Samples RSS,
// heap and event-loop delay once a second; fails (exit 1) when RSS or the heap floor keeps
// growing after warm-up. Prints the report; `--write` also records it in docs/benchmarks.md (its soak section) and docs/soak.svg.
// Options: --minutes N (30) --warmup M (minutes; default a third of the run, at most 5)
// --series S (10000) --rate R (recordings/s, 10000) --leak BYTES_PER_SECOND (prove the detector)
// --target-node-options '--cpu-prof --cpu-prof-dir=DIR' (profile the soak process)
import { fork } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { writeSoakSection } from '../soak-section.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIMITS, maximum, percentile, verdict } from './verdict.mjs';
import { markdownReport, svgChart } from './report.mjs';
import { freePort } from '../../test/infra/process.mjs';

const TARGET = fileURLToPath(new URL('./target.mjs', import.meta.url));


/** Scrapes every second; keeps the scrape durations and the last page. */
function scraper(url) {
  const durations = [];
  let failures = 0;
  let lastPage = '';
  const timer = setInterval(async () => {
    const started = performance.now();
    try {
      lastPage = await (await fetch(url)).text();
      durations.push(performance.now() - started);
    } catch {
      failures++;
    }
  }, 1000);
  return { stop: () => clearInterval(timer), result: () => ({ durations, failures, lastPage }) };
}

export async function runSoak(options = {}) {
  const minutes = options.minutes ?? 30;
  const warmupMinutes = options.warmupMinutes ?? Math.min(5, minutes / 3);
  let brokers = options.brokers;
  let infra;
  if (brokers === undefined) {
    const { up, down } = await import('../../test/infra/services.mjs');
    const dir = mkdtempSync(join(tmpdir(), 'agentmeter-soak-'));
    brokers = (await up(dir, ['kafka'])).services.kafka.brokers;
    infra = () => down(dir);
  }
  const metricsPort = await freePort();
  const child = fork(TARGET, [], {
    env: {
      ...process.env,
      SERIES: String(options.series ?? 10000),
      RATE: String(options.rate ?? 10000),
      METRICS_PORT: String(metricsPort),
      KAFKA_BROKERS: brokers,
      TOPIC: options.topic ?? 'soak_metrics',
      LEAK_BYTES_PER_SECOND: String(options.leakBytesPerSecond ?? 0),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // e.g. ['--cpu-prof'] to see where the scrape and export time goes.
    execArgv: options.execArgv ?? [],
  });
  const samples = [];
  const lags = [];
  const quietLags = [];
  let started;
  let last;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await new Promise((resolve, reject) => {
      child.on('message', (m) => {
        if (m.ready) return resolve();
        started ??= m.t - 1000;
        last = m;
        const minute = (m.t - started) / 60000;
        const sample = {
          minutes: minute,
          rssMb: m.rss / 2 ** 20,
          heapMb: m.heapUsed / 2 ** 20,
          externalMb: m.external / 2 ** 20,
          // Heap used right after the major collections of this second, if any ran.
          heapAfterGcMb: m.heapAfterGc.length > 0 ? Math.min(...m.heapAfterGc) / 2 ** 20 : undefined,
          p99Ms: percentile(m.lags, 99),
          quietP99Ms: percentile(m.quietLags, 99),
          maxMs: maximum(m.lags),
        };
        samples.push(sample);
        if (minute >= warmupMinutes) {
          for (const lag of m.lags) lags.push(lag);
          for (const lag of m.quietLags) quietLags.push(lag);
        }
        options.onSample?.(sample);
      });
      child.once('exit', (code) => reject(new Error(`soak target exited with ${code}`)));
    });
    const scrapes = scraper(`http://127.0.0.1:${metricsPort}/metrics`);
    await new Promise((resolve) => setTimeout(resolve, minutes * 60000));
    scrapes.stop();
    const { durations, failures, lastPage } = scrapes.result();
    const limits = options.limits ?? LIMITS;
    const judged = verdict(samples, { warmupMinutes, limits });
    return {
      minutes,
      warmupMinutes,
      series: options.series ?? 10000,
      rate: options.rate ?? 10000,
      samples,
      limits,
      verdict: judged,
      eventLoop: { p99Ms: percentile(lags, 99), quietP99Ms: percentile(quietLags, 99), maxMs: maximum(lags) },
      scrapes: { count: durations.length, failures, p50Ms: percentile(durations, 50), p99Ms: percentile(durations, 99), maxMs: maximum(durations), lastPage },
      exports: last?.exports ?? 0,
      recorded: last?.recorded ?? 0,
    };
  } finally {
    child.send('stop');
    await exited;
    await infra?.();
  }
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const warmup = arg('warmup', undefined);
  const result = await runSoak({
    minutes: Number(arg('minutes', 30)),
    warmupMinutes: warmup === undefined ? undefined : Number(warmup),
    series: Number(arg('series', 10000)),
    rate: Number(arg('rate', 10000)),
    leakBytesPerSecond: Number(arg('leak', 0)),
    execArgv: arg('target-node-options', '').split(' ').filter(Boolean),
    onSample: (s) => process.stderr.write(`${s.minutes.toFixed(2)} min: RSS ${s.rssMb.toFixed(1)} MB, heap ${s.heapMb.toFixed(1)} MB (after GC ${s.heapAfterGcMb?.toFixed(1) ?? '-'}), external ${s.externalMb.toFixed(1)} MB, loop delay p99 ${s.p99Ms.toFixed(1)} ms (quiet ${s.quietP99Ms.toFixed(1)}), max ${s.maxMs.toFixed(1)} ms\n`),
  });
  const markdown = markdownReport(result);
  console.log(markdown);
  if (process.argv.includes('--write')) {
    writeSoakSection(markdown);
    writeFileSync('docs/soak.svg', svgChart(result));
    console.log('\nwrote the soak section of docs/benchmarks.md and docs/soak.svg');
  }
  if (!result.verdict.pass) process.exitCode = 1;
}
