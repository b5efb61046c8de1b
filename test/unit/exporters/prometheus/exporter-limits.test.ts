// The endpoint under load and abuse: concurrent scrapes share one collection, a scraper that
// never reads is cut off after the write timeout (and does not delay others), and responses
// beyond the in-flight bound get 503 with Retry-After, each refusal counted.
import { connect } from 'node:net';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, MeterProvider, type MetricProducer, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { hashSync } from 'bcryptjs';
import { PrometheusEndpoint, type PrometheusEndpointOptions } from '../../../../src/exporters/prometheus/exporter';
import { createMetricProducer } from '../../../../src/store/producer';
import { resetStore, valueOf } from '../../helpers';
import { httpGet, type RawResponse } from '../../../infra/http-get';

const REFUSED = 'agentmeter.endpoint.refused';
const refused = (reason: string) => valueOf(REFUSED, { 'agentmeter.endpoint': 'prometheus', 'agentmeter.endpoint.refusal_reason': reason });

/** A producer of `points` gauge series with long labels (a page of `points` x ~230 bytes), counting its collections. */
function bigProducer(points: number, delayMillis = 0): MetricProducer & { collections: number } {
  const padding = 'x'.repeat(160);
  const dataPoints = Array.from({ length: points }, (_, i) => ({
    startTime: [0, 0] as [number, number],
    endTime: [0, 0] as [number, number],
    attributes: { 'test.series': `${padding}_${i}` },
    value: i,
  }));
  const resourceMetrics: ResourceMetrics = {
    resource: resourceFromAttributes({ 'service.name': 'limits-test' }),
    scopeMetrics: [
      {
        scope: { name: 'limits-test' },
        metrics: [
          {
            descriptor: { name: 'test.big', description: 'many series', unit: '', valueType: 1 },
            dataPointType: DataPointType.GAUGE,
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPoints,
          },
        ] as unknown as ResourceMetrics['scopeMetrics'][number]['metrics'],
      },
    ],
  };
  const producer = {
    collections: 0,
    async collect() {
      producer.collections += 1;
      if (delayMillis > 0) await new Promise((r) => setTimeout(r, delayMillis));
      return { resourceMetrics, errors: [] };
    },
  };
  return producer;
}

const get = (url: string): Promise<RawResponse> => httpGet(url);
// agent: false, a connection of its own: concurrent requests are not queued behind each other.
const getWith = (url: string, headers: Record<string, string>): Promise<RawResponse> => httpGet(url, { headers, agent: false });

let provider: MeterProvider | undefined;
async function endpointWith(producer: MetricProducer, options: PrometheusEndpointOptions = {}): Promise<PrometheusEndpoint> {
  // agentmeter's store too, so the refusal counter is on the page and readable through it.
  const endpoint = new PrometheusEndpoint({ port: 0, metricProducers: [producer, createMetricProducer()], ...options });
  provider = new MeterProvider({ readers: [endpoint] });
  await endpoint.ready();
  return endpoint;
}

afterEach(async () => {
  await provider?.shutdown();
  provider = undefined;
  resetStore();
});

async function until(condition: () => boolean, timeoutMillis = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('single flight', () => {
  it('serves 8 concurrent scrapes from one collection, each the whole page', async () => {
    const producer = bigProducer(100, 200);
    const endpoint = await endpointWith(producer);
    const pages = await Promise.all(Array.from({ length: 8 }, () => get(endpoint.url)));
    expect(producer.collections).toBe(1);
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.body.match(/^test_big\{/gm)).toHaveLength(100);
    }
    expect(pages.every((p) => p.body === pages[0]!.body)).toBe(true);
  });

  it('collects again for a scrape that arrives after the collection ended', async () => {
    const producer = bigProducer(10);
    const endpoint = await endpointWith(producer);
    await get(endpoint.url);
    await get(endpoint.url);
    expect(producer.collections).toBe(2);
  });
});

describe('in-flight bound', () => {
  it('answers 503 with Retry-After beyond maxInFlight, counted as busy, and serves the others', async () => {
    const endpoint = await endpointWith(bigProducer(10, 300), { maxInFlight: 2 });
    const first = [get(endpoint.url), get(endpoint.url)];
    await new Promise((r) => setTimeout(r, 100));
    const third = await get(endpoint.url);
    expect(third).toMatchObject({
      status: 503,
      body: 'too many scrapes in flight; retry later\n',
      headers: { 'retry-after': '1', 'content-type': 'text/plain; charset=utf-8' },
    });
    expect(refused('busy')).toBe(1);
    expect((await Promise.all(first)).map((p) => p.status)).toEqual([200, 200]);
    // Both finished: room again.
    expect((await get(endpoint.url)).status).toBe(200);
    expect((await get(endpoint.url)).body).toContain(
      'agentmeter_endpoint_refused_total{agentmeter_endpoint="prometheus",agentmeter_endpoint_refusal_reason="busy",otel_scope_name="agentmeter"',
    );
  });
});

