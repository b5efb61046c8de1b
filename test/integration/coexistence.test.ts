// agentmeter beside an app's own OpenTelemetry (docs/coexistence.md), with the packages as a user
// installs them: agentmeter from an `npm pack` of this repo, and the app's own sdk-node,
// exporter-prometheus, auto-instrumentations-node and api from the registry.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runNode, type RunningChild } from '../infra/child';
import { installApp, npm, throwawayApp, type InstalledApp } from '../infra/npm-app';
import { SPAN_KIND, startOtlpSink, type OtlpSink } from '../infra/otlp-sink';
import { freePort } from '../infra/process.mjs';
import { samples, sum, type Sample } from '../infra/prom-text';

const DEPENDENCIES = {
  '@opentelemetry/api': '1.10.0',
  '@opentelemetry/sdk-node': '0.301.0',
  '@opentelemetry/exporter-prometheus': '0.301.0',
  '@opentelemetry/auto-instrumentations-node': '~0.82.0',
};
const FIXTURES = ['http-app.cjs', 'own-sdk.cjs'].map((f) => resolve(ROOT, 'test/fixtures/coexist', f));
const AUTO = '@opentelemetry/auto-instrumentations-node/register';

const NOTICE_REGISTERED =
  'agentmeter: another OpenTelemetry SDK registered the global MeterProvider and TracerProvider first; ' +
  'agentmeter leaves the globals and instrumentations to it and serves only its own metrics ' +
  "(add createMetricProducer() to that SDK's metric readers to export them there too)";
const NOTICE_AUTO_AFTER =
  'agentmeter: @opentelemetry/auto-instrumentations-node/register runs after agentmeter; ' +
  "agentmeter starts no instrumentations, traces or logs of its own and serves that SDK's instrumentation " +
  "metrics from its MeterProvider (that SDK's own metric exporter gets none)";

