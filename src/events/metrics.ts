/** Self-metrics of the routing-event publisher and the DB writer (catalog-self.ts declares them). */
import type { DeadLetterReason, EventsDropReason } from '../catalog-vocabulary';
import { instruments } from '../store/registry';
import { withKeys } from '../store/instrument';
import { ATTR_DB_WRITER_RESULT, ATTR_DEAD_LETTER_REASON, ATTR_ERROR_TYPE, ATTR_EVENTS_DROP_REASON } from '../catalog-vocabulary';

const dbWriterDeadLetters = withKeys(instruments.dbWriterDeadLetters, ATTR_DEAD_LETTER_REASON);
const dbWriterFailures = withKeys(instruments.dbWriterFailures, ATTR_ERROR_TYPE);
const dbWriterRows = withKeys(instruments.dbWriterRows, ATTR_DB_WRITER_RESULT);
const eventsDropped = withKeys(instruments.eventsDropped, ATTR_EVENTS_DROP_REASON);
const eventsFailures = withKeys(instruments.eventsFailures, ATTR_ERROR_TYPE);

/** A batch of `events` acknowledged by the broker after `seconds`. */
export function recordEventsPublished(events: number, seconds: number): void {
  instruments.eventsPublished.get0().add(events);
  instruments.eventsPublishDuration.get0().record(seconds);
}

/** A failed publish attempt; `type` is the Kafka error name or the error class. */
export function recordEventsFailure(type: string): void {
  eventsFailures.get1(type).add(1);
}

export function recordEventsDropped(reason: EventsDropReason, events: number): void {
  if (events > 0) eventsDropped.get1(reason).add(events);
}

/** Events entering (+n) or leaving (-n) the publisher's queue. */
export function recordEventsQueued(delta: number): void {
  if (delta !== 0) instruments.eventsQueued.get0().add(delta);
}

/** One committed batch: rows inserted, rows that were already stored, insert time. */
export function recordWriterBatch(inserted: number, duplicates: number, seconds: number): void {
  instruments.dbWriterBatches.get0().add(1);
  if (inserted > 0) dbWriterRows.get1('inserted').add(inserted);
  if (duplicates > 0) dbWriterRows.get1('duplicate').add(duplicates);
  instruments.dbWriterInsertDuration.get0().record(seconds);
}

export function recordWriterLag(messages: number): void {
  instruments.dbWriterLag.get0().set(messages);
}

export function recordDeadLetter(reason: DeadLetterReason): void {
  dbWriterDeadLetters.get1(reason).add(1);
}

/** A failed insert or commit attempt (retried); `type` is the SQLSTATE, Kafka error or class name. */
export function recordWriterFailure(type: string): void {
  dbWriterFailures.get1(type).add(1);
}
