// A real Prometheus scrapes an app over HTTPS with basic auth (the app reads an exporter-toolkit
// web config file from AGENTMETER_WEB_CONFIG_FILE): PromQL returns exactly what the app
// recorded; the same endpoint answers 401 to a wrong password and refuses plain HTTP.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSync } from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTlsTarget, prometheus, query, waitForQuery, type Sample } from '../infra/prom';
import { runNode, type RunningChild } from '../infra/child';

const T = 'test="prometheus-tls"';
let app: RunningChild;
let url: string;
let dir: string;
let removeTarget: () => void;

function values(result: Sample[], label: string): Record<string, number> {
  return Object.fromEntries(result.map((s) => [s.metric[label], Number(s.value[1])]));
}

function get(target: string, authorization?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const tls = prometheus().tls!;
  const send = target.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    send(target, { ca: readFileSync(tls.ca), headers: authorization === undefined ? {} : { authorization } }, (res) => {
      let body = '';
      res.on('data', (part: Buffer) => (body += part.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

beforeAll(async () => {
  const tls = prometheus().tls;
  if (!tls) throw new Error(`the running Prometheus has no HTTPS job; log: ${prometheus().logPath}`);
  dir = mkdtempSync(join(tmpdir(), 'agentmeter-prom-tls-'));
  const webConfig = join(dir, 'web.yml');
  writeFileSync(
    webConfig,
    ['tls_server_config:', `  cert_file: ${tls.cert}`, `  key_file: ${tls.key}`, 'basic_auth_users:', `  ${tls.username}: ${hashSync(tls.password, 10)}`, ''].join('\n'),
  );
  app = runNode(['test/fixtures/known-workload.cjs'], { AGENTMETER_WEB_CONFIG_FILE: webConfig });
  url = (await app.ready).url as string;
  removeTarget = addTlsTarget('prometheus-tls', new URL(url).host);
  await waitForQuery(`up{${T}}`, (r) => r.length === 1 && r[0]!.value[1] === '1');
});

afterAll(async () => {
  removeTarget?.();
  await app?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a scrape over HTTPS with basic auth through a real Prometheus', () => {
  it('serves an https:// URL that the TLS job scrapes', async () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const up = await query(`up{${T}}`);
    expect(up.map((s) => [s.metric.job, s.value[1]])).toEqual([['agentmeter-tls', '1']]);
  });

  it('returns exact tool-call counts per tool', async () => {
    const r = await query(`sum by (gen_ai_tool_name) (gen_ai_execute_tool_duration_seconds_count{${T}})`);
    expect(values(r, 'gen_ai_tool_name')).toEqual({ search: 12, calc: 5 });
    const failures = await query(`sum by (error_type) (gen_ai_execute_tool_duration_seconds_count{${T},error_type!=""})`);
    expect(values(failures, 'error_type')).toEqual({ TimeoutError: 2 });
  });

  it('answers 401 with WWW-Authenticate to a wrong password, and counts it', async () => {
    const { username, password } = prometheus().tls!;
    const wrong = await get(url, basic(username, `${password}x`));
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Basic realm="agentmeter"');
    expect(wrong.body).toBe('unauthorized\n');
    const right = await get(url, basic(username, password));
    expect(right.status).toBe(200);
    expect(right.body).toContain(
      'agentmeter_endpoint_refused_total{agentmeter_endpoint="prometheus",agentmeter_endpoint_refusal_reason="unauthorized",otel_scope_name="agentmeter"',
    );
    // Only the one refused request: Prometheus's own scrapes all authenticated.
    expect(right.body).toMatch(/agentmeter_endpoint_refusal_reason="unauthorized"[^}]*\} 1\n/);
  });

  it('refuses plain HTTP: no metrics, the connection is closed', async () => {
    const { username, password } = prometheus().tls!;
    await expect(get(url.replace('https:', 'http:'), basic(username, password))).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});
