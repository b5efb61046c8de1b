// service.instance.id: always set, from the option, OTEL_RESOURCE_ATTRIBUTES or a UUID, in both
// set-ups (NodeSDK and the private provider), whatever OTEL_NODE_RESOURCE_DETECTORS selects.
import { afterEach, describe, expect, it } from 'vitest';
import { buildResource, resourceDetectors, serviceInstanceId } from '../../../src/sdk/resource';

const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('serviceInstanceId', () => {
  it.each<[string, string | undefined, string | undefined, number | undefined, string, string]>([
    ['the option', 'api-7', 'service.instance.id=from-env', undefined, 'api-7', 'option'],
    ['the option in cluster worker 2 (every worker runs the same code)', 'api-7', 'service.instance.id=from-env', 2, 'api-7-worker-2', 'option'],
    ['OTEL_RESOURCE_ATTRIBUTES', undefined, 'deployment.environment=prod,service.instance.id=pod-a', undefined, 'pod-a', 'environment'],
    ['OTEL_RESOURCE_ATTRIBUTES in cluster worker 3 (inherited from the primary)', undefined, 'service.instance.id=pod-a', 3, 'pod-a-worker-3', 'environment'],
  ])('comes from %s', (_case, option, attributes, worker, id, source) => {
    if (attributes !== undefined) process.env.OTEL_RESOURCE_ATTRIBUTES = attributes;
    expect(serviceInstanceId(option, worker)).toEqual({ id, source });
  });

  it('is a new random UUID per process otherwise', () => {
    delete process.env.OTEL_RESOURCE_ATTRIBUTES;
    const a = serviceInstanceId(undefined, undefined);
    const b = serviceInstanceId(undefined, 1);
    expect(a.source).toBe('generated');
    expect(a.id).toMatch(UUID);
    expect(b.id).toMatch(UUID);
    expect(a.id).not.toBe(b.id);
  });
});

describe('buildResource', () => {
  it.each([undefined, 'all', 'env,host,os', 'none', 'process'])('sets service.instance.id with OTEL_NODE_RESOURCE_DETECTORS=%s', (detectors) => {
    if (detectors === undefined) delete process.env.OTEL_NODE_RESOURCE_DETECTORS;
    else process.env.OTEL_NODE_RESOURCE_DETECTORS = detectors;
    const resource = buildResource({ serviceName: 'svc', serviceInstanceId: 'i-1' });
    expect(resource.attributes['service.instance.id']).toBe('i-1');
    expect(resource.attributes['service.name']).toBe('svc');
    expect(resource.attributes['telemetry.sdk.language']).toBe('nodejs');
  });

  it('runs the detectors OTEL_NODE_RESOURCE_DETECTORS names, as NodeSDK does', () => {
    process.env.OTEL_NODE_RESOURCE_DETECTORS = 'env,host';
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'deployment.environment=prod';
    const attributes = buildResource({ serviceName: undefined, serviceInstanceId: 'i-1' }).attributes;
    expect(attributes['deployment.environment']).toBe('prod');
    expect(attributes['host.name']).toBeDefined();
    expect(attributes['process.pid']).toBeUndefined();
    expect(resourceDetectors({ OTEL_NODE_RESOURCE_DETECTORS: 'none' })).toEqual([]);
    expect(resourceDetectors({})).toHaveLength(5);
    expect(resourceDetectors({ OTEL_NODE_RESOURCE_DETECTORS: 'host, bogus' })).toHaveLength(1);
  });

  it('lets OTEL_SERVICE_NAME through when no service name is given, and the given one win', () => {
    process.env.OTEL_SERVICE_NAME = 'from-env';
    expect(buildResource({ serviceName: undefined, serviceInstanceId: 'i' }).attributes['service.name']).toBe('from-env');
    expect(buildResource({ serviceName: 'given', serviceInstanceId: 'i' }).attributes['service.name']).toBe('given');
  });
});
