/** Event publishing: duration, messages sent (failures carry error.type), message bytes. */
import { failureType } from '../attributes';
import { guard, instruments, state } from '../store/registry';
import { recordingFailed } from './guarded';
import { withKeys } from '../store/instrument';
import { ATTR_ERROR_TYPE, ATTR_MESSAGING_DESTINATION, ATTR_MESSAGING_OPERATION, ATTR_MESSAGING_SYSTEM } from '../catalog-vocabulary';

const publishDuration = withKeys(instruments.publishDuration, ATTR_MESSAGING_SYSTEM, ATTR_MESSAGING_DESTINATION, ATTR_MESSAGING_OPERATION, ATTR_ERROR_TYPE);
const publishMessageSize = withKeys(instruments.publishMessageSize, ATTR_MESSAGING_SYSTEM, ATTR_MESSAGING_DESTINATION);
const publishMessages = withKeys(instruments.publishMessages, ATTR_MESSAGING_SYSTEM, ATTR_MESSAGING_DESTINATION, ATTR_MESSAGING_OPERATION, ATTR_ERROR_TYPE);

/** One publish (send) operation, of one or more messages. */
export interface PublishEvent {
  /** Topic or queue (`messaging.destination.name`). */
  topic: string;
  /** Duration in seconds. */
  seconds: number;
  /** Messaging system (`messaging.system`); default `kafka`. */
  system?: string;
  /** Operation name (`messaging.operation.name`); default `send`. */
  operation?: string;
  /** Messages in the batch; default 1. */
  messages?: number;
  /** Total body bytes of the batch, when known. */
  bytes?: number;
  /** Set on failure: an Error or an error type string. */
  error?: unknown;
}

/** Records one PublishEvent; never throws (bad input is dropped and counted). */
export function recordPublish(event: PublishEvent): void {
  if (!state.enabled) return;
  // Its own function, not a guarded() closure: a closure shared by every helper makes one
  // megamorphic call site for all of them (bench/overhead: ten helpers per request).
  try {
    publish(event);
  } catch (err) {
    recordingFailed('recordPublish', err);
  }
}

function publish(event: PublishEvent): void {
  const seconds = guard.measurement(event.seconds, 'publish seconds');
  if (seconds < 0) return;
  const messages = guard.measurement(event.messages ?? 1, 'publish messages');
  if (messages < 0) return;
  const system = guard.name(event.system ?? 'kafka', 'messaging system');
  const topic = guard.name(event.topic, 'topic');
  const operation = guard.name(event.operation ?? 'send', 'messaging operation');
  if (system === undefined || topic === undefined || operation === undefined) return;
  const type = failureType(event.error);
  publishDuration.get4(system, topic, operation, type).record(seconds);
  publishMessages.get4(system, topic, operation, type).add(messages);
  if (event.bytes !== undefined && messages > 0) {
    const bytes = guard.measurement(event.bytes, 'publish bytes');
    // One sample per message, so the histogram counts messages, not batches; O(1) in `messages`.
    if (bytes >= 0) publishMessageSize.get2(system, topic).recordTimes(bytes / messages, Math.ceil(messages));
  }
}
