/**
 * The fixed framing of OTLP metric messages, encoded once and cached: the resource (written by
 * otlp-transformer, so it is exactly what the stock serializer writes), each scope's header and
 * each metric's name, description and unit.
 */
import { otlpTransformer } from '../../optional-modules';
import type { Resource } from '@opentelemetry/resources';
import type { ScopeMetrics } from '@opentelemetry/sdk-metrics';
import type { SnapshotInstrument } from '../../store/snapshot';
import { concat, field, stringField } from './otlp-wire';

/** The bytes inside a serialised request's one `resource_metrics` field. */
export function resourceMetricsBody(request: Uint8Array): Uint8Array {
  if (request.length === 0) return request;
  let at = 1; // the REQUEST_FIELD tag
  let length = 0;
  // A length varint has at most 5 bytes here (messages < 4 GiB); stop at the end of the input.
  for (let shift = 1; ; shift *= 128) {
    if (at >= request.length || shift > 128 ** 4) throw new Error('agentmeter: malformed OTLP request from otlp-transformer (resource_metrics length)');
    const b = request[at++]!;
    length += (b & 127) * shift;
    if (b < 128) break;
  }
  return request.subarray(at, at + length);
}

export class OtlpFraming {
  private readonly resources = new WeakMap<Resource, Uint8Array>();
  private readonly headers = new WeakMap<SnapshotInstrument['definition'], Uint8Array>();
  private readonly scopes = new Map<string, Uint8Array>();

  /** Resource = 1 (and schema_url = 3) of ResourceMetrics, as otlp-transformer writes them. */
  resourceBody(resource: Resource): Uint8Array {
    let body = this.resources.get(resource);
    if (body === undefined) {
      const request = otlpTransformer().ProtobufMetricsSerializer.serializeRequest({ resource, scopeMetrics: [] }) ?? new Uint8Array(0);
      body = resourceMetricsBody(request).slice();
      this.resources.set(resource, body);
    }
    return body;
  }

  /** ScopeMetrics.scope = 1: InstrumentationScope { name = 1, version = 2 }. */
  scopeHeader(scope: ScopeMetrics): Uint8Array {
    const { name, version = '' } = scope.scope;
    const key = `${name}\n${version}`;
    let bytes = this.scopes.get(key);
    if (bytes === undefined) {
      bytes = field(1, concat([stringField(1, name), ...(version ? [stringField(2, version)] : [])]));
      this.scopes.set(key, bytes);
    }
    return bytes;
  }

  /** Metric name = 1, description = 2, unit = 3. */
  metricHeader(definition: SnapshotInstrument['definition']): Uint8Array {
    let bytes = this.headers.get(definition);
    if (bytes === undefined) {
      const { name, description, unit } = definition;
      bytes = concat([stringField(1, name), ...(description ? [stringField(2, description)] : []), ...(unit ? [stringField(3, unit)] : [])]);
      this.headers.set(definition, bytes);
    }
    return bytes;
  }
}
