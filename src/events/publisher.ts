/**
 * RoutingEventPublisher: routing events to Kafka, JSON, keyed by correlation id.
 *
 * `record()` / `enqueue()` validate, serialise and queue, then return at once: the caller never
 * waits on the broker. One request is in flight at a time, carrying up to `maxBatchEvents`
 * events; failures are retried with backoff and jitter as the metric exporter does; past
 * `maxQueuedEvents` new events are dropped and counted. `publish()` is for callers that want
 * the acknowledgement: it resolves when the broker has the event and rejects (ExportError) on
 * the first failed attempt instead of retrying, so a caller can fall back at once.
 */
import type { Socket } from 'node:net';
import { inspect, type InspectOptionsStylized } from 'node:util';
import { diag } from '@opentelemetry/api';
import type { CompressionTypes, Producer } from 'kafkajs';
import { ExportError } from '../errors';
import { SendLoop, type AttemptResult } from '../exporters/kafka/send-loop';
import { CLOSE_GRACE_MILLIS, closeSockets, createKafkaClient, isPermanentKafkaError, kafkaErrorType, settlesWithin, trackingSocketFactory } from '../exporters/kafka/client';
import { kafkaCompressionType } from '../exporters/kafka/compression';
import { inspectView } from '../exporters/kafka/credentials';
import { createRoutingEvent, type RoutingEvent, type RoutingEventInput } from './event';
import { validateRoutingEvent } from './validate';
import { recordEventsDropped, recordEventsFailure, recordEventsPublished, recordEventsQueued } from './metrics';
import { resolvePublisherOptions, type ResolvedPublisherOptions, type RoutingEventPublisherOptions } from './options';

/** What `publish()` resolves with once the broker acknowledged the event. */
export interface PublishedRoutingEvent {
  topic: string;
  event: RoutingEvent;
}

interface Pending {
  key: string;
  value: Buffer;
  ack?: { event: RoutingEvent; resolve: (published: PublishedRoutingEvent) => void; reject: (error: Error) => void };
}

// One request stays well under the broker's default 1 MiB message.max.bytes even uncompressed.
const MAX_BATCH_BYTES = 512 * 1024;

export class RoutingEventPublisher {
  readonly options: ResolvedPublisherOptions;
  private readonly producer: Producer;
  private readonly compression: CompressionTypes;
  private readonly queue: Pending[] = [];
  /** Open broker connections: held (ref) while events wait, let go (unref) when idle, so an app that is done can exit. */
  private readonly sockets = new Set<Socket>();
  private readonly loop: SendLoop;
  private warnedInvalid = false;
  /** Set once `shutdown()` ran: the events it dropped unsent (counted as `dropped{reason=shutdown}`) and the latest failure's type. */
  unsentAtShutdown: { events: number; lastError: string | undefined } | undefined;

  /** Validates options and the environment at once (ConfigError on a bad value); connects on the first send. */
  constructor(options: RoutingEventPublisherOptions = {}) {
    this.options = resolvePublisherOptions(options);
    // Our own loop retries; kafkajs gives up fast so one attempt stays bounded.
    this.producer = createKafkaClient(this.options.kafka, 1, trackingSocketFactory(this.sockets)).producer({ allowAutoTopicCreation: true, maxInFlightRequests: 1, retry: { retries: 1 } });
    this.compression = kafkaCompressionType(this.options.kafka.compression);
    this.loop = new SendLoop(
      {
        label: 'routing-event publisher',
        kept: () => `up to ${this.options.maxQueuedEvents} events are kept`,
        pending: () => this.queue.length > 0,
        connect: () => this.producer.connect(),
        attempt: () => this.sendBatch(),
      },
      { initialRetryDelayMillis: this.options.kafka.initialRetryDelayMillis, maxRetryDelayMillis: this.options.kafka.maxRetryDelayMillis, sockets: this.sockets },
    );
    this.producer.on('producer.disconnect', () => {
      this.loop.connected = false;
    });
  }

  /** Set by shutdown: no more events are taken. */
  private get stopping(): boolean {
    return this.loop.stopping;
  }

  get topic(): string {
    return this.options.kafka.topic;
  }

  /** Events waiting, including those in flight. */
  get queuedEvents(): number {
    return this.queue.length;
  }

  /**
   * What `JSON.stringify` and `util.inspect` show: the options (SASL password redacted) and the
   * backlog size, never the queued events (their query text) or kafkajs's producer.
   */
  toJSON(): { options: ResolvedPublisherOptions; queuedEvents: number } {
    return { options: this.options, queuedEvents: this.queuedEvents };
  }

  [inspect.custom](depth: number | null, options: InspectOptionsStylized, inspectFn: typeof inspect): string {
    return inspectView('RoutingEventPublisher', this.toJSON(), depth, options, inspectFn);
  }

  /**
   * Builds the event from `input`, validates and queues it. Never throws: an invalid event is
   * dropped and counted (`agentmeter.events.dropped{reason=invalid}`). Returns false when dropped.
   */
  record(input: RoutingEventInput): boolean {
    let event: RoutingEvent;
    try {
      event = createRoutingEvent(input);
    } catch (err) {
      recordEventsDropped('invalid', 1);
      if (!this.warnedInvalid) {
        this.warnedInvalid = true;
        diag.warn(`agentmeter: a routing event was dropped: ${err instanceof Error ? err.message : String(err)} (further ones are only counted)`);
      }
      return false;
    }
    return this.enqueue(event);
  }

