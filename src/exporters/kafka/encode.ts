/**
 * OTLP protobuf encoding for Kafka: one message = one ExportMetricsServiceRequest (serialised by
 * @opentelemetry/otlp-transformer), split by data points when it exceeds the size limit.
 */
import { createHash } from 'node:crypto';
import { otlpTransformer } from '../../optional-modules';
import type { MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** The result of encoding one collection. */
export interface EncodedExport {
  /** Messages, each at most `maxMessageBytes` long. */
  messages: Uint8Array[];
  /** Data points too large to fit a message on their own (dropped). */
  oversizedDataPoints: number;
}

function encode(resourceMetrics: ResourceMetrics): Uint8Array {
  return otlpTransformer().ProtobufMetricsSerializer.serializeRequest(resourceMetrics) ?? new Uint8Array(0);
}

function dataPointCount(resourceMetrics: ResourceMetrics): number {
  let n = 0;
  for (const scope of resourceMetrics.scopeMetrics) for (const metric of scope.metrics) n += metric.dataPoints.length;
  return n;
}

/** Splits the data points into `parts` groups of near-equal size, keeping scope and metric framing. */
export function splitResourceMetrics(resourceMetrics: ResourceMetrics, parts: number): ResourceMetrics[] {
  const total = dataPointCount(resourceMetrics);
  const perPart = Math.ceil(total / parts);
  const result: ResourceMetrics[] = [];
  let current: ResourceMetrics = { resource: resourceMetrics.resource, scopeMetrics: [] };
  let inCurrent = 0;
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      let offset = 0;
      while (offset < metric.dataPoints.length) {
        const take = Math.min(perPart - inCurrent, metric.dataPoints.length - offset);
        const slice = { ...metric, dataPoints: metric.dataPoints.slice(offset, offset + take) } as MetricData;
        let target = current.scopeMetrics[current.scopeMetrics.length - 1];
        if (target?.scope !== scope.scope) {
          target = { scope: scope.scope, metrics: [] };
          current.scopeMetrics.push(target);
        }
        target.metrics.push(slice);
        offset += take;
        inCurrent += take;
        if (inCurrent === perPart) {
          result.push(current);
          current = { resource: resourceMetrics.resource, scopeMetrics: [] };
          inCurrent = 0;
        }
      }
    }
  }
  if (inCurrent > 0) result.push(current);
  return result;
}

/**
 * Encodes a collection into messages of at most `maxMessageBytes`. A request that is too large
 * is split by data points, never truncated. `bytesPerPointHint` (from the previous export) lets
 * a large collection be cut before encoding instead of encoding it whole first; every part is
 * still checked and split again if the hint was low.
 */
export function encodeMetrics(resourceMetrics: ResourceMetrics, maxMessageBytes: number, bytesPerPointHint = 0): EncodedExport {
  const points = dataPointCount(resourceMetrics);
  const estimate = points * bytesPerPointHint;
  if (bytesPerPointHint > 0 && estimate > maxMessageBytes && points > 1) {
    // 20% headroom so a slightly larger export than last time still fits at the first try.
    return encodeParts(resourceMetrics, Math.min(points, Math.ceil((estimate / maxMessageBytes) * 1.2)), maxMessageBytes);
  }
  const whole = encode(resourceMetrics);
  if (whole.length <= maxMessageBytes) return { messages: whole.length > 0 ? [whole] : [], oversizedDataPoints: 0 };
  if (points <= 1) return { messages: [], oversizedDataPoints: points };
  // 10% headroom for framing repeated in every part; each part is checked again.
  return encodeParts(resourceMetrics, Math.min(points, Math.max(2, Math.ceil((whole.length / maxMessageBytes) * 1.1))), maxMessageBytes);
}

function encodeParts(resourceMetrics: ResourceMetrics, parts: number, maxMessageBytes: number): EncodedExport {
  const out: EncodedExport = { messages: [], oversizedDataPoints: 0 };
  for (const part of splitResourceMetrics(resourceMetrics, parts)) {
    const encoded = encodeMetrics(part, maxMessageBytes);
    out.messages.push(...encoded.messages);
    out.oversizedDataPoints += encoded.oversizedDataPoints;
  }
  return out;
}

/** Average encoded bytes per data point of an export, for the next export's hint. */
export function bytesPerPoint(resourceMetrics: ResourceMetrics, encoded: EncodedExport): number {
  const points = dataPointCount(resourceMetrics);
  return points === 0 ? 0 : encoded.messages.reduce((n, m) => n + m.length, 0) / points;
}

/**
 * The message key: one stable value per resource, so a process's messages land in one
 * partition and stay in order. `<service.name>/<service.instance.id>` (readable in any Kafka
 * tool, and distinct for every replica and cluster worker); a resource without an instance id
 * gets a hash of all its attributes in its place.
 */
export function resourceKey(resourceMetrics: ResourceMetrics): string {
  const attributes = resourceMetrics.resource.attributes;
  const service = typeof attributes['service.name'] === 'string' ? attributes['service.name'] : 'unknown_service';
  const instance = attributes['service.instance.id'];
  if (typeof instance === 'string' && instance !== '') return `${service}/${instance}`;
  const sorted = Object.keys(attributes)
    .sort()
    .map((k) => `${k}=${JSON.stringify(attributes[k])}`)
    .join('\n');
  return `${service}/${createHash('sha256').update(sorted).digest('hex').slice(0, 16)}`;
}
