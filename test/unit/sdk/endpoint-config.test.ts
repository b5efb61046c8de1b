// Endpoint options from options and the environment, and their errors.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/sdk/config';
import { resolveEndpointConfig } from '../../../src/sdk/endpoint-config';
import { thrownBy } from '../helpers';

describe('resolveEndpointConfig', () => {
  it('reads the AGENTMETER_* variables, hosts case-insensitive and trimmed', () => {
    expect(
      resolveEndpointConfig({}, {
        AGENTMETER_WEB_CONFIG_FILE: ' /etc/agentmeter/web.yml ',
        AGENTMETER_ENDPOINT_WRITE_TIMEOUT: '5000',
        AGENTMETER_ENDPOINT_MAX_IN_FLIGHT: '4',
        AGENTMETER_SUMMARY_ALLOWED_HOSTS: ' Metrics.Internal , ops.example.com:9109,,',
      }),
    ).toEqual({ webConfigFile: '/etc/agentmeter/web.yml', writeTimeoutMillis: 5000, maxInFlight: 4, summaryAllowedHosts: ['metrics.internal', 'ops.example.com:9109'] });
  });

  it('lets options win over the environment', () => {
    expect(
      resolveEndpointConfig(
        { webConfigFile: 'web.yml', endpointWriteTimeoutMillis: 100, endpointMaxInFlight: 1, summaryAllowedHosts: ['a.example'] },
        { AGENTMETER_WEB_CONFIG_FILE: 'other.yml', AGENTMETER_ENDPOINT_WRITE_TIMEOUT: '5000', AGENTMETER_ENDPOINT_MAX_IN_FLIGHT: '4', AGENTMETER_SUMMARY_ALLOWED_HOSTS: 'b.example' },
      ),
    ).toEqual({ webConfigFile: 'web.yml', writeTimeoutMillis: 100, maxInFlight: 1, summaryAllowedHosts: ['a.example'] });
  });

  it.each([
    [{ AGENTMETER_ENDPOINT_WRITE_TIMEOUT: '0' }, 'AGM_ERR_CONFIG: AGENTMETER_ENDPOINT_WRITE_TIMEOUT="0" is not valid; allowed: an integer from 1 to 3600000'],
    [{ AGENTMETER_ENDPOINT_WRITE_TIMEOUT: '30s' }, 'AGM_ERR_CONFIG: AGENTMETER_ENDPOINT_WRITE_TIMEOUT="30s" is not valid; allowed: an integer from 1 to 3600000'],
    [{ AGENTMETER_ENDPOINT_MAX_IN_FLIGHT: '0' }, 'AGM_ERR_CONFIG: AGENTMETER_ENDPOINT_MAX_IN_FLIGHT="0" is not valid; allowed: an integer from 1 to 10000'],
    [{ AGENTMETER_SUMMARY_ALLOWED_HOSTS: 'https://ops.example.com' }, 'AGM_ERR_CONFIG: AGENTMETER_SUMMARY_ALLOWED_HOSTS="https://ops.example.com" is not valid; allowed: comma-separated host names, optionally with a port, e.g. metrics.internal,ops.example.com:9109'],
  ])('rejects %j with one clear message', (env, message) => {
    expect(thrownBy(() => resolveConfig({}, env)).message).toBe(message);
  });
});

describe('start() with a web config file', () => {
  it('throws the ConfigError of a missing file before anything listens, and can start again after', async () => {
    const { start } = await import('../../../src/sdk/start');
    const err = thrownBy(() => start({ webConfigFile: '/nonexistent/web.yml', metricsExporters: ['prometheus'], prometheusPort: 0, instrumentations: [] }));
    expect(err.message).toBe('AGM_ERR_CONFIG: webConfigFile="/nonexistent/web.yml" is not valid; allowed: a readable web config file (YAML, the Prometheus exporter-toolkit format)');
    const handle = start({ metricsExporters: [], instrumentations: [] });
    await handle.shutdown();
  });

  it('does not read it when nothing listens in this process (push exporters only, no summary)', async () => {
    const { start } = await import('../../../src/sdk/start');
    const handle = start({ webConfigFile: '/nonexistent/web.yml', metricsExporters: ['console'], exportIntervalMillis: 600000, instrumentations: [] });
    expect(handle.config.enabled).toBe(true);
    await handle.shutdown();
  });

  it('names the option, not the variable, when the value came from the option', () => {
    expect(thrownBy(() => resolveConfig({ endpointMaxInFlight: 0 }, {})).message).toBe(
      'AGM_ERR_CONFIG: endpointMaxInFlight=0 is not valid; allowed: an integer from 1 to 10000',
    );
  });
});
