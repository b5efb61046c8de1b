/**
 * Options of the routing-event publisher and writer: the Kafka connection is the metric
 * exporter's (same options and `AGENTMETER_KAFKA_*` variables, resolved by the same code);
 * only the topic, compression and the queue are their own.
 */
import { ConfigError } from '../errors';
import { integerOption } from '../config-values';
import { resolveKafkaOptions, type KafkaMetricExporterOptions, type ResolvedKafkaOptions } from '../exporters/kafka/options';
import type { KafkaCompression } from '../exporters/kafka/compression';

/** Default topic of routing events. */
export const DEFAULT_ROUTING_TOPIC = 'agent.routing.performance.v1';

/** Kafka connection settings shared with `KafkaMetricExporter`. */
export type KafkaConnectionOptions = Pick<
  KafkaMetricExporterOptions,
  | 'brokers'
  | 'clientId'
  | 'acks'
  | 'compression'
  | 'saslMechanism'
  | 'saslUsername'
  | 'saslPassword'
  | 'tls'
  | 'tlsCaFile'
  | 'requestTimeoutMillis'
  | 'initialRetryDelayMillis'
  | 'maxRetryDelayMillis'
>;

/** Options of `RoutingEventPublisher`; each overrides its environment variable. */
export interface RoutingEventPublisherOptions extends KafkaConnectionOptions {
  /** Topic (`AGENTMETER_ROUTING_EVENTS_TOPIC`); default `agent.routing.performance.v1`. */
  topic?: string;
  /** `none` (default), `zstd` or `gzip` (`AGENTMETER_ROUTING_EVENTS_COMPRESSION`); not the metric exporter's setting. */
  compression?: KafkaCompression;
  /** Events waiting to be sent (`AGENTMETER_ROUTING_EVENTS_MAX_QUEUE`); default 10000. New events are dropped past that, and counted. */
  maxQueuedEvents?: number;
  /** Most events per Kafka request; default 500. */
  maxBatchEvents?: number;
}

export interface ResolvedPublisherOptions {
  kafka: ResolvedKafkaOptions;
  maxQueuedEvents: number;
  maxBatchEvents: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The Kafka settings with the events' own topic and compression; a bad value is reported under
 * the name it came from. Compression defaults to none: an event is a few hundred bytes, and
 * gzip costs a single acknowledged event about a millisecond.
 */
export function resolveEventsKafka(options: KafkaConnectionOptions & { topic?: string }, env: Env = process.env): ResolvedKafkaOptions {
  const own = (option: string | undefined, variable: string, fallback: string): { value: string; name: string } =>
    option !== undefined ? { value: option, name: variable === 'AGENTMETER_ROUTING_EVENTS_TOPIC' ? 'topic' : 'compression' } : { value: env[variable]?.trim() || fallback, name: variable };
  const topic = own(options.topic, 'AGENTMETER_ROUTING_EVENTS_TOPIC', DEFAULT_ROUTING_TOPIC);
  const compression = own(options.compression, 'AGENTMETER_ROUTING_EVENTS_COMPRESSION', 'none');
  try {
    return resolveKafkaOptions({ ...options, topic: topic.value, compression: compression.value as KafkaCompression }, env);
  } catch (err) {
    // resolveKafkaOptions names the metric exporter's variables; say which setting it was.
    if (err instanceof ConfigError && err.option === 'AGENTMETER_KAFKA_TOPIC') throw new ConfigError(topic.name, topic.value, err.allowed);
    if (err instanceof ConfigError && err.option === 'AGENTMETER_KAFKA_COMPRESSION') throw new ConfigError(compression.name, compression.value, err.allowed);
    throw err;
  }
}

export function resolvePublisherOptions(options: RoutingEventPublisherOptions = {}, env: Env = process.env): ResolvedPublisherOptions {
  return {
    kafka: resolveEventsKafka(options, env),
    maxQueuedEvents: integerOption(
      options.maxQueuedEvents !== undefined ? 'maxQueuedEvents' : 'AGENTMETER_ROUTING_EVENTS_MAX_QUEUE',
      options.maxQueuedEvents ?? env.AGENTMETER_ROUTING_EVENTS_MAX_QUEUE?.trim(),
      1,
      10_000_000,
      10_000,
    ),
    maxBatchEvents: integerOption('maxBatchEvents', options.maxBatchEvents, 1, 10_000, 500),
  };
}

/** Where and how to connect to PostgreSQL (kept here, apart from `pg`, so the public types never need `@types/pg`). */
export interface PostgresOptions {
  /** A `postgres://` URL; default `DATABASE_URL`, else pg's `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`. */
  connectionString?: string;
  /** Most connections the pool opens; default 4. */
  maxConnections?: number;
  /** Longest wait for a connection in ms; default 5000. */
  connectTimeoutMillis?: number;
}
