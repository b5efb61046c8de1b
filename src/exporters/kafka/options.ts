/**
 * Options of the Kafka exporter, from the constructor and the environment, validated at
 * construction: a bad value throws ConfigError naming the option.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../errors';
import { booleanOf, integerOption } from '../../config-values';
import { zstdAvailable, type KafkaCompression } from './compression';
import { KafkaSaslCredentials, type KafkaSaslMechanism } from './credentials';

export type { KafkaSaslMechanism };

/** Options of `KafkaMetricExporter`; each overrides its environment variable. */
export interface KafkaMetricExporterOptions {
  /** Bootstrap brokers, `host:port` (`AGENTMETER_KAFKA_BROKERS`, then `KAFKA_BROKERS`); default `localhost:9092`. */
  brokers?: string[] | string;
  /** Topic (`AGENTMETER_KAFKA_TOPIC`); default `otlp_metrics`, what the Collector's kafkareceiver reads. */
  topic?: string;
  /** Kafka client id (`AGENTMETER_KAFKA_CLIENT_ID`); default `agentmeter`. */
  clientId?: string;
  /** Acknowledgements (`AGENTMETER_KAFKA_ACKS`): `all` (default), `1` or `0`. */
  acks?: 'all' | '1' | '0';
  /** Compression (`AGENTMETER_KAFKA_COMPRESSION`): `zstd` (default), `gzip` or `none`. */
  compression?: KafkaCompression;
  /** SASL mechanism (`AGENTMETER_KAFKA_SASL_MECHANISM`): `plain`, `scram-sha-256`, `scram-sha-512`; default none. */
  saslMechanism?: KafkaSaslMechanism;
  /** SASL user (`AGENTMETER_KAFKA_SASL_USERNAME`). */
  saslUsername?: string;
  /** SASL password; read it from `AGENTMETER_KAFKA_SASL_PASSWORD` rather than code. Never shown afterwards: the resolved options hold it redacted. */
  saslPassword?: string;
  /** Use TLS (`AGENTMETER_KAFKA_TLS`); default false, true when a CA file is given. */
  tls?: boolean;
  /** PEM file of the CA to trust (`AGENTMETER_KAFKA_TLS_CA_FILE`). */
  tlsCaFile?: string;
  /** Request timeout in ms (`AGENTMETER_KAFKA_REQUEST_TIMEOUT`); default 10000. */
  requestTimeoutMillis?: number;
  /** Largest message in bytes before compression (`AGENTMETER_KAFKA_MAX_MESSAGE_BYTES`); default 900000, below the broker's 1 MiB. Larger exports are split. */
  maxMessageBytes?: number;
  /** Exports waiting behind the one in flight (`AGENTMETER_KAFKA_MAX_QUEUE`); default 10. The oldest is dropped past that. */
  maxQueuedExports?: number;
  /** `cumulative` (default) or `delta` (`AGENTMETER_KAFKA_TEMPORALITY`). */
  temporality?: 'cumulative' | 'delta';
  /** First retry delay in ms; default 100, doubling with jitter up to `maxRetryDelayMillis`. */
  initialRetryDelayMillis?: number;
  /** Longest retry delay in ms; default 5000. */
  maxRetryDelayMillis?: number;
}

export interface ResolvedKafkaOptions {
  brokers: string[];
  topic: string;
  clientId: string;
  acks: -1 | 0 | 1;
  compression: KafkaCompression;
  /** Mechanism and user; the password is kept out of sight (`util.inspect` and `JSON.stringify` show `[redacted]`). */
  sasl: KafkaSaslCredentials | undefined;
  tls: { ca?: string } | undefined;
  requestTimeoutMillis: number;
  maxMessageBytes: number;
  maxQueuedExports: number;
  temporality: 'cumulative' | 'delta';
  initialRetryDelayMillis: number;
  maxRetryDelayMillis: number;
}

type Env = Readonly<Record<string, string | undefined>>;
const BROKER = /^(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9_.-]+):(\d{1,5})$/;
const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

function pick<T>(option: T | undefined, env: Env, ...names: string[]): { value: T | string | undefined; name: string } {
  if (option !== undefined) return { value: option, name: names[0]! };
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { value, name };
  }
  return { value: undefined, name: names[0]! };
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  const text = String(value).toLowerCase();
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new ConfigError(name, value, `one of ${allowed.join(', ')}`);
}

/** zstd by default where node:zlib has it (Node >= 22.15), else gzip; an explicit zstd without it is an error. */
function resolveCompression(name: string, value: unknown): KafkaCompression {
  const compression = oneOf<KafkaCompression>(name, value, ['zstd', 'gzip', 'none'], zstdAvailable() ? 'zstd' : 'gzip');
  if (compression === 'zstd' && !zstdAvailable()) throw new ConfigError(name, value, `gzip or none (Node ${process.versions.node} has no zstd in node:zlib; Node >= 22.15 does)`);
  return compression;
}

function tlsSwitch(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const on = booleanOf(value);
  if (on === undefined) throw new ConfigError(name, value, 'true, false, 1 or 0 (a security setting: not guessed)');
  return on;
}

