/**
 * An independent OTLP decoder for tests: protobufjs reading the official .proto files vendored
 * under test/fixtures/otlp-proto (see its README), never the code under test.
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => fileURLToPath(new URL(`../../../fixtures/otlp-proto/${target}`, import.meta.url));
root.loadSync('opentelemetry/proto/collector/metrics/v1/metrics_service.proto');
const Request = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');

export type Decoded = Record<string, unknown>;

/** A request as a plain object: 64-bit numbers as decimal strings, bytes as hex, no defaults. */
export function decodeRequest(bytes: Uint8Array): Decoded {
  const message = Request.decode(bytes);
  return Request.toObject(message, { longs: String, bytes: String, defaults: false, arrays: false, oneofs: false }) as Decoded;
}

/** One data point with everything around it, so messages split differently compare equal. */
export interface FlatPoint {
  resource: unknown;
  resourceSchemaUrl: unknown;
  scope: unknown;
  metric: Decoded;
  point: Decoded;
}

/** Every data point of some requests, in order, each with its resource, scope and metric framing. */
export function flatten(requests: readonly Uint8Array[], { withoutExemplars = false } = {}): FlatPoint[] {
  const out: FlatPoint[] = [];
  for (const bytes of requests) {
    const request = decodeRequest(bytes);
    for (const rm of (request.resourceMetrics as Decoded[] | undefined) ?? []) {
      for (const sm of (rm.scopeMetrics as Decoded[] | undefined) ?? []) {
        for (const metric of (sm.metrics as Decoded[] | undefined) ?? []) {
          const { name, description, unit, metadata, ...data } = metric;
          const [kind, body] = Object.entries(data)[0] as [string, Decoded];
          const { dataPoints, ...framing } = body;
          for (const point of (dataPoints as Decoded[] | undefined) ?? []) {
            const p = { ...point };
            if (withoutExemplars) delete p.exemplars;
            out.push({
              resource: rm.resource,
              resourceSchemaUrl: rm.schemaUrl,
              scope: { scope: sm.scope, schemaUrl: sm.schemaUrl },
              metric: { name, description, unit, metadata, kind, ...framing },
              point: p,
            });
          }
        }
      }
    }
  }
  return out;
}
