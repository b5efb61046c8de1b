/**
 * The demo's workload: a simulated agent served over HTTP (so the official http instrumentation
 * records it), driven by a few client loops, with sessions, cache sizes, connection-pool state
 * and health set on a timer; an optional fault burst. Served on the Prometheus endpoint (and
 * through Kafka when OTEL_METRICS_EXPORTER includes it), with a short live summary.
 */
import type { Server } from 'node:http';
import { setCacheSize, setDbPoolState, setHealth, setJobLogger, trackRequest, trackSession } from '../index';
import { diag } from '@opentelemetry/api';
import { startReporting } from '../sdk/start';
import { DISABLED_LINE, EXIT_CANNOT_LISTEN, EXIT_DISABLED, cannotListenLine, stopHint } from './demo-messages';
import { buildSummary } from '../exporters/summary/summary';
import { Scenario, sleep } from './demo-scenario';
import { DEMO_JOB_EVERY, DemoJobs } from './demo-jobs';

/** One line per tool and cache, from the same summary the JSON endpoint serves. */
export function summaryLines(): string[] {
  const { tool_metrics: tools, cache_metrics: caches } = buildSummary();
  const lines = Object.entries(tools).map(
    ([name, t]) =>
      `  tool  ${name.padEnd(14)} calls ${String(t.total_calls).padStart(6)}  failed ${String(t.failed_calls).padStart(4)}  avg ${(t.avg_latency_ms ?? 0).toFixed(1).padStart(7)} ms`,
  );
  for (const [name, c] of Object.entries(caches)) {
    lines.push(`  cache ${name.padEnd(14)} hit rate ${(c.hit_rate ?? 0).toFixed(1).padStart(5)} %  (${c.total_requests} lookups)`);
  }
  return lines;
}

/** Options of the demo. */
export interface DemoOptions {
  /** Prometheus endpoint port; default 9464, 0 picks a free one. */
  port?: number;
  /** Status page and JSON summary port; default 9109, 0 picks a free one. */
  summaryPort?: number;
  /** Stops after this long, in milliseconds; default: until SIGINT/SIGTERM. */
  durationMillis?: number;
  /** Interval of the live summary on stdout, in milliseconds; default 5000. */
  summaryEveryMillis?: number;
  /** Simulated requests to handle before the workload stops (the endpoints keep serving). */
  requests?: number;
  /** Inject a fault burst (tools failing and slow, caches flushed, ...); default off. */
  faultBurst?: boolean;
  /** Healthy traffic before the burst starts, in milliseconds; default 0. */
  faultAfterMillis?: number;
  /** Length of the burst, in milliseconds; default 600000 (10 minutes). */
  faultMillis?: number;
}

/** `service.name`: OTEL_SERVICE_NAME when set (compose, tests), else `agentmeter-demo`. */
function serviceName(): string {
  const fromEnv = process.env.OTEL_SERVICE_NAME?.trim();
  return fromEnv === undefined || fromEnv === '' ? 'agentmeter-demo' : fromEnv;
}

