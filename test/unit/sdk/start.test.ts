// start() in a process another OpenTelemetry SDK may already have claimed: which API globals it
// takes, which it gives back on shutdown, and what it says.
import { context, diag, DiagLogLevel, logs, metrics, propagation, trace } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registeredGlobals } from '../../../src/sdk/coexist';
import { start, type AgentmeterHandle } from '../../../src/sdk/start';
import { recordToolCall } from '../../../src/record/tool';
import { resetStore } from '../helpers';

// What start() hands the routing-event publisher (the real one still starts).
const events = vi.hoisted(() => ({ options: [] as unknown[], topics: [] as string[] }));
vi.mock('../../../src/events/routing-events', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/events/routing-events')>();
  return {
    ...real,
    startRoutingEvents: (...args: Parameters<typeof real.startRoutingEvents>) => {
      events.options.push(args[0]);
      const publisher = real.startRoutingEvents(...args);
      events.topics.push(publisher.topic);
      return publisher;
    },
  };
});

let handle: AgentmeterHandle | undefined;
let other: MeterProvider | undefined;
const warnings: string[] = [];
diag.setLogger({ error() {}, warn: (m: string) => warnings.push(m), info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);

afterEach(async () => {
  await handle?.shutdown();
  await other?.shutdown();
  handle = undefined;
  other = undefined;
  // Each test starts from an empty API registry.
  for (const api of [metrics, trace, logs, context, propagation]) api.disable();
  warnings.length = 0;
  resetStore();
});

async function toolCallsServed(h: AgentmeterHandle): Promise<string | undefined> {
  await h.ready();
  const text = await (await fetch(h.prometheusUrl!)).text();
  return text.split('\n').find((l) => l.startsWith('gen_ai_execute_tool_duration_seconds_count{'));
}

describe('start() as the only SDK', () => {
  it('registers the MeterProvider but no LoggerProvider, and gives the MeterProvider back on shutdown', async () => {
    handle = start({ prometheusPort: 0, instrumentations: [] });
    expect(registeredGlobals()).toEqual(new Set(['context', 'propagation', 'metrics']));
    expect(warnings).toEqual([]);
    await handle.shutdown();
    expect(registeredGlobals()).toEqual(new Set(['context', 'propagation']));
  });
});

describe('start() after another SDK registered the MeterProvider', () => {
  it('leaves the globals alone, says so once through diag, and still serves its own series', async () => {
    other = new MeterProvider();
    metrics.setGlobalMeterProvider(other);
    handle = start({ prometheusPort: 0, instrumentations: ['http', 'runtime'] });
    expect(metrics.getMeterProvider()).toBe(other);
    expect(registeredGlobals()).toEqual(new Set(['metrics']));
    expect(warnings).toEqual([
      'agentmeter: another OpenTelemetry SDK registered the global MeterProvider first; agentmeter leaves the globals and ' +
        "instrumentations to it and serves only its own metrics (add createMetricProducer() to that SDK's metric readers to export them there too)",
    ]);
    recordToolCall({ tool: 'web_search', seconds: 0.5 });
    expect(await toolCallsServed(handle)).toMatch(/^gen_ai_execute_tool_duration_seconds_count\{gen_ai_tool_name="web_search",.*\} 1$/);
    await handle.shutdown();
    expect(metrics.getMeterProvider()).toBe(other);
  });
});

describe('service.instance.id', () => {
  const savedEnv = { ...process.env };
  afterEach(() => {
    process.env = { ...savedEnv };
  });

  async function targetInfo(h: AgentmeterHandle): Promise<string> {
    await h.ready();
    const text = await (await fetch(h.prometheusUrl!)).text();
    return text.split('\n').find((l) => l.startsWith('target_info{'))!;
  }

  it('is the option when given, on the handle and in target_info', async () => {
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'service.instance.id=from-env';
    handle = start({ prometheusPort: 0, instrumentations: [], serviceInstanceId: 'unit-replica-1' });
    expect(handle.serviceInstanceId).toBe('unit-replica-1');
    expect(await targetInfo(handle)).toContain('service_instance_id="unit-replica-1"');
  });

  it('is a UUID even when OTEL_NODE_RESOURCE_DETECTORS leaves out serviceinstance', async () => {
    process.env.OTEL_NODE_RESOURCE_DETECTORS = 'env,host';
    handle = start({ prometheusPort: 0, instrumentations: [] });
    expect(handle.serviceInstanceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await targetInfo(handle)).toContain(`service_instance_id="${handle.serviceInstanceId}"`);
  });

  it('is set on the private provider beside another SDK too', async () => {
    process.env.OTEL_NODE_RESOURCE_DETECTORS = 'none';
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'service.instance.id=pod-b';
    other = new MeterProvider();
    metrics.setGlobalMeterProvider(other);
    handle = start({ prometheusPort: 0, instrumentations: [], serviceName: 'beside' });
    expect(handle.serviceInstanceId).toBe('pod-b');
    const info = await targetInfo(handle);
    expect(info).toContain('service_instance_id="pod-b"');
    expect(info).toContain('service_name="beside"');
  });
});

describe('an endpoint that cannot listen', () => {
  it('says so in one stderr line, also through start(), and recording goes on', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (taken.address() as { port: number }).port;
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      handle = start({ prometheusPort: port, instrumentations: [] });
      await expect(handle.ready()).rejects.toThrow(/EADDRINUSE/);
      await new Promise((r) => setImmediate(r));
      expect(written).toEqual([
        `agentmeter: the Prometheus endpoint cannot listen on 127.0.0.1:${port} (listen EADDRINUSE: address already in use 127.0.0.1:${port}); ` +
          'recording goes on, but nothing is served there: set OTEL_EXPORTER_PROMETHEUS_PORT to a free port\n',
      ]);
      recordToolCall({ tool: 'web_search', seconds: 0.5 });
    } finally {
      spy.mockRestore();
      taken.close();
    }
  });
});

