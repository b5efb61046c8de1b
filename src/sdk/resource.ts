/**
 * The resource every reader of agentmeter reports, built in one place for both set-ups
 * (agentmeter's global MeterProvider, or a private one beside another SDK), with an explicit
 * `service.instance.id`: the identity that keeps the series of replicas of one service apart
 * (the Collector's Prometheus exporter turns it into `instance`). NodeSDK's default detectors
 * already add a random one, but only while `OTEL_NODE_RESOURCE_DETECTORS` keeps
 * `serviceinstance`; without it, replicas report one identity and overwrite each other.
 */
import { randomUUID } from 'node:crypto';
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
  type Resource,
  type ResourceDetector,
} from '@opentelemetry/resources';

export const ATTR_SERVICE_INSTANCE_ID = 'service.instance.id';

type Env = Readonly<Record<string, string | undefined>>;

/** NodeSDK's detector names for `OTEL_NODE_RESOURCE_DETECTORS`, in its order. */
const DETECTORS: ReadonlyArray<[string, ResourceDetector]> = [
  ['serviceinstance', serviceInstanceIdDetector],
  ['process', processDetector],
  ['host', hostDetector],
  ['os', osDetector],
  ['env', envDetector],
];

/** The detectors NodeSDK would run: all by default, else those `OTEL_NODE_RESOURCE_DETECTORS` names (`all`, `none`). */
export function resourceDetectors(env: Env = process.env): ResourceDetector[] {
  const names = (env.OTEL_NODE_RESOURCE_DETECTORS ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0 || names.includes('all')) return DETECTORS.map(([, d]) => d);
  if (names.includes('none')) return [];
  // Unknown names are skipped, as NodeSDK does.
  return DETECTORS.filter(([name]) => names.includes(name)).map(([, d]) => d);
}

/** Where the instance id came from. */
export type InstanceIdSource = 'option' | 'environment' | 'generated';

/**
 * The process's `service.instance.id`: the `serviceInstanceId` option, else the one in
 * `OTEL_RESOURCE_ATTRIBUTES`, else a random UUID. A `node:cluster` worker inherits its
 * primary's environment and runs its code, so a given id (from either) gets
 * `-worker-<cluster worker id>` appended: every worker stays its own instance (the primary
 * serves their series side by side), and a re-forked worker (a new worker id) a new one.
 */
export function serviceInstanceId(option: string | undefined, clusterWorkerId: number | undefined): { id: string; source: InstanceIdSource } {
  const perWorker = (id: string): string => (clusterWorkerId === undefined ? id : `${id}-worker-${clusterWorkerId}`);
  if (option !== undefined) return { id: perWorker(option), source: 'option' };
  const fromEnv = detectResources({ detectors: [envDetector] }).attributes[ATTR_SERVICE_INSTANCE_ID];
  if (typeof fromEnv === 'string' && fromEnv !== '') return { id: perWorker(fromEnv), source: 'environment' };
  return { id: randomUUID(), source: 'generated' };
}

/** What the resource is built from. */
export interface ResourceOptions {
  serviceName: string | undefined;
  serviceInstanceId: string;
}

/**
 * NodeSDK's default resource (SDK attributes, then the detectors `OTEL_NODE_RESOURCE_DETECTORS`
 * selects, `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_SERVICE_NAME` among them), then the instance id
 * and the service name, which win.
 */
export function buildResource({ serviceName, serviceInstanceId: id }: ResourceOptions): Resource {
  // The id is set below; the detector's own random one would only be overwritten.
  const detectors = resourceDetectors().filter((d) => d !== serviceInstanceIdDetector);
  let resource = defaultResource().merge(detectResources({ detectors }));
  resource = resource.merge(resourceFromAttributes({ [ATTR_SERVICE_INSTANCE_ID]: id }));
  if (serviceName !== undefined) resource = resource.merge(resourceFromAttributes({ 'service.name': serviceName }));
  return resource;
}
