// `npm run bench:overhead`: the tool server under real load, one metrics variant at a time,
// interleaved round by round (ABCDE, BCDEA, ...). autocannon and the 1 s scraper run here, in
// a process of their own; the server counts its requests and CPU time itself, which stays far
// steadier than req/s when other work shares the cores.
// Options: --rounds N (7) --seconds S (4, measured per run) --warmup S (1) --connections C (16)
// --profile minimal|realistic|both (both) --variants a,b,... --no-kafka --cpu-prof DIR
// --no-attribute (skip the in-server sampling profile that splits recording from scrape/export cost)
// --instructions [--runs N]: count instructions under callgrind instead (instructions.mjs)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, table } from '../harness.mjs';
import { median, lossRows } from './stats.mjs';
import { HASHES } from './hashes.mjs';
import { LABELS, load, startServer } from './driver.mjs';

export const VARIANTS = ['none', 'start-only', 'agentmeter-prom', 'agentmeter-kafka', 'otel', 'prom-client'];

async function stats(url) {
  return (await fetch(`${url}/__stats`)).json();
}

/** Scrapes `url` every second until stopped; returns the scrape count and failures. */
function scraper(url) {
  let scrapes = 0;
  let failures = 0;
  const timer = url === undefined ? undefined : setInterval(() => {
    fetch(url).then((r) => r.text()).then(() => scrapes++, () => failures++);
  }, 1000);
  return () => {
    clearInterval(timer);
    return { scrapes, failures };
  };
}

async function measure(variant, profile, options) {
  const server = await startServer(variant, profile, { brokers: options.brokers, cpuProf: options.cpuProf });
  try {
    const stopScraping = scraper(server.metricsUrl);
    await load(server.url, options.warmup, options.connections);
    if (options.attribute) await server.ask('profile-start', 'profiling');
    const before = await stats(server.url);
    const started = performance.now();
    const result = await load(server.url, options.seconds, options.connections);
    const after = await stats(server.url);
    const profile = options.attribute ? await server.ask('profile-stop', 'profile') : undefined;
    const elapsed = (performance.now() - started) / 1000;
    const scraped = stopScraping();
    const requests = after.requests - before.requests;
    const perRequest = (group) => (after.threads[group] - before.threads[group]) / requests;
    return {
      rps: requests / elapsed,
      cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / requests,
      threadMicrosPerRequest: { main: perRequest('main'), v8: perRequest('v8'), libuv: perRequest('libuv'), other: perRequest('other') },
      gcPerThousand: ((after.gcCount - before.gcCount) * 1000) / requests,
      gcMillisPerThousand: ((after.gcMillis - before.gcMillis) * 1000) / requests,
      heapMegabytes: after.heapUsed / 1e6,
      recordingMicrosPerRequest: profile ? profile.recordingMicros / requests : Number.NaN,
      backgroundMicrosPerRequest: profile ? profile.backgroundMicros / requests : Number.NaN,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.non2xx,
      scrapeFailures: scraped.failures,
    };
  } finally {
    await server.stop();
  }
}

