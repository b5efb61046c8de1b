/**
 * The process-wide routing-event publisher: `start()` turns it on when routing events are
 * enabled (every `recordRouting()` that carries a query is then also queued as an event), and
 * `publishRoutingEvent()` uses it, creating it on first use from the environment otherwise.
 * agentmeter's `shutdown()` flushes and closes it.
 */
import { setRoutingDecisionListener, type RoutingDecision } from '../record/routing';
import type { RoutingEventInput } from './event';
import { RoutingEventPublisher, type PublishedRoutingEvent } from './publisher';
import type { RoutingEventPublisherOptions } from './options';

let active: RoutingEventPublisher | undefined;

/** The event of a recorded decision, when it carries a query (the event's required text). */
export function decisionToEventInput(d: RoutingDecision, serviceName: string | undefined): RoutingEventInput | undefined {
  if (d.query === undefined) return undefined;
  return {
    query: d.query,
    // The metric takes seconds; the event stores whole milliseconds.
    durationMs: Math.round(d.seconds * 1000),
    cacheHit: d.cacheHit === true,
    candidates: d.candidates as number,
    strategy: d.strategy,
    agent: d.agent,
    correlationId: d.correlationId,
    confidence: d.confidenceComponents,
    serviceName,
  };
}

/**
 * Creates the publisher (throws ConfigError on a bad setting, before anything is sent) and
 * queues an event for every recorded decision that carries a query.
 */
export function startRoutingEvents(options: RoutingEventPublisherOptions = {}, serviceName?: string): RoutingEventPublisher {
  const publisher = (active ??= new RoutingEventPublisher(options));
  setRoutingDecisionListener((decision) => {
    const input = decisionToEventInput(decision, serviceName);
    if (input !== undefined) publisher.record(input);
  });
  return publisher;
}

/**
 * Publishes one routing event and resolves once the broker acknowledged it, with the topic and
 * the stored event. Rejects with EventValidationError (bad input, nothing sent) or ExportError.
 * Uses the publisher `start()` made, else one from `options` and the `AGENTMETER_KAFKA_*` /
 * `AGENTMETER_ROUTING_EVENTS_*` environment, kept until `shutdown()`.
 */
export function publishRoutingEvent(input: RoutingEventInput, options?: RoutingEventPublisherOptions): Promise<PublishedRoutingEvent> {
  try {
    active ??= new RoutingEventPublisher(options);
  } catch (err) {
    return Promise.reject(err as Error);
  }
  return active.publish(input);
}

/**
 * Stops routing events: no more listening, queued events flushed for at most `timeoutMillis`,
 * then the connections closed. Resolves with what could not be sent (none when nothing ran).
 */
export async function shutdownRoutingEvents(timeoutMillis = 5000): Promise<{ events: number; lastError: string | undefined }> {
  setRoutingDecisionListener(undefined);
  const publisher = active;
  active = undefined;
  await publisher?.shutdown(timeoutMillis);
  return publisher?.unsentAtShutdown ?? { events: 0, lastError: undefined };
}
