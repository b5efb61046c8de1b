/**
 * The messages agentmeter's primary and workers exchange over the `node:cluster` IPC channel.
 * Ordinary messages (as prom-client's AggregatorRegistry sends), namespaced by `type` so an
 * app's own `message` handlers can tell them apart; payloads are plain JSON (the channel's
 * default serialization).
 */
import type { Cluster } from 'node:cluster';

/** Worker → primary: "I run agentmeter and can answer collections". */
export const HELLO = 'agentmeter:hello';
/** Primary → worker: "I run agentmeter"; `known` says whether it already counts the worker in. */
export const WELCOME = 'agentmeter:welcome';
/** Primary → worker: collect `topic` now and answer with the same `id`. */
export const COLLECT = 'agentmeter:collect';
/** Worker → primary: the answer to COLLECT `id`. */
export const COLLECTED = 'agentmeter:collected';

export type ClusterMessage =
  | { type: typeof HELLO }
  | { type: typeof WELCOME; known: boolean }
  | { type: typeof COLLECT; id: number; topic: string }
  | { type: typeof COLLECTED; id: number; payload?: unknown; error?: string };

export function isClusterMessage(message: unknown): message is ClusterMessage {
  if (typeof message !== 'object' || message === null) return false;
  const type = (message as { type?: unknown }).type;
  return type === HELLO || type === WELCOME || type === COLLECT || type === COLLECTED;
}

let loaded: Cluster | undefined;

/**
 * `node:cluster`, loaded on first use and not through `require`: Passenger hooks `require` to
 * hand out a non-functional shim with a stack trace on stderr (prom-client issue 293), while
 * `process.getBuiltinModule` (Node 22.3+) always returns the real module.
 */
export function nodeCluster(): Cluster {
  // It returns what `require` would (the Cluster object); the types describe the ESM namespace.
  loaded ??= process.getBuiltinModule('node:cluster') as unknown as Cluster;
  return loaded;
}

/** The cluster worker id of this process, or undefined when it is not a `node:cluster` worker. */
export function clusterWorkerId(): number | undefined {
  const cluster = nodeCluster();
  return cluster.isWorker ? cluster.worker?.id : undefined;
}
