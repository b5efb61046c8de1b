import { describe, expect, it, vi } from 'vitest';
import { diag } from '@opentelemetry/api';
import { thrownBy } from '../helpers';
import { resolveConfig } from '../../../src/sdk/config';
import { ConfigError } from '../../../src/errors';

describe('resolveConfig', () => {
  it('defaults to a Prometheus endpoint on 127.0.0.1:9464', () => {
    expect(resolveConfig({}, {})).toEqual({
      enabled: true,
      serviceName: undefined,
      serviceInstanceId: undefined,
      cluster: true,
      clusterTimeoutMillis: 1000,
      metricsExporters: ['prometheus'],
      prometheusHost: '127.0.0.1',
      prometheusPort: 9464,
      exportIntervalMillis: 60000,
      attributeCap: 100,
      instrumentations: ['http', 'undici', 'pg', 'kafkajs', 'runtime', 'mcp', 'openai', 'anthropic', 'ai-sdk', 'openai-agents', 'langchain', 'mastra', 'genai-spans'],
      flushOnExit: false,
      shutdownTimeoutMillis: 5000,
      summary: false,
      summaryHost: '127.0.0.1',
      summaryPort: 9109,
      summaryCorsOrigins: [],
      windowSize: 1000,
      summaryHistoryBucketMillis: 10000,
      grafanaUrl: undefined,
      routingEvents: false,
      exemplars: true,
      endpoints: { webConfigFile: undefined, writeTimeoutMillis: 30000, maxInFlight: 32, summaryAllowedHosts: [] },
    });
  });

  it('turns exemplars off from AGENTMETER_EXEMPLARS or the option, the option first', () => {
    expect(resolveConfig({}, { AGENTMETER_EXEMPLARS: 'false' }).exemplars).toBe(false);
    expect(resolveConfig({ exemplars: true }, { AGENTMETER_EXEMPLARS: '0' }).exemplars).toBe(true);
  });

  it('turns routing events on from AGENTMETER_ROUTING_EVENTS or the option, the option first', () => {
    expect(resolveConfig({}, { AGENTMETER_ROUTING_EVENTS: 'true' }).routingEvents).toBe(true);
    expect(resolveConfig({}, { AGENTMETER_ROUTING_EVENTS: '0' }).routingEvents).toBe(false);
    expect(resolveConfig({ routingEvents: { topic: 'routing' } }, { AGENTMETER_ROUTING_EVENTS: 'false' }).routingEvents).toBe(true);
    expect(resolveConfig({ routingEvents: false }, { AGENTMETER_ROUTING_EVENTS: 'true' }).routingEvents).toBe(false);
  });

  it('reads the standard OTel variables and AGENTMETER_* ones', () => {
    const config = resolveConfig(
      {},
      {
        OTEL_SERVICE_NAME: 'agent-api',
        OTEL_METRICS_EXPORTER: 'prometheus, console,prometheus',
        OTEL_EXPORTER_PROMETHEUS_HOST: '0.0.0.0',
        OTEL_EXPORTER_PROMETHEUS_PORT: '9500',
        OTEL_METRIC_EXPORT_INTERVAL: '5000',
        AGENTMETER_ATTRIBUTE_CAP: '20',
        AGENTMETER_INSTRUMENTATIONS: 'http,runtime',
      },
    );
    expect(config).toMatchObject({
      serviceName: 'agent-api',
      metricsExporters: ['prometheus', 'console'],
      prometheusHost: '0.0.0.0',
      prometheusPort: 9500,
      exportIntervalMillis: 5000,
      attributeCap: 20,
      instrumentations: ['http', 'runtime'],
    });
  });

  it('takes serviceInstanceId, cluster and clusterTimeoutMillis from options first', () => {
    expect(resolveConfig({ serviceInstanceId: 'api-1', cluster: false, clusterTimeoutMillis: 300 }, { AGENTMETER_CLUSTER: 'true', AGENTMETER_CLUSTER_TIMEOUT: '900' })).toMatchObject({
      serviceInstanceId: 'api-1',
      cluster: false,
      clusterTimeoutMillis: 300,
    });
    expect(thrownBy(() => resolveConfig({ serviceInstanceId: ' ' }, {})).message).toBe(
      'AGM_ERR_CONFIG: serviceInstanceId=" " is not valid; allowed: a non-empty string of at most 255 characters',
    );
  });

  it('lets options win over the environment', () => {
    expect(resolveConfig({ prometheusPort: 0, metricsExporters: ['console'] }, { OTEL_EXPORTER_PROMETHEUS_PORT: '1' })).toMatchObject({
      prometheusPort: 0,
      metricsExporters: ['console'],
    });
  });

  it.each([
    [{ OTEL_METRICS_EXPORTER: 'none' }, 'metricsExporters', []],
    [{ OTEL_METRICS_EXPORTER: 'prometheus,none' }, 'metricsExporters', []],
    [{ AGENTMETER_ENABLED: 'false' }, 'enabled', false],
    [{ OTEL_SDK_DISABLED: 'true' }, 'enabled', false],
    [{ AGENTMETER_INSTRUMENTATIONS: 'none' }, 'instrumentations', []],
    [{ AGENTMETER_CLUSTER: 'false' }, 'cluster', false],
    [{ AGENTMETER_CLUSTER_TIMEOUT: '2500' }, 'clusterTimeoutMillis', 2500],
    [{ AGENTMETER_SHUTDOWN_TIMEOUT: '2000' }, 'shutdownTimeoutMillis', 2000],
    [{ AGENTMETER_SHUTDOWN_TIMEOUT: '0' }, 'shutdownTimeoutMillis', 0],
  ])('%j sets %s to %j', (env, key, value) => {
    expect(resolveConfig({}, env)[key as 'enabled']).toEqual(value);
  });

  it.each([
    [{ OTEL_METRICS_EXPORTER: 'promethus' }, 'AGM_ERR_CONFIG: OTEL_METRICS_EXPORTER="promethus" is not valid; allowed: a comma-separated list of prometheus, kafka, otlp, console, none'],
    [{ OTEL_EXPORTER_PROMETHEUS_PORT: '70000' }, 'AGM_ERR_CONFIG: OTEL_EXPORTER_PROMETHEUS_PORT="70000" is not valid; allowed: an integer from 0 to 65535'],
    [{ OTEL_EXPORTER_PROMETHEUS_PORT: '94x' }, 'AGM_ERR_CONFIG: OTEL_EXPORTER_PROMETHEUS_PORT="94x" is not valid; allowed: an integer from 0 to 65535'],
    [{ OTEL_METRIC_EXPORT_INTERVAL: '0' }, 'AGM_ERR_CONFIG: OTEL_METRIC_EXPORT_INTERVAL="0" is not valid; allowed: an integer from 1 to 2147483647'],
    [{ AGENTMETER_ATTRIBUTE_CAP: '-5' }, 'AGM_ERR_CONFIG: AGENTMETER_ATTRIBUTE_CAP="-5" is not valid; allowed: an integer from 1 to 100000'],
    [{ AGENTMETER_WINDOW_SIZE: '0' }, 'AGM_ERR_CONFIG: AGENTMETER_WINDOW_SIZE="0" is not valid; allowed: an integer from 1 to 1000000'],
    [{ AGENTMETER_SUMMARY_CORS_ORIGINS: 'https://ok.example, evil.example/path' }, 'AGM_ERR_CONFIG: AGENTMETER_SUMMARY_CORS_ORIGINS="https://ok.example,evil.example/path" is not valid; allowed: comma-separated origins like https://ops.example.com (scheme and host, no path)'],
    [{ AGENTMETER_INSTRUMENTATIONS: 'http,express' }, 'AGM_ERR_CONFIG: AGENTMETER_INSTRUMENTATIONS="http,express" is not valid; allowed: a comma-separated list of http, undici, pg, kafkajs, runtime, mcp, openai, anthropic, ai-sdk, openai-agents, langchain, mastra, genai-spans'],
    [{ AGENTMETER_CLUSTER_TIMEOUT: '0' }, 'AGM_ERR_CONFIG: AGENTMETER_CLUSTER_TIMEOUT="0" is not valid; allowed: an integer from 1 to 60000'],
    [{ AGENTMETER_SHUTDOWN_TIMEOUT: '5s' }, 'AGM_ERR_CONFIG: AGENTMETER_SHUTDOWN_TIMEOUT="5s" is not valid; allowed: an integer from 0 to 600000'],
    // Nothing left after trimming is not "no exporter": it is a mistake, named.
    [{ OTEL_METRICS_EXPORTER: ' , ' }, 'AGM_ERR_CONFIG: OTEL_METRICS_EXPORTER="," is not valid; allowed: a comma-separated list of prometheus, kafka, otlp, console, none (none is given)'],
    [{ AGENTMETER_INSTRUMENTATIONS: ',,' }, 'AGM_ERR_CONFIG: AGENTMETER_INSTRUMENTATIONS=",," is not valid; allowed: a comma-separated list of http, undici, pg, kafkajs, runtime, mcp, openai, anthropic, ai-sdk, openai-agents, langchain, mastra, genai-spans (none is given)'],
  ])('rejects %j with one clear message', (env, message) => {
    const error = thrownBy(() => resolveConfig({}, env));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(message);
    expect((error as ConfigError).code).toBe('AGM_ERR_CONFIG');
    expect((error as ConfigError).option).toBe(Object.keys(env)[0]);
  });
});

