import { describe, expect, it } from 'vitest';
import { ValueType, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type ResourceMetrics, type ScopeMetrics } from '@opentelemetry/sdk-metrics';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { HistogramPoint, ValuePoint } from '../../../../src/store/points';
import { recordCacheEviction, recordCacheLookup } from '../../../../src/record/cache';
import { resetStore } from '../../helpers';
import { DeltaState } from '../../../../src/store/delta';
import { lazyScopeMetrics, snapshotStore, type SnapshotInstrument, type StoreSnapshot } from '../../../../src/store/snapshot';
import { OtlpMetricsEncoder } from '../../../../src/exporters/kafka/otlp-encoder';
import { SeriesCache } from '../../../../src/exporters/kafka/otlp-points';
import { decodeRequest, flatten } from './otlp-decode';
import type { HistogramDataPointWithExemplars } from '../../../../src/store/exemplars';

const resource = resourceFromAttributes({
  'service.name': 'svc',
  'service.instance.id': 'i-1',
  'process.pid': 4242,
  'process.command_args': ['node', 'app.js'],
  'x.flag': true,
  'x.ratio': 0.25,
});

const BOUNDS = [0.005, 0.01, 0.1, 1, 10];

/** Series of every kind; `huge` adds a series whose attributes alone take about 3 kB. */
function instruments(n: number, { huge = false } = {}): SnapshotInstrument[] {
  const attrs = (i: number): Attributes => (i === 0 ? {} : { 'gen_ai.tool.name': `tool_${i}`, 'error.type': i % 3 === 0 ? 'timeout' : 'ok' });
  const start: [number, number] = [1_700_000_000, 123_456_789];
  const histograms = Array.from({ length: n }, (_, i) => {
    const p = new HistogramPoint(Object.freeze(attrs(i)), BOUNDS, start);
    for (let k = 0; k < i % 7; k++) p.record(k * 0.37 + i / 1000);
    return p;
  });
  // A bucket count above 2^32 (a long-lived busy series): both halves of the fixed64 are written.
  if (n > 1) {
    histograms[1]!.counts[2] = 2 ** 40 + 3;
    histograms[1]!.count += 2 ** 40 + 3;
  }
  const noBounds = new HistogramPoint(Object.freeze({ only: 'inf' }), [], start);
  noBounds.record(3);
  const values = (scale: number, integer: boolean) =>
    Array.from({ length: n }, (_, i) => {
      const p = new ValuePoint(Object.freeze(attrs(i)), start);
      p.set(integer ? (i - 2) * scale : (i - 2) * scale + 0.5);
      return p;
    });
  if (huge) {
    const big: Attributes = {};
    for (let k = 0; k < 30; k++) big[`key.${k}`] = 'v'.repeat(100);
    histograms.push(new HistogramPoint(Object.freeze(big), BOUNDS, start));
  }
  return [
    { definition: { name: 'gen_ai.execute_tool.duration', description: 'Tool duration', unit: 's', kind: 'histogram' }, points: histograms },
    { definition: { name: 'no.bounds', description: '', unit: '', kind: 'histogram' }, points: [noBounds] },
    { definition: { name: 'agent.cache.requests', description: 'Lookups', unit: '{request}', kind: 'counter' }, points: values(3, true) },
    { definition: { name: 'agent.inflight', description: 'In flight', unit: '{call}', kind: 'updowncounter' }, points: values(5_000_000_000, true) },
    { definition: { name: 'agent.routing.confidence', description: 'Confidence', unit: '1', kind: 'gauge' }, points: values(0.125, false) },
  ];
}

function snapshot(list: SnapshotInstrument[], delta?: DeltaState, seq = 1): StoreSnapshot {
  return { endTime: [1_700_000_100, 5], delta, seq, instruments: list, exemplarsSinceMs: -Infinity };
}

