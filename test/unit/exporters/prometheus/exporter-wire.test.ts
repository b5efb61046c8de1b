// What goes over the wire for each Accept / Accept-Encoding: read with node:http (fetch would
// ask for gzip itself and decode it out of sight).
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROMETHEUS_CONTENT_TYPE, PrometheusEndpoint } from '../../../../src/exporters/prometheus/exporter';
import { OPENMETRICS_CONTENT_TYPE } from '../../../../src/exporters/prometheus/openmetrics';
import { createMetricProducer } from '../../../../src/store/producer';
import { recordToolCall } from '../../../../src/record/tool';
import { withToolSpan } from '../../../../src/trace/tool-span';
import { resetStore } from '../../helpers';

const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(url: string, headers: Record<string, string>, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The page without the uptime gauge, the one sample that changes between two scrapes. */
const steady = (page: Buffer | string) => page.toString().split('\n').filter((l) => !l.startsWith('agent_service_uptime_seconds{')).join('\n');

let provider: MeterProvider;
let endpoint: PrometheusEndpoint;
beforeEach(async () => {
  endpoint = new PrometheusEndpoint({ port: 0, metricProducers: [createMetricProducer()], chunkDataPoints: 3 });
  provider = new MeterProvider({ readers: [endpoint] });
  await endpoint.ready();
  for (let i = 0; i < 20; i++) recordToolCall({ tool: `tool_${i}`, seconds: i / 10 });
});
afterEach(async () => {
  await provider.shutdown();
  resetStore();
});

describe('the metrics page on the wire', () => {
  it('is plain 0.0.4 text, chunked, without Accept headers', async () => {
    const r = await get(endpoint.url, {});
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.headers['transfer-encoding']).toBe('chunked');
    expect(r.headers.vary).toBe('Accept, Accept-Encoding');
    const text = r.body.toString('utf8');
    expect(text).toContain('# TYPE gen_ai_execute_tool_duration_seconds histogram\n');
    expect(text).not.toContain('# EOF');
  });

  it('is gzip when asked, decoding to exactly the plain page', async () => {
    const plain = await get(endpoint.url, { 'accept-encoding': 'identity' });
    const zipped = await get(endpoint.url, { 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-type']).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(steady(gunzipSync(zipped.body))).toBe(steady(plain.body));
    expect(zipped.body.length).toBeLessThan(plain.body.length / 8);
  });

  it('is plain when gzip has q=0', async () => {
    const r = await get(endpoint.url, { 'accept-encoding': 'gzip;q=0, identity' });
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.body.toString('utf8')).toContain('gen_ai_execute_tool_duration_seconds_count{gen_ai_tool_name="tool_3"');
  });

  it('is gzipped OpenMetrics for Prometheus’s default headers, with the same samples as the 0.0.4 page', async () => {
    const om = await get(endpoint.url, { accept: PROMETHEUS_ACCEPT, 'accept-encoding': 'gzip' });
    expect(om.headers['content-type']).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(om.headers['content-encoding']).toBe('gzip');
    const text = gunzipSync(om.body).toString('utf8');
    expect(text.endsWith('\n# EOF\n')).toBe(true);
    expect(text).toContain('# TYPE gen_ai_execute_tool_duration_seconds histogram\n# UNIT gen_ai_execute_tool_duration_seconds seconds\n');
    const samples = (page: string) => steady(page).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const plain = (await get(endpoint.url, {})).body.toString('utf8');
    expect(samples(text)).toEqual(samples(plain));
    // target_info, 20 series of 18 buckets + _sum + _count, the start-time gauge (uptime left out).
    expect(samples(text)).toHaveLength(1 + 20 * 20 + 1);
  });

  it('answers HEAD with the headers of the negotiated page and no body', async () => {
    const r = await get(endpoint.url, { accept: PROMETHEUS_ACCEPT, 'accept-encoding': 'gzip' }, 'HEAD');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.body.length).toBe(0);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('refuses %s with 405 and Allow: GET, HEAD', async (method) => {
    const r = await get(endpoint.url, {}, method);
    expect([r.status, r.headers.allow, r.body.toString('utf8')]).toEqual([405, 'GET, HEAD', 'method not allowed\n']);
  });

  it('goes out in one piece with a Content-Length when the page fits in one chunk, plain or gzipped', async () => {
    const small = new PrometheusEndpoint({ port: 0, metricProducers: [createMetricProducer()] });
    const smallProvider = new MeterProvider({ readers: [small] });
    try {
      await small.ready();
      const plain = await get(small.url, {});
      const zipped = await get(small.url, { 'accept-encoding': 'gzip' });
      expect([plain.headers['transfer-encoding'], plain.headers['content-length']]).toEqual([undefined, String(plain.body.length)]);
      expect([zipped.headers['transfer-encoding'], zipped.headers['content-length'], zipped.headers['content-encoding']]).toEqual([
        undefined,
        String(zipped.body.length),
        'gzip',
      ]);
      expect(steady(gunzipSync(zipped.body))).toBe(steady(plain.body));
      expect(plain.body.toString('utf8')).toContain('gen_ai_execute_tool_duration_seconds_count{gen_ai_tool_name="tool_19"');
    } finally {
      await smallProvider.shutdown();
    }
  });

  it('still answers 404 off the metrics path', async () => {
    expect((await get(endpoint.url.replace('/metrics', '/other'), { 'accept-encoding': 'gzip' })).status).toBe(404);
  });
});

describe('exemplars on the OpenMetrics page', () => {
  const tracing = new TracerProvider();
  beforeAll(() => {
    trace.setGlobalTracerProvider(tracing);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(async () => {
    await tracing.shutdown();
    trace.disable();
    context.disable();
  });

  it('link the bucket of a call made inside a span to that span’s trace', async () => {
    // The first collection after a tracer provider is registered turns sampling on.
    await get(endpoint.url, {});
    let traceId = '';
    let spanId = '';
    withToolSpan('traced_tool', (span) => {
      ({ traceId, spanId } = span.spanContext());
    });
    const text = (await get(endpoint.url, { accept: 'application/openmetrics-text' })).body.toString('utf8');
    const lines = text.split('\n').filter((l) => l.includes('gen_ai_tool_name="traced_tool"') && l.includes(' # {'));
    expect(lines).toHaveLength(1);
    const match = new RegExp(`^gen_ai_execute_tool_duration_seconds_bucket\\{gen_ai_tool_name="traced_tool",otel_scope_name="agentmeter",otel_scope_version="[^"]+",le="([^"]+)"\\} 1 # \\{trace_id="${traceId}",span_id="${spanId}"\\} ([0-9.e-]+) (\\d{10}\\.\\d{3})$`).exec(lines[0]!);
    expect(match).not.toBeNull();
    const [, le, value, seconds] = match!;
    // The first bucket whose bound holds the value (a call this fast lands in the lowest).
    expect(le).toBe('0.001');
    expect(Number(value)).toBeGreaterThan(0);
    expect(Number(value)).toBeLessThanOrEqual(0.001);
    expect(Math.abs(Number(seconds) - Date.now() / 1000)).toBeLessThan(5);
    const plain = (await get(endpoint.url, {})).body.toString('utf8');
    expect(plain).not.toContain(traceId);
  });
});
