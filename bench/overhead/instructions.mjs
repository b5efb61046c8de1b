// `npm run bench:overhead -- --instructions`: what each metrics variant costs the tool server in
// instructions, counted by valgrind's callgrind over every thread of the process, instead of
// timed. The timed rounds (run.mjs) swing by ±3 % between rounds even on an idle machine; an
// instruction count does not depend on the machine's load, and with V8 under --predictable (no
// concurrent compilation or GC threads, fixed seeds) it moves only with the JIT's choices,
// within about 0.5 % (NODE_FLAGS below).
//
// Each server runs under callgrind and is driven one request at a time over one keep-alive
// connection, so every variant sees the same sequence of events. The warm-up (requests and
// scrapes until the JIT has settled) runs with callgrind's counting off, several times faster;
// then the driver asks callgrind to dump its counters after each phase (callgrind_control -d):
//   requests  N/5 requests, then N/5 + N: the difference is the cost of N requests (recording,
//             and anything per request that start() installed);
//   scrapes   K/4 scrapes of /metrics, then K/4 + K, no request: the cost of K scrapes;
//   idle      1 s, then 1 + S seconds with nothing to do: timers and intervals.
// Every phase ends with a full collection, so it pays for its garbage; taking the short phase
// off the long one leaves out what each phase pays once whatever its length (the collection,
// the code and type feedback relearnt after it, the dump), which moved a single phase's count
// per request by up to 3 % from one warm-up length to the next.
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
import { LABELS, SERVER, TOOL_BODY, WITH_ENDPOINT, ask, load, portOf, serverEnv, startServer, stop } from './driver.mjs';

