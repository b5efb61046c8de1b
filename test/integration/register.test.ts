// `node --require agentmeter/register` and `node --import agentmeter/register` start metrics
// from the environment, with the official http instrumentation on.
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, runNode, type RunningChild } from '../infra/child';
import { freePort } from '../infra/process.mjs';

let app: RunningChild | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function scrape(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

describe.each([
  ['--require', ['--require', 'agentmeter/register', 'test/fixtures/http-app.cjs']],
  ['--import', ['--import', 'agentmeter/register', 'test/fixtures/http-app.mjs']],
])('node %s agentmeter/register', (_flag, args) => {
  it('exposes http_server_request_duration_seconds for the app’s requests on 127.0.0.1', async () => {
    const port = await freePort();
    app = runNode(args, { OTEL_EXPORTER_PROMETHEUS_PORT: String(port), OTEL_SERVICE_NAME: 'register-test' });
    await app.ready;
    // Scraped three times: agentmeter's own endpoint is not the app's traffic, so the count stays 3.
    await scrape(port);
    await scrape(port);
    const text = await scrape(port);
    const count = text.split('\n').find((l) => l.startsWith('http_server_request_duration_seconds_count{'));
    expect(text.split('\n').filter((l) => l.startsWith('http_server_request_duration_seconds_count{'))).toHaveLength(1);
    expect(count).toMatch(/http_request_method="GET"/);
    expect(count).toMatch(/http_response_status_code="200"/);
    expect(count!.endsWith(' 3')).toBe(true);
    expect(text).toMatch(/^target_info\{.*service_name="register-test"/m);
    expect(text).toContain('# TYPE nodejs_eventloop_utilization_ratio gauge');
    expect(text).toContain('agent_health_status{agent_health_status="healthy"');
    // Nothing on the app's stderr: no deprecation warning from the ESM hook (DEP0205 on Node 26).
    expect(app.stderr()).toBe('');
  });
});

describe('register with a bad configuration', () => {
  it('prints one line naming the variable and lets the app run', async () => {
    app = runNode(['--require', 'agentmeter/register', 'test/fixtures/http-app.cjs'], { OTEL_METRICS_EXPORTER: 'prometheus,graphite' });
    expect(await app.ready).toMatchObject({ ready: true });
    expect(app.stderr()).toBe(
      'agentmeter: metrics disabled: AGM_ERR_CONFIG: OTEL_METRICS_EXPORTER="prometheus,graphite" is not valid; allowed: a comma-separated list of prometheus, kafka, otlp, console, none\n',
    );
  });
});

describe('register in an app that is done', () => {
  it('exits while a scraper still holds keep-alive connections to the endpoint and the status page', async () => {
    const [port, summaryPort] = [await freePort(), await freePort()];
    // Ready once the endpoints listen (500 ms); the app's last work ends 300 ms later.
    const script = 'setTimeout(() => { console.log(JSON.stringify({ ready: true })); setTimeout(() => {}, 300); }, 500)';
    app = runNode(['--require', 'agentmeter/register', '-e', script], {
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      AGENTMETER_SUMMARY_ENABLED: 'true',
      AGENTMETER_SUMMARY_PORT: String(summaryPort),
    });
    await app.ready;
    const { Agent, request } = await import('node:http');
    const agent = new Agent({ keepAlive: true });
    const get = (url: string): Promise<number> =>
      new Promise((resolve, reject) => {
        request(url, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        }).on('error', reject).end();
      });
    expect(await get(`http://127.0.0.1:${port}/metrics`)).toBe(200);
    expect(await get(`http://127.0.0.1:${summaryPort}/metrics.json`)).toBe(200);
    const started = Date.now();
    const { code } = await app.exited;
    // Node's servers close idle keep-alive sockets after 5 s; the app must not wait for that.
    expect(Date.now() - started).toBeLessThan(4000);
    expect(code).toBe(0);
    agent.destroy();
  });
});

describe('start() in code with OTEL_LOG_LEVEL=debug', () => {
  it('writes its diagnostics to stderr and nothing to stdout (an MCP stdio server’s channel)', async () => {
    const script = "const h = require('agentmeter').start({ prometheusPort: 0, instrumentations: [] }); h.ready().then(() => h.shutdown());";
    const { spawnSync } = await import('node:child_process');
    const { status, stdout, stderr } = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, OTEL_LOG_LEVEL: 'debug' }, timeout: 20000 });
    expect(status).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('@opentelemetry/api: Registered a global for metrics');
  });
});
