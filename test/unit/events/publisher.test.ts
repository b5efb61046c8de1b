// The publisher with no broker (a closed port): it never blocks the caller, keeps a bounded
// queue, counts what it drops, fails publish() fast, and shuts down within its bound.
import { inspect } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { RoutingEventPublisher } from '../../../src/events/publisher';
import { createRoutingEvent } from '../../../src/events/event';
import { EventValidationError, ExportError } from '../../../src/errors';
import { freePort } from '../../infra/process.mjs';
import { metric, resetStore, valueOf } from '../helpers';

const input = { query: 'refund my order', durationMs: 12, cacheHit: false, candidates: 4 };

async function closedBroker(): Promise<string> {
  return `127.0.0.1:${await freePort()}`;
}

describe('RoutingEventPublisher without a broker', () => {
  beforeEach(() => resetStore());

  it('queues without blocking, drops and counts past maxQueuedEvents, and counts invalid events', async () => {
    const publisher = new RoutingEventPublisher({ brokers: [await closedBroker()], maxQueuedEvents: 3, requestTimeoutMillis: 500 });
    // record() is synchronous: the answer and the queue are there before any I/O could run.
    const accepted = [1, 2, 3, 4, 5].map(() => publisher.record(input));
    expect(accepted).toEqual([true, true, true, false, false]);
    expect(publisher.record({ ...input, durationMs: 1000 })).toBe(false);
    expect(publisher.queuedEvents).toBe(3);
    expect(valueOf('agentmeter.events.queued')).toBe(3);
    expect(valueOf('agentmeter.events.dropped', { 'agentmeter.events.drop_reason': 'queue_full' })).toBe(2);
    expect(valueOf('agentmeter.events.dropped', { 'agentmeter.events.drop_reason': 'invalid' })).toBe(1);
    await new Promise((r) => setTimeout(r, 800));
    const failures = metric('agentmeter.events.failures')!.dataPoints.reduce((n, p) => n + (p.value as number), 0);
    expect(failures).toBeGreaterThan(0);
    const t = performance.now();
    await publisher.shutdown(200);
    expect(performance.now() - t).toBeLessThan(3000);
    expect(valueOf('agentmeter.events.dropped', { 'agentmeter.events.drop_reason': 'shutdown' })).toBe(3);
    expect(valueOf('agentmeter.events.queued')).toBe(0);
    expect(publisher.record(input)).toBe(false);
    expect(valueOf('agentmeter.events.dropped', { 'agentmeter.events.drop_reason': 'shutdown' })).toBe(4);
    expect(valueOf('agentmeter.events.published')).toBeUndefined();
  });

  it('rejects publish() with a retriable ExportError on the first failed attempt', async () => {
    const publisher = new RoutingEventPublisher({ brokers: [await closedBroker()] });
    const started = performance.now();
    const error = (await publisher.publish(input).catch((e: unknown) => e)) as ExportError;
    expect(performance.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(ExportError);
    expect(error.retriable).toBe(true);
    expect(error.message).toMatch(/^AGM_ERR_EXPORT: Kafka did not acknowledge the routing event \(KafkaJS\w+: .*ECONNREFUSED/);
    expect(publisher.queuedEvents).toBe(0);
    await publisher.shutdown(100);
  });

  it('rejects invalid input with EventValidationError before anything is queued', async () => {
    const publisher = new RoutingEventPublisher({ brokers: [await closedBroker()] });
    const error = await publisher.publish({ ...input, candidates: -1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventValidationError);
    const event = { ...createRoutingEvent(input), routing_duration_ms: 5000 };
    expect(await publisher.publish(event).catch((e: unknown) => (e as Error).message)).toMatch(/^AGM_ERR_EVENT_INVALID: routing_duration_ms is not valid: must be <= 999/);
    expect(publisher.queuedEvents).toBe(0);
    await publisher.shutdown(100);
  });
});

describe('a refused routing event in logs', () => {
  const QUERY = 'patient Jane Roe, SSN 078-05-1120';
  const CORRELATION = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

  it.each([
    ['query too long', { query: `${QUERY} ${'x'.repeat(40000)}`, correlationId: CORRELATION }],
    ['bad correlation id', { query: QUERY, correlationId: `${CORRELATION.toUpperCase()}-${QUERY}` }],
    ['bad duration', { query: QUERY, correlationId: CORRELATION, durationMs: 5000 }],
  ])('names the field and the rule, never the query text or correlation id (%s)', async (_case, fields) => {
    const logged: string[] = [];
    const log = (...args: unknown[]): void => void logged.push(args.map((a) => (a instanceof Error ? `${a.message} ${inspect(a)}` : String(a))).join(' '));
    diag.setLogger({ error: log, warn: log, info: log, debug: log, verbose: log }, DiagLogLevel.ALL);
    const publisher = new RoutingEventPublisher({ brokers: [await closedBroker()] });
    try {
      expect(publisher.record({ ...input, ...fields })).toBe(false);
      const error = (await publisher.publish({ ...input, ...fields }).catch((e: unknown) => e)) as EventValidationError;
      expect(error).toBeInstanceOf(EventValidationError);
      const everything = [...logged, error.message, inspect(error), JSON.stringify(error)].join('\n');
      expect(logged.some((line) => line.includes('a routing event was dropped'))).toBe(true);
      for (const secret of ['Jane Roe', '078-05-1120', CORRELATION, CORRELATION.toUpperCase()]) expect(everything).not.toContain(secret);
    } finally {
      diag.disable();
      await publisher.shutdown(100);
    }
  });
});

describe('RoutingEventPublisher send loop', () => {
  it('sends an event pushed between the end of the send loop and its clean-up', async () => {
    // A stand-in producer that acknowledges at once, so the caller resumes inside that window.
    const publisher = new RoutingEventPublisher({ brokers: ['127.0.0.1:1'] });
    const sent: number[] = [];
    Object.assign((publisher as unknown as { producer: object }).producer, {
      connect: async () => {},
      send: async ({ messages }: { messages: unknown[] }) => {
        sent.push(messages.length);
      },
      disconnect: async () => {},
    });
    for (let i = 0; i < 50; i++) await publisher.publish(input);
    expect(sent).toEqual(Array(50).fill(1));
    await publisher.shutdown(100);
  });
});
