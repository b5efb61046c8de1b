/**
 * Instruments of the official OpenTelemetry instrumentations that `register` enables
 * (src/sdk/instrumentations.ts), used by the dashboards. They are not in agentmeter's catalog
 * because agentmeter does not emit them itself; test/unit/grafana/names.test.ts checks each
 * name against the installed package, so an upstream rename fails a test, not a dashboard.
 */
import type { InstrumentKind } from '../../../src/catalog';
import type { InstrumentationName } from '../../../src/sdk/config';

/** One instrument of an official instrumentation package. */
export interface InstrumentationMetric {
  readonly name: string;
  readonly unit: string;
  readonly kind: InstrumentKind;
  /** npm package that records it. */
  readonly package: string;
  /** Short name under which `register` / `start()` enables that package. */
  readonly instrumentation: InstrumentationName;
}

export const INSTRUMENTATION_METRICS = {
  httpServerDuration: {
    name: 'http.server.request.duration',
    unit: 's',
    kind: 'histogram',
    package: '@opentelemetry/instrumentation-http',
    instrumentation: 'http',
  },
  eventLoopDelayP99: {
    name: 'nodejs.eventloop.delay.p99',
    unit: 's',
    kind: 'gauge',
    package: '@opentelemetry/instrumentation-runtime-node',
    instrumentation: 'runtime',
  },
  eventLoopUtilization: {
    name: 'nodejs.eventloop.utilization',
    unit: '1',
    kind: 'gauge',
    package: '@opentelemetry/instrumentation-runtime-node',
    instrumentation: 'runtime',
  },
  heapUsed: {
    name: 'v8js.memory.heap.used',
    unit: 'By',
    kind: 'gauge',
    package: '@opentelemetry/instrumentation-runtime-node',
    instrumentation: 'runtime',
  },
  heapSpaceSize: {
    name: 'v8js.memory.heap.space.size',
    unit: 'By',
    kind: 'updowncounter',
    package: '@opentelemetry/instrumentation-runtime-node',
    instrumentation: 'runtime',
  },
} as const satisfies Record<string, InstrumentationMetric>;

export type InstrumentationMetricId = keyof typeof INSTRUMENTATION_METRICS;

/** Attribute keys of those instruments that queries group or filter by. */
export const INSTRUMENTATION_ATTRIBUTES = {
  httpStatusCode: 'http.response.status_code',
  httpMethod: 'http.request.method',
  heapSpaceName: 'v8js.heap.space.name',
} as const;
