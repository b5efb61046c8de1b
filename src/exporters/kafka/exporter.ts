/**
 * KafkaMetricExporter: a PushMetricExporter (use it with any PeriodicExportingMetricReader)
 * that publishes OTLP protobuf to a Kafka topic a stock Collector `kafkareceiver` reads.
 *
 * `export()` reports success at once, then encodes in slices that yield to the event loop and
 * queues the messages: the reader and the app never wait on the broker or the encoder. All
 * messages of one export are in flight together (they hold disjoint series, so their order does
 * not matter); the next export waits until the previous one is acknowledged, so a series'
 * values reach its partition in order. Failures are retried with exponential backoff and
 * jitter; the backlog is bounded (oldest export dropped first, which loses no totals with
 * cumulative temporality); everything is counted in agentmeter's own metrics.
 */
import type { Socket } from 'node:net';
import { inspect, type InspectOptionsStylized } from 'node:util';
import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  AggregationTemporality,
  InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { CompressionTypes, Producer } from 'kafkajs';
import { kafkaCompressionType } from './compression';
import { inspectView } from './credentials';
import { ExportError } from '../../errors';
import { recordKafkaDropped, recordKafkaFailure, recordKafkaSent } from '../../record/exporter';
import { resourceKey } from './encode';
import type { EncodedExport } from './encode';
import { OtlpMetricsEncoder, POINTS_PER_SLICE } from './otlp-encoder';
import { SendLoop, type AttemptResult } from './send-loop';
import { CLOSE_GRACE_MILLIS, closeSockets, createKafkaClient, isPermanentKafkaError, kafkaErrorType, settlesWithin, trackingSocketFactory } from './client';
import { resolveKafkaOptions, type KafkaMetricExporterOptions, type ResolvedKafkaOptions } from './options';

export { kafkaErrorType };

/** Messages in flight at once per broker connection: one export's messages, pipelined. */
const MAX_IN_FLIGHT_REQUESTS = 8;

interface QueuedExport {
  key: string;
  /** Messages not yet acknowledged or dropped; a sent one is set to undefined. */
  messages: (Uint8Array | undefined)[];
  /** How many of `messages` are still to send. */
  remaining: number;
}

/** What a shutdown could not deliver: messages still unacknowledged when its time ran out, and why. */
export interface UnflushedAtShutdown {
  /** Messages counted in `agentmeter.exporter.kafka.dropped{reason=shutdown}` by this shutdown. */
  messages: number;
  /** Error type of the latest failed attempt (e.g. `KafkaJSConnectionError`), when one failed. */
  lastError: string | undefined;
}

export class KafkaMetricExporter implements PushMetricExporter {
  readonly options: ResolvedKafkaOptions;
  private readonly producer: Producer;
  private readonly queue: QueuedExport[] = [];
  /** Messages handed to kafkajs and not yet acknowledged or failed. */
  private inFlight = 0;
  private readonly encoder: OtlpMetricsEncoder;
  private readonly compression: CompressionTypes;
  /** The encoding of the latest export: exports are encoded one after another, in order. */
  private encoding: Promise<void> = Promise.resolve();
  /** Exports waiting for or in `encoding`: while any is, later ones queue behind it. */
  private encodesPending = 0;
  /** Open broker connections: held (ref) while messages wait, let go (unref) when idle, so an app that is done can exit (and reach the beforeExit flush). */
  private readonly sockets = new Set<Socket>();
  private readonly loop: SendLoop;
  /** Epoch ms after which a flush stops waiting (set by `limitFlushesTo`, e.g. by agentmeter's shutdown). */
  private flushDeadline = Infinity;
  /** Set once `shutdown()` ran. */
  unflushedAtShutdown: UnflushedAtShutdown | undefined;

