/**
 * The routing event: one routing decision, as versioned JSON (routing-event.schema.json).
 * `createRoutingEvent` fills in what the caller need not know (ids, time, service) and
 * validates; field names are the schema's and the table's (snake_case).
 */
import { randomUUID } from 'node:crypto';
import { EventValidationError } from '../errors';
import { validateRoutingEvent } from './validate';

/** The version this code writes (`schema_version`). */
export const ROUTING_EVENT_SCHEMA_VERSION = 1;

/** One routing decision as published and stored (see routing-event.schema.json). */
export interface RoutingEvent {
  schema_version: 1;
  /** UUID of this event; the table's unique key, so a redelivered event is stored once. */
  event_id: string;
  /** UUID tying the decision to its request; the Kafka message key. */
  correlation_id: string;
  query_text: string;
  /** Time to decide, integer milliseconds 0-999. */
  routing_duration_ms: number;
  cache_hit: boolean;
  candidates_evaluated: number;
  match_strategy?: string;
  /** Named scores, each 0 to 1, e.g. `{ semantic: 0.91, keyword: 0.4 }`. */
  confidence_components?: Record<string, number>;
  selected_agent?: string;
  /** RFC 3339, e.g. `2026-01-31T12:00:00.000Z`. */
  timestamp: string;
  service_name: string;
}

/** What a caller knows about a routing decision; the rest is filled in. */
export interface RoutingEventInput {
  /** The query text that was routed (stored verbatim; never a metric label). */
  query: string;
  /** Time to decide in integer milliseconds, 0 to 999. */
  durationMs: number;
  /** True when the decision came from a routing cache. */
  cacheHit: boolean;
  /** Candidate agents evaluated, an integer >= 0. */
  candidates: number;
  /** Match strategy, e.g. `semantic`. */
  strategy?: string;
  /** UUID of the request; generated when absent. Upper-case hex is accepted and stored lower-case. */
  correlationId?: string;
  /** Named confidence scores, each 0 to 1. */
  confidence?: Record<string, number>;
  /** The agent selected. */
  agent?: string;
  /** `service_name`; default `OTEL_SERVICE_NAME`, else `unknown_service:node`. */
  serviceName?: string;
  /** When the decision was made; default now. */
  timestamp?: Date | string;
  /** UUID of the event; generated when absent (set it only to re-send the same event). */
  eventId?: string;
}

function canonicalUuid(value: unknown): unknown {
  // RFC 9562: UUIDs compare case-insensitively; the stored form is lower-case.
  return typeof value === 'string' && /^[0-9A-Fa-f-]{36}$/.test(value) ? value.toLowerCase() : value;
}

/**
 * Builds a routing event from what the caller knows and validates it against the schema.
 * Throws EventValidationError naming the field and the rule on bad input.
 */
export function createRoutingEvent(input: RoutingEventInput): RoutingEvent {
  // JavaScript callers may pass anything: not an object is a rule broken, not a TypeError.
  if (typeof input !== 'object' || input === null) throw new EventValidationError('input', input, 'must be an object', 'a RoutingEventInput object');
  const event: Record<string, unknown> = {
    schema_version: ROUTING_EVENT_SCHEMA_VERSION,
    event_id: input.eventId === undefined ? randomUUID() : canonicalUuid(input.eventId),
    correlation_id: input.correlationId === undefined ? randomUUID() : canonicalUuid(input.correlationId),
    query_text: input.query,
    routing_duration_ms: input.durationMs,
    cache_hit: input.cacheHit,
    candidates_evaluated: input.candidates,
  };
  // Absent optional fields are left out, not sent as null.
  if (input.strategy !== undefined) event.match_strategy = input.strategy;
  if (input.confidence !== undefined) event.confidence_components = input.confidence;
  if (input.agent !== undefined) event.selected_agent = input.agent;
  const timestamp = input.timestamp ?? new Date();
  event.timestamp = timestamp instanceof Date ? (Number.isNaN(timestamp.getTime()) ? 'Invalid Date' : timestamp.toISOString()) : timestamp;
  event.service_name = input.serviceName ?? (process.env.OTEL_SERVICE_NAME?.trim() || 'unknown_service:node');
  return validateRoutingEvent(event);
}