/**
 * --predictable: no concurrent compilation or GC threads, fixed hash seeds, so the same run
 * repeats its count; --expose-gc for the collection that ends each phase. V8's tier-up
 * thresholds stay at their defaults (lowered, they moved compilation into the counted window of
 * some variants only); the warm-up is long instead. What still moves a count is the JIT's own
 * choices (which function is inlined where, which stays in Maglev), which every variant perturbs
 * a little differently: the same variant after a warm-up of 20,000 or 40,000 requests moved by
 * up to 0.5 %, so smaller differences between variants say nothing.
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

function control(pid, option) {
  const result = spawnSync('callgrind_control', [option, String(pid)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`callgrind_control ${option} ${pid} failed: ${result.stderr || result.stdout}`);
}

function dump(pid) {
  control(pid, '--dump');
}

/** Starts the server of `variant` under callgrind; resolves once it listens. */
async function startUnderCallgrind(variant, profile, dir, nodeFlags) {
  const metricsPort = await freePort();
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      // Counting starts after the warm-up (--instr=on in countVariant), which then runs several times faster.
      '--instr-atstart=no',
      `--callgrind-out-file=${join(dir, 'callgrind.%p')}`,
      `--log-file=${join(dir, 'valgrind.%p.log')}`,
      process.execPath,
      ...NODE_FLAGS,
      ...nodeFlags,
      SERVER,
    ],
    // In the run's own folder: V8 under --predictable writes an isolate log to the working directory.
    { cwd: dir, env: serverEnv(variant, profile, metricsPort), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
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
 * Counts one variant (the phases are in this file's header). Each phase ends with a full garbage
 * collection, so it pays for the garbage it made (the tool server's 60 crypto Hash objects per
 * request are freed by weak callbacks at a major collection, which otherwise lands in whichever
 * phase it happens to fall). A forced full collection also costs the requests after it a
 * relearning of code and type feedback V8 dropped in it (baseline code with generic inline
 * caches, map transitions): about 390 M instructions, 200 k per request over 2,000 requests,
 * which the short twin of each phase takes off.
 * Returns instructions per request, per scrape and per idle second. For looking further: `keep`
 * leaves the dumps (callgrind_annotate reads them), `nodeFlags` adds flags such as --perf-basic-prof,
 * `scraped: false` leaves /metrics alone throughout.
 */
export async function countVariant(
  variant,
  profile,
  { requestCount, scrapeCount, idleSeconds, warmupRequests, keep = false, nodeFlags = [], scraped = WITH_ENDPOINT.has(variant) },
) {
  const dir = mkdtempSync(join(tmpdir(), `agentmeter-callgrind-${variant}-`));
  const server = await startUnderCallgrind(variant, profile, dir, nodeFlags);
  const toolAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // Each phase ends with a full collection and a dump, so it pays for the garbage it made.
  const phase = async (work) => {
    await work();
    await server.ask('gc', 'collected');
    dump(server.pid);
  };
  const idle = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  // The short twin of each phase: its count, taken off the long one's, leaves the cost of the
  // extra work alone, without what every phase pays once (the collection, what is relearnt after it).
  const short = { requests: Math.ceil(requestCount / 5), scrapes: Math.ceil(scrapeCount / 4), seconds: 1 };
  try {
    for (let i = 0; i < 10; i++) {
      await requests(toolAgent, server.port, warmupRequests / 10);
      if (scraped) await scrapes(server.metricsPort, 5);
    }
    control(server.pid, '--instr=on');
    await phase(async () => {}); // 1: the first collection counted (discarded)
    await phase(() => requests(toolAgent, server.port, short.requests)); // 2
    await phase(() => requests(toolAgent, server.port, short.requests + requestCount)); // 3
    await phase(async () => scraped && (await scrapes(server.metricsPort, short.scrapes))); // 4
    await phase(async () => scraped && (await scrapes(server.metricsPort, short.scrapes + scrapeCount))); // 5
    await phase(() => idle(short.seconds)); // 6
    await phase(() => idle(short.seconds + idleSeconds)); // 7
    const [, fewRequests, manyRequests, fewScrapes, manyScrapes, shortIdle, longIdle] = dumpedCounts(dir, server.pid);
    return {
      perRequest: (manyRequests - fewRequests) / requestCount,
      perScrape: scraped ? (manyScrapes - fewScrapes) / scrapeCount : 0,
      // Idle is near nothing; the difference's own scatter can take it below zero.
      perIdleSecond: Math.max(0, (longIdle - shortIdle) / idleSeconds),
    };
  } finally {
    toolAgent.destroy();
    await server.stop();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

// plain-metrics: what any in-process pull endpoint costs the host (a second node:http server,
// scraped), the base a scraped variant is also compared with.
export const INSTRUCTION_VARIANTS = ['none', 'plain-metrics', 'import-only', 'start-only', 'agentmeter-prom', 'otel', 'prom-client'];

/**
 * Sizes per profile. The warm-up is counted in requests because V8 tiers a function up by how
 * often it ran: the recording code needs as many requests on either profile.
 */
const SIZES = {
  minimal: { requestCount: 10000, warmupRequests: 20000, scrapeCount: 20, idleSeconds: 3 },
  realistic: { requestCount: 1000, warmupRequests: 20000, scrapeCount: 20, idleSeconds: 3 },
};
const WARMUP_STEP = 5000;

/**
 * Counts every variant of each profile `runs` times (one after another: a count does not
 * depend on what else the machine does) and tabulates per-request instructions at one scrape per
 * second and the native request rate, against `none` and, for a scraped variant, against
 * `plain-metrics`.
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
        // The same warm-up would repeat the same count: each run warms up longer, so the spread
        // over runs shows how far the JIT's choices move it.
        const sizes = { ...SIZES[profile], warmupRequests: SIZES[profile].warmupRequests + run * WARMUP_STEP };
        const count = await countVariant(variant, profile, sizes);
        counts[variant].push(count);
        log(`${profile} run ${run + 1}/${runs} ${variant}: ${fmt(count.perRequest, 0)} instructions/request, ${fmt(count.perScrape, 0)}/scrape`);
      }
    }
    const perRequestAt = (c) => c.perRequest + (c.perScrape + c.perIdleSecond) / rate;
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const addedOver = (baseVariant, variant) => {
      if (variant === baseVariant || counts[baseVariant] === undefined) return '-';
      const base = mean(counts[baseVariant].map(perRequestAt));
      const added = counts[variant].map((c) => (perRequestAt(c) / base - 1) * 100);
      return `${fmt(mean(added), 2)} %${runs > 1 ? ` (${fmt(Math.min(...added), 2)} .. ${fmt(Math.max(...added), 2)})` : ''}`;
    };
    const rows = variants.map((variant) => {
      const all = counts[variant].map(perRequestAt);
      return [
        LABELS[variant] ?? variant,
        fmt(mean(counts[variant].map((c) => c.perRequest)), 0),
        fmt(mean(counts[variant].map((c) => c.perScrape)) / 1e6, 2),
        fmt(mean(counts[variant].map((c) => c.perIdleSecond)) / 1e3, 1),
        fmt(mean(all), 0),
        addedOver('none', variant),
        WITH_ENDPOINT.has(variant) ? addedOver('plain-metrics', variant) : '-',
      ];
    });
    results[profile] = { rate, counts };
    sections.push(
      `${profile === 'minimal' ? 'Minimal' : 'Realistic'} profile, instructions counted by callgrind (all threads, user space; Node with --predictable), ${runs} run${runs > 1 ? 's' : ''} per variant${runs > 1 ? ` (mean; min .. max; each run warms up ${fmt(WARMUP_STEP, 0)} requests longer)` : ''}, ${fmt(SIZES[profile].requestCount, 0)} requests counted after a warm-up of ${fmt(SIZES[profile].warmupRequests, 0)}; ${fmt(rate, 0)} requests/s is this server's native rate without metrics, which sets how many requests one scrape per second is shared by:\n\n` +
        table(['variant', 'per request', 'per scrape (M)', 'per idle second (k)', 'per request, one scrape/s', 'added', 'added over a plain endpoint'], rows),
    );
  }
  return { markdown: sections.join('\n\n'), results };
}
