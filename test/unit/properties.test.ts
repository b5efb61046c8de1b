// Property-based tests (fast-check) across every public recording helper and the config parser:
// whatever a caller or a peer hands them, nothing throws; each call either reaches an instrument
// or is counted as dropped; and the store stays consistent (finite sums, bucket counts that add
// up to the count, a Prometheus page and a JSON summary that can always be built).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { diag } from '@opentelemetry/api';
import { recordToolCall, timeToolCall } from '../../src/record/tool';
import {
  recordCacheEviction, recordCacheLookup, recordCacheOperation, recordCacheSizeRejection, setCacheSize,
} from '../../src/record/cache';
import { recordRouting } from '../../src/record/routing';
import { recordLlmCall } from '../../src/record/llm';
import { recordActionLog } from '../../src/record/action-log';
import { recordPublish } from '../../src/record/publish';
import { recordDbOperation, setDbPoolState } from '../../src/record/db';
import { setHealth, trackRequest, trackSession } from '../../src/record/system';
import { HistogramPoint, ValuePoint } from '../../src/store/points';
import { guard, instrumentList } from '../../src/store/registry';
import { collectScopeMetrics } from '../../src/store/producer';
import { buildSummary } from '../../src/exporters/summary/summary';
import { PrometheusSerializer } from '../../src/exporters/prometheus/serializer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { resolveConfig } from '../../src/sdk/config';
import { resolveKafkaOptions } from '../../src/exporters/kafka/options';
import { ConfigError, EventValidationError } from '../../src/errors';
import { createRoutingEvent } from '../../src/events/event';
import { resetStore } from './helpers';

const RUNS = { numRuns: 300 };

/** Values no type declares: a Proxy that throws on every trap, a throwing getter, symbols, BigInt. */
const throwingProxy = new Proxy({}, {
  get: () => {
    throw new Error('trap');
  },
  has: () => {
    throw new Error('trap');
  },
  ownKeys: () => {
    throw new Error('trap');
  },
  getOwnPropertyDescriptor: () => {
    throw new Error('trap');
  },
});
const throwingGetter = Object.defineProperty({}, 'tool', {
  get: () => {
    throw new Error('getter');
  },
  enumerable: true,
});
// The Proxy stays out of fast-check (which probes values for a clone method); a table below sends it.
const hostile = fc.constantFrom<unknown>(throwingGetter, Symbol('s'), 10n, Object.create(null), () => 1, new Date(0), NaN, -0, Infinity, -Infinity, 1e308);

/** Any value: fast-check's, plus the hostile ones. */
const anyValue = fc.oneof(fc.anything(), hostile);
/** A field that is usually well-formed, sometimes anything. */
const field = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: anyValue });
const name = fc.oneof(fc.constantFrom('search', '__proto__', 'constructor', 'toString', '', '<script>', 'ü名前'), fc.string({ maxLength: 200 }));
const seconds = fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom(1e308, Number.MAX_VALUE));
const amount = fc.oneof(fc.nat(1000), fc.double({ min: 0, max: 1e6, noNaN: true }));

/** An object whose fields follow `shape`, each well-formed or anything; or anything at all. */
function input(shape: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const fields = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, field(v)]));
  return fc.oneof({ weight: 4, arbitrary: fc.record(fields, { requiredKeys: [] }) }, { weight: 1, arbitrary: anyValue });
}