  /** Validates options and the environment at once; throws ConfigError on a bad value. */
  constructor(options: KafkaMetricExporterOptions = {}) {
    this.options = resolveKafkaOptions(options);
    // Our own loop retries; kafkajs gives up fast so one attempt stays bounded.
    const kafka = createKafkaClient(this.options, 1, trackingSocketFactory(this.sockets));
    this.producer = kafka.producer({ allowAutoTopicCreation: true, maxInFlightRequests: MAX_IN_FLIGHT_REQUESTS, retry: { retries: 1 } });
    this.encoder = new OtlpMetricsEncoder(this.options.maxMessageBytes);
    this.compression = kafkaCompressionType(this.options.compression);
    this.loop = new SendLoop(
      {
        label: 'Kafka exporter',
        kept: () => `data is kept up to ${this.options.maxQueuedExports} exports`,
        pending: () => this.queue.length > 0,
        connect: () => this.producer.connect(),
        attempt: () => this.sendHead(),
      },
      { initialRetryDelayMillis: this.options.initialRetryDelayMillis, maxRetryDelayMillis: this.options.maxRetryDelayMillis, sockets: this.sockets },
    );
    this.producer.on('producer.disconnect', () => {
      this.loop.connected = false;
    });
  }

  /** Set by shutdown: no more exports are taken. */
  private get stopping(): boolean {
    return this.loop.stopping;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.stopping) {
      resultCallback({ code: ExportResultCode.FAILED, error: new ExportError('the Kafka exporter is shut down', false) });
      return;
    }
    const key = resourceKey(metrics);
    if (this.encodesPending === 0 && OtlpMetricsEncoder.dataPoints(metrics) <= POINTS_PER_SLICE) {
      // Small enough for one slice: encoded and queued before export() returns.
      try {
        this.enqueueEncoded(this.encoder.encodeSync(metrics), key);
      } catch (err) {
        resultCallback({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
        return;
      }
    } else {
      this.encodesPending++;
      this.encoding = this.encoding
        .then(() => this.encoder.encode(metrics))
        .then(
          (encoded) => this.enqueueEncoded(encoded, key),
          (err: unknown) => {
            // Reported as a success already: count the failure and keep exporting later collections.
            recordKafkaFailure(kafkaErrorType(err));
            diag.error(`agentmeter: encoding a metrics export failed: ${String(err)}`);
          },
        )
        .finally(() => this.encodesPending--);
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  private enqueueEncoded({ messages, oversizedDataPoints }: EncodedExport, key: string): void {
    if (oversizedDataPoints > 0) {
      recordKafkaDropped('too_large', oversizedDataPoints);
      diag.warn(`agentmeter: ${oversizedDataPoints} data point(s) exceed maxMessageBytes=${this.options.maxMessageBytes} on their own and were dropped`);
    }
    // Shut down while this export was being encoded: counted like the rest of the backlog.
    if (this.stopping) recordKafkaDropped('shutdown', messages.length);
    else if (messages.length > 0) this.enqueue({ key, messages, remaining: messages.length });
  }

  /**
   * Resolves when everything queued so far was sent or dropped, or at the flush deadline
   * (`limitFlushesTo`) when one is set: a broker that is down never makes it wait longer.
   */
  async forceFlush(): Promise<void> {
    const flushing = (async () => {
      await this.encoding;
      await this.loop.drain();
    })();
    if (this.flushDeadline === Infinity) await flushing;
    else await settlesWithin(flushing, this.flushDeadline - Date.now());
  }

  /**
   * From now on no flush waits past `deadline` (epoch ms). agentmeter's shutdown sets it before
   * the SDK's final collection, whose `forceFlush()` would otherwise wait for as long as the broker is away.
   */
  limitFlushesTo(deadline: number): void {
    this.flushDeadline = Math.min(this.flushDeadline, deadline);
  }

  /**
   * Flushes for at most `timeoutMillis` (default 5000; less when `limitFlushesTo` set an earlier
   * deadline), drops the rest (counted, and kept in `unflushedAtShutdown`), then closes: kafkajs's
   * polite disconnect gets CLOSE_GRACE_MILLIS more, then every broker socket is destroyed.
   */
  async shutdown(timeoutMillis = 5000): Promise<void> {
    if (this.stopping) return;
    this.limitFlushesTo(Date.now() + timeoutMillis);
    await this.forceFlush();
    // Not awaited: an attempt a silent broker holds ends when its sockets are destroyed below.
    void this.loop.stop();
    // Messages still in flight count themselves: sent if acknowledged, dropped if cut off.
    const unsent = this.queuedMessages;
    recordKafkaDropped('shutdown', unsent - this.inFlight);
    this.unflushedAtShutdown = { messages: unsent, lastError: this.loop.lastFailure };
    this.queue.length = 0;
    // Closed by the deadline plus the grace, however late the flush began.
    await settlesWithin(this.producer.disconnect(), this.flushDeadline + CLOSE_GRACE_MILLIS - Date.now());
    closeSockets(this.sockets);
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    if (this.options.temporality === 'cumulative') return AggregationTemporality.CUMULATIVE;
    // Up-down counters stay cumulative under a delta preference, as the OTel spec's "Delta" selector does.
    return instrumentType === InstrumentType.UP_DOWN_COUNTER || instrumentType === InstrumentType.OBSERVABLE_UP_DOWN_COUNTER
      ? AggregationTemporality.CUMULATIVE
      : AggregationTemporality.DELTA;
  }

  /** Messages waiting (including the export in flight). */
  get queuedMessages(): number {
    return this.queue.reduce((n, q) => n + q.remaining, 0);
  }

  /**
   * What `JSON.stringify` and `util.inspect` show: the options (SASL password redacted) and the
   * backlog, not the internals (kafkajs's producer, the queued payloads, the sockets).
   */
  toJSON(): { options: ResolvedKafkaOptions; queuedMessages: number } {
    return { options: this.options, queuedMessages: this.queuedMessages };
  }

  [inspect.custom](depth: number | null, options: InspectOptionsStylized, inspectFn: typeof inspect): string {
    return inspectView('KafkaMetricExporter', this.toJSON(), depth, options, inspectFn);
  }

  private enqueue(item: QueuedExport): void {
    this.queue.push(item);
    // The head may be in flight; drop the oldest waiting export behind it.
    while (this.queue.length > this.options.maxQueuedExports + 1) {
      const [dropped] = this.queue.splice(1, 1);
      recordKafkaDropped('queue_full', dropped!.remaining);
    }
    this.loop.start();
  }

  /** One attempt at the export at the head of the queue: every message of it not yet acknowledged. */
  private async sendHead(): Promise<AttemptResult> {
    const head = this.queue[0]!;
    let retry: string | undefined;
    try {
      await this.loop.connect();
      const sends: Promise<void>[] = [];
      for (let i = 0; i < head.messages.length && !this.stopping; i++) {
        const value = head.messages[i];
        if (value === undefined) continue;
        // One message handed to kafkajs per event-loop turn: its record-batch encoding and
        // CRC of a large message is synchronous, and several at once would stall the host.
        if (sends.length > 0) await new Promise((resolve) => setImmediate(resolve));
        // Handled at once: a send that fails while later ones are still being started must
        // not become an unhandled rejection (which ends the host process).
        sends.push(
          this.send(head, i, value).catch((err: unknown) => {
            retry ??= kafkaErrorType(err);
          }),
        );
      }
      await Promise.all(sends);
    } catch (err) {
      retry = kafkaErrorType(err);
      recordKafkaFailure(retry);
    }
    if (head.remaining === 0 && this.queue[0] === head) this.queue.shift();
    return retry === undefined ? 'sent' : { retry };
  }

  /** Sends one message of an export; resolves when it is acknowledged or dropped as unsendable, rejects when worth a retry. */
  private async send(item: QueuedExport, index: number, value: Uint8Array): Promise<void> {
    const started = performance.now();
    this.inFlight++;
    try {
      await this.producer.send({
        topic: this.options.topic,
        acks: this.options.acks,
        compression: this.compression,
        messages: [{ key: item.key, value: Buffer.from(value.buffer, value.byteOffset, value.byteLength) }],
      });
    } catch (err) {
      this.inFlight--;
      if (this.stopping) {
        // Cut off by shutdown (counted here, not in shutdown's own count of what was waiting).
        recordKafkaDropped('shutdown', 1);
        this.settle(item, index, value);
        return;
      }
      const type = kafkaErrorType(err);
      recordKafkaFailure(type);
      if (!isPermanentKafkaError(type)) throw err;
      diag.error(`agentmeter: Kafka rejected a metrics message (${type}); it was dropped`);
      recordKafkaDropped('rejected', 1);
      this.settle(item, index, value);
      return;
    }
    this.inFlight--;
    // Outside the try: nothing after an acknowledged send may turn it into a retry (a duplicate).
    recordKafkaSent(value.byteLength, (performance.now() - started) / 1000);
    this.settle(item, index, value);
  }

  /** A message is done (sent or dropped): out of its export, its buffer back to the encoder. */
  private settle(item: QueuedExport, index: number, value: Uint8Array): void {
    item.messages[index] = undefined;
    item.remaining--;
    this.encoder.release(value);
  }
}