  /** Queues an event built by `createRoutingEvent`; returns false when dropped (queue full, shut down). */
  enqueue(event: RoutingEvent): boolean {
    if (this.stopping) {
      recordEventsDropped('shutdown', 1);
      return false;
    }
    if (this.queue.length >= this.options.maxQueuedEvents) {
      recordEventsDropped('queue_full', 1);
      return false;
    }
    this.push({ key: event.correlation_id, value: Buffer.from(JSON.stringify(event)) });
    return true;
  }

  /**
   * Publishes one event and resolves when the broker acknowledged it. Rejects with
   * EventValidationError on bad input (nothing is sent) and ExportError when the attempt fails.
   */
  publish(input: RoutingEventInput | RoutingEvent): Promise<PublishedRoutingEvent> {
    let event: RoutingEvent;
    try {
      // An event passed in whole is checked by the same validator, never trusted.
      event = 'schema_version' in input ? validateRoutingEvent(input) : createRoutingEvent(input);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (this.stopping) return Promise.reject(new ExportError('the routing-event publisher is shut down', false));
    if (this.queue.length >= this.options.maxQueuedEvents) {
      recordEventsDropped('queue_full', 1);
      return Promise.reject(new ExportError(`the routing-event queue is full (${this.options.maxQueuedEvents} events)`, true));
    }
    return new Promise((resolve, reject) => {
      this.push({ key: event.correlation_id, value: Buffer.from(JSON.stringify(event)), ack: { event, resolve, reject } });
    });
  }

  /** Resolves when everything queued so far was sent or dropped. */
  async flush(): Promise<void> {
    await this.loop.drain();
  }

  /**
   * Flushes for at most `timeoutMillis` (default 5000), drops the rest (counted, and kept in
   * `unsentAtShutdown`), then closes: kafkajs's polite disconnect gets CLOSE_GRACE_MILLIS more,
   * then every broker socket is destroyed, so nothing of the publisher holds the process.
   */
  async shutdown(timeoutMillis = 5000): Promise<void> {
    if (this.stopping) return;
    await settlesWithin(this.flush(), timeoutMillis);
    // One grace for the attempt in hand and the polite disconnect together; an attempt a silent
    // broker holds past it ends when its sockets are destroyed below.
    const graceEnds = Date.now() + CLOSE_GRACE_MILLIS;
    await settlesWithin(this.loop.stop(), CLOSE_GRACE_MILLIS);
    const left = this.queue.splice(0);
    this.unsentAtShutdown = { events: left.length, lastError: this.loop.lastFailure };
    recordEventsQueued(-left.length);
    recordEventsDropped('shutdown', left.length);
    for (const p of left) p.ack?.reject(new ExportError('the routing-event publisher shut down before the event was sent', false));
    await settlesWithin(this.producer.disconnect(), graceEnds - Date.now());
    closeSockets(this.sockets);
  }

  private push(item: Pending): void {
    this.queue.push(item);
    recordEventsQueued(1);
    this.loop.start();
  }

  /** The head of the queue up to the batch limits (at least one event). */
  private nextBatch(): Pending[] {
    let bytes = 0;
    let n = 0;
    while (n < this.queue.length && n < this.options.maxBatchEvents) {
      bytes += this.queue[n]!.value.length;
      if (n > 0 && bytes > MAX_BATCH_BYTES) break;
      n++;
    }
    return this.queue.slice(0, n);
  }

  /** Takes `items` out of the queue (they are always a subset of it). */
  private remove(items: Pending[]): void {
    const gone = new Set(items);
    let w = 0;
    for (const p of this.queue) if (!gone.has(p)) this.queue[w++] = p;
    this.queue.length = w;
    recordEventsQueued(-items.length);
  }

  /** One attempt at the head of the queue, as one batch. */
  private async sendBatch(): Promise<AttemptResult> {
    const o = this.options.kafka;
    const batch = this.nextBatch();
    const started = performance.now();
    try {
      await this.loop.connect();
      await this.producer.send({
        topic: o.topic,
        acks: o.acks,
        compression: this.compression,
        messages: batch.map((p) => ({ key: p.key, value: p.value })),
      });
    } catch (err) {
      const type = kafkaErrorType(err);
      const permanent = isPermanentKafkaError(type);
      recordEventsFailure(type);
      // Callers waiting for an acknowledgement hear at once and can fall back.
      const waiting = batch.filter((p) => p.ack !== undefined);
      this.remove(waiting);
      for (const p of waiting) {
        p.ack!.reject(new ExportError(`Kafka did not acknowledge the routing event (${type}: ${err instanceof Error ? err.message : String(err)})`, !permanent, { cause: err }));
      }
      if (!permanent) return { retry: type };
      const rest = batch.filter((p) => p.ack === undefined);
      this.remove(rest);
      recordEventsDropped('rejected', rest.length);
      diag.error(`agentmeter: Kafka rejected ${rest.length + waiting.length} routing event(s) (${type}); they were dropped`);
      return 'dropped';
    }
    // Outside the try: nothing after an acknowledged send may turn it into a retry (a duplicate).
    recordEventsPublished(batch.length, (performance.now() - started) / 1000);
    this.remove(batch);
    for (const p of batch) p.ack?.resolve({ topic: o.topic, event: p.ack.event });
    return 'sent';
  }
}