type Helper = [string, (value: unknown) => void, fc.Arbitrary<unknown>];
const HELPERS: Helper[] = [
  ['recordToolCall', (v) => recordToolCall(v as never), input({ tool: name, seconds, error: anyValue })],
  ['recordCacheLookup', (v) => recordCacheLookup(v as never), input({ cache: name, hit: fc.boolean(), seconds })],
  ['recordCacheEviction', (v) => recordCacheEviction(v as never), input({ cache: name, reason: fc.constantFrom('size', 'ttl', 'manual', 'other'), count: amount })],
  ['recordCacheSizeRejection', (v) => recordCacheSizeRejection(v as never), input({ cache: name })],
  ['recordCacheOperation', (v) => recordCacheOperation(v as never), input({ cache: name, operation: fc.constantFrom('get', 'set', 'delete'), seconds })],
  ['setCacheSize', (v) => setCacheSize(v as never), input({ cache: name, entries: amount, bytes: amount })],
  ['recordRouting', (v) => recordRouting(v as never), input({ strategy: name, agent: name, seconds, outcome: fc.constantFrom('success', 'fallback', 'error'), candidates: amount, confidence: fc.double({ min: 0, max: 1 }), cacheHit: fc.boolean() })],
  ['recordLlmCall', (v) => recordLlmCall(v as never), input({ provider: name, model: name, seconds, operation: name, inputTokens: amount, outputTokens: amount, cacheReadTokens: amount, error: anyValue })],
  ['recordActionLog', (v) => recordActionLog(v as never), input({ agent: name, action: name, status: fc.constantFrom('success', 'failure', 'cancelled'), seconds, error: anyValue })],
  ['recordPublish', (v) => recordPublish(v as never), input({ topic: name, seconds, system: name, operation: name, messages: fc.oneof(amount, fc.constant(1e9)), bytes: amount, error: anyValue })],
  ['recordDbOperation', (v) => recordDbOperation(v as never), input({ operation: name, table: name, seconds, system: name, error: anyValue })],
  ['setDbPoolState', (v) => setDbPoolState(v as never), input({ pool: name, idle: amount, used: amount, max: amount })],
  ['setHealth', (v) => setHealth(v as never), field(fc.constantFrom('healthy', 'degraded', 'unhealthy'))],
];

/** Instrument writes, counted on the point classes themselves. */
const writes = { n: 0 };
function droppedTotal(): number {
  return Object.values(guard.dropped).reduce((a, b) => a + b, 0);
}

/** The store's invariants, whatever was recorded. */
function checkStore(): void {
  for (const instrument of instrumentList) {
    for (const p of instrument.points) {
      if (p instanceof HistogramPoint) {
        expect(Number.isFinite(p.sum)).toBe(true);
        expect(p.counts.reduce((a, b) => a + b, 0)).toBe(p.count);
      } else {
        expect(Number.isFinite(p.value)).toBe(true);
        if (instrument.definition.kind === 'counter') expect(p.value).toBeGreaterThanOrEqual(0);
      }
      for (const key of Object.keys(p.attributes)) expect(typeof p.attributes[key]).toBe('string');
    }
  }
  const page = [...new PrometheusSerializer().chunks([{ resource: resourceFromAttributes({}), scopeMetrics: [collectScopeMetrics()] }])].join('');
  for (const line of page.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
    // name{labels} value: every sample line parses, its value a number or ±Inf.
    expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? (-?[0-9.e+-]+|[+-]Inf|NaN)$/);
    // A sum never reaches ±Inf (sum_overflow), so no _sum sample is infinite.
    if (/_sum[{ ]/.test(line)) expect(line).not.toMatch(/ [+-]Inf$/);
  }
  expect(() => JSON.stringify(buildSummary())).not.toThrow();
}

