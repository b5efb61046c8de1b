/**
 * Stops kafkajs 2.2.4's idle request-queue timer. With nothing pending and no broker throttle,
 * its `scheduleCheckPendingRequests` arms a timer for `-1 - Date.now()` ms: Node >= 24 prints a
 * `TimeoutNegativeWarning` on the host's stderr, and the 1 ms timer re-arms itself for as long
 * as the connection lives (kafkajs issues #1751 and #1704; kafkajs has had no release since
 * 2023). An empty, unthrottled queue has nothing to check: every path that adds a pending
 * request schedules its own check, and a finished request checks the queue directly.
 * Also unrefs the 100 ms request-timeout check each open connection runs, which otherwise keeps
 * a finished app alive.
 */
import { diag } from '@opentelemetry/api';

interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  requestTimeoutIntervalId?: NodeJS.Timeout;
  scheduleCheckPendingRequests(): void;
  scheduleRequestTimeoutCheck(): void;
}

const FIXED = Symbol.for('agentmeter.kafkajs.requestQueueFix');

/** Applies the fix once per kafkajs copy; a kafkajs without this shape is left untouched. */
export function fixKafkaRequestQueue(): void {
  let RequestQueueClass: { prototype: RequestQueue & { [FIXED]?: true } } | undefined;
  try {
    // kafkajs has no `exports` map, so its internal modules stay reachable by path.
    RequestQueueClass = require('kafkajs/src/network/requestQueue/index.js') as typeof RequestQueueClass;
  } catch {
    diag.debug('agentmeter: kafkajs request queue not found; idle-timer fix not applied');
    return;
  }
  const proto = RequestQueueClass?.prototype;
  if (proto === undefined || typeof proto.scheduleCheckPendingRequests !== 'function' || proto[FIXED]) return;
  const original = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueue): void {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    original.call(this);
  };
  // The request-timeout check runs every 100 ms for as long as a connection is open; ref'd, it
  // keeps a finished app alive forever. Unref'd it still runs whenever a request is in flight
  // (the socket waiting for the answer keeps the process up).
  const scheduleTimeoutCheck = proto.scheduleRequestTimeoutCheck;
  if (typeof scheduleTimeoutCheck === 'function') {
    proto.scheduleRequestTimeoutCheck = function scheduleRequestTimeoutCheck(this: RequestQueue): void {
      scheduleTimeoutCheck.call(this);
      this.requestTimeoutIntervalId?.unref?.();
    };
  }
  proto[FIXED] = true;
}