/** A scope from another producer (an official instrumentation), as plain MetricData. */
const otherScope: ScopeMetrics = {
  scope: { name: '@opentelemetry/instrumentation-http', version: '0.301.0' },
  metrics: [
    {
      descriptor: { name: 'http.server.request.duration', description: 'HTTP', unit: 's', valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: [
        {
          startTime: [1_700_000_000, 0],
          endTime: [1_700_000_100, 0],
          attributes: { 'http.route': '/x' },
          value: { buckets: { boundaries: [1, 2], counts: [1, 0, 2] }, sum: 7, count: 3, min: 1, max: 3 },
        },
      ],
    },
  ],
};

function request(scopes: ScopeMetrics[]): ResourceMetrics {
  return { resource, scopeMetrics: scopes };
}

/** What otlp-transformer writes for the same data, in one message. */
function reference(rm: ResourceMetrics): Uint8Array[] {
  return [ProtobufMetricsSerializer.serializeRequest(rm)!];
}

describe('OtlpMetricsEncoder decodes to what otlp-transformer writes', () => {
  it.each([
    ['cumulative', undefined],
    ['delta', new DeltaState()],
  ])('every instrument kind, %s, one message', async (_name, delta) => {
    const scope = lazyScopeMetrics(snapshot(instruments(50), delta));
    const ours = await new OtlpMetricsEncoder(900_000).encode(request([scope]));
    expect(ours.messages).toHaveLength(1);
    expect(ours.oversizedDataPoints).toBe(0);
    const expected = flatten(reference(request([scope])));
    expect(expected).toHaveLength(50 * 4 + 1);
    expect(flatten(ours.messages)).toEqual(expected);
  });

  it('keeps the delta base for a second read of the same collection, and moves it on the next', async () => {
    const delta = new DeltaState();
    const list = instruments(5);
    const encoder = new OtlpMetricsEncoder(900_000);
    await encoder.encode(request([lazyScopeMetrics(snapshot(list, delta, 1))]));
    (list[0]!.points[1] as HistogramPoint).record(0.05);
    (list[2]!.points[1] as ValuePoint).add(4);
    const second = lazyScopeMetrics(snapshot(list, delta, 2));
    const ours = flatten((await encoder.encode(request([second]))).messages);
    expect(ours).toEqual(flatten(reference(request([second]))));
    const histogram = ours.find((f) => f.metric.name === 'gen_ai.execute_tool.duration' && (f.point.attributes as unknown[] | undefined)?.length === 2)!;
    expect(histogram.point).toMatchObject({ count: '1', sum: 0.05, bucketCounts: ['0', '0', '1', '0', '0', '0'], startTimeUnixNano: '1700000100000000005' });
    expect(ours.find((f) => f.metric.name === 'agent.cache.requests' && (f.point.attributes as unknown[] | undefined)?.length === 2)!.point.asInt).toBe('4');
  });

  it('writes a counter that holds a fraction as doubles, as the direct page shows it (as_int truncated 2.5 to 2)', async () => {
    resetStore();
    recordCacheEviction({ cache: 'c', count: 2.5 });
    recordCacheEviction({ cache: 'c', reason: 'ttl', count: 1 });
    const scope = lazyScopeMetrics(snapshotStore());
    const evictions = scope.metrics.find((m) => m.descriptor.name === 'agent.cache.evictions')!;
    expect(evictions.descriptor.valueType).toBe(ValueType.DOUBLE);
    const ours = flatten((await new OtlpMetricsEncoder(900_000).encode(request([scope]))).messages);
    expect(ours).toEqual(flatten(reference(request([scope]))));
    const points = ours.filter((f) => f.metric.name === 'agent.cache.evictions').map((f) => [f.point.asDouble, f.point.asInt]);
    expect(points).toEqual([[2.5, undefined], [1, undefined]]);
    // Integer-valued counters stay as_int.
    recordCacheLookup({ cache: 'c', hit: true });
    const lookups = flatten((await new OtlpMetricsEncoder(900_000).encode(request([lazyScopeMetrics(snapshotStore())]))).messages);
    expect(lookups.find((f) => f.metric.name === 'agent.cache.requests')!.point.asInt).toBe('1');
    resetStore();
  });

  it('writes a counter past 2^53 as a double (sfixed64 of 1e19 wrapped to -8446744073709551616)', async () => {
    resetStore();
    recordCacheEviction({ cache: 'huge', count: 1e19 });
    const scope = lazyScopeMetrics(snapshotStore());
    const ours = flatten((await new OtlpMetricsEncoder(900_000).encode(request([scope]))).messages);
    const point = ours.find((f) => f.metric.name === 'agent.cache.evictions')!.point;
    expect([point.asDouble, point.asInt]).toEqual([1e19, undefined]);
    resetStore();
  });

  it('merges another producer\'s scope into the same message, first', async () => {
    const scope = lazyScopeMetrics(snapshot(instruments(20)));
    const ours = await new OtlpMetricsEncoder(900_000).encode(request([otherScope, scope]));
    expect(ours.messages).toHaveLength(1);
    const decoded = decodeRequest(ours.messages[0]!) as { resourceMetrics: { scopeMetrics: { scope: { name: string } }[] }[] };
    expect(decoded.resourceMetrics[0]!.scopeMetrics.map((s) => s.scope.name)).toEqual(['@opentelemetry/instrumentation-http', 'agentmeter']);
    expect(flatten(ours.messages)).toEqual(flatten(reference(request([otherScope, scope]))));
  });

  it.each([700, 1000, 1500, 2200, 3100, 4700, 9000])('splits at maxMessageBytes=%i with every message under it and nothing lost', async (max) => {
    const scope = lazyScopeMetrics(snapshot(instruments(40)));
    const ours = await new OtlpMetricsEncoder(max).encode(request([otherScope, scope]));
    expect(ours.oversizedDataPoints).toBe(0);
    expect(ours.messages.length).toBeGreaterThan(1);
    for (const m of ours.messages) expect(m.length).toBeLessThanOrEqual(max);
    expect(flatten(ours.messages)).toEqual(flatten(reference(request([otherScope, scope]))));
  });

  it('drops and counts a series larger than a message on its own, keeping the rest', async () => {
    const list = instruments(10, { huge: true });
    const ours = await new OtlpMetricsEncoder(2500).encode(request([lazyScopeMetrics(snapshot(list))]));
    expect(ours.oversizedDataPoints).toBe(1);
    const withoutHuge = list.map((i, k) => (k === 0 ? { ...i, points: i.points.slice(0, -1) } : i));
    expect(flatten(ours.messages)).toEqual(flatten(reference(request([lazyScopeMetrics(snapshot(withoutHuge))]))));
  });

  it('keeps a huge attribute set when it fits', async () => {
    const scope = lazyScopeMetrics(snapshot(instruments(10, { huge: true })));
    const ours = await new OtlpMetricsEncoder(900_000).encode(request([scope]));
    expect(ours.oversizedDataPoints).toBe(0);
    expect(flatten(ours.messages)).toEqual(flatten(reference(request([scope]))));
  });

  it('encodes 3,000 series across slices (yielding to the event loop) exactly', async () => {
    const scope = lazyScopeMetrics(snapshot(instruments(3000)));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const ours = await new OtlpMetricsEncoder(200_000).encode(request([scope]));
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    expect(flatten(ours.messages)).toEqual(flatten(reference(request([scope]))));
  });

  it('reuses released message buffers without mixing up exports', async () => {
    const list = instruments(40);
    const encoder = new OtlpMetricsEncoder(3000);
    const first = await encoder.encode(request([lazyScopeMetrics(snapshot(list))]));
    const large = first.messages.filter((m) => m.length > 1500);
    expect(large.length).toBeGreaterThan(2);
    for (const m of first.messages) encoder.release(m);
    (list[0]!.points[7] as HistogramPoint).record(42);
    const scope = lazyScopeMetrics(snapshot(list, undefined, 2));
    const second = await encoder.encode(request([scope]));
    // Written into the released buffers, and decoding to the new values.
    expect(second.messages.filter((m) => large.some((l) => l.buffer === m.buffer))).toHaveLength(large.length);
    expect(flatten(second.messages)).toEqual(flatten(reference(request([scope]))));
  });

  it('writes a mid-size message into a free pooled buffer, a tiny one or one without a free buffer into its own size', async () => {
    const MAX = 6000;
    const encoder = new OtlpMetricsEncoder(MAX);
    const counters = (n: number): SnapshotInstrument[] => [instruments(n)[2]!];
    const mid = request([lazyScopeMetrics(snapshot(counters(8)))]);
    const tiny = request([lazyScopeMetrics(snapshot(counters(1)))]);
    // Nothing pooled yet: every message has a buffer of its own size.
    const [ownSize] = (await encoder.encode(mid)).messages;
    expect(ownSize!.length).toBeGreaterThan(MAX / 16);
    expect(ownSize!.length).toBeLessThanOrEqual(MAX / 2);
    expect(ownSize!.buffer.byteLength).toBe(ownSize!.length);
    // A released full-size buffer is taken by the next mid-size message, not by a tiny one.
    const full = (await encoder.encode(request([lazyScopeMetrics(snapshot(instruments(40)))]))).messages.find((m) => m.buffer.byteLength === MAX)!;
    encoder.release(full);
    const [small] = (await encoder.encode(tiny)).messages;
    expect(small!.length).toBeLessThanOrEqual(MAX / 16);
    expect(small!.buffer.byteLength).toBe(small!.length);
    const [pooled] = (await encoder.encode(mid)).messages;
    expect(pooled!.buffer).toBe(full.buffer);
    expect(flatten([pooled!])).toEqual(flatten(reference(mid)));
  });

  it('writes nothing for an empty collection', async () => {
    expect(await new OtlpMetricsEncoder(900_000).encode(request([lazyScopeMetrics(snapshot([]))]))).toEqual({ messages: [], oversizedDataPoints: 0 });
  });
});

/** One histogram series with two calls (0.002 s, 0.5 s), each with an exemplar measured at the given time. */
function tracedHistogram(firstMs: number, secondMs: number): SnapshotInstrument[] {
  const p = new HistogramPoint(Object.freeze({ 'gen_ai.tool.name': 'search' }), BOUNDS, [1_700_000_000, 0]);
  p.record(0.002);
  p.record(0.5);
  p.exemplars = [
    { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', value: 0.002, timeMs: firstMs },
    undefined,
    undefined,
    { traceId: 'ffffffffffffffffffffffffffffffff', spanId: '0000000000000001', value: 0.5, timeMs: secondMs },
    undefined,
    undefined,
  ];
  return [{ definition: { name: 'h', description: 'd', unit: 's', kind: 'histogram' }, points: [p] }];
}

describe('OtlpMetricsEncoder exemplars', () => {
  it('writes each bucket\'s exemplar as HistogramDataPoint.exemplars, in bucket order', async () => {
    const list = tracedHistogram(1_700_000_050_123.5, 1_700_000_060_000);
    const ours = flatten((await new OtlpMetricsEncoder(900_000).encode(request([lazyScopeMetrics(snapshot(list))]))).messages);
    expect(ours[0]!.point.exemplars).toEqual([
      { timeUnixNano: '1700000050123500000', asDouble: 0.002, spanId: 't61rcWkgMzE=', traceId: 'CvdlGRbNQ92ESOshHIAxnA==' },
      { timeUnixNano: '1700000060000000000', asDouble: 0.5, spanId: 'AAAAAAAAAAE=', traceId: '/////////////////////w==' },
    ]);
    // Everything but the exemplars is what otlp-transformer writes (it has no exemplars).
    expect(flatten((await new OtlpMetricsEncoder(900_000).encode(request([lazyScopeMetrics(snapshot(list))]))).messages, { withoutExemplars: true })).toEqual(
      flatten(reference(request([lazyScopeMetrics(snapshot(list))]))),
    );
  });

  it('writes only the exemplars measured since the previous delta collection, as the lazy MetricData does', async () => {
    const list = tracedHistogram(1_700_000_050_000, 1_700_000_070_000);
    const since = { ...snapshot(list, new DeltaState()), exemplarsSinceMs: 1_700_000_060_000 };
    const ours = flatten((await new OtlpMetricsEncoder(900_000).encode(request([lazyScopeMetrics(since)]))).messages);
    expect(ours[0]!.point.exemplars).toEqual([{ timeUnixNano: '1700000070000000000', asDouble: 0.5, spanId: 'AAAAAAAAAAE=', traceId: '/////////////////////w==' }]);
    const data = lazyScopeMetrics({ ...since, delta: new DeltaState() }).metrics[0]!.dataPoints[0] as HistogramDataPointWithExemplars;
    expect(data.exemplars!.map((e) => e.spanId)).toEqual(['0000000000000001']);
  });
});

describe('SeriesCache', () => {
  it('packs series\' fixed bytes side by side in chunks of 1 kB doubling to 64 kB; a piece over 16 kB keeps its own array', () => {
    const cache = new SeriesCache();
    const piece = (n: number, fill: number) => new Uint8Array(n).fill(fill);
    const views = Array.from({ length: 20 }, (_, i) => cache.place([piece(60, i), piece(40, 100 + i)]));
    // 100 bytes each: ten fill the first 1 kB chunk, the next ten go to a 2 kB one.
    expect(views[0]!.buffer).toBe(views[9]!.buffer);
    expect(views[0]!.buffer.byteLength).toBe(1024);
    expect(views[9]!.byteOffset).toBe(900);
    expect(views[10]!.buffer.byteLength).toBe(2048);
    expect(views[10]!.byteOffset).toBe(0);
    views.forEach((v, i) => expect([...v]).toEqual([...piece(60, i), ...piece(40, 100 + i)]));
    const big = cache.place([piece(20000, 7)]);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(20000);
  });
});