function parseBrokers(name: string, value: unknown): string[] {
  const list = Array.isArray(value) ? value.map(String) : String(value).split(',');
  const brokers = list.map((b) => b.trim()).filter((b) => b !== '');
  const valid = brokers.length > 0 && brokers.every((b) => {
    const m = BROKER.exec(b);
    return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 65535;
  });
  if (!valid) throw new ConfigError(name, Array.isArray(value) ? value.join(',') : value, 'comma-separated host:port pairs, e.g. localhost:9092,kafka-2:9092');
  return brokers;
}

export function resolveKafkaOptions(options: KafkaMetricExporterOptions = {}, env: Env = process.env): ResolvedKafkaOptions {
  const brokers = pick(options.brokers, env, 'AGENTMETER_KAFKA_BROKERS', 'KAFKA_BROKERS');
  const topic = pick(options.topic, env, 'AGENTMETER_KAFKA_TOPIC');
  const topicName = topic.value === undefined ? 'otlp_metrics' : String(topic.value);
  if (!TOPIC.test(topicName) || topicName === '.' || topicName === '..') {
    throw new ConfigError(topic.name, topic.value, 'a Kafka topic name: 1 to 249 of a-z A-Z 0-9 . _ -, not "." or ".."');
  }
  const acksSetting = pick(options.acks, env, 'AGENTMETER_KAFKA_ACKS');
  const acks = oneOf(acksSetting.name, acksSetting.value, ['all', '1', '0'], 'all');
  const mechanism = pick(options.saslMechanism, env, 'AGENTMETER_KAFKA_SASL_MECHANISM');
  let sasl: ResolvedKafkaOptions['sasl'];
  if (mechanism.value !== undefined) {
    const m = oneOf<KafkaSaslMechanism>(mechanism.name, mechanism.value, ['plain', 'scram-sha-256', 'scram-sha-512'], 'plain');
    const username = pick(options.saslUsername, env, 'AGENTMETER_KAFKA_SASL_USERNAME');
    const password = pick(options.saslPassword, env, 'AGENTMETER_KAFKA_SASL_PASSWORD');
    if (!username.value) throw new ConfigError(username.name, username.value ?? '', `a user name when ${mechanism.name} is set`);
    // Never echo a secret: the error names the variable only.
    if (!password.value) throw new ConfigError(password.name, '', `a password when ${mechanism.name} is set`);
    sasl = new KafkaSaslCredentials(m, String(username.value), String(password.value));
  }
  const caFile = pick(options.tlsCaFile, env, 'AGENTMETER_KAFKA_TLS_CA_FILE');
  const tlsFlag = pick(options.tls, env, 'AGENTMETER_KAFKA_TLS');
  // A security switch fails closed: an unreadable value is an error, not a silent "no TLS" that
  // would send SASL credentials in clear (unlike the other booleans, which fall back to their default).
  const tlsOn = tlsSwitch(tlsFlag.name, tlsFlag.value, caFile.value !== undefined);
  let tls: ResolvedKafkaOptions['tls'];
  if (tlsOn) {
    tls = {};
    if (caFile.value !== undefined) {
      try {
        tls.ca = readFileSync(String(caFile.value), 'utf8');
      } catch (err) {
        throw new ConfigError(caFile.name, caFile.value, 'a readable PEM file', { cause: err });
      }
    }
  }
  const compression = pick(options.compression, env, 'AGENTMETER_KAFKA_COMPRESSION');
  const timeout = pick(options.requestTimeoutMillis, env, 'AGENTMETER_KAFKA_REQUEST_TIMEOUT');
  const maxBytes = pick(options.maxMessageBytes, env, 'AGENTMETER_KAFKA_MAX_MESSAGE_BYTES');
  const maxQueue = pick(options.maxQueuedExports, env, 'AGENTMETER_KAFKA_MAX_QUEUE');
  const temporality = pick(options.temporality, env, 'AGENTMETER_KAFKA_TEMPORALITY');
  const clientId = pick(options.clientId, env, 'AGENTMETER_KAFKA_CLIENT_ID');
  return {
    brokers: parseBrokers(brokers.name, brokers.value ?? 'localhost:9092'),
    topic: topicName,
    clientId: clientId.value === undefined ? 'agentmeter' : String(clientId.value),
    acks: acks === 'all' ? -1 : acks === '1' ? 1 : 0,
    compression: resolveCompression(compression.name, compression.value),
    sasl,
    tls,
    requestTimeoutMillis: integerOption(timeout.name, timeout.value, 100, 600000, 10000),
    maxMessageBytes: integerOption(maxBytes.name, maxBytes.value, 1024, 100 * 1024 * 1024, 900000),
    maxQueuedExports: integerOption(maxQueue.name, maxQueue.value, 0, 10000, 10),
    temporality: oneOf(temporality.name, temporality.value, ['cumulative', 'delta'], 'cumulative'),
    initialRetryDelayMillis: integerOption('initialRetryDelayMillis', options.initialRetryDelayMillis, 1, 60000, 100),
    maxRetryDelayMillis: integerOption('maxRetryDelayMillis', options.maxRetryDelayMillis, 1, 600000, 5000),
  };
}
