/**
 * RoutingEventWriter (`agentmeter routing consume`): reads the routing-event topic in a
 * consumer group and writes the events to PostgreSQL in batches.
 *
 * Exactly once in the table: rows are inserted with ON CONFLICT (event_id) DO NOTHING, and a
 * partition's offset is committed only after its rows are in, so a crash at any point replays
 * at most the uncommitted tail, whose rows are skipped as duplicates. A message that is not a
 * valid event goes to the dead-letter topic with the reason in its headers and the stream goes
 * on. A failing insert or commit (PostgreSQL restarting, broker moving) is retried with backoff
 * while the batch is held; nothing is committed past a row that is not stored.
 */
import type { Socket } from 'node:net';
import type { Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import type { DeadLetterReason } from '../catalog-vocabulary';
import { CLOSE_GRACE_MILLIS, closeSockets, createKafkaClient, kafkaErrorType, settlesWithin, trackingSocketFactory } from '../exporters/kafka/client';
import type { RoutingEvent } from './event';
import { recordDeadLetter, recordWriterBatch, recordWriterLag } from './metrics';
import { resolveEventsKafka, type KafkaConnectionOptions, type PostgresOptions } from './options';
import { createPool, insertEvents, isDataError } from './postgres';
import { routingEventError } from './validate';
import { Abandoned, WriterRetry } from './writer-retry';

/** Options of `RoutingEventWriter`; Kafka settings are those of the publisher and metric exporter. */
export interface RoutingEventWriterOptions extends KafkaConnectionOptions {
  /** Topic to read (`AGENTMETER_ROUTING_EVENTS_TOPIC`); default `agent.routing.performance.v1`. */
  topic?: string;
  /** Consumer group; default `agentmeter-db-writer`. Writers in one group share the partitions. */
  groupId?: string;
  /** Where invalid messages go; default `<topic>.dlq`. */
  deadLetterTopic?: string;
  /** Most rows per INSERT; default 1000. */
  batchSize?: number;
  /** A new group starts at the oldest message (default true) or only reads new ones. */
  fromBeginning?: boolean;
  /** PostgreSQL connection; default `DATABASE_URL` or the `PG*` variables. */
  postgres?: PostgresOptions;
}

/** Running totals of one writer. */
export interface WriterStats {
  inserted: number;
  duplicates: number;
  deadLetters: number;
  batches: number;
}

interface Valid {
  event: RoutingEvent;
  message: KafkaMessage;
}

interface DeadLetter {
  message: KafkaMessage;
  reason: DeadLetterReason;
  error: string;
}

// What the broker says about a topic that is being created (auto-creation on first metadata request).
const TOPIC_NOT_READY = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

export class RoutingEventWriter {
  readonly topic: string;
  readonly groupId: string;
  readonly deadLetterTopic: string;
  readonly stats: WriterStats = { inserted: 0, duplicates: 0, deadLetters: 0, batches: 0 };
  private readonly batchSize: number;
  private readonly fromBeginning: boolean;
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly pool: Pool;
  private readonly lag = new Map<number, number>();
  private stopping = false;
  private stopped: Promise<boolean> | undefined;
  private readonly retry = new WriterRetry(() => this.stopping);
  /** Every broker connection of the consumer and the dead-letter producer, destroyed when stopping ends. */
  private readonly sockets = new Set<Socket>();
  private onCrash: (error: Error) => void = () => {};
  /** Resolves with the error if the consumer stops for good (a crash kafkajs does not restart). */
  readonly crashed: Promise<Error> = new Promise((resolve) => (this.onCrash = resolve));

  /** Validates options (ConfigError on a bad value); nothing connects before `start()`. */
  constructor(options: RoutingEventWriterOptions = {}) {
    const kafkaOptions = resolveEventsKafka(options);
    this.topic = kafkaOptions.topic;
    this.deadLetterTopic = options.deadLetterTopic ?? `${this.topic}.dlq`;
    // The dead-letter topic name obeys the same rules as the topic.
    resolveEventsKafka({ ...options, topic: this.deadLetterTopic });
    this.groupId = options.groupId ?? 'agentmeter-db-writer';
    this.batchSize = options.batchSize ?? 1000;
    this.fromBeginning = options.fromBeginning ?? true;
    // A consumer group rides out broker restarts with kafkajs's own retries and restarts.
    const kafka = createKafkaClient(kafkaOptions, 10, trackingSocketFactory(this.sockets));
    // A 10 s session (kafkajs: 30 s) lets a restarted writer take over a crashed one's partitions
    // sooner; the writer heartbeats after every INSERT and while it retries, so long batches keep it.
    this.consumer = kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 200,
      // A crash while stopping must not restart the consumer: kafkajs's restarts outlive disconnect() (issue 27).
      retry: { retries: 10, restartOnFailure: () => Promise.resolve(!this.stopping) },
    });
    this.producer = kafka.producer({ allowAutoTopicCreation: true, retry: { retries: 5 } });
    this.pool = createPool({ maxConnections: 2, ...options.postgres });
  }

  /** Joins the group and starts writing; resolves once partitions are assigned. */
  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    await this.subscribe();
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.onCrash(payload.error);
    });
    const joined = new Promise<void>((resolve) => {
      const off = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.onBatch(payload),
    });
    await joined;
  }

  /** Subscribes, waiting while a topic that does not exist yet is auto-created and gets a leader. */
  private async subscribe(): Promise<void> {
    const deadline = Date.now() + 60000;
    for (;;) {
      try {
        await this.consumer.subscribe({ topic: this.topic, fromBeginning: this.fromBeginning });
        return;
      } catch (err) {
        const type = kafkaErrorType(err);
        if (!TOPIC_NOT_READY.has(type) || Date.now() > deadline || this.stopping) throw err;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /**
   * Drains within `timeoutMillis` (default 5000): the batch in hand is written and committed
   * (unless the database or the broker stays away), the group is left; then connections are
   * closed, politely for at most CLOSE_GRACE_MILLIS more, then destroyed. Resolves true when the
   * group was left in time, false when the time ran out (the batch in hand then stays uncommitted:
   * its rows, stored or not, are replayed by the next writer and skipped as duplicates).
   */
  stop(timeoutMillis = 5000): Promise<boolean> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.retry.wakeAll();
      // Disconnect waits for the batch in progress; a retry wait is cut short by `stopping`.
      const left = await settlesWithin(this.consumer.disconnect(), timeoutMillis);
      await Promise.all([settlesWithin(this.producer.disconnect(), CLOSE_GRACE_MILLIS), settlesWithin(this.pool.end(), CLOSE_GRACE_MILLIS)]);
      closeSockets(this.sockets);
      return left;
    })();
    return this.stopped;
  }

  /**
   * One fetched batch of one partition: invalid messages to the dead-letter topic, the valid
   * ones inserted in chunks of `batchSize`, two at a time (the pool's two connections, so the
   * database works on one while the other travels), then the partition's offset committed past
   * the batch. Nothing is committed unless every row of the batch is stored.
   */
  private async onBatch({ batch, heartbeat, resolveOffset, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = batch;
    try {
      const { valid, dead } = this.classify(messages);
      if (dead.length > 0) await this.retry.run('dead-letter', () => this.sendDeadLetters(dead, topic, partition), heartbeat);
      const chunks: Valid[][] = [];
      for (let i = 0; i < valid.length; i += this.batchSize) chunks.push(valid.slice(i, i + this.batchSize));
      let nextChunk = 0;
      const worker = async (): Promise<void> => {
        while (nextChunk < chunks.length) await this.writeChunk(chunks[nextChunk++]!, topic, partition, heartbeat);
      };
      const results = await Promise.allSettled([worker(), worker()]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      const last = messages[messages.length - 1]!.offset;
      const next = (BigInt(last) + 1n).toString();
      await this.retry.run('commit', () => commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] }), heartbeat);
      resolveOffset(last);
      this.lag.set(partition, Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(next))));
      recordWriterLag([...this.lag.values()].reduce((a, b) => a + b, 0));
    } catch (err) {
      // Stopping while the database is down: leave the batch uncommitted for the next writer.
      if (!(err instanceof Abandoned)) throw err;
    }
  }

  /** One INSERT of up to `batchSize` rows (retried until stored); rows the database refuses become dead letters. */
  private async writeChunk(chunk: Valid[], topic: string, partition: number, heartbeat: () => Promise<void>): Promise<void> {
    const started = performance.now();
    const rejected: DeadLetter[] = [];
    const inserted = await this.retry.run('insert', () => this.insert(chunk, rejected), heartbeat);
    const seconds = (performance.now() - started) / 1000;
    if (rejected.length > 0) await this.retry.run('dead-letter', () => this.sendDeadLetters(rejected, topic, partition), heartbeat);
    const stored = chunk.length - rejected.length;
    this.stats.inserted += inserted;
    this.stats.duplicates += stored - inserted;
    this.stats.batches += 1;
    recordWriterBatch(inserted, stored - inserted, seconds);
    // kafkajs sends it only when heartbeatInterval has passed since the last one.
    await heartbeat();
  }

  /** Parses and validates each message; the invalid ones become dead letters. */
  private classify(chunk: KafkaMessage[]): { valid: Valid[]; dead: DeadLetter[] } {
    const valid: Valid[] = [];
    const dead: DeadLetter[] = [];
    for (const message of chunk) {
      let value: unknown;
      try {
        value = JSON.parse(message.value?.toString('utf8') ?? '');
      } catch (err) {
        dead.push({ message, reason: 'invalid_json', error: err instanceof Error ? err.message : String(err) });
        continue;
      }
      const error = routingEventError(value);
      if (error === undefined) valid.push({ event: value as RoutingEvent, message });
      else dead.push({ message, reason: 'invalid_event', error: error.message });
    }
    return { valid, dead };
  }

  /**
   * Inserts a chunk in one statement; when the database refuses the data itself (a CHECK the
   * schema does not know), inserts row by row and dead-letters only the refused rows.
   */
  private async insert(valid: Valid[], rejected: DeadLetter[]): Promise<number> {
    rejected.length = 0;
    try {
      return await insertEvents(this.pool, valid.map((v) => v.event));
    } catch (err) {
      if (!isDataError(err)) throw err;
    }
    let inserted = 0;
    for (const { event, message } of valid) {
      try {
        inserted += await insertEvents(this.pool, [event]);
      } catch (err) {
        if (!isDataError(err)) throw err;
        rejected.push({ message, reason: 'rejected_by_database', error: (err as Error).message });
      }
    }
    return inserted;
  }

  private async sendDeadLetters(dead: DeadLetter[], topic: string, partition: number): Promise<void> {
    await this.producer.send({
      topic: this.deadLetterTopic,
      acks: -1,
      messages: dead.map(({ message, reason, error }) => ({
        key: message.key,
        value: message.value,
        headers: {
          'agentmeter.dead_letter.reason': reason,
          'agentmeter.dead_letter.error': error.slice(0, 1000),
          'agentmeter.source.topic': topic,
          'agentmeter.source.partition': String(partition),
          'agentmeter.source.offset': message.offset,
        },
      })),
    });
    for (const d of dead) recordDeadLetter(d.reason);
    this.stats.deadLetters += dead.length;
  }
}
