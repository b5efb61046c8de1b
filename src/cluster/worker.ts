/**
 * The worker's side: say hello to the primary, then answer its collection requests. A worker
 * never listens on a port for metrics; what it records is served by the primary. If no
 * agentmeter primary answers (the primary does not run agentmeter; PM2's cluster mode), the
 * worker says so once, through `onNoPrimary`, instead of losing its series silently.
 */
import { COLLECT, COLLECTED, HELLO, isClusterMessage, WELCOME, type ClusterMessage } from './protocol';

/** What a worker answers: one function per topic, returning plain JSON. */
export type Answerers = Record<string, () => unknown>;

/** Options of `startClusterWorker`. */
export interface ClusterWorkerOptions {
  answerers: Answerers;
  /** How long to wait for the primary's welcome before calling `onNoPrimary`, ms. */
  helloTimeoutMillis: number;
  /** Called once when no agentmeter primary answered in time. */
  onNoPrimary: () => void;
  /** The IPC channel to the primary; tests pass a stand-in. Default `process`. */
  channel?: Channel;
}

/** The part of `process` the worker side uses. */
export type Channel = Pick<NodeJS.Process, 'on' | 'off' | 'send'>;

/** A running worker side; `stop()` removes its listener. */
export interface ClusterWorker {
  /** True once an agentmeter primary answered. */
  readonly welcomed: boolean;
  stop(): void;
}

/** `process.send` that never throws and never emits 'error' (a closed channel is not the app's problem). */
function sender(channel: Channel): (message: ClusterMessage) => void {
  return (message) => {
    try {
      channel.send?.(message, undefined, undefined, () => {});
    } catch {
      // The channel closed while the primary stops; nothing to answer to.
    }
  };
}

async function answer(send: (message: ClusterMessage) => void, answerers: Answerers, id: number, topic: string): Promise<void> {
  const answerer = answerers[topic];
  if (answerer === undefined) {
    send({ type: COLLECTED, id, error: `no answerer for ${topic}` });
    return;
  }
  try {
    send({ type: COLLECTED, id, payload: await answerer() });
  } catch (err) {
    send({ type: COLLECTED, id, error: err instanceof Error ? err.message : String(err) });
  }
}

export function startClusterWorker({ answerers, helloTimeoutMillis, onNoPrimary, channel = process }: ClusterWorkerOptions): ClusterWorker {
  const send = sender(channel);
  let welcomed = false;
  const timer = setTimeout(() => {
    if (!welcomed) onNoPrimary();
  }, helloTimeoutMillis);
  // Never keeps the worker alive on its own.
  timer.unref();
  const onMessage = (message: unknown): void => {
    if (!isClusterMessage(message)) return;
    if (message.type === WELCOME) {
      welcomed = true;
      clearTimeout(timer);
      // The primary started agentmeter after this worker said hello: say it again.
      if (!message.known) send({ type: HELLO });
    } else if (message.type === COLLECT) {
      welcomed = true;
      clearTimeout(timer);
      void answer(send, answerers, message.id, message.topic);
    }
  };
  channel.on('message', onMessage);
  send({ type: HELLO });
  return {
    get welcomed() {
      return welcomed;
    },
    stop: () => {
      clearTimeout(timer);
      channel.off('message', onMessage);
    },
  };
}
