// kafkajs's idle request-queue timer, before and after agentmeter's fix (real kafkajs class).
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { fixKafkaRequestQueue } from '../../../../src/exporters/kafka/request-queue-fix';

const RequestQueue = createRequire(__filename)('kafkajs/src/network/requestQueue/index.js') as new (options: object) => {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  requestTimeoutIntervalId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
  scheduleRequestTimeoutCheck(): void;
  destroy(): void;
};

const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const queues: InstanceType<typeof RequestQueue>[] = [];
function queue(): InstanceType<typeof RequestQueue> {
  const q = new RequestQueue({ instrumentationEmitter: { emit: () => {} }, requestTimeout: 30000, clientId: 't', broker: 'b', logger });
  queues.push(q);
  return q;
}
afterEach(() => {
  for (const q of queues.splice(0)) q.destroy();
});

describe('fixKafkaRequestQueue', () => {
  it('arms no timer for an empty, unthrottled queue, and is idempotent', () => {
    fixKafkaRequestQueue();
    fixKafkaRequestQueue();
    const q = queue();
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('still schedules a check when requests are pending or the broker throttles', () => {
    fixKafkaRequestQueue();
    const pending = queue();
    pending.pending.push({});
    pending.scheduleCheckPendingRequests();
    expect(pending.throttleCheckTimeoutId).not.toBeNull();
    const throttled = queue();
    throttled.throttledUntil = Date.now() + 60000;
    throttled.scheduleCheckPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
  });

  it('keeps the request-timeout check running but lets an idle app exit (unref)', () => {
    fixKafkaRequestQueue();
    const q = new RequestQueue({ instrumentationEmitter: { emit: () => {} }, requestTimeout: 30000, enforceRequestTimeout: true, clientId: 't', broker: 'b', logger });
    queues.push(q);
    q.scheduleRequestTimeoutCheck();
    expect(q.requestTimeoutIntervalId).not.toBeNull();
    expect(q.requestTimeoutIntervalId!.hasRef()).toBe(false);
  });
});
