/** Event publishing: duration, messages sent (failures carry error.type), message bytes. */
import { failureType } from '../attributes';
import { guard, instruments } from '../store/registry';
import { guarded } from './guarded';

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

export const recordPublish: (event: PublishEvent) => void = guarded('recordPublish', (event) => {
  const seconds = guard.measurement(event.seconds, 'publish seconds');
  if (seconds < 0) return;
  const messages = guard.measurement(event.messages ?? 1, 'publish messages');
  if (messages < 0) return;
  const system = guard.name(event.system ?? 'kafka', 'messaging system');
  const topic = guard.name(event.topic, 'topic');
  const operation = guard.name(event.operation ?? 'send', 'messaging operation');
  if (system === undefined || topic === undefined || operation === undefined) return;
  const type = failureType(event.error);
  instruments.publishDuration.get4(system, topic, operation, type).record(seconds);
  instruments.publishMessages.get4(system, topic, operation, type).add(messages);
  if (event.bytes !== undefined && messages > 0) {
    const bytes = guard.measurement(event.bytes, 'publish bytes');
    // One sample per message, so the histogram counts messages, not batches.
    if (bytes >= 0) {
      const point = instruments.publishMessageSize.get2(system, topic);
      for (let i = 0; i < messages; i++) point.record(bytes / messages);
    }
  }
});
