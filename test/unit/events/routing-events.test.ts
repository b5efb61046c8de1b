// recordRouting() with routing events on: the metrics are recorded exactly as before, and a
// decision that carries a query is queued as an event, without waiting on the broker.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordRouting } from '../../../src/record/routing';
import { decisionToEventInput, publishRoutingEvent, shutdownRoutingEvents, startRoutingEvents } from '../../../src/events/routing-events';
import { ExportError } from '../../../src/errors';
import { freePort } from '../../infra/process.mjs';
import { histogramOf, resetStore, valueOf } from '../helpers';

describe('decisionToEventInput', () => {
  it('maps a decision with a query to an event input, seconds to whole milliseconds', () => {
    expect(
      decisionToEventInput(
        { strategy: 'semantic', agent: 'billing', seconds: 0.0126, candidates: 4, confidence: 0.9, cacheHit: true, query: 'q', correlationId: 'c', confidenceComponents: { semantic: 0.9 } },
        'agent-api',
      ),
    ).toEqual({ query: 'q', durationMs: 13, cacheHit: true, candidates: 4, strategy: 'semantic', agent: 'billing', correlationId: 'c', confidence: { semantic: 0.9 }, serviceName: 'agent-api' });
  });

  it('makes no event of a decision without a query', () => {
    expect(decisionToEventInput({ strategy: 's', agent: 'a', seconds: 0.01 }, undefined)).toBeUndefined();
  });
});

describe('recordRouting with routing events on (no broker reachable)', () => {
  beforeEach(() => resetStore());
  afterEach(() => shutdownRoutingEvents(100));

  it('records the same metrics and queues one event per decision that has a query', async () => {
    const publisher = startRoutingEvents({ brokers: [`127.0.0.1:${await freePort()}`], requestTimeoutMillis: 500 }, 'agent-api');
    const started = performance.now();
    recordRouting({ strategy: 'semantic', agent: 'billing', seconds: 0.012, candidates: 4, confidence: 0.9, query: 'refund my order' });
    recordRouting({ strategy: 'semantic', agent: 'billing', seconds: 0.02, candidates: 2 });
    // Invalid as an event (no candidates): metrics recorded, event dropped and counted.
    recordRouting({ strategy: 'semantic', agent: 'billing', seconds: 0.03, query: 'q' });
    expect(performance.now() - started).toBeLessThan(50);
    expect(histogramOf('agent.routing.duration', { 'agent.routing.strategy': 'semantic', 'agent.routing.outcome': 'success' })!.count).toBe(3);
    expect(valueOf('agent.routing.decisions', { 'agent.routing.strategy': 'semantic', 'gen_ai.agent.name': 'billing', 'agent.routing.cache_hit': 'false', 'agent.routing.outcome': 'success' })).toBe(3);
    expect(publisher.queuedEvents).toBe(1);
    expect(valueOf('agentmeter.events.dropped', { 'agentmeter.events.drop_reason': 'invalid' })).toBe(1);
    await shutdownRoutingEvents(100);
    expect(valueOf('agentmeter.events.dropped', { 'agentmeter.events.drop_reason': 'shutdown' })).toBe(1);
    // Off again: decisions are metrics only.
    recordRouting({ strategy: 'semantic', agent: 'billing', seconds: 0.012, candidates: 4, query: 'q' });
    expect(valueOf('agentmeter.events.queued')).toBe(0);
  });

  it('publishRoutingEvent rejects with ExportError when the broker is unreachable', async () => {
    const error = await publishRoutingEvent({ query: 'q', durationMs: 1, cacheHit: false, candidates: 1 }, { brokers: [`127.0.0.1:${await freePort()}`] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportError);
  });
});