describe('every public helper, given anything', () => {
  const spies: { mockRestore(): void }[] = [];
  beforeAll(() => {
    // diag is off in unit tests; keep it so: one line per reason would otherwise fill the output.
    vi.spyOn(diag, 'warn').mockImplementation(() => {});
    for (const [cls, method] of [[HistogramPoint, 'record'], [HistogramPoint, 'recordTimes'], [ValuePoint, 'add'], [ValuePoint, 'set']] as const) {
      const original = (cls.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!;
      const spy = vi.spyOn(cls.prototype as never, method as never).mockImplementation(function (this: unknown, ...args: unknown[]) {
        writes.n++;
        return original.apply(this, args);
      } as never);
      spies.push(spy);
    }
    resetStore();
  });
  afterAll(() => {
    for (const spy of spies) spy.mockRestore();
    vi.restoreAllMocks();
    resetStore();
  });

  it.each(HELPERS)('%s never throws, and each call is recorded or counted as dropped', (_name, helper, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (value) => {
        const before = { writes: writes.n, dropped: droppedTotal() };
        expect(() => helper(value)).not.toThrow();
        // A call that touched no instrument said why, in agentmeter.dropped.
        expect(writes.n > before.writes || droppedTotal() > before.dropped).toBe(true);
      }),
      RUNS,
    );
    checkStore();
  });

  it.each(HELPERS)('%s takes a Proxy that throws on every trap, as itself or as a field, and counts it', (_name, helper) => {
    for (const value of [throwingProxy, { tool: throwingProxy, cache: throwingProxy, agent: throwingProxy, seconds: throwingProxy }]) {
      const before = { writes: writes.n, dropped: droppedTotal() };
      expect(() => helper(value)).not.toThrow();
      expect(writes.n > before.writes || droppedTotal() > before.dropped).toBe(true);
    }
  });

  it('timeToolCall never throws itself: it returns what fn returns or rethrows what fn throws, and records the call', () => {
    fc.assert(
      fc.property(field(name), anyValue, fc.boolean(), (tool, result, throws) => {
        const before = { writes: writes.n, dropped: droppedTotal() };
        const fn = (): unknown => {
          if (throws) throw result;
          // A thenable result is awaited by timeToolCall: give it a plain one only.
          return typeof result === 'object' && result !== null && 'then' in (result as object) ? undefined : result;
        };
        let outcome: { threw: boolean; value: unknown };
        try {
          outcome = { threw: false, value: timeToolCall(tool as string, fn) };
        } catch (err) {
          outcome = { threw: true, value: err };
        }
        expect(outcome.threw).toBe(throws);
        if (throws) expect(outcome.value).toBe(result);
        expect(writes.n > before.writes || droppedTotal() > before.dropped).toBe(true);
      }),
      RUNS,
    );
    checkStore();
  });

  it('trackSession and trackRequest balance: the in-flight gauges go back to where they were', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 50 }), (kinds) => {
        const inFlight = (): number[] =>
          instrumentList
            .filter((i) => i.definition.kind === 'updowncounter' && i.definition.domain === 'service')
            .map((i) => i.points.reduce((n, p) => n + (p as ValuePoint).value, 0));
        const before = inFlight();
        const trackers = kinds.map((session) => (session ? trackSession() : trackRequest()));
        if (kinds.length > 0) expect(inFlight().reduce((a, b) => a + b, 0)).toBe(before.reduce((a, b) => a + b, 0) + kinds.length);
        // Ending twice counts once.
        for (const t of trackers) {
          t.end();
          t.end();
        }
        expect(inFlight()).toEqual(before);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the config parser, given any environment', () => {
  const VARIABLES = [
    'OTEL_SDK_DISABLED', 'AGENTMETER_ENABLED', 'OTEL_METRICS_EXPORTER', 'OTEL_EXPORTER_PROMETHEUS_PORT',
    'OTEL_EXPORTER_PROMETHEUS_HOST', 'OTEL_METRIC_EXPORT_INTERVAL', 'AGENTMETER_ATTRIBUTE_CAP',
    'AGENTMETER_INSTRUMENTATIONS', 'AGENTMETER_SUMMARY_ENABLED', 'AGENTMETER_SUMMARY_PORT',
    'AGENTMETER_SUMMARY_CORS_ORIGINS', 'AGENTMETER_WINDOW_SIZE', 'AGENTMETER_CLUSTER', 'AGENTMETER_CLUSTER_TIMEOUT',
    'AGENTMETER_EXEMPLARS', 'AGENTMETER_ROUTING_EVENTS', 'AGENTMETER_ENDPOINT_WRITE_TIMEOUT',
    'AGENTMETER_ENDPOINT_MAX_IN_FLIGHT', 'AGENTMETER_SUMMARY_ALLOWED_HOSTS',
  ];
  const KAFKA_VARIABLES = [
    'AGENTMETER_KAFKA_BROKERS', 'AGENTMETER_KAFKA_TOPIC', 'AGENTMETER_KAFKA_CLIENT_ID', 'AGENTMETER_KAFKA_ACKS',
    'AGENTMETER_KAFKA_COMPRESSION', 'AGENTMETER_KAFKA_SASL_MECHANISM', 'AGENTMETER_KAFKA_SASL_USERNAME',
    'AGENTMETER_KAFKA_SASL_PASSWORD', 'AGENTMETER_KAFKA_TLS', 'AGENTMETER_KAFKA_REQUEST_TIMEOUT',
    'AGENTMETER_KAFKA_MAX_MESSAGE_BYTES', 'AGENTMETER_KAFKA_MAX_QUEUE', 'AGENTMETER_KAFKA_TEMPORALITY',
  ];
  const BOOLEANS = ['OTEL_SDK_DISABLED', 'AGENTMETER_ENABLED', 'AGENTMETER_SUMMARY_ENABLED', 'AGENTMETER_CLUSTER', 'AGENTMETER_EXEMPLARS', 'AGENTMETER_ROUTING_EVENTS'];
  const value = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('true', 'FALSE', ' 1 ', '0', 'yes', '', ' , ', 'Prometheus', 'none', '9464', '-1', '1e3', '0x10', 'http,MCP'));

  it('returns a config or throws a ConfigError naming a variable it was given, nothing else', () => {
    vi.spyOn(diag, 'warn').mockImplementation(() => {});
    try {
      fc.assert(
        fc.property(fc.dictionary(fc.constantFrom(...VARIABLES), value), (env) => {
          try {
            const config = resolveConfig({}, env);
            expect(Number.isInteger(config.prometheusPort) && config.prometheusPort >= 0 && config.prometheusPort <= 65535).toBe(true);
            expect(config.attributeCap).toBeGreaterThanOrEqual(1);
          } catch (err) {
            expect(err).toBeInstanceOf(ConfigError);
            expect(Object.keys(env)).toContain((err as ConfigError).option);
          }
        }),
        { numRuns: 500 },
      );
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('the Kafka settings: resolved, or a ConfigError naming a variable it was given, never the password', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...KAFKA_VARIABLES), value), (env) => {
        try {
          resolveKafkaOptions({}, env);
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect(Object.keys(env)).toContain((err as ConfigError).option);
          const password = env.AGENTMETER_KAFKA_SASL_PASSWORD?.trim();
          // (Unless another variable holds the same text: that one's value may be quoted.)
          const elsewhere = Object.entries(env).some(([k, v]) => k !== 'AGENTMETER_KAFKA_SASL_PASSWORD' && password !== undefined && v.includes(password));
          if (password !== undefined && password.length >= 6 && !elsewhere) expect((err as Error).message).not.toContain(password);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never throws for a boolean variable, whatever its value', () => {
    vi.spyOn(diag, 'warn').mockImplementation(() => {});
    try {
      fc.assert(
        fc.property(fc.constantFrom(...BOOLEANS), value, (variable, raw) => {
          const config = resolveConfig({}, { [variable]: raw });
          expect(typeof config.enabled).toBe('boolean');
        }),
        { numRuns: 300 },
      );
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe('createRoutingEvent, given anything', () => {
  it('returns a valid event or throws an EventValidationError whose message never quotes the input', () => {
    fc.assert(
      fc.property(input({ query: fc.string({ minLength: 1, maxLength: 50 }), durationMs: fc.integer({ min: -5, max: 2000 }), cacheHit: fc.boolean(), candidates: fc.integer({ min: -1, max: 10 }), strategy: name, correlationId: fc.uuid(), agent: name }), (value) => {
        try {
          createRoutingEvent(value as never);
        } catch (err) {
          expect(err).toBeInstanceOf(EventValidationError);
          const query = (value as { query?: unknown } | null)?.query;
          if (typeof query === 'string' && query.length > 8) expect((err as Error).message).not.toContain(query);
        }
      }),
      RUNS,
    );
  });
});
