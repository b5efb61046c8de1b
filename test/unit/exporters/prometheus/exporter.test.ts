// PrometheusEndpoint hooks internals of the installed @opentelemetry/exporter-prometheus; these
// tests pin that the hook is live on the version package.json allows.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { PROMETHEUS_CONTENT_TYPE, PrometheusEndpoint } from '../../../../src/exporters/prometheus/exporter';
import { createMetricProducer } from '../../../../src/store/producer';
import { recordToolCall } from '../../../../src/record/tool';
import { resetStore } from '../../helpers';

const require = createRequire(__filename);
let provider: MeterProvider | undefined;
afterEach(async () => {
  await provider?.shutdown();
  provider = undefined;
  resetStore();
});

describe('PrometheusEndpoint on the installed exporter-prometheus', () => {
  it('is a version inside the range agentmeter declares', () => {
    const declared = JSON.parse(readFileSync(require.resolve('../../../../package.json'), 'utf8')).dependencies['@opentelemetry/exporter-prometheus'];
    const manifest = join(dirname(require.resolve('@opentelemetry/exporter-prometheus')), '..', 'package.json');
    const installed = JSON.parse(readFileSync(manifest, 'utf8')).version as string;
    expect(declared).toBe('0.300.0');
    expect(installed).toBe(declared);
  });

  it('serves agentmeter’s serializer (Collector names, 0.0.4 content type) through the stock server', async () => {
    const endpoint = new PrometheusEndpoint({ port: 0, metricProducers: [createMetricProducer()] });
    // A reader collects once a MeterProvider binds it (NodeSDK does this in start()).
    provider = new MeterProvider({ readers: [endpoint] });
    await endpoint.ready();
    recordToolCall({ tool: 'web_search', seconds: 0.25 });
    const response = await fetch(endpoint.url);
    expect(response.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);
    const text = await response.text();
    // The stock serializer would write `gen_ai_execute_tool_duration_count` (no unit suffix).
    expect(text).toMatch(/\ngen_ai_execute_tool_duration_seconds_count\{gen_ai_tool_name="web_search",otel_scope_name="agentmeter",otel_scope_version="[^"]+"\} 1\n/);
    expect(text).not.toContain('gen_ai_execute_tool_duration_count');
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect((await fetch(endpoint.url.replace('/metrics', '/other'))).status).toBe(404);
  });
});
