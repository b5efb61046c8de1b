// Both endpoints over TLS with basic auth from a web config file (certificates made with
// openssl for this run), client certificates, and the summary server's Host check.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSync } from 'bcryptjs';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusEndpoint } from '../../../src/exporters/prometheus/exporter';
import { startSummaryServer, type SummaryServer } from '../../../src/exporters/summary/server';
import { loadWebConfig, type WebConfig } from '../../../src/exporters/web-config';
import { createMetricProducer } from '../../../src/store/producer';
import { recordToolCall } from '../../../src/record/tool';
import { resetStore, valueOf } from '../helpers';
// @ts-expect-error test/infra is plain JavaScript
import { makeTestCertificates } from '../../infra/tls.mjs';
import { httpGet, type RawResponse } from '../../infra/http-get';

interface Certs {
  ca: string;
  cert: string;
  key: string;
  clientCert: string;
  clientKey: string;
}

let dir: string;
let certs: Certs;
let webConfig: WebConfig;
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

function get(url: string, headers: Record<string, string> = {}, tls: { cert?: Buffer; key?: Buffer; checkServerIdentity?: () => undefined } = {}): Promise<RawResponse> {
  return httpGet(url, { headers, ca: readFileSync(certs.ca), ...tls });
}

function writeWebConfig(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  return path;
}

const refused = (endpoint: string, reason: string) => valueOf('agentmeter.endpoint.refused', { 'agentmeter.endpoint': endpoint, 'agentmeter.endpoint.refusal_reason': reason });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentmeter-tls-'));
  certs = makeTestCertificates(join(dir, 'certs')) as Certs;
  // Relative paths: read from the web config file's directory.
  webConfig = loadWebConfig(
    writeWebConfig('web.yml', [
      'tls_server_config:',
      '  cert_file: certs/server.crt',
      '  key_file: certs/server.key',
      'http_server_config:',
      '  headers:',
      '    Strict-Transport-Security: max-age=63072000',
      'basic_auth_users:',
      `  prometheus: ${hashSync('right horse battery', 4)}`,
    ]),
    'webConfigFile',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the Prometheus endpoint with a web config file', () => {
  let provider: MeterProvider;
  let endpoint: PrometheusEndpoint;
  beforeAll(async () => {
    resetStore();
    endpoint = new PrometheusEndpoint({ port: 0, metricProducers: [createMetricProducer()], webConfig });
    provider = new MeterProvider({ readers: [endpoint] });
    await endpoint.ready();
    recordToolCall({ tool: 'search', seconds: 0.25 });
  });
  afterAll(async () => {
    await provider.shutdown();
    resetStore();
  });

  it('serves https:// with the right credentials, with the configured header', async () => {
    expect(endpoint.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const page = await get(endpoint.url, { authorization: basic('prometheus:right horse battery') });
    expect(page.status).toBe(200);
    expect(page.headers['strict-transport-security']).toBe('max-age=63072000');
    expect(page.body).toMatch(/\ngen_ai_execute_tool_duration_seconds_count\{gen_ai_tool_name="search",otel_scope_name="agentmeter",otel_scope_version="[^"]+"\} 1\n/);
  });

  it.each([
    ['a wrong password', { authorization: basic('prometheus:wrong') }],
    ['an unknown user', { authorization: basic('grafana:right horse battery') }],
    ['no Authorization header', {}],
    ['another scheme', { authorization: 'Bearer right horse battery' }],
  ])('answers 401 with WWW-Authenticate to %s, without metrics', async (_, headers) => {
    const before = refused('prometheus', 'unauthorized') ?? 0;
    const page = await get(endpoint.url, headers);
    expect(page).toMatchObject({ status: 401, body: 'unauthorized\n', headers: { 'www-authenticate': 'Basic realm="agentmeter"', 'content-type': 'text/plain; charset=utf-8' } });
    expect(refused('prometheus', 'unauthorized')).toBe(before + 1);
  });

  it('refuses plain HTTP on the TLS port: the connection closes without a response', async () => {
    const plain = endpoint.url.replace('https:', 'http:');
    await expect(get(plain, { authorization: basic('prometheus:right horse battery') })).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});

describe('client certificates', () => {
  it('RequireAndVerifyClientCert: a client without a certificate fails the handshake, one signed by the CA is served', async () => {
    const strict = loadWebConfig(
      writeWebConfig('mtls.yml', [
        'tls_server_config:',
        `  cert_file: ${certs.cert}`,
        `  key_file: ${certs.key}`,
        `  client_ca_file: ${certs.ca}`,
        '  client_auth_type: RequireAndVerifyClientCert',
      ]),
      'webConfigFile',
    );
    const endpoint = new PrometheusEndpoint({ port: 0, metricProducers: [createMetricProducer()], webConfig: strict });
    const provider = new MeterProvider({ readers: [endpoint] });
    try {
      await endpoint.ready();
      await expect(get(endpoint.url)).rejects.toThrow();
      const page = await get(endpoint.url, {}, { cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) });
      expect(page.status).toBe(200);
    } finally {
      await provider.shutdown();
    }
  });
});

describe('the summary server with a web config file and the Host check', () => {
  let server: SummaryServer;
  let port: string;
  beforeAll(async () => {
    resetStore();
    server = await startSummaryServer({ port: 0, webConfig, corsOrigins: ['https://ops.example.com'] });
    port = new URL(server.url).port;
  });
  afterAll(async () => {
    await server.close();
    resetStore();
  });
  const auth = { authorization: basic('prometheus:right horse battery') };

  it('serves https:// with the right credentials, CORS for the configured origin only', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await get(`${server.url}/health`, { ...auth, origin: 'https://ops.example.com' });
    expect(health).toMatchObject({ status: 200, headers: { 'access-control-allow-origin': 'https://ops.example.com', 'strict-transport-security': 'max-age=63072000' } });
    const other = await get(`${server.url}/health`, { ...auth, origin: 'https://evil.example' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers 401 with WWW-Authenticate without credentials', async () => {
    const page = await get(`${server.url}/metrics.json`);
    expect(page).toMatchObject({ status: 401, body: '{"error":"unauthorized"}', headers: { 'www-authenticate': 'Basic realm="agentmeter"', 'content-type': 'application/json' } });
    expect(refused('summary', 'unauthorized')).toBe(1);
  });

  it.each([
    [`localhost:${'PORT'}`, 200],
    [`[::1]:${'PORT'}`, 200],
    ['rebind.evil.example', 421],
    [`rebind.evil.example:${'PORT'}`, 421],
    ['localhost:1', 421],
  ])('Host %s → %i, never echoed', async (host, status) => {
    // node:https checks the certificate against the Host header; the test sends foreign ones on purpose.
    const page = await get(`${server.url}/health`, { ...auth, host: host.replace('PORT', port) }, { checkServerIdentity: () => undefined });
    expect(page.status).toBe(status);
    if (status === 421) {
      expect(page.body).toBe('{"error":"misdirected request"}');
      expect(JSON.stringify(page.headers)).not.toContain('evil');
    }
  });

  it('counts each misdirected request', () => {
    expect(refused('summary', 'misdirected')).toBe(3);
  });
});
