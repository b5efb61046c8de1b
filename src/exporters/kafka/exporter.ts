/**
 * KafkaMetricExporter: a PushMetricExporter (use it with any PeriodicExportingMetricReader)
 * that publishes OTLP protobuf to a Kafka topic a stock Collector `kafkareceiver` reads.
 *
 * `export()` encodes and queues, then reports success at once: the reader and the app never
 * wait on the broker. One send is in flight at a time; failures are retried with exponential
 * backoff and jitter; the backlog is bounded (oldest export dropped first, which loses no
 * totals with cumulative temporality); everything is counted in agentmeter's own metrics.
 */
import type { Socket } from 'node:net';
import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  AggregationTemporality,
  InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { CompressionTypes, type Producer } from 'kafkajs';
import { ExportError } from '../../errors';
import { recordKafkaDropped, recordKafkaFailure, recordKafkaSent } from '../../record/exporter';
import { bytesPerPoint, encodeMetrics, resourceKey } from './encode';
import { createKafkaClient, isPermanentKafkaError, kafkaErrorType, trackingSocketFactory } from './client';
import { resolveKafkaOptions, type KafkaMetricExporterOptions, type ResolvedKafkaOptions } from './options';

export { kafkaErrorType };

interface QueuedExport {
  key: string;
  messages: Uint8Array[];
  /** Index of the next message to send. */
  next: number;
}

export class KafkaMetricExporter implements PushMetricExporter {
  readonly options: ResolvedKafkaOptions;
  private readonly producer: Producer;
  private readonly queue: QueuedExport[] = [];
  private connected = false;
  private pumping: Promise<void> | undefined;
  private stopping = false;
  private failing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private wakeRetry: (() => void) | undefined;
  /** Encoded bytes per data point of the last export: large exports are cut before encoding. */
  private bytesPerPointHint = 0;
  /** Open broker connections: held (ref) while messages wait, let go (unref) when idle, so an app that is done can exit (and reach the beforeExit flush). */
  private readonly sockets = new Set<Socket>();

  /** Validates options and the environment at once; throws ConfigError on a bad value. */
  constructor(options: KafkaMetricExporterOptions = {}) {
    this.options = resolveKafkaOptions(options);
    // Our own loop retries; kafkajs gives up fast so one attempt stays bounded.
    const kafka = createKafkaClient(this.options, 1, trackingSocketFactory(this.sockets));
    this.producer = kafka.producer({ allowAutoTopicCreation: true, maxInFlightRequests: 1, retry: { retries: 1 } });
    this.producer.on('producer.disconnect', () => {
      this.connected = false;
    });
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.stopping) {
      resultCallback({ code: ExportResultCode.FAILED, error: new ExportError('the Kafka exporter is shut down', false) });
      return;
    }
    try {
      const encoded = encodeMetrics(metrics, this.options.maxMessageBytes, this.bytesPerPointHint);
      this.bytesPerPointHint = bytesPerPoint(metrics, encoded);
      const { messages, oversizedDataPoints } = encoded;
      if (oversizedDataPoints > 0) {
        recordKafkaDropped('too_large', oversizedDataPoints);
        diag.warn(`agentmeter: ${oversizedDataPoints} data point(s) exceed maxMessageBytes=${this.options.maxMessageBytes} on their own and were dropped`);
      }
      if (messages.length > 0) this.enqueue({ key: resourceKey(metrics), messages, next: 0 });
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (err) {
      resultCallback({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }

  /** Resolves when everything queued so far was sent or dropped. */
  async forceFlush(): Promise<void> {
    while (this.pumping !== undefined) {
      this.wakeRetry?.();
      await this.pumping;
    }
  }

  /** Flushes for at most `timeoutMillis` (default 5000), drops the rest, then disconnects. */
  async shutdown(timeoutMillis = 5000): Promise<void> {
    if (this.stopping) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.forceFlush(), new Promise<void>((r) => (timer = setTimeout(r, timeoutMillis)))]);
    clearTimeout(timer);
    this.stopping = true;
    this.wakeRetry?.();
    recordKafkaDropped('shutdown', this.queuedMessages);
    this.queue.length = 0;
    await this.producer.disconnect().catch(() => undefined);
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
    return this.queue.reduce((n, q) => n + q.messages.length - q.next, 0);
  }

  private enqueue(item: QueuedExport): void {
    this.queue.push(item);
    // The head may be in flight; drop the oldest waiting export behind it.
    while (this.queue.length > this.options.maxQueuedExports + 1) {
      const [dropped] = this.queue.splice(1, 1);
      recordKafkaDropped('queue_full', dropped!.messages.length - dropped!.next);
    }
    this.startPump();
  }

  private startPump(): void {
    if (this.pumping !== undefined) return;
    for (const socket of this.sockets) socket.ref();
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      // An export queued after the loop saw an empty queue but before this ran would otherwise
      // wait for the next export (and be counted as dropped at shutdown).
      if (this.queue.length > 0 && !this.stopping) this.startPump();
      else for (const socket of this.sockets) socket.unref();
    });
  }

  private async pump(): Promise<void> {
    let delay = this.options.initialRetryDelayMillis;
    while (this.queue.length > 0 && !this.stopping) {
      const head = this.queue[0]!;
      const value = head.messages[head.next]!;
      const started = performance.now();
      try {
        if (!this.connected) {
          await this.producer.connect();
          this.connected = true;
        }
        await this.producer.send({
          topic: this.options.topic,
          acks: this.options.acks,
          compression: this.options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
          messages: [{ key: head.key, value: Buffer.from(value.buffer, value.byteOffset, value.byteLength) }],
        });
        recordKafkaSent(value.byteLength, (performance.now() - started) / 1000);
        if (this.failing) {
          this.failing = false;
          diag.info('agentmeter: Kafka exporter is publishing again');
        }
        delay = this.options.initialRetryDelayMillis;
        if (++head.next === head.messages.length) this.queue.shift();
      } catch (err) {
        const type = kafkaErrorType(err);
        recordKafkaFailure(type);
        if (isPermanentKafkaError(type)) {
          diag.error(`agentmeter: Kafka rejected a metrics message (${type}); it was dropped`);
          recordKafkaDropped('rejected', 1);
          if (++head.next === head.messages.length) this.queue.shift();
          continue;
        }
        if (!this.failing) {
          this.failing = true;
          diag.warn(`agentmeter: Kafka exporter cannot publish (${type}); retrying with backoff, data is kept up to ${this.options.maxQueuedExports} exports`);
        }
        await this.sleep(delay * (0.8 + Math.random() * 0.4));
        delay = Math.min(delay * 2, this.options.maxRetryDelayMillis);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeRetry = () => {
        clearTimeout(this.retryTimer);
        this.wakeRetry = undefined;
        resolve();
      };
      // unref: a retry wait never keeps the host process alive.
      this.retryTimer = setTimeout(this.wakeRetry, ms);
      this.retryTimer.unref();
    });
  }
}
