/**
 * The demo's workload: a simulated agent (tools, caches, routing, LLM calls) instrumented with
 * the public helpers, served on the Prometheus endpoint, with a short live summary.
 */
import {
  recordCacheLookup,
  recordLlmCall,
  recordRouting,
  setCacheSize,
  timeToolCall,
  trackRequest,
  trackSession,
} from '../index';
import { start } from '../sdk/start';
import { buildSummary } from '../exporters/summary/summary';

interface SimulatedTool {
  name: string;
  medianMillis: number;
  failureRate: number;
  error: string;
}

const TOOLS: SimulatedTool[] = [
  { name: 'web_search', medianMillis: 250, failureRate: 0.05, error: 'TimeoutError' },
  { name: 'sql_query', medianMillis: 30, failureRate: 0.02, error: 'QueryError' },
  { name: 'calculator', medianMillis: 2, failureRate: 0, error: 'Error' },
  { name: 'send_email', medianMillis: 120, failureRate: 0.08, error: 'SmtpError' },
];
const AGENTS = ['billing', 'support', 'research'];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Log-normal latency around a median: most calls near it, a long tail. */
const latency = (medianMillis: number): number => medianMillis * Math.exp(0.6 * gaussian());
function gaussian(): number {
  return Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
}

async function handleRequest(): Promise<void> {
  const request = trackRequest();
  try {
    const cacheHit = Math.random() < 0.3;
    const routeMillis = cacheHit ? 0.5 : latency(12);
    await sleep(routeMillis);
    recordRouting({
      strategy: 'semantic',
      agent: AGENTS[Math.floor(Math.random() * AGENTS.length)]!,
      seconds: routeMillis / 1000,
      candidates: 3 + Math.floor(Math.random() * 4),
      confidence: 0.5 + Math.random() * 0.5,
      cacheHit,
      outcome: Math.random() < 0.05 ? 'fallback' : 'success',
    });
    const embeddingHit = Math.random() < 0.7;
    recordCacheLookup({ cache: 'embeddings', hit: embeddingHit, seconds: embeddingHit ? 0.0002 : 0.004 });
    recordCacheLookup({ cache: 'tool_results', hit: Math.random() < 0.4 });
    const tool = TOOLS[Math.floor(Math.random() * TOOLS.length)]!;
    await timeToolCall(tool.name, async () => {
      await sleep(latency(tool.medianMillis));
      if (Math.random() < tool.failureRate) throw Object.assign(new Error(`${tool.name} failed`), { name: tool.error });
    }).catch(() => undefined);
    const llmMillis = latency(800);
    await sleep(llmMillis / 10); // a tenth of real time keeps the demo lively
    recordLlmCall({
      provider: 'openai',
      model: 'gpt-4o',
      seconds: llmMillis / 1000,
      inputTokens: 500 + Math.floor(Math.random() * 2000),
      outputTokens: 50 + Math.floor(Math.random() * 400),
      error: Math.random() < 0.01 ? 'rate_limit_exceeded' : undefined,
    });
  } finally {
    request.end();
  }
}

/** One line per tool and cache, from the same summary the JSON endpoint serves. */
export function summaryLines(): string[] {
  const { tool_metrics: tools, cache_metrics: caches } = buildSummary();
  const lines = Object.entries(tools).map(
    ([name, t]) =>
      `  tool  ${name.padEnd(14)} calls ${String(t.total_calls).padStart(6)}  failed ${String(t.failed_calls).padStart(4)}  avg ${(t.avg_latency_ms ?? 0).toFixed(1).padStart(7)} ms`,
  );
  for (const [name, c] of Object.entries(caches)) {
    lines.push(`  cache ${name.padEnd(14)} hit rate ${(100 * (c.hit_rate ?? 0)).toFixed(1).padStart(5)} %  (${c.total_requests} lookups)`);
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
}

/** Runs until SIGINT/SIGTERM; `durationMillis` stops it earlier (used by tests). */
export async function runDemo(options: DemoOptions = {}): Promise<void> {
  const handle = start({
    prometheusPort: options.port,
    serviceName: 'agentmeter-demo',
    instrumentations: ['runtime'],
    summary: true,
    summaryPort: options.summaryPort,
  });
  await handle.ready();
  console.log(`agentmeter demo: metrics at ${handle.prometheusUrl}  (Ctrl-C to stop)`);
  console.log(`agentmeter demo: status page at ${handle.summaryUrl}/  JSON at ${handle.summaryUrl}/metrics.json`);
  const session = trackSession();
  let running = true;
  // --requests N: handle N requests, then keep serving the (now stable) numbers.
  let budget = options.requests ?? Infinity;
  const workers = Array.from({ length: 4 }, async () => {
    while (running && budget > 0) {
      budget--;
      await handleRequest();
      await sleep(Math.random() * 50);
    }
  });
  let size = 0;
  const summary = setInterval(() => {
    size = Math.min(10000, size + 37);
    setCacheSize({ cache: 'embeddings', entries: size, bytes: size * 6144 });
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
  await Promise.all(workers);
  console.log(`--- final`);
  for (const line of summaryLines()) console.log(line);
  session.end();
  await handle.shutdown();
  console.log('agentmeter demo: stopped');
}