/** The agent's HTTP API, on a free loopback port. */
async function listen(scenario: Scenario, jobs: DemoJobs): Promise<{ server: Server; url: string }> {
  // Required here, after start(): the http instrumentation patches the module when it is
  // required, as for an app started with --require agentmeter/register.
  const http = require('node:http') as typeof import('node:http');
  const server = http.createServer((req, res) => {
    req.resume();
    const request = trackRequest();
    jobs.run(() => scenario.handle()).then(
      (status) => {
        res.statusCode = status;
        res.end(status === 200 ? 'ok' : 'tool failed');
      },
      () => {
        res.statusCode = 500;
        res.end('error');
      },
    ).finally(() => request.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}/v1/agent` };
}

/** Runs until SIGINT/SIGTERM; `durationMillis` stops it earlier (used by tests). */
export async function runDemo(options: DemoOptions = {}): Promise<void> {
  const handle = startReporting(
    {
      prometheusPort: options.port,
      serviceName: serviceName(),
      instrumentations: ['runtime', 'http'],
      summary: true,
      summaryPort: options.summaryPort,
    },
    (line) => diag.warn(line),
    (failure) => void process.stderr.write(`${cannotListenLine(failure)}\n`),
  );
  if (!handle.config.enabled) {
    process.stderr.write(`${DISABLED_LINE}\n`);
    await handle.shutdown();
    process.exitCode = EXIT_DISABLED;
    return;
  }
  try {
    await handle.ready();
  } catch {
    // Each endpoint that failed has said so; a demo with nothing to show ends.
    await handle.shutdown();
    process.exitCode = EXIT_CANNOT_LISTEN;
    return;
  }
  setJobLogger({ info() {} }); // job records go to metrics.jsonl only, not to the demo's stderr
  const began = Date.now();
  const faultFrom = began + (options.faultAfterMillis ?? 0);
  const faultTo = faultFrom + (options.faultMillis ?? 600000);
  const faulty = (): boolean => options.faultBurst === true && Date.now() >= faultFrom && Date.now() < faultTo;
  const scenario = new Scenario(faulty);
  const jobs = new DemoJobs();
  const api = await listen(scenario, jobs);
  const hint = stopHint(options);
  if (handle.prometheusUrl !== undefined) console.log(`agentmeter demo: metrics at ${handle.prometheusUrl}  ${hint}`);
  else console.log(`agentmeter demo: exporting to ${handle.config.metricsExporters.join(', ')}  ${hint}`);
  console.log(`agentmeter demo: status page at ${handle.summaryUrl}/  JSON at ${handle.summaryUrl}/metrics.json`);
  console.log(`agentmeter demo: every ${DEMO_JOB_EVERY}th request runs as a job; while the demo runs: agentmeter jobs ${jobs.dir}`);
  if (options.faultBurst) {
    console.log(`agentmeter demo: fault burst from +${(faultFrom - began) / 1000} s for ${(faultTo - faultFrom) / 1000} s`);
  }
  let running = true;
  // --requests N: handle N requests, then keep serving the (now stable) numbers.
  let budget = options.requests ?? Infinity;
  const clients = Array.from({ length: 4 }, async () => {
    while (running && budget > 0) {
      const session = trackSession();
      for (let i = 0; i < 20 && running && budget > 0; i++) {
        budget--;
        await fetch(api.url, { method: 'POST' }).then((r) => r.arrayBuffer(), () => undefined);
        await sleep(Math.random() * 50);
      }
      session.end();
    }
  });
  let size = 0;
  const state = (): void => {
    const fault = faulty();
    setHealth(fault ? 'unhealthy' : 'healthy');
    size = fault ? 0 : Math.min(10000, size + 37);
    setCacheSize({ cache: 'embeddings', entries: size, bytes: size * 6144 });
    setCacheSize({ cache: 'tool_results', entries: Math.floor(size / 4), bytes: size * 512 });
    const used = fault ? 10 : 2 + Math.floor(Math.random() * 4);
    setDbPoolState({ pool: 'primary', used, idle: 10 - used, max: 10 });
  };
  state();
  const stateTimer = setInterval(state, 500);
  const summary = setInterval(() => {
    console.log(`--- ${new Date().toISOString()}`);
    for (const line of summaryLines()) console.log(line);
  }, options.summaryEveryMillis ?? 5000);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (options.durationMillis !== undefined) setTimeout(stop, options.durationMillis);
  });
  running = false;
  clearInterval(summary);
  clearInterval(stateTimer);
  await Promise.all(clients);
  api.server.closeAllConnections(); // the clients' keep-alive sockets
  await new Promise((resolve) => api.server.close(resolve));
  console.log(`--- final`);
  for (const line of summaryLines()) console.log(line);
  await handle.shutdown();
  console.log('agentmeter demo: stopped');
}
