// `npm run bench:overhead -- --instructions`: what each metrics variant costs the tool server in
// instructions, counted by valgrind's callgrind over every thread of the process, instead of
// timed. The timed rounds (run.mjs) swing by ±3 % between rounds even on an idle machine, too
// much to resolve a 0.3 % cost; an instruction count repeats to within 0.04 %
// when V8 runs with --predictable (no concurrent compilation or GC threads, fixed seeds), so one
// run per variant answers what the timed rounds cannot.
//
// Each server runs under callgrind and is driven one request at a time over one keep-alive
// connection, so every variant sees the same sequence of events. The driver asks callgrind to
// dump its counters between phases (callgrind_control -d), and each phase's count is its own:
//   warm-up  requests and scrapes until the JIT has settled (discarded);
//   requests N requests, no scrape: the per-request cost (recording, and anything per request
//            that start() installed);
//   scrapes  K scrapes of /metrics, no request: the cost of one scrape;
//   idle     S seconds with nothing to do: timers and intervals, per second of wall time.
// The per-request cost at one scrape per second is then requests/N + (scrape + idle per second)
// / R, with R the requests per second the same server serves natively with no metrics (measured
// first, under autocannon, as run.mjs loads it). Instructions are user-space work only: the kernel's
// share (the scrape's socket) and cache misses are what the timed rounds still measure.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { freePort } from '../../test/infra/process.mjs';
import { LABELS, SERVER, TOOL_BODY, ask, load, portOf, startServer, stop } from './driver.mjs';

/**
 * --predictable: no concurrent compilation or GC threads, fixed hash seeds, so a count repeats
 * (one variant in three runs: within 0.04 %). --expose-gc for the collections around each phase.
 * V8's tier-up thresholds stay at their defaults: lowered, they moved compilation into the
 * counted window of some variants and not others. After the warm-up some of the recording code
 * still runs in V8's middle tier (Maglev), where a native server reaches the top tier within
 * seconds, so the recording rows here are an upper bound.
 */
const NODE_FLAGS = ['--predictable', '--expose-gc'];