export async function runOverhead(options = {}) {
  const o = { rounds: 7, seconds: 4, warmup: 1, connections: 16, profiles: ['minimal', 'realistic'], variants: VARIANTS, attribute: true, ...options };
  let infra;
  if (o.variants.includes('agentmeter-kafka') && o.brokers === undefined) {
    const { up, down } = await import('../../test/infra/services.mjs');
    const dir = mkdtempSync(join(tmpdir(), 'agentmeter-overhead-'));
    const { services } = await up(dir, ['kafka']);
    o.brokers = services.kafka.brokers;
    infra = () => down(dir);
  }
  const sections = [];
  const results = {};
  try {
    for (const profile of o.profiles) {
      const runs = Object.fromEntries(o.variants.map((v) => [v, []]));
      for (let round = 0; round < o.rounds; round++) {
        // Rotated each round so no variant always runs first or right after a given one.
        const order = o.variants.map((_, i) => o.variants[(i + round) % o.variants.length]);
        for (const variant of order) {
          const run = await measure(variant, profile, o);
          runs[variant].push(run);
          process.stderr.write(`${profile} round ${round + 1}/${o.rounds} ${variant}: ${fmt(run.rps, 0)} req/s, ${fmt(run.cpuMicrosPerRequest)} µs CPU/req${run.errors || run.scrapeFailures ? `, ${run.errors} errors, ${run.scrapeFailures} failed scrapes` : ''}\n`);
        }
      }
      results[profile] = runs;
      const rows = lossRows(runs, o.variants).map((r) => [
        LABELS[r.variant] ?? r.variant,
        fmt(r.rps, 0),
        r.variant === 'none' ? '-' : `${fmt(r.loss.median)} % (${fmt(r.loss.min)} .. ${fmt(r.loss.max)})`,
        fmt(r.cpu, 1),
        r.variant === 'none' ? '-' : `${fmt(r.cpuExtra.median)} % (${fmt(r.cpuExtra.min)} .. ${fmt(r.cpuExtra.max)})`,
        r.variant === 'none' || !o.attribute ? '-' : fmt(median(runs[r.variant].map((x) => x.recordingMicrosPerRequest)), 2),
        r.variant === 'none' || !o.attribute ? '-' : fmt(median(runs[r.variant].map((x) => x.backgroundMicrosPerRequest)), 2),
        fmt(median(runs[r.variant].map((x) => x.p50)), 1),
        fmt(median(runs[r.variant].map((x) => x.p99)), 1),
      ]);
      const baseCpu = median(runs.none?.map((x) => x.cpuMicrosPerRequest) ?? [Number.NaN]);
      const where = o.variants.map((variant) => {
        const mine = runs[variant];
        const m = (pick) => median(mine.map(pick));
        return [
          LABELS[variant] ?? variant,
          fmt(m((x) => x.cpuMicrosPerRequest), 1),
          fmt(m((x) => x.threadMicrosPerRequest.main), 1),
          fmt(m((x) => x.threadMicrosPerRequest.v8), 2),
          fmt(m((x) => x.threadMicrosPerRequest.libuv + x.threadMicrosPerRequest.other), 2),
          fmt(m((x) => x.gcPerThousand), 2),
          fmt(m((x) => x.gcMillisPerThousand), 2),
          fmt(m((x) => x.heapMegabytes), 1),
          variant === 'none' || !o.attribute ? '-' : fmt(m((x) => x.recordingMicrosPerRequest + x.backgroundMicrosPerRequest), 2),
        ];
      });
      sections.push(
        `${profile === 'minimal' ? 'Minimal' : 'Realistic'} profile (${HASHES[profile]} SHA-256 hashes per request; ${fmt(baseCpu, 0)} µs of server CPU per request without metrics), ${o.connections} connections, ${o.rounds} interleaved rounds of ${o.seconds} s (medians; spread min .. max over rounds)${o.attribute ? '; the two profile columns are CPU time a sampling profile of the server attributes to the ten recordings per request, and to metrics code outside them (scrapes, collection, export), per request' : ''}:\n\n` +
          table(['variant', 'req/s', 'throughput lost', 'CPU µs/req (server)', 'CPU per request added', 'recording µs/req (profile)', 'scrape/export µs/req (profile)', 'p50 ms', 'p99 ms'], rows) +
          `\n\nWhere the server's CPU went (${profile} profile; medians over rounds): the kernel's per-thread account (/proc schedstat) of all threads, the main thread, V8's worker threads (concurrent GC marking and sweeping, compilation) and the rest (libuv pool, signal and task threads); garbage collections and their pause time per 1,000 requests; the heap after the run; and, beside them, what the main thread's sampling profile attributes to metrics code:\n\n` +
          table(['variant', 'all threads µs/req', 'main thread µs/req', 'V8 workers µs/req', 'other threads µs/req', 'GCs per 1k req', 'GC pause ms per 1k req', 'heap MB', 'profile: metrics code µs/req'], where),
      );
    }
  } finally {
    await infra?.();
  }
  return { markdown: sections.join('\n\n'), results };
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--instructions')) {
  const { runInstructions, callgrindAvailable, INSTRUCTION_VARIANTS } = await import('./instructions.mjs');
  if (!callgrindAvailable()) {
    console.error('bench:overhead --instructions needs valgrind (Debian: apt-get install valgrind)');
    process.exit(2);
  }
  const profile = arg('profile', 'both');
  const { markdown } = await runInstructions({
    profiles: profile === 'both' ? ['minimal', 'realistic'] : [profile],
    variants: arg('variants', INSTRUCTION_VARIANTS.join(',')).split(','),
    runs: Number(arg('runs', 1)),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  console.log(markdown);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const profile = arg('profile', 'both');
  let variants = arg('variants', VARIANTS.join(',')).split(',');
  if (process.argv.includes('--no-kafka')) variants = variants.filter((v) => v !== 'agentmeter-kafka');
  const { markdown } = await runOverhead({
    rounds: Number(arg('rounds', 3)),
    seconds: Number(arg('seconds', 4)),
    warmup: Number(arg('warmup', 1)),
    connections: Number(arg('connections', 16)),
    profiles: profile === 'both' ? ['minimal', 'realistic'] : [profile],
    variants,
    cpuProf: arg('cpu-prof', undefined),
    attribute: !process.argv.includes('--no-attribute'),
  });
  // Recorded with the other benchmarks: `npm run bench -- --write` runs this too.
  console.log(markdown);
}
