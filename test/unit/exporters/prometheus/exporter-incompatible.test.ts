// When a future exporter-prometheus drops the internals PrometheusEndpoint hooks, construction
// fails with AGM_ERR_INCOMPATIBLE_DEPENDENCY instead of silently serving the stock output.
// The module is replaced by a reader without those internals (the only way to stage it).
import { describe, expect, it, vi } from 'vitest';
import { IncompatibleDependencyError } from '../../../../src/errors';
import { thrownBy } from '../../helpers';

vi.mock('@opentelemetry/exporter-prometheus', async () => {
  const { MetricReader } = await import('@opentelemetry/sdk-metrics');
  class PrometheusExporter extends MetricReader {
    protected override onShutdown(): Promise<void> {
      return Promise.resolve();
    }
    protected override onForceFlush(): Promise<void> {
      return Promise.resolve();
    }
  }
  return { PrometheusExporter };
});

describe('PrometheusEndpoint on an exporter without _exportMetrics/_server', () => {
  it('throws IncompatibleDependencyError naming the package', async () => {
    const { PrometheusEndpoint } = await import('../../../../src/exporters/prometheus/exporter');
    const err = thrownBy(() => new PrometheusEndpoint({ port: 0 }));
    expect(err).toBeInstanceOf(IncompatibleDependencyError);
    expect(err).toMatchObject({ name: 'IncompatibleDependencyError', code: 'AGM_ERR_INCOMPATIBLE_DEPENDENCY' });
    expect(err.message).toBe(
      'AGM_ERR_INCOMPATIBLE_DEPENDENCY: @opentelemetry/exporter-prometheus no longer has _exportMetrics/_server; agentmeter supports the version in its package.json',
    );
  });
});
