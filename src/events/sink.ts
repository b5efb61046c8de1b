/**
 * Where `agentmeter routing log` puts one event: Kafka (acknowledged), PostgreSQL directly, or
 * `auto` — Kafka, and PostgreSQL when Kafka does not acknowledge. The result is the JSON the
 * command prints: a superset of the answers of the Python skill it replaces (`execute_kafka.py`),
 * whose callers read `success`, `published_to`, `topic` and, from the database, `metric_id` and
 * `created_at`, beside the event's own fields.
 */
import type { Producer } from 'kafkajs';
import { ExportError } from '../errors';
import { createKafkaClient, kafkaErrorType } from '../exporters/kafka/client';
import { kafkaCompressionType } from '../exporters/kafka/compression';
import type { ResolvedKafkaOptions } from '../exporters/kafka/options';
import type { RoutingEvent } from './event';
import { resolveEventsKafka, type KafkaConnectionOptions, type PostgresOptions } from './options';
import { createPool, insertEventReturning } from './postgres';

export const SINKS = ['kafka', 'postgres', 'auto'] as const;
export type SinkChoice = (typeof SINKS)[number];

export type SinkResult =
  | ({ success: true; published_to: 'kafka'; topic: string } & RoutingEvent)
  | ({
      success: true;
      published_to: 'postgres';
      /** The topic Kafka refused (`auto`); null when Kafka was not tried (`--sink postgres`). */
      topic: string | null;
      /** The row's `id`, under the skill's name. */
      metric_id: number;
      /** The same as `metric_id`: the name earlier agentmeter releases printed, kept for their callers. */
      id: number;
      created_at: string;
      kafka_error?: string;
    } & RoutingEvent)
  | { success: false; correlation_id: string; event_id: string; errors: { kafka?: string; postgres?: string } };

export interface SinkOptions {
  /** Kafka connection and topic; default from `AGENTMETER_KAFKA_*` and `AGENTMETER_ROUTING_EVENTS_TOPIC`. */
  kafka?: KafkaConnectionOptions & { topic?: string };
  postgres?: PostgresOptions;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * One event, acknowledged. A one-shot send needs none of the publisher's queue, and skipping it
 * keeps the metric store out of a short-lived process that never exports.
 */
async function toKafka(event: RoutingEvent, producer: Producer, kafka: ResolvedKafkaOptions): Promise<string> {
  try {
    await producer.connect();
    await producer.send({
      topic: kafka.topic,
      acks: kafka.acks,
      compression: kafkaCompressionType(kafka.compression),
      messages: [{ key: event.correlation_id, value: JSON.stringify(event) }],
    });
    return kafka.topic;
  } catch (err) {
    throw new ExportError(`Kafka did not acknowledge the routing event (${kafkaErrorType(err)}: ${reason(err)})`, true, { cause: err });
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

async function toPostgres(event: RoutingEvent, options: PostgresOptions = {}): Promise<{ metric_id: number; id: number; created_at: string }> {
  const pool = createPool({ maxConnections: 1, ...options });
  try {
    const row = await insertEventReturning(pool, event);
    return { metric_id: row.id, id: row.id, created_at: row.createdAt };
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/**
 * Writes `event` to the chosen sink(s). A sink that is down is reported in the result, never
 * thrown; a bad Kafka setting throws ConfigError before anything is sent.
 */
export async function writeToSink(event: RoutingEvent, sink: SinkChoice, options: SinkOptions = {}): Promise<SinkResult> {
  const errors: { kafka?: string; postgres?: string } = {};
  const kafka = sink === 'postgres' ? undefined : resolveEventsKafka(options.kafka ?? {});
  if (kafka !== undefined) {
    // No retry of the connection: a broker that is down sends `auto` to PostgreSQL at once. A
    // send may retry: the first event on a new topic waits for its leader.
    const producer = createKafkaClient(kafka, 0).producer({ allowAutoTopicCreation: true, retry: { retries: 3 } });
    try {
      const topic = await toKafka(event, producer, kafka);
      return { success: true, published_to: 'kafka', topic, ...event };
    } catch (err) {
      errors.kafka = reason(err);
    }
  }
  if (sink !== 'kafka') {
    try {
      const row = await toPostgres(event, options.postgres);
      const topic = kafka?.topic ?? null;
      return { success: true, published_to: 'postgres', topic, ...row, ...(errors.kafka === undefined ? {} : { kafka_error: errors.kafka }), ...event };
    } catch (err) {
      errors.postgres = reason(err);
    }
  }
  return { success: false, correlation_id: event.correlation_id, event_id: event.event_id, errors };
}
