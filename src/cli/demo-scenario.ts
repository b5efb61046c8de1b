/**
 * What the demo's simulated agent does for one request, healthy or during a fault burst, through
 * the public helpers only. Failures and slow calls in the healthy workload come from fixed
 * patterns (every Nth call) rather than dice, so its ratios stay well inside every alert's
 * threshold from the first request on; latencies are random around a median.
 */
import {
  recordActionLog,
  recordAgentHandoff,
  recordAgentInvocation,
  recordCacheEviction,
  recordCacheLookup,
  recordCacheOperation,
  recordCacheSizeRejection,
  recordDbOperation,
  recordLlmCall,
  recordPublish,
  recordRouting,
  recordToolCall,
  runJob,
  timeToolCall,
} from '../index';

interface SimulatedTool {
  name: string;
  medianMillis: number;
  /** Healthy: one call in `failEvery` fails; 0 never. */
  failEvery: number;
  error: string;
}

export const TOOLS: readonly SimulatedTool[] = [
  { name: 'web_search', medianMillis: 250, failEvery: 40, error: 'TimeoutError' },
  { name: 'sql_query', medianMillis: 30, failEvery: 100, error: 'QueryError' },
  { name: 'calculator', medianMillis: 2, failEvery: 0, error: 'Error' },
  { name: 'send_email', medianMillis: 120, failEvery: 30, error: 'SmtpError' },
];
/** The tool a fault burst breaks: slow (2.6-4 s) and failing three calls in five. */
export const FAULTY_TOOL = 'web_search';
const AGENTS = ['billing', 'support', 'research'];

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function gaussian(): number {
  return Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
}
/**
 * Log-normal latency around a median: most calls near it, a tail up to three times the median
 * (capped, so a rare draw cannot push the healthy workload over a latency alert).
 */
export const latency = (medianMillis: number): number => Math.min(3 * medianMillis, medianMillis * Math.exp(0.6 * gaussian()));
const between = (low: number, high: number): number => low + Math.random() * (high - low);
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** Thrown by a simulated tool. */
class ToolError extends Error {
  constructor(tool: string, type: string) {
    super(`${tool} failed`);
    this.name = type;
  }
}

/** One request's simulated work; resolves with the HTTP status the request should get. */
export class Scenario {
  private readonly counts = new Map<string, number>();
  private junkNames = 0;
  private jobs = 0;

  /** `faulty()` says whether a fault burst is on right now. */
  constructor(private readonly faulty: () => boolean) {}

