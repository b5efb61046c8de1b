/** Self-metrics of the routing-event publisher and the DB writer (catalog-self.ts declares them). */
import type { DeadLetterReason, EventsDropReason } from '../catalog-vocabulary';
import { instruments } from '../store/registry';

/** A batch of `events` acknowledged by the broker after `seconds`. */
export function recordEventsPublished(events: number, seconds: number): void {
  instruments.eventsPublished.get0().add(events);
  instruments.eventsPublishDuration.get0().record(seconds);
}

/** A failed publish attempt; `type` is the Kafka error name or the error class. */
export function recordEventsFailure(type: string): void {
  instruments.eventsFailures.get1(type).add(1);
}

export function recordEventsDropped(reason: EventsDropReason, events: number): void {
  if (events > 0) instruments.eventsDropped.get1(reason).add(events);
}

/** Events entering (+n) or leaving (-n) the publisher's queue. */
export function recordEventsQueued(delta: number): void {
  if (delta !== 0) instruments.eventsQueued.get0().add(delta);
}

/** One committed batch: rows inserted, rows that were already stored, insert time. */
export function recordWriterBatch(inserted: number, duplicates: number, seconds: number): void {
  instruments.dbWriterBatches.get0().add(1);
  if (inserted > 0) instruments.dbWriterRows.get1('inserted').add(inserted);
  if (duplicates > 0) instruments.dbWriterRows.get1('duplicate').add(duplicates);
  instruments.dbWriterInsertDuration.get0().record(seconds);
}

export function recordWriterLag(messages: number): void {
  instruments.dbWriterLag.get0().set(messages);
}

export function recordDeadLetter(reason: DeadLetterReason): void {
  instruments.dbWriterDeadLetters.get1(reason).add(1);
}

/** A failed insert or commit attempt (retried); `type` is the SQLSTATE, Kafka error or class name. */
export function recordWriterFailure(type: string): void {
  instruments.dbWriterFailures.get1(type).add(1);
}