describe('basic auth under a flood of made-up credentials', () => {
  it('answers them 401 without taking places in flight: the scraper whose credential was verified is served', { timeout: 15000 }, async () => {
    const webConfig = { tls: undefined, users: new Map([['prometheus', hashSync('s3cret', 4)]]), headers: [] };
    const endpoint = await endpointWith(bigProducer(10), { maxInFlight: 2, webConfig });
    const auth = (credentials: string) => ({ authorization: `Basic ${Buffer.from(credentials).toString('base64')}` });
    expect((await getWith(endpoint.url, auth('prometheus:s3cret'))).status).toBe(200);
    const flood = Array.from({ length: 60 }, (_, i) => getWith(endpoint.url, auth(`prometheus:guess-${i}`)));
    const scrape = getWith(endpoint.url, auth('prometheus:s3cret'));
    expect((await scrape).status).toBe(200);
    expect(new Set((await Promise.all(flood)).map((r) => r.status))).toEqual(new Set([401]));
    expect(refused('unauthorized')).toBe(60);
    expect(refused('busy')).toBeUndefined();
  });
});

describe('open connections', () => {
  it('are bounded (4 per response in flight, at least 64): past that, a new connection is closed at once', { timeout: 15000 }, async () => {
    const endpoint = await endpointWith(bigProducer(10), { maxInFlight: 1 });
    const { port } = new URL(endpoint.url);
    const open = async (): Promise<{ closed: Promise<void> }> => {
      const socket = connect(Number(port), '127.0.0.1');
      socket.on('error', () => {});
      await new Promise<void>((r) => socket.once('connect', () => r()));
      sockets.push(socket);
      return { closed: new Promise<void>((r) => socket.once('close', () => r())) };
    };
    const sockets: import('node:net').Socket[] = [];
    try {
      // 64 idle connections (a slowloris holds them without sending a request) fill the bound.
      for (let i = 0; i < 64; i++) await open();
      const extra = await open();
      await expect(Promise.race([extra.closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('open'), 2000))])).resolves.toBe('closed');
    } finally {
      for (const socket of sockets) socket.destroy();
    }
    // Once they are gone, a scrape is served again.
    await new Promise((r) => setTimeout(r, 100));
    expect((await get(endpoint.url)).status).toBe(200);
  });
});

describe('write timeout', () => {
  it('destroys a scraper that never reads after writeTimeoutMillis, while a reading scraper is served', { timeout: 15000 }, async () => {
    // ~7 MB of text: more than the loopback socket buffers take, so the writer stalls.
    const endpoint = await endpointWith(bigProducer(30_000), { writeTimeoutMillis: 2000 });
    const { port } = new URL(endpoint.url);
    const stalled = connect(Number(port), '127.0.0.1');
    let received = 0;
    let closed = false;
    stalled.on('data', (chunk: Buffer) => (received += chunk.length));
    stalled.on('error', () => {});
    stalled.on('close', () => (closed = true));
    await new Promise<void>((r) => stalled.once('connect', () => r()));
    stalled.pause();
    const started = Date.now();
    stalled.write(`GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    // A reader that drains, started meanwhile, gets the whole page.
    const fast = await get(endpoint.url);
    expect(fast.status).toBe(200);
    expect(fast.body.match(/^test_big\{/gm)).toHaveLength(30_000);
    await until(() => refused('write_timeout') === 1);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1950);
    expect(elapsed).toBeLessThan(6000);
    // The stalled client, reading at last, finds its connection closed mid-page.
    stalled.resume();
    await until(() => closed);
    expect(received).toBeLessThan(fast.body.length);
    expect(refused('write_timeout')).toBe(1);
  });

  it('at the bound, gives a stalled client\'s place to a new scrape instead of answering 503', { timeout: 15000 }, async () => {
    // writeTimeoutMillis 4000: a client is stalled after 1000 ms without reading (a quarter, at most 5 s).
    const endpoint = await endpointWith(bigProducer(30_000), { maxInFlight: 2, writeTimeoutMillis: 4000 });
    const { port } = new URL(endpoint.url);
    const stalled = [0, 1].map(() => {
      const socket = connect(Number(port), '127.0.0.1');
      socket.on('error', () => {});
      socket.once('connect', () => {
        socket.pause();
        socket.write(`GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      });
      return socket;
    });
    // Both admitted and blocked on their full buffers; a scrape now finds the bound reached.
    await new Promise((r) => setTimeout(r, 300));
    expect((await get(endpoint.url)).status).toBe(503);
    expect(refused('busy')).toBe(1);
    // Past the stalled threshold, the next scrape takes the place of the longest-stalled one.
    await new Promise((r) => setTimeout(r, 1200));
    const fast = await get(endpoint.url);
    expect(fast.status).toBe(200);
    expect(fast.body.match(/^test_big\{/gm)).toHaveLength(30_000);
    expect(refused('stalled')).toBe(1);
    expect(refused('busy')).toBe(1);
    for (const socket of stalled) socket.destroy();
  });

  it('cuts off a response whose collection outlives the timeout', async () => {
    const endpoint = await endpointWith(bigProducer(10, 1000), { writeTimeoutMillis: 200 });
    await expect(get(endpoint.url)).rejects.toThrow(/socket hang up/);
    expect(refused('write_timeout')).toBe(1);
  });
});