describe('start() with routing events', () => {
  it('shares only the Kafka connection with the event publisher, never the metrics topic, compression or acks', async () => {
    handle = start({
      prometheusPort: 0,
      instrumentations: [],
      kafka: { brokers: ['127.0.0.1:1'], clientId: 'app', topic: 'otlp_metrics', compression: 'gzip', acks: '1', maxQueuedExports: 3 },
      routingEvents: true,
    });
    expect(events.options).toEqual([{ brokers: ['127.0.0.1:1'], clientId: 'app' }]);
    expect(events.topics).toEqual(['agent.routing.performance.v1']);
  });
});

describe('start() with the OTLP exporter', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('honours OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta for agentmeter\'s series', async () => {
    const bodies: { resourceMetrics: { scopeMetrics: { scope: { name: string }; metrics: Record<string, unknown>[] }[] }[] }[] = [];
    const server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        bodies.push(JSON.parse(body));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
    });
    try {
      handle = start({ metricsExporters: ['otlp'], exportIntervalMillis: 600000, instrumentations: [] });
      recordToolCall({ tool: 'delta', seconds: 0.1 });
      recordToolCall({ tool: 'delta', seconds: 0.1 });
      await handle.forceFlush();
      recordToolCall({ tool: 'delta', seconds: 0.1 });
      await handle.forceFlush();
    } finally {
      await handle?.shutdown();
      handle = undefined;
      await new Promise((resolve) => server.close(resolve));
    }
    const tool = bodies.slice(0, 2).map((b) => {
      const scope = b.resourceMetrics[0]!.scopeMetrics.find((s) => s.scope.name === 'agentmeter')!;
      return scope.metrics.find((m) => m.name === 'gen_ai.execute_tool.duration')!.histogram as { aggregationTemporality: number; dataPoints: { count: number | string }[] };
    });
    // AGGREGATION_TEMPORALITY_DELTA = 1; each export carries the calls since the previous one.
    expect(tool.map((h) => [h.aggregationTemporality, Number(h.dataPoints[0]!.count)])).toEqual([[1, 2], [1, 1]]);
  });
});
