/**
 * Configuration of agentmeter's two endpoints (the Prometheus endpoint, the summary server)
 * beyond host and port: the web config file (TLS, basic auth), the bounds under load, and the
 * summary server's allowed Host names. Kept apart from config.ts; resolveConfig merges it in.
 * The web config file itself is read by start() (webConfigFor): ResolvedConfig is public and
 * must not carry keys.
 */
import { ConfigError } from '../errors';
import { integerOption } from '../config-values';
import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_WRITE_TIMEOUT_MILLIS } from '../exporters/endpoint-server';
import { loadWebConfig, NO_WEB_CONFIG, type WebConfig } from '../exporters/web-config';

/** The endpoint options of `start()`; each overrides its environment variable. */
export interface EndpointOptions {
  /**
   * Path of a web config file in the Prometheus exporter-toolkit format (TLS, basic auth, extra
   * headers) for both endpoints (`AGENTMETER_WEB_CONFIG_FILE`); default none: plain HTTP, open.
   * See docs/security.md.
   */
  webConfigFile?: string;
  /**
   * Longest time a response may take from request to last byte, ms
   * (`AGENTMETER_ENDPOINT_WRITE_TIMEOUT`); default 30000. A scraper that does not read in time
   * has its connection destroyed.
   */
  endpointWriteTimeoutMillis?: number;
  /** Responses each endpoint serves at once (`AGENTMETER_ENDPOINT_MAX_IN_FLIGHT`); default 32; more get 503. */
  endpointMaxInFlight?: number;
  /**
   * Host header names the summary server answers besides loopback and its bound host
   * (`AGENTMETER_SUMMARY_ALLOWED_HOSTS`, comma-separated, `name` or `name:port`); default none.
   */
  summaryAllowedHosts?: string[];
}

export interface ResolvedEndpointConfig {
  webConfigFile: string | undefined;
  writeTimeoutMillis: number;
  maxInFlight: number;
  summaryAllowedHosts: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

function fromEnv(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A host name, IPv4 or bracketed IPv6, with an optional port. */
const HOST_ENTRY = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

function allowedHosts(name: string, raw: string | readonly string[]): string[] {
  const entries = (typeof raw === 'string' ? raw.split(',') : [...raw]).map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
  for (const entry of entries) {
    if (!HOST_ENTRY.test(entry)) {
      throw new ConfigError(name, typeof raw === 'string' ? raw : raw.join(','), 'comma-separated host names, optionally with a port, e.g. metrics.internal,ops.example.com:9109');
    }
  }
  return [...new Set(entries)];
}

/** Merges the endpoint options over the environment; throws ConfigError on a bad value. */
export function resolveEndpointConfig(options: EndpointOptions, env: Env): ResolvedEndpointConfig {
  const file = options.webConfigFile ?? fromEnv(env, 'AGENTMETER_WEB_CONFIG_FILE');
  if (file !== undefined && (typeof file !== 'string' || file.trim() === '')) throw new ConfigError('webConfigFile', file, 'a path to a web config file');
  const timeout = options.endpointWriteTimeoutMillis ?? fromEnv(env, 'AGENTMETER_ENDPOINT_WRITE_TIMEOUT') ?? DEFAULT_WRITE_TIMEOUT_MILLIS;
  const inFlight = options.endpointMaxInFlight ?? fromEnv(env, 'AGENTMETER_ENDPOINT_MAX_IN_FLIGHT') ?? DEFAULT_MAX_IN_FLIGHT;
  return {
    webConfigFile: file,
    // Each named as the user set it: the option, else the variable.
    writeTimeoutMillis: integerOption(options.endpointWriteTimeoutMillis === undefined ? 'AGENTMETER_ENDPOINT_WRITE_TIMEOUT' : 'endpointWriteTimeoutMillis', timeout, 1, 3_600_000),
    maxInFlight: integerOption(options.endpointMaxInFlight === undefined ? 'AGENTMETER_ENDPOINT_MAX_IN_FLIGHT' : 'endpointMaxInFlight', inFlight, 1, 10_000),
    summaryAllowedHosts: allowedHosts(
      options.summaryAllowedHosts === undefined ? 'AGENTMETER_SUMMARY_ALLOWED_HOSTS' : 'summaryAllowedHosts',
      options.summaryAllowedHosts ?? fromEnv(env, 'AGENTMETER_SUMMARY_ALLOWED_HOSTS') ?? [],
    ),
  };
}

/** Reads the web config file named by the configuration (none: plain HTTP, open); throws ConfigError. */
export function webConfigFor(config: ResolvedEndpointConfig, options: EndpointOptions): WebConfig {
  if (config.webConfigFile === undefined) return NO_WEB_CONFIG;
  return loadWebConfig(config.webConfigFile, options.webConfigFile === undefined ? 'AGENTMETER_WEB_CONFIG_FILE' : 'webConfigFile');
}
