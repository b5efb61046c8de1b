import { afterEach, describe, expect, it } from 'vitest';
import { createRoutingEvent } from '../../../src/events/event';
import { EventValidationError } from '../../../src/errors';
import { thrownBy } from '../helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createRoutingEvent', () => {
  const saved = process.env.OTEL_SERVICE_NAME;
  afterEach(() => {
    if (saved === undefined) delete process.env.OTEL_SERVICE_NAME;
    else process.env.OTEL_SERVICE_NAME = saved;
  });

  it('fills in version, ids, time and service, and leaves absent optional fields out', () => {
    delete process.env.OTEL_SERVICE_NAME;
    const before = Date.now();
    const event = createRoutingEvent({ query: 'refund my order', durationMs: 12, cacheHit: false, candidates: 4 });
    expect(Object.keys(event)).toEqual([
      'schema_version', 'event_id', 'correlation_id', 'query_text', 'routing_duration_ms', 'cache_hit', 'candidates_evaluated', 'timestamp', 'service_name',
    ]);
    expect(event).toMatchObject({ schema_version: 1, query_text: 'refund my order', routing_duration_ms: 12, cache_hit: false, candidates_evaluated: 4, service_name: 'unknown_service:node' });
    expect(event.event_id).toMatch(UUID);
    expect(event.correlation_id).toMatch(UUID);
    expect(event.event_id).not.toBe(event.correlation_id);
    expect(Date.parse(event.timestamp)).toBeGreaterThanOrEqual(before);
    expect(event.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('maps every input to its field; upper-case UUIDs are stored lower-case', () => {
    process.env.OTEL_SERVICE_NAME = 'from-env';
    expect(
      createRoutingEvent({
        query: 'q',
        durationMs: 999,
        cacheHit: true,
        candidates: 0,
        strategy: 'semantic',
        correlationId: '123E4567-E89B-12D3-A456-426614174000',
        confidence: { semantic: 0.91, keyword: 0.4 },
        agent: 'billing',
        serviceName: 'agent-api',
        timestamp: new Date('2026-01-31T12:00:00Z'),
        eventId: '0B7D5F4E-2F4B-4B8E-9A53-0D7C9C1D2E3F',
      }),
    ).toEqual({
      schema_version: 1,
      event_id: '0b7d5f4e-2f4b-4b8e-9a53-0d7c9c1d2e3f',
      correlation_id: '123e4567-e89b-12d3-a456-426614174000',
      query_text: 'q',
      routing_duration_ms: 999,
      cache_hit: true,
      candidates_evaluated: 0,
      match_strategy: 'semantic',
      confidence_components: { semantic: 0.91, keyword: 0.4 },
      selected_agent: 'billing',
      timestamp: '2026-01-31T12:00:00.000Z',
      service_name: 'agent-api',
    });
    expect(createRoutingEvent({ query: 'q', durationMs: 1, cacheHit: true, candidates: 1 }).service_name).toBe('from-env');
  });

  it.each([
    [{ durationMs: 1000 }, 'routing_duration_ms'],
    [{ candidates: -1 }, 'candidates_evaluated'],
    [{ cacheHit: 'maybe' }, 'cache_hit'],
    [{ correlationId: 'abc' }, 'correlation_id'],
    [{ confidence: { semantic: 2 } }, 'confidence_components.semantic'],
    [{ timestamp: new Date(Number.NaN) }, 'timestamp'],
  ])('throws EventValidationError for %j naming %s', (change, field) => {
    const error = thrownBy(() => createRoutingEvent({ query: 'q', durationMs: 1, cacheHit: true, candidates: 1, ...(change as object) })) as EventValidationError;
    expect(error).toBeInstanceOf(EventValidationError);
    expect(error.field).toBe(field);
  });
});