/** Whether valgrind and callgrind_control are installed (Debian's valgrind package has both). */
export function callgrindAvailable() {
  return ['valgrind', 'callgrind_control'].every((tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0);
}

/** One request over `agent` (keep-alive, one socket); resolves with the body. */
function send(agent, port, path, method = 'GET', body = undefined) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, agent, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${path} answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function requests(agent, port, count) {
  for (let i = 0; i < count; i++) await send(agent, port, '/tool', 'POST', TOOL_BODY);
}

/** Each scrape on a new connection: the endpoint closes idle ones, and a slowed server would race the reuse. */
async function scrapes(port, count) {
  for (let i = 0; i < count; i++) await send(false, port, '/metrics');
}

/** Callgrind's dump files for `pid` in `dir`, in dump order, as instruction counts. */
function dumpedCounts(dir, pid) {
  const files = readdirSync(dir)
    .filter((f) => f.startsWith(`callgrind.${pid}.`))
    .sort((a, b) => Number(a.split('.').at(-1)) - Number(b.split('.').at(-1)));
  return files.map((f) => {
    const match = /^(?:summary|totals): (\d+)/m.exec(readFileSync(join(dir, f), 'utf8'));
    if (match === null) throw new Error(`callgrind dump ${f} has no instruction total`);
    return Number(match[1]);
  });
}

function dump(pid) {
  const result = spawnSync('callgrind_control', ['--dump', String(pid)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`callgrind_control --dump ${pid} failed: ${result.stderr || result.stdout}`);
}

/** Starts the server of `variant` under callgrind; resolves once it listens. */
async function startUnderCallgrind(variant, profile, dir, nodeFlags) {
  const metricsPort = await freePort();
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${join(dir, 'callgrind.%p')}`, `--log-file=${join(dir, 'valgrind.%p.log')}`, process.execPath, ...NODE_FLAGS, ...nodeFlags, SERVER],
    // In the run's own folder: V8 under --predictable writes an isolate log to the working directory.
    { cwd: dir, env: { ...process.env, VARIANT: variant, PROFILE: profile, METRICS_PORT: String(metricsPort), KAFKA_BROKERS: '' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const port = await portOf(child, `${variant} server under callgrind (see ${dir})`);
  return { pid: child.pid, port, metricsPort, ask: (message, field) => ask(child, message, field), stop: () => stop(child) };
}

/** Requests per second the `none` server serves natively under the timed bench's load. */
export async function nativeRate(profile, { seconds = 3, connections = 16 } = {}) {
  const server = await startServer('none', profile);
  try {
    await load(server.url, 1, connections);
    const result = await load(server.url, seconds, connections);
    return result.requests.total / seconds;
  } finally {
    await server.stop();
  }
}

/**
 * Counts one variant. Each counted phase starts and ends with a full garbage collection, and the
 * cost of a collection with nothing new to free (and of asking for it) is counted alone and taken
 * off, so a phase pays for the garbage it made and not for the warm-up's: the tool server's
 * garbage (60 crypto Hash objects per request, freed by weak callbacks) otherwise lands in
 * whichever phase the next major collection happens to fall.
 * Returns instructions per request, per scrape and per idle second. For looking further: `keep`
 * leaves the dumps (callgrind_annotate reads them), `nodeFlags` adds flags such as --perf-basic-prof.
 */
export async function countVariant(variant, profile, { requestCount, scrapeCount, idleSeconds, warmupRequests, keep = false, nodeFlags = [] }) {
  const dir = mkdtempSync(join(tmpdir(), `agentmeter-callgrind-${variant}-`));
  const server = await startUnderCallgrind(variant, profile, dir, nodeFlags);
  const scraped = !['none', 'import-only'].includes(variant);
  const toolAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const collect = () => server.ask('gc', 'collected');
  try {
    for (let i = 0; i < 10; i++) {
      await requests(toolAgent, server.port, warmupRequests / 10);
      if (scraped) await scrapes(server.metricsPort, 5);
    }
    await collect();
    dump(server.pid); // 1: warm-up
    await collect();
    dump(server.pid); // 2: a collection alone
    await requests(toolAgent, server.port, requestCount);
    await collect();
    dump(server.pid); // 3: requests
    if (scraped) await scrapes(server.metricsPort, scrapeCount);
    await collect();
    dump(server.pid); // 4: scrapes
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    await collect();
    dump(server.pid); // 5: idle
    const [, collection, inRequests, inScrapes, inIdle] = dumpedCounts(dir, server.pid);
    return {
      perRequest: (inRequests - collection) / requestCount,
      perScrape: scraped ? (inScrapes - collection) / scrapeCount : 0,
      // Idle is near nothing; the subtraction's own scatter (±0.1 M) can take it below zero.
      perIdleSecond: Math.max(0, (inIdle - collection) / idleSeconds),
      collection,
    };
  } finally {
    toolAgent.destroy();
    await server.stop();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

export const INSTRUCTION_VARIANTS = ['none', 'import-only', 'start-only', 'agentmeter-prom', 'otel', 'prom-client'];

/** Sizes per profile: the realistic request is ~12x the work, so fewer of them. */
const SIZES = {
  minimal: { requestCount: 2000, warmupRequests: 3000, scrapeCount: 20, idleSeconds: 3 },
  realistic: { requestCount: 400, warmupRequests: 1500, scrapeCount: 20, idleSeconds: 3 },
};

/**
 * Counts every variant of each profile `runs` times (one after another: a count does not
 * depend on what else the machine does) and tabulates per-request instructions at one scrape per
 * second and the native request rate, against `none`.
 */
export async function runInstructions({ profiles = ['minimal', 'realistic'], variants = INSTRUCTION_VARIANTS, runs = 1, log = () => {} } = {}) {
  const { fmt, table } = await import('../harness.mjs');
  const sections = [];
  const results = {};
  for (const profile of profiles) {
    const rate = await nativeRate(profile);
    const counts = Object.fromEntries(variants.map((v) => [v, []]));
    for (let run = 0; run < runs; run++) {
      for (const variant of variants) {
        const count = await countVariant(variant, profile, SIZES[profile]);
        counts[variant].push(count);
        log(`${profile} run ${run + 1}/${runs} ${variant}: ${fmt(count.perRequest, 0)} instructions/request, ${fmt(count.perScrape, 0)}/scrape`);
      }
    }
    const perRequestAt = (c) => c.perRequest + (c.perScrape + c.perIdleSecond) / rate;
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const base = mean(counts.none.map(perRequestAt));
    const rows = variants.map((variant) => {
      const all = counts[variant].map(perRequestAt);
      const added = all.map((x) => (x / base - 1) * 100);
      return [
        LABELS[variant] ?? variant,
        fmt(mean(counts[variant].map((c) => c.perRequest)), 0),
        fmt(mean(counts[variant].map((c) => c.perScrape)) / 1e6, 2),
        fmt(mean(counts[variant].map((c) => c.perIdleSecond)) / 1e3, 1),
        fmt(mean(all), 0),
        variant === 'none' ? '-' : `${fmt(mean(added), 2)} %${runs > 1 ? ` (${fmt(Math.min(...added), 2)} .. ${fmt(Math.max(...added), 2)})` : ''}`,
      ];
    });
    results[profile] = { rate, counts };
    sections.push(
      `${profile === 'minimal' ? 'Minimal' : 'Realistic'} profile, instructions counted by callgrind (all threads, user space; Node with --predictable), ${runs} run${runs > 1 ? 's' : ''} per variant${runs > 1 ? ' (mean; min .. max)' : ''}; ${fmt(rate, 0)} requests/s is this server's native rate without metrics, which sets how many requests one scrape per second is shared by:\n\n` +
        table(['variant', 'per request', 'per scrape (M)', 'per idle second (k)', 'per request, one scrape/s', 'added'], rows),
    );
  }
  return { markdown: sections.join('\n\n'), results };
}