describe('values users type', () => {
  it.each([
    ['Prometheus', ['prometheus']],
    [' PROMETHEUS , Kafka ', ['prometheus', 'kafka']],
    ['None', []],
  ])('OTEL_METRICS_EXPORTER=%j is case-insensitive and trimmed', (raw, exporters) => {
    expect(resolveConfig({}, { OTEL_METRICS_EXPORTER: raw }).metricsExporters).toEqual(exporters);
  });

  it('AGENTMETER_INSTRUMENTATIONS=NONE or Http,MCP', () => {
    expect(resolveConfig({}, { AGENTMETER_INSTRUMENTATIONS: 'NONE' }).instrumentations).toEqual([]);
    expect(resolveConfig({}, { AGENTMETER_INSTRUMENTATIONS: 'Http, MCP' }).instrumentations).toEqual(['http', 'mcp']);
  });

  it.each([
    ['TRUE', false, 0],
    ['true', false, 0],
    ['False', true, 0],
    ['yes', true, 1],
    ['1', true, 1],
  ])('OTEL_SDK_DISABLED=%j: enabled is %s, as the OTel boolean rule reads it, with %d warning(s)', (raw, enabled, warnings) => {
    const warn = vi.spyOn(diag, 'warn').mockImplementation(() => {});
    try {
      expect(resolveConfig({}, { OTEL_SDK_DISABLED: raw }).enabled).toBe(enabled);
      expect(warn.mock.calls).toEqual(warnings === 0 ? [] : [['agentmeter: OTEL_SDK_DISABLED is not true or false; read as false (OpenTelemetry boolean)']]);
    } finally {
      warn.mockRestore();
    }
  });

  it.each([
    ['AGENTMETER_ENABLED', 'yes', 'enabled', true],
    ['AGENTMETER_SUMMARY_ENABLED', 'on', 'summary', false],
    ['AGENTMETER_CLUSTER', 'primary', 'cluster', true],
    ['AGENTMETER_EXEMPLARS', 'off', 'exemplars', true],
    ['AGENTMETER_ROUTING_EVENTS', 'yes', 'routingEvents', false],
  ])('%s=%j is its default (%s: %s) with one warning naming the variable, never the value', (name, raw, key, fallback) => {
    const warn = vi.spyOn(diag, 'warn').mockImplementation(() => {});
    try {
      expect(resolveConfig({}, { [name]: raw })[key as 'enabled']).toBe(fallback);
      expect(warn.mock.calls).toEqual([[`agentmeter: ${name} is not true, false, 1 or 0; using its default (${fallback})`]]);
    } finally {
      warn.mockRestore();
    }
  });

  it.each([
    ['TRUE', true],
    [' 1 ', true],
    ['False', false],
    ['0', false],
  ])('AGENTMETER_SUMMARY_ENABLED=%j is %s, case-insensitive and trimmed, without a warning', (raw, value) => {
    const warn = vi.spyOn(diag, 'warn').mockImplementation(() => {});
    try {
      expect(resolveConfig({}, { AGENTMETER_SUMMARY_ENABLED: raw }).summary).toBe(value);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