  /** How many times `key` has been counted, this time included. */
  private counter(key: string): number {
    const c = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, c);
    return c;
  }

  /** True on every `n`th call for `key` (never when n is 0). */
  private nth(key: string, n: number): boolean {
    return this.counter(key) % n === 0 && n > 0;
  }

  async handle(): Promise<number> {
    const fault = this.faulty();
    const agent = pick(AGENTS);
    const started = performance.now();
    await this.route(agent, fault);
    this.lookUpCaches(fault);
    const failed = await this.callTool(agent, fault);
    const llmError = await this.callLlm(fault);
    // The run the request was: the routed agent's, failed when its model call was refused.
    recordAgentInvocation({ agent, seconds: (performance.now() - started) / 1000, error: llmError });
    if (agent === 'research' && this.nth('handoff', 3)) recordAgentHandoff({ from: 'research', to: 'support' });
    this.publishAndStore(fault);
    if (fault) this.misbehave();
    return failed ? 502 : 200;
  }

  private async route(agent: string, fault: boolean): Promise<void> {
    const cacheHit = this.nth('routing-cache', fault ? 10 : 3);
    let millis: number;
    if (fault) millis = between(150, 400);
    else if (this.nth('routing-slow', 50)) millis = between(120, 250); // a cold embedding lookup
    else millis = cacheHit ? 0.5 : latency(12);
    await sleep(millis);
    recordRouting({
      strategy: 'semantic',
      agent,
      seconds: millis / 1000,
      candidates: cacheHit ? 1 : 3 + Math.floor(Math.random() * 4) + (fault ? 8 : 0),
      confidence: fault ? between(0.3, 0.6) : between(0.6, 1),
      cacheHit,
      outcome: this.nth('routing-fallback', fault ? 4 : 20) ? 'fallback' : 'success',
    });
  }

  private lookUpCaches(fault: boolean): void {
    for (const [cache, healthyMisses] of [['embeddings', [5]], ['tool_results', [4, 8]]] as const) {
      const n = this.counter(`lookups-${cache}`);
      // Healthy: a fixed share of misses (10 %, 20 %); fault: the cache was flushed (80 % misses).
      const hit = fault ? n % 5 === 0 : !(healthyMisses as readonly number[]).includes(n % 10);
      const seconds = hit ? between(0.0001, 0.0004) : between(0.002, 0.006);
      recordCacheLookup({ cache, hit, seconds });
      recordCacheOperation({ cache, operation: 'get', seconds });
      if (hit) continue;
      recordCacheOperation({ cache, operation: 'set', seconds: between(0.0002, 0.001) });
      if (this.nth(`evict-${cache}`, fault ? 1 : 5)) recordCacheEviction({ cache, reason: 'size' });
      if (this.nth(`ttl-${cache}`, 13)) recordCacheEviction({ cache, reason: 'ttl' });
      if (this.nth(`reject-${cache}`, fault ? 3 : 40)) recordCacheSizeRejection({ cache });
    }
  }

  /** Calls one tool; returns whether it failed. Logs the action it served. */
  private async callTool(agent: string, fault: boolean): Promise<boolean> {
    const tool = pick(TOOLS);
    const broken = fault && tool.name === FAULTY_TOOL;
    const fails = broken ? this.counter('fault-failures') % 5 < 3 : this.nth(`tool-${tool.name}`, tool.failEvery);
    const started = performance.now();
    let failed = false;
    await timeToolCall(tool.name, async () => {
      await sleep(broken ? between(2600, 4000) : latency(tool.medianMillis));
      if (fails) throw new ToolError(tool.name, tool.error);
    }).catch(() => {
      failed = true;
    });
    const toolSeconds = (performance.now() - started) / 1000;
    // The action the agent logs around the tool call (its own bookkeeping adds a little time).
    recordActionLog({
      agent,
      action: tool.name,
      seconds: fault ? between(1.5, 3) + toolSeconds : toolSeconds + between(0.01, 0.05),
      status: !failed && this.nth('action-cancelled', 25) ? 'cancelled' : undefined,
      error: failed ? tool.error : undefined,
    });
    return failed;
  }

  /** One model call; returns its error type when it failed. */
  private async callLlm(fault: boolean): Promise<string | undefined> {
    const millis = fault ? between(3000, 9000) : latency(800);
    await sleep(millis / 10); // a tenth of real time keeps the demo lively
    const error = this.nth('llm-error', fault ? 3 : 100) ? 'rate_limit_exceeded' : undefined;
    const inputTokens = 500 + Math.floor(Math.random() * 2000);
    recordLlmCall({
      provider: 'openai',
      model: this.nth('model', 4) ? 'gpt-4o-mini' : 'gpt-4o',
      seconds: millis / 1000,
      inputTokens,
      outputTokens: 50 + Math.floor(Math.random() * 400),
      // The system prompt is served from the provider's cache after the first call.
      cacheReadTokens: Math.min(inputTokens, 400),
      timeToFirstChunkSeconds: millis / 4000,
      error,
    });
    return error;
  }

  private publishAndStore(fault: boolean): void {
    recordPublish({
      topic: 'agent-events',
      seconds: fault ? between(0.2, 1.2) : between(0.002, 0.01),
      bytes: 300 + Math.floor(Math.random() * 1700),
      error: this.nth('publish-error', fault ? 4 : 100) ? 'KafkaJSConnectionError' : undefined,
    });
    recordDbOperation({ operation: 'SELECT', table: 'conversations', seconds: fault ? between(0.2, 0.9) : between(0.001, 0.02) });
    if (this.nth('db-insert', 3)) {
      recordDbOperation({
        operation: 'INSERT',
        table: 'messages',
        seconds: between(0.002, 0.03),
        error: this.nth('db-error', fault ? 5 : 200) ? '57014' : undefined,
      });
    }
  }

  /**
   * Faults in the instrumentation itself, so the pipeline panels and alerts have something to
   * show: a broken timer (NaN duration, dropped by the guard), ids passed as action names (the
   * classic cardinality bug, overflowing the attribute cap), and job records written to a path
   * that cannot be a directory.
   */
  private misbehave(): void {
    recordToolCall({ tool: FAULTY_TOOL, seconds: Number.NaN });
    for (let i = 0; i < 3; i++) recordActionLog({ agent: 'support', action: `lookup_${++this.junkNames}` });
    if (this.nth('job', 10)) {
      void runJob({ id: `fault-job-${++this.jobs}`, dir: '/dev/null/agentmeter-demo-jobs' }, () =>
        recordToolCall({ tool: 'calculator', seconds: 0.001 }),
      );
    }
  }
}