let installed: InstalledApp;
let appDir: string;
beforeAll(async () => {
  installed = await installApp(DEPENDENCIES);
  appDir = throwawayApp(installed, FIXTURES);
}, 600000);
afterAll(() => {
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

let app: RunningChild | undefined;
let sink: OtlpSink | undefined;
afterEach(async () => {
  await app?.stop();
  await sink?.close();
  app = undefined;
  sink = undefined;
});

/** The version of `name` that code in package dir `from` (relative to the install) resolves. */
function resolvedVersion(from: string, name: string): string {
  for (let dir = join(installed.dir, from); dir.startsWith(installed.dir); dir = resolve(dir, '..')) {
    const pkg = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(pkg)) return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  }
  throw new Error(`${name} is not installed for ${from} in ${installed.dir}`);
}

/** GET /metrics; retried while the endpoint is not listening yet (servers listen asynchronously). */
async function scrape(port: number): Promise<string> {
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`nothing serves 127.0.0.1:${port}/metrics; app stderr: ${app?.stderr()}`, { cause: err });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function waitFor(what: string, check: () => boolean, timeoutMillis = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; app stderr: ${app?.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('an app with its own NodeSDK adds createMetricProducer() to its Prometheus reader', () => {
  /** agentmeter's own series (the uptime gauge moves between two scrapes). */
  const agentmeterSeries = (text: string): Sample[] =>
    samples(text).filter((s) => s.labels.otel_scope_name === 'agentmeter' && !s.name.startsWith('agent_service_uptime'));
  const key = (s: Sample): string =>
    `${s.name}{${Object.entries(s.labels)
      .map(([k, v]) => `${k}=${k === 'le' ? Number(v) : v}`)
      .sort()
      .join(',')}}`;

  async function runOwnSdk(reader: 'stock' | 'PrometheusEndpoint', agentmeter: 'start' | 'register') {
    const [ownPort, agentmeterPort] = [await freePort(), await freePort()];
    const args = agentmeter === 'register' ? ['--require', 'agentmeter/register', 'own-sdk.cjs'] : ['own-sdk.cjs'];
    const env = { READER: reader, OWN_PORT: String(ownPort), AGENTMETER: agentmeter, AGENTMETER_PORT: String(agentmeterPort), OTEL_EXPORTER_PROMETHEUS_PORT: String(agentmeterPort) };
    app = runNode(args, env, 30000, appDir);
    const ready = (await app.ready) as { warnings: string[] };
    return { warnings: ready.warnings, own: await scrape(ownPort), agentmeter: await scrape(agentmeterPort) };
  }

  it('stock PrometheusExporter (start() after the SDK): the same series and values, named without the unit suffix', async () => {
    const { warnings, own, agentmeter } = await runOwnSdk('stock', 'start');
    expect(warnings).toEqual([NOTICE_REGISTERED]);
    expect(app!.stderr()).toBe('');
    const stock = agentmeterSeries(own);
    const ours = agentmeterSeries(agentmeter);
    // The exact values of the fixture's workload on both endpoints, under each one's names.
    const tool = { gen_ai_tool_name: 'search' };
    const failed = { ...tool, error_type: 'timeout' };
    expect(sum(ours, 'gen_ai_execute_tool_duration_seconds_count', tool)).toBe(3);
    expect(sum(stock, 'gen_ai_execute_tool_duration_count', tool)).toBe(3);
    expect(sum(ours, 'gen_ai_execute_tool_duration_seconds_sum', failed)).toBe(1.5);
    expect(sum(stock, 'gen_ai_execute_tool_duration_sum', failed)).toBe(1.5);
    expect(sum(ours, 'gen_ai_execute_tool_duration_seconds_bucket', { ...tool, le: '0.08' })).toBe(1);
    expect(sum(stock, 'gen_ai_execute_tool_duration_bucket', { ...tool, le: '0.08' })).toBe(1);
    expect(sum(ours, 'agent_cache_requests_total', { agent_cache_result: 'hit' })).toBe(2);
    expect(sum(stock, 'agent_cache_requests_total', { agent_cache_result: 'hit' })).toBe(2);
    expect(sum(ours, 'agent_cache_size_bytes')).toBe(4096);
    expect(sum(stock, 'agent_cache_size')).toBe(4096);
    // The one instrument whose own name ends in its unit (agentmeter.exporter.kafka.sent_bytes,
    // served at 0 from start()) is named alike by both.
    const unitInName = (name: string) => name === 'agentmeter_exporter_kafka_sent_bytes_total';
    expect(stock.filter((s) => /_(seconds|bytes)(_|$)/.test(s.name) && !unitInName(s.name))).toEqual([]);
    // And every other series: the stock names are agentmeter's without `_seconds` / `_bytes`.
    const renamed = ours.map((s) => ({ ...s, name: unitInName(s.name) ? s.name : s.name.replace(/_(seconds|bytes)(?=(_bucket|_sum|_count|_total)?$)/, '') }));
    expect(new Map(stock.map((s) => [key(s), s.value]))).toEqual(new Map(renamed.map((s) => [key(s), s.value])));
    // 2 tool histograms x (18 buckets + sum + count), 2 cache results, entries, bytes, 3 health
    // states, start time, build info; and agentmeter's own 40 counters with known labels at 0
    // plus agentmeter_shutdown (src/store/known-series.ts).
    expect(stock.length).toBe(49 + 41);
  });

  it('agentmeter’s PrometheusEndpoint as the reader (start() after the SDK): the same lines as agentmeter’s own endpoint', async () => {
    const { warnings, own, agentmeter } = await runOwnSdk('PrometheusEndpoint', 'start');
    expect(warnings).toEqual([NOTICE_REGISTERED]);
    const lines = (text: string): string[] => text.split('\n').filter((l) => l.includes('otel_scope_name="agentmeter"') && !l.startsWith('agent_service_uptime'));
    expect(lines(own)).toEqual(lines(agentmeter));
    expect(lines(own)).toContain('gen_ai_execute_tool_duration_seconds_count{gen_ai_tool_name="search",otel_scope_name="agentmeter",otel_scope_version="0.1.0"} 2');
    expect(lines(own)).toContain('agent_cache_size_bytes{agent_cache_name="embeddings",otel_scope_name="agentmeter",otel_scope_version="0.1.0"} 4096');
  });

  it('agentmeter/register first, the app’s NodeSDK second: its globals stay agentmeter’s, its reader still gets the same lines', async () => {
    const { warnings, own, agentmeter } = await runOwnSdk('PrometheusEndpoint', 'register');
    // What a second NodeSDK.start() does: each global it cannot take is one diag error, then it
    // goes on; its MeterProvider works for its own readers but is not the global one.
    expect(warnings.map((w) => w.split('\n')[0])).toEqual([
      'Error: @opentelemetry/api: Attempted duplicate registration of API: context',
      'Error: @opentelemetry/api: Attempted duplicate registration of API: propagation',
      'Error: @opentelemetry/api: Attempted duplicate registration of API: metrics',
    ]);
    expect(app!.stderr()).toBe('');
    const lines = (text: string): string[] => text.split('\n').filter((l) => l.includes('otel_scope_name="agentmeter"') && !l.startsWith('agent_service_uptime'));
    expect(lines(own)).toEqual(lines(agentmeter));
    expect(lines(own)).toContain('agent_cache_requests_total{agent_cache_name="embeddings",agent_cache_result="miss",otel_scope_name="agentmeter",otel_scope_version="0.1.0"} 1');
  });
});

describe('node --require @opentelemetry/auto-instrumentations-node/register with agentmeter/register', () => {
  const REQUESTS = 7;
  const TOOL_CALLS = 4;

  async function runWithAuto(order: 'auto first' | 'agentmeter first', flag: '--require' | '--import' = '--require') {
    sink = await startOtlpSink();
    const agentmeterPort = await freePort();
    const preloads = order === 'auto first' ? [AUTO, 'agentmeter/register'] : ['agentmeter/register', AUTO];
    app = runNode(
      [...preloads.flatMap((m) => [flag, m]), 'http-app.cjs'],
      {
        REQUESTS: String(REQUESTS),
        TOOL_CALLS: String(TOOL_CALLS),
        OTEL_SERVICE_NAME: 'coexist-app',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(agentmeterPort),
        // auto-instrumentations' SDK exports all three signals to the sink, quickly. The trace and
        // log exporters are set as users of auto set them: agentmeter reads these two as well.
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_LOGS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_METRIC_EXPORT_INTERVAL: '500',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_BLRP_SCHEDULE_DELAY: '100',
        // No cloud metadata lookups (169.254.169.254, ...) from a test machine.
        OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process',
      },
      30000,
      appDir,
    );
    const { port } = (await app.ready) as { port: number };
    const s = sink;
    const spans = (scope: string, kind: number) => s.spans().filter((x) => x.scope === scope && x.kind === kind).length;
    const serverSpans = () => spans('@opentelemetry/instrumentation-http', SPAN_KIND.SERVER);
    const clientSpans = () => spans('@opentelemetry/instrumentation-undici', SPAN_KIND.CLIENT);
    await waitFor('7 server and 7 client spans and the log record at the sink', () => serverSpans() >= REQUESTS && clientSpans() >= REQUESTS && s.logBodies().length > 0);
    // Two more metric intervals: a doubled instrumentation would show by now.
    await new Promise((r) => setTimeout(r, 1200));
    return { port, serverSpans: serverSpans(), clientSpans: clientSpans(), agentmeter: samples(await scrape(agentmeterPort)) };
  }

  it('auto first: agentmeter leaves globals and instrumentation to it; each request is counted once, by auto’s exporter', async () => {
    const run = await runWithAuto('auto first');
    expect(app!.stderr()).toBe(`${NOTICE_REGISTERED}\n`);
    expect(app!.stdout()).toBe(`${JSON.stringify({ ready: true, port: run.port })}\n`);
    // auto's own http instrumentation (not displaced by a second copy) measured every request once.
    const server = sink!.histogram('http.server.request.duration');
    expect(server.map((p) => [p.scope, p.scopeVersion])).toEqual([['@opentelemetry/instrumentation-http', resolvedVersion('node_modules/@opentelemetry/auto-instrumentations-node', '@opentelemetry/instrumentation-http')]]);
    expect(server.reduce((a, p) => a + p.count, 0)).toBe(REQUESTS);
    const toApp = sink!.histogram('http.client.request.duration').filter((p) => p.scope === '@opentelemetry/instrumentation-undici' && p.attributes['server.port'] === run.port);
    expect(toApp.reduce((a, p) => a + p.count, 0)).toBe(REQUESTS);
    expect([run.serverSpans, run.clientSpans]).toEqual([REQUESTS, REQUESTS]);
    expect(sink!.logBodies()).toEqual(['coexist-app ready']);
    // agentmeter's endpoint: its own series, exact, and no second copy of the http series.
    expect(sum(run.agentmeter, 'gen_ai_execute_tool_duration_seconds_count', { gen_ai_tool_name: 'search' })).toBe(TOOL_CALLS);
    expect(run.agentmeter.filter((s) => s.name.startsWith('http_'))).toEqual([]);
  });

  it('agentmeter first: auto’s instrumentations record into agentmeter’s MeterProvider; N requests give exactly N on agentmeter’s endpoint', async () => {
    const run = await runWithAuto('agentmeter first');
    expect(app!.stderr()).toBe(`${NOTICE_AUTO_AFTER}\n`);
    expect(app!.stdout()).toBe(`${JSON.stringify({ ready: true, port: run.port })}\n`);
    const autoHttp = resolvedVersion('node_modules/@opentelemetry/auto-instrumentations-node', '@opentelemetry/instrumentation-http');
    // auto and agentmeter are on one OpenTelemetry release, so npm installs one instrumentation-http
    // for both; the exact count below shows only auto's instance of it runs.
    expect(autoHttp).toBe(resolvedVersion('node_modules/agentmeter', '@opentelemetry/instrumentation-http'));
    const server = run.agentmeter.filter((s) => s.name === 'http_server_request_duration_seconds_count');
    expect(server.map((s) => s.labels.otel_scope_version)).toEqual([autoHttp]);
    expect(sum(server, 'http_server_request_duration_seconds_count')).toBe(REQUESTS);
    expect(sum(run.agentmeter, 'http_client_request_duration_seconds_count', { otel_scope_name: '@opentelemetry/instrumentation-undici', server_port: String(run.port) })).toBe(REQUESTS);
    expect(sum(run.agentmeter, 'gen_ai_execute_tool_duration_seconds_count', { gen_ai_tool_name: 'search' })).toBe(TOOL_CALLS);
    // auto's traces and logs are untouched (agentmeter holds no TracerProvider or LoggerProvider)...
    expect([run.serverSpans, run.clientSpans]).toEqual([REQUESTS, REQUESTS]);
    expect(sink!.logBodies()).toEqual(['coexist-app ready']);
    // ...and, as the notice says, its own metric exporter gets nothing.
    expect(sink!.sawHistogram('http.server.request.duration')).toBe(false);
  });

  it('agentmeter first with --import (the ESM hooks): found on the preload list just the same', async () => {
    const run = await runWithAuto('agentmeter first', '--import');
    // Node 26 also warns (DEP0205) about the module.register() in agentmeter/register.mjs.
    expect(app!.stderr().split('\n').filter((l) => l.startsWith('agentmeter:'))).toEqual([NOTICE_AUTO_AFTER]);
    expect(sum(run.agentmeter, 'http_server_request_duration_seconds_count')).toBe(REQUESTS);
    expect(sum(run.agentmeter, 'http_client_request_duration_seconds_count', { otel_scope_name: '@opentelemetry/instrumentation-undici', server_port: String(run.port) })).toBe(REQUESTS);
    expect([run.serverSpans, run.clientSpans]).toEqual([REQUESTS, REQUESTS]);
  });
});

describe('the @opentelemetry/api peer range', () => {
  it('an app on @opentelemetry/api 1.10.0 that installs agentmeter has exactly one copy, and a valid tree', async () => {
    expect(installed.installLog).not.toMatch(/ERESOLVE|peer dep|conflicting peer/i);
    const ls = await npm(['ls', '@opentelemetry/api', '--all', '--json'], installed.dir);
    expect(ls.code, ls.stderr).toBe(0);
    interface Node {
      version?: string;
      dependencies?: Record<string, Node>;
    }
    const versions: string[] = [];
    const walk = (node: Node): void => {
      for (const [name, child] of Object.entries(node.dependencies ?? {})) {
        if (name === '@opentelemetry/api') versions.push(child.version ?? 'missing');
        walk(child);
      }
    };
    walk(JSON.parse(ls.stdout) as Node);
    expect(new Set(versions)).toEqual(new Set(['1.10.0']));
    expect(versions.length).toBeGreaterThan(10);
    // On disk: one package directory for the API, at the top of node_modules.
    const copies: string[] = [];
    const packagesIn = (nodeModules: string): string[] =>
      readdirSync(nodeModules, { withFileTypes: true })
        .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
        .flatMap((e) => (e.name.startsWith('@') ? readdirSync(join(nodeModules, e.name)).map((n) => `${e.name}/${n}`) : [e.name]));
    const find = (nodeModules: string): void => {
      for (const name of packagesIn(nodeModules)) {
        const dir = join(nodeModules, name);
        if (name === '@opentelemetry/api') copies.push(dir.slice(installed.dir.length + 1));
        if (existsSync(join(dir, 'node_modules'))) find(join(dir, 'node_modules'));
      }
    };
    find(join(installed.dir, 'node_modules'));
    expect(copies).toEqual([join('node_modules', '@opentelemetry', 'api')]);
  });
});
